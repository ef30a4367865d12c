"""In-app notifications and the log that caps reminder emails."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from community.models.communities import Membership
from community.models.discussions import Discussion


class NotificationKind(models.TextChoices):
    PROBE = "probe", "A moderator asked you a follow-up"
    REMINDER = "reminder", "Activities are waiting for you"
    NEW_ACTIVITY = "new_activity", "A new activity opened"
    REPLY = "reply", "Someone replied"
    GENERAL = "general", "Message"


class Notification(models.Model):
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=16, choices=NotificationKind, default=NotificationKind.GENERAL)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    # Site-relative link to what the notification is about.
    url = models.CharField(max_length=300, blank=True)
    discussion = models.ForeignKey(
        Discussion, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    probe = models.ForeignKey(
        "community.Probe", on_delete=models.CASCADE, null=True, blank=True, related_name="notifications"
    )
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    # Set once the email copy went out, so a retried task never sends it twice.
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["membership", "read_at"])]

    def __str__(self) -> str:
        return f"{self.kind} for {self.membership_id}: {self.title}"


class Reminder(models.Model):
    """One reminder sent to a participant about the activities listed; counted for the daily cap."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="reminders")
    notification = models.OneToOneField(
        Notification, on_delete=models.SET_NULL, null=True, blank=True, related_name="reminder"
    )
    discussions = models.ManyToManyField(Discussion, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-sent_at", "-id"]

    def __str__(self) -> str:
        return f"Reminder to {self.membership_id} at {self.sent_at:%Y-%m-%d %H:%M}"
