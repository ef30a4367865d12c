"""The discussion guide (activities) and what participants write in them."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from community.models.communities import Community, Membership


class DiscussionKind(models.TextChoices):
    BOARD = "board", "Group discussion board"
    JOURNAL = "journal", "Private journal"
    LIVE = "live", "Live session"
    SCORECARD = "scorecard", "Scorecard"


class Visibility(models.TextChoices):
    OPEN = "open", "Open: participants see each other's responses"
    UNINFLUENCED = "uninfluenced", "Uninfluenced: others' responses show after posting one's own"


class Discussion(models.Model):
    """One activity of the discussion guide."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="discussions")
    title = models.CharField(max_length=200)
    prompt = models.TextField(blank=True, help_text="Markdown; rendered sanitised.")
    kind = models.CharField(max_length=12, choices=DiscussionKind, default=DiscussionKind.BOARD)
    visibility = models.CharField(max_length=14, choices=Visibility, default=Visibility.OPEN)
    position = models.PositiveIntegerField(default=0)
    is_draft = models.BooleanField(default=True)
    # Empty means every participant; otherwise only participants with one of these segments.
    target_segments = models.JSONField(default=list, blank=True)
    opens_at = models.DateTimeField(null=True, blank=True)
    closes_at = models.DateTimeField(null=True, blank=True)
    is_required = models.BooleanField(default=False)
    media_allowed = models.BooleanField(default=False)
    # A warm-up (introductions, a tech check) is real conversation but not evidence about the
    # brand: its posts stay on the page and in the raw posts export, and research treats them as
    # not analysable, so they leave every result (research.services.posts_analyze).
    in_analysis = models.BooleanField(
        default=True,
        verbose_name="Include in analysis",
        help_text="Untick for warm-ups and tech checks: their posts stay in the discussion but leave "
        "themes, insights, charts and exports of results.",
    )
    # Imported corpora name their discussions by a free-form key.
    import_key = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["community", "position"])]

    def __str__(self) -> str:
        return self.title

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        if self.is_draft:
            return False
        if self.opens_at and now < self.opens_at:
            return False
        return not (self.closes_at and now >= self.closes_at)

    def targets(self, membership: Membership) -> bool:
        if not self.target_segments or not membership.is_participant:
            return True
        return bool(set(self.target_segments) & set(membership.segments or []))


class PostStatus(models.TextChoices):
    PENDING = "pending", "Pending approval"
    PUBLISHED = "published", "Published"
    HIDDEN = "hidden", "Hidden by a moderator"
    REMOVED = "removed", "Removed"
    DELETED = "deleted", "Deleted by its author"


class Post(models.Model):
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="posts")
    discussion = models.ForeignKey(Discussion, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="posts")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    body = models.TextField()
    # `body` rendered by community.markdown at write time, so pages never re-render Markdown.
    body_html = models.TextField(blank=True, editable=False)
    # What clients read instead: the same text with personal details redacted. Written with
    # body_html by the regex redactor, then replaced by the analysis' finer redaction.
    client_body_html = models.TextField(blank=True, editable=False)
    status = models.CharField(max_length=10, choices=PostStatus, default=PostStatus.PUBLISHED, db_index=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    # The id a post had in the file it was imported from (import_posts / export_analysis).
    imported_id = models.CharField(max_length=120, blank=True)
    # Who last changed the status and why (the full history is in AuditEntry).
    status_changed_at = models.DateTimeField(null=True, blank=True)
    status_changed_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status_reason = models.TextField(blank=True)
    # Set when this post answers a moderator's probe (community.models.probes).
    probe = models.ForeignKey(
        "community.Probe", on_delete=models.SET_NULL, null=True, blank=True, related_name="answers"
    )
    # Set when this post archives a participant's line from a live session (community.services.
    # live_archive); unique, so a message becomes at most one post however often archiving runs.
    live_message = models.OneToOneField(
        "community.LiveMessage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="archived_post",
    )

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["discussion", "status", "created_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "imported_id"],
                condition=~Q(imported_id=""),
                name="unique_imported_id_per_community",
            )
        ]

    def __str__(self) -> str:
        return f"Post {self.pk} by {self.author_id}"

    @property
    def is_published(self) -> bool:
        return self.status == PostStatus.PUBLISHED


class PostRevision(models.Model):
    """The text a post had before an edit; visible to moderators."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Revision of post {self.post_id} at {self.created_at:%Y-%m-%d %H:%M}"
