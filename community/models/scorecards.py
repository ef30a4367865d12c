"""Scorecards: participants rate the brand per dimension; clients answer as self-assessment."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from community.models.communities import Membership, Role
from community.models.discussions import Discussion

SCORE_MIN = 0
SCORE_MAX = 25

# The 25-point scale and these dimensions follow the published brand-vs-consumer
# studies, so a community's gap can be read beside them.
DEFAULT_DIMENSIONS = [
    ("Privacy", "How well the brand respects and protects your personal data."),
    ("Personalization", "How well what the brand offers you fits you personally."),
    ("Understanding me", "How well the brand understands what you need and want."),
    ("Consistency across channels", "How consistent the brand is in store, online, in the app and by email."),
    ("Relevance of communications", "How relevant the brand's messages to you are."),
]


class Scorecard(models.Model):
    discussion = models.OneToOneField(Discussion, on_delete=models.CASCADE, related_name="scorecard")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Scorecard of discussion {self.discussion_id}"


class ScorecardDimension(models.Model):
    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="dimensions")
    name = models.CharField(max_length=80)
    description = models.CharField(max_length=300, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["scorecard", "name"], name="unique_dimension_name_per_scorecard")
        ]

    def __str__(self) -> str:
        return self.name


class ScorecardResponse(models.Model):
    """One member's answers; the role is stored so later role changes don't move them across the gap."""

    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="responses")
    member = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="scorecard_responses")
    respondent_role = models.CharField(max_length=12, choices=Role)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scorecard", "member"], name="one_scorecard_response_per_member"),
            models.CheckConstraint(
                condition=Q(respondent_role__in=[Role.PARTICIPANT, Role.CLIENT]),
                name="scorecard_respondent_is_participant_or_client",
            ),
        ]

    def __str__(self) -> str:
        return f"Scorecard response of {self.member_id} ({self.respondent_role})"


class ScorecardRating(models.Model):
    response = models.ForeignKey(ScorecardResponse, on_delete=models.CASCADE, related_name="ratings")
    dimension = models.ForeignKey(ScorecardDimension, on_delete=models.CASCADE, related_name="ratings")
    value = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(SCORE_MIN), MaxValueValidator(SCORE_MAX)]
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "dimension"], name="one_rating_per_dimension"),
            models.CheckConstraint(
                condition=Q(value__gte=SCORE_MIN) & Q(value__lte=SCORE_MAX), name="rating_within_scale"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dimension_id}: {self.value}"
