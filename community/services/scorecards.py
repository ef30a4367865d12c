"""Scorecards: setting the dimensions and recording members' ratings."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from community.models import (
    DEFAULT_DIMENSIONS,
    SCORE_MAX,
    SCORE_MIN,
    AuditEntry,
    Discussion,
    DiscussionKind,
    Membership,
    Role,
    Scorecard,
    ScorecardDimension,
    ScorecardRating,
    ScorecardResponse,
)

DIMENSIONS_MAX = 12
DIMENSION_NAME_MAX = 80


def scorecard_ensure(*, discussion: Discussion) -> Scorecard:
    """The scorecard of a scorecard activity, created with the default dimensions on first use."""
    if discussion.kind != DiscussionKind.SCORECARD:
        raise ValidationError({"kind": "Only scorecard activities have a scorecard."})
    with transaction.atomic():
        scorecard, created = Scorecard.objects.get_or_create(discussion=discussion)
        if created:
            ScorecardDimension.objects.bulk_create(
                ScorecardDimension(scorecard=scorecard, name=name, description=description, position=i)
                for i, (name, description) in enumerate(DEFAULT_DIMENSIONS)
            )
    return scorecard


@transaction.atomic
def scorecard_set_dimensions(
    *, scorecard: Scorecard, actor: Membership, dimensions: Iterable[tuple[str, str]]
) -> list[ScorecardDimension]:
    """Replace the dimensions; refused once anyone answered, since old ratings would lose their meaning."""
    if not actor.is_moderator or actor.community_id != scorecard.discussion.community_id:
        raise PermissionDenied("Only moderators can change a scorecard.")
    if scorecard.responses.exists():
        raise ValidationError(
            {"dimensions": "Members have already answered; the dimensions can't change now."}
        )
    cleaned: list[tuple[str, str]] = []
    seen: set[str] = set()
    for name, description in dimensions:
        name, description = (name or "").strip(), (description or "").strip()
        if not name:
            continue
        if len(name) > DIMENSION_NAME_MAX:
            raise ValidationError(
                {"dimensions": f"“{name[:20]}…” is longer than {DIMENSION_NAME_MAX} characters."}
            )
        if name.casefold() in seen:
            raise ValidationError({"dimensions": f"The dimension “{name}” is listed twice."})
        seen.add(name.casefold())
        cleaned.append((name, description[:300]))
    if not 1 <= len(cleaned) <= DIMENSIONS_MAX:
        raise ValidationError({"dimensions": f"A scorecard has between 1 and {DIMENSIONS_MAX} dimensions."})
    scorecard.dimensions.all().delete()
    created = ScorecardDimension.objects.bulk_create(
        ScorecardDimension(scorecard=scorecard, name=name, description=description, position=i)
        for i, (name, description) in enumerate(cleaned)
    )
    AuditEntry.objects.create(
        community_id=scorecard.discussion.community_id,
        actor=actor.user,
        action="scorecard.dimensions_set",
        target_type="scorecard",
        target_id=scorecard.pk,
        details={"dimensions": [name for name, _ in cleaned]},
    )
    return created


def _clean_rating(raw: Any, dimension: ScorecardDimension) -> int:
    message = f"Rate “{dimension.name}” with a whole number from {SCORE_MIN} to {SCORE_MAX}."
    if raw is None or isinstance(raw, bool) or raw == "":
        raise ValidationError(message)
    if isinstance(raw, float):
        if not raw.is_integer():
            raise ValidationError(message)
        raw = int(raw)
    if isinstance(raw, str):
        raw = raw.strip()
        if not raw.lstrip("-").isdigit():
            raise ValidationError(message)
        raw = int(raw)
    if not isinstance(raw, int) or not SCORE_MIN <= raw <= SCORE_MAX:
        raise ValidationError(message)
    return raw


@transaction.atomic
def scorecard_submit(
    *, scorecard: Scorecard, member: Membership, ratings: Mapping[int | str, Any]
) -> ScorecardResponse:
    """Record (or replace) a member's ratings; `ratings` maps dimension id to a 0..25 score.

    The respondent role comes from the membership, never from the input: a client's
    answers are always the brand's self-assessment.
    """
    discussion = scorecard.discussion
    if member.community_id != discussion.community_id or member.role not in (Role.PARTICIPANT, Role.CLIENT):
        raise PermissionDenied("Only participants and clients answer scorecards.")
    if member.is_participant and not discussion.targets(member):
        raise PermissionDenied("This scorecard is not open to you.")
    if not discussion.is_open():
        raise ValidationError({"scorecard": "This scorecard is not open for answers."})
    dimensions = list(scorecard.dimensions.all())
    by_id = {str(d.pk): d for d in dimensions}
    given = {str(k): v for k, v in ratings.items()}
    errors: dict[str, list[str]] = {}
    unknown = sorted(set(given) - set(by_id))
    if unknown:
        errors["ratings"] = [f"Unknown dimension(s): {', '.join(unknown)}."]
    values: dict[str, int] = {}
    for key, dimension in by_id.items():
        if key not in given:
            errors[f"dimension_{key}"] = [f"Rate “{dimension.name}”; every dimension needs an answer."]
            continue
        try:
            values[key] = _clean_rating(given[key], dimension)
        except ValidationError as exc:
            errors[f"dimension_{key}"] = exc.messages
    if errors:
        raise ValidationError(errors)

    now = timezone.now()
    response, created = ScorecardResponse.objects.select_for_update().get_or_create(
        scorecard=scorecard,
        member=member,
        defaults={"respondent_role": member.role, "created_at": now, "updated_at": now},
    )
    if not created:
        response.respondent_role = member.role
        response.updated_at = now
        response.save(update_fields=["respondent_role", "updated_at"])
        response.ratings.all().delete()
    ScorecardRating.objects.bulk_create(
        ScorecardRating(response=response, dimension=by_id[key], value=value) for key, value in values.items()
    )
    return response
