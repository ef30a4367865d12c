"""Live sessions: real-time text focus groups run on a discussion of kind "live".

Every message is a `LiveMessage` row written before anything is broadcast. Messages
belong to a *stream* with its own gap-free sequence per session:

- room: what everybody in the session sees (participants' and the moderator's lines,
  question markers, pause/resume/spotlight/end markers);
- backroom: clients' chat and notes to the moderator (clients and moderators only);
- probe: the moderator's private probes and the probed participant's answers (moderators
  and that participant, named by `recipient`).

Separate streams keep the room's sequence gap-free for participants, so a missing
number never hints that a backroom exists, and lets any recipient of a stream detect a
lost broadcast by a gap in the numbers. Backroom notes are backroom-stream messages of
kind "note" rather than a table of their own: one write path, one replay path.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from community.models.communities import Community, Membership
from community.models.discussions import Discussion


class LiveState(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    RUNNING = "running", "Running"
    PAUSED = "paused", "Paused (participants cannot write)"
    ENDED = "ended", "Ended"


class LiveStream(models.TextChoices):
    ROOM = "room", "Room"
    BACKROOM = "backroom", "Backroom"
    PROBE = "probe", "Private probe"


class LiveMessageKind(models.TextChoices):
    MESSAGE = "message", "Message"
    QUESTION = "question", "Guide question"
    SYSTEM = "system", "Session event"
    NOTE = "note", "Note to the moderator"


class LiveSession(models.Model):
    discussion = models.OneToOneField(Discussion, on_delete=models.CASCADE, related_name="live_session")
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="live_sessions")
    scheduled_start = models.DateTimeField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=LiveState, default=LiveState.SCHEDULED)
    current_question = models.ForeignKey(
        "community.LiveQuestion", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    spotlight = models.ForeignKey(
        "community.LiveMessage", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    # Last sequence number handed out per stream; bumped under a row lock with the insert.
    room_seq = models.PositiveBigIntegerField(default=0)
    backroom_seq = models.PositiveBigIntegerField(default=0)
    probe_seq = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Live session of discussion {self.discussion_id} ({self.state})"

    @property
    def accepts_input(self) -> bool:
        return self.state == LiveState.RUNNING


class LiveQuestion(models.Model):
    """One question of the session's guide, pushed to the room one at a time."""

    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveIntegerField(default=0)
    text = models.TextField()
    pushed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text[:60]


class LiveMessage(models.Model):
    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="messages")
    stream = models.CharField(max_length=10, choices=LiveStream)
    seq = models.PositiveBigIntegerField()
    kind = models.CharField(max_length=10, choices=LiveMessageKind, default=LiveMessageKind.MESSAGE)
    # Null for session events written on nobody's behalf.
    author = models.ForeignKey(Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # Probe stream only: the participant whose private thread this message belongs to.
    recipient = models.ForeignKey(
        Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    body = models.TextField(blank=True)
    # Session events: {"event": "paused" | "resumed" | "spotlight" | "ended" | "started", ...}
    data = models.JSONField(default=dict, blank=True)
    # Chosen by the sender's browser; a retried send with the same id is the same message.
    client_id = models.UUIDField(null=True, blank=True)
    # The question on screen when this was written (transcript markers, analysis by question).
    question = models.ForeignKey(
        LiveQuestion, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["session", "stream", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["session", "stream", "seq"], name="live_message_seq_unique"),
            models.UniqueConstraint(
                fields=["session", "author", "client_id"],
                condition=Q(client_id__isnull=False),
                name="live_message_client_id_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.stream} #{self.seq} of session {self.session_id}"


# The process holding a socket refreshes its row this often; a row not refreshed for
# LIVE_CONNECTION_STALE_SECONDS belongs to a process that died (presence ignores it, a sweep deletes it).
LIVE_HEARTBEAT_SECONDS = 30
LIVE_CONNECTION_STALE_SECONDS = 90


class LiveConnection(models.Model):
    """One open socket; presence is the set of members with at least one fresh row (kept in the
    database so every ASGI process sees the same list)."""

    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="connections")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    channel_name = models.CharField(max_length=200, unique=True)
    connected_at = models.DateTimeField(default=timezone.now)
    # Heartbeat: a crashed process never deletes its rows, it only stops refreshing them.
    seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["session", "membership"]),
            models.Index(fields=["seen_at"], name="live_connection_seen_at"),
        ]

    def __str__(self) -> str:
        return f"{self.membership_id} in session {self.session_id}"
