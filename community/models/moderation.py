"""Participant flags on posts; the moderation decisions themselves are audited in AuditEntry."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from community.models.communities import Membership
from community.models.discussions import Post


class Flag(models.Model):
    """A member's report that a post needs a moderator's attention."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="flags")
    flagged_by = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="flags_raised")
    reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Set when a moderator acts on the post; open flags are what the queue's "flagged" filter shows.
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["post", "flagged_by"],
                condition=Q(resolved_at__isnull=True),
                name="one_open_flag_per_member_and_post",
            )
        ]
        indexes = [models.Index(fields=["post", "resolved_at"])]

    def __str__(self) -> str:
        return f"Flag on post {self.post_id} by {self.flagged_by_id}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None
