"""Probes: a moderator's follow-up question to one participant or a segment."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from community.models.communities import Community, Membership
from community.models.discussions import Discussion, Post


class Probe(models.Model):
    """A follow-up in an activity; answers are Posts pointing back here (`Post.probe`)."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="probes")
    discussion = models.ForeignKey(Discussion, on_delete=models.CASCADE, related_name="probes")
    # The response being followed up on; answers thread under it so they read in place.
    post = models.ForeignKey(Post, on_delete=models.SET_NULL, null=True, blank=True, related_name="probes")
    author = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="probes_asked")
    # Exactly one of addressee / segment is set (see the constraint below).
    addressee = models.ForeignKey(
        Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="probes_received"
    )
    segment = models.CharField(max_length=60, blank=True)
    question = models.TextField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["discussion", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=(Q(addressee__isnull=False) & Q(segment=""))
                | (Q(addressee__isnull=True) & ~Q(segment="")),
                name="probe_has_one_addressee_or_one_segment",
            )
        ]

    def __str__(self) -> str:
        return f"Probe {self.pk} in discussion {self.discussion_id}"

    def is_addressed_to(self, membership: Membership) -> bool:
        if not membership.is_participant:
            return False
        if self.addressee_id is not None:
            return self.addressee_id == membership.pk
        return self.segment in (membership.segments or [])
