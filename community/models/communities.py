"""Communities, memberships and roles, invitations and consent."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

# Erasure swaps a member's account for a placeholder whose username starts with this.
ERASED_USERNAME_PREFIX = "erased-"


class Role(models.TextChoices):
    PARTICIPANT = "participant", "Participant"
    MODERATOR = "moderator", "Moderator"
    CLIENT = "client", "Client"


class ErasurePolicy(models.TextChoices):
    ANONYMIZE = "anonymize", "Keep posts, detach and anonymise them"
    REMOVE = "remove", "Remove the participant's posts"


class ModerationMode(models.TextChoices):
    POST = "post", "Post-moderation (published at once)"
    PRE = "pre", "Pre-moderation (pending until approved)"


class Community(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60, unique=True)
    description = models.TextField(blank=True)
    brand_name = models.CharField(max_length=80)
    # Lists of strings, e.g. ["Northwind", "NW"]; used for brand/competitor mentions.
    brand_aliases = models.JSONField(default=list, blank=True)
    competitor_brands = models.JSONField(default=list, blank=True)
    consent_text = models.TextField(
        default="I agree that my posts may be read by the research team and, pseudonymised and "
        "with personal details removed, by the brand's team."
    )
    consent_version = models.PositiveIntegerField(default=1)
    moderation_mode = models.CharField(max_length=8, choices=ModerationMode, default=ModerationMode.POST)
    erasure_policy = models.CharField(max_length=12, choices=ErasurePolicy, default=ErasurePolicy.ANONYMIZE)
    # Whether participants may see each other's pseudonyms (clients always see pseudonyms only).
    show_pseudonyms_to_participants = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "communities"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def brand_terms(self) -> list[str]:
        return [self.brand_name, *[a for a in self.brand_aliases if a]]


_PSEUDONYM_ADJECTIVES = [
    "Amber",
    "Brisk",
    "Calm",
    "Clever",
    "Coral",
    "Curious",
    "Daring",
    "Eager",
    "Gentle",
    "Golden",
    "Hazel",
    "Honest",
    "Ivory",
    "Jade",
    "Keen",
    "Lively",
    "Lucky",
    "Maple",
    "Mellow",
    "Misty",
    "Nimble",
    "Olive",
    "Plum",
    "Quiet",
    "Rapid",
    "Rosy",
    "Rustic",
    "Sage",
    "Silver",
    "Sunny",
    "Swift",
    "Teal",
    "Tidy",
    "Velvet",
    "Witty",
    "Zesty",
]
_PSEUDONYM_NOUNS = [
    "Badger",
    "Beacon",
    "Birch",
    "Brook",
    "Cedar",
    "Comet",
    "Crane",
    "Dune",
    "Falcon",
    "Fern",
    "Finch",
    "Fox",
    "Harbor",
    "Heron",
    "Island",
    "Juniper",
    "Lark",
    "Lynx",
    "Meadow",
    "Otter",
    "Owl",
    "Pebble",
    "Pine",
    "Quill",
    "Raven",
    "Reef",
    "River",
    "Robin",
    "Sparrow",
    "Summit",
    "Thistle",
    "Tide",
    "Willow",
    "Wren",
]


def generate_pseudonym(taken: set[str]) -> str:
    """A readable pseudonym not in `taken` (e.g. "Swift Heron"); numbered if the space runs out."""
    rng = secrets.SystemRandom()
    for _ in range(50):
        candidate = f"{rng.choice(_PSEUDONYM_ADJECTIVES)} {rng.choice(_PSEUDONYM_NOUNS)}"
        if candidate not in taken:
            return candidate
    base = f"{rng.choice(_PSEUDONYM_ADJECTIVES)} {rng.choice(_PSEUDONYM_NOUNS)}"
    number = 2
    while f"{base} {number}" in taken:
        number += 1
    return f"{base} {number}"


class Membership(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=12, choices=Role)
    # Shown instead of the real name to other participants and to clients.
    pseudonym = models.CharField(max_length=60)
    segments = models.JSONField(default=list, blank=True)
    # Members brought in by `import_posts` have no login of their own.
    is_imported = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    consent_version = models.PositiveIntegerField(null=True, blank=True)
    consented_at = models.DateTimeField(null=True, blank=True)
    joined_at = models.DateTimeField(default=timezone.now)
    # Any change to role, segments or status moves it: the insights' cache stamp reads the
    # newest one instead of every membership (`research.dashboard_selectors.data_stamp`).
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "community"], name="one_membership_per_user_and_community"
            ),
            models.UniqueConstraint(fields=["community", "pseudonym"], name="unique_pseudonym_in_community"),
        ]
        indexes = [
            models.Index(fields=["community", "role"]),
            models.Index(fields=["community", "updated_at"], name="membership_changed"),
        ]

    def __str__(self) -> str:
        return f"{self.pseudonym} ({self.role} in {self.community_id})"

    @property
    def is_participant(self) -> bool:
        return self.role == Role.PARTICIPANT

    @property
    def is_moderator(self) -> bool:
        return self.role == Role.MODERATOR

    @property
    def is_client(self) -> bool:
        return self.role == Role.CLIENT

    @property
    def has_current_consent(self) -> bool:
        """Only participants must consent; staff roles work under their contract."""
        if not self.is_participant:
            return True
        return self.consent_version is not None and self.consent_version >= self.community.consent_version

    @property
    def is_erased(self) -> bool:
        """The person asked to be erased: this membership now points at a placeholder account."""
        return self.user.username.startswith(ERASED_USERNAME_PREFIX)

    @property
    def name_for_moderators(self) -> str:
        """The real name with the pseudonym, e.g. "Bob Smith (Swift Heron)"; imported members have none."""
        if self.is_imported or self.is_erased:
            # Imported people have no account; an erased member's account is a placeholder
            # whose name says nothing, so the tombstone pseudonym is the whole label.
            return self.pseudonym
        full = self.user.get_full_name() or self.user.username
        return f"{full} ({self.pseudonym})"

    def display_name_for(self, viewer: Membership | None) -> str:
        """Moderators see real identities; everybody else sees the pseudonym."""
        if viewer is not None and viewer.is_moderator:
            return self.name_for_moderators
        return self.pseudonym


class ErasedName(models.Model):
    """A word of an erased member's name, kept only as a keyed hash (community.roster) so the
    community's roster still redacts it in other people's text; the name itself is gone."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="erased_names")
    digest = models.CharField(max_length=64)
    # Words that are also everyday English ("Will", "Rose") or very short count only when capitalised.
    needs_capital = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["community", "digest"], name="unique_erased_name_in_community")
        ]

    def __str__(self) -> str:
        return f"erased name {self.digest[:8]} in {self.community_id}"


class Invitation(models.Model):
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=12, choices=Role)
    segments = models.JSONField(default=list, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="invitations_sent"
    )
    # Random; the emailed link carries it signed with a timestamp (see community.invitations).
    token = models.CharField(max_length=64, unique=True, default=secrets.token_urlsafe)
    created_at = models.DateTimeField(default=timezone.now)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["community", "email"])]
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation of {self.email} to {self.community_id} as {self.role}"


class AuditEntry(models.Model):
    """Append-only record of every moderation and membership action."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="audit_entries")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    action = models.CharField(max_length=40)
    target_type = models.CharField(max_length=40, blank=True)
    target_id = models.BigIntegerField(null=True, blank=True)
    reason = models.TextField(blank=True)
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.action} on {self.target_type}:{self.target_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("Audit entries are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("Audit entries are append-only.")
