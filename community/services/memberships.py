"""Writes for communities, memberships, invitations and consent.

Every membership action leaves an AuditEntry. Emails go out only after the
transaction commits, so a rolled-back invitation never reaches anybody.
"""

from __future__ import annotations

import csv
import io
import logging
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from community.invitations import invitation_path
from community.models import AuditEntry, Community, Invitation, Membership, Role, generate_pseudonym

User = get_user_model()
logger = logging.getLogger(__name__)

_SEGMENT_SPLIT = re.compile(r"[;|,]")


class MembershipError(Exception):
    """A refused membership action; the message is shown to the user as is."""


@dataclass
class CsvInviteError(Exception):
    """Every problem found in an uploaded invitation file, each naming its line."""

    errors: list[str]

    def __str__(self) -> str:
        return "; ".join(self.errors)


def _audit(
    *,
    community: Community,
    actor,
    action: str,
    target: Membership | Invitation | Community | None = None,
    reason: str = "",
    details: dict | None = None,
) -> AuditEntry:
    return AuditEntry.objects.create(
        community=community,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        target_type=type(target).__name__.lower() if target is not None else "",
        target_id=target.pk if target is not None else None,
        reason=reason,
        details=details or {},
    )


def segments_clean(value: str | Iterable[str] | None) -> list[str]:
    """Segments as a tidy list: split on , ; or |, trimmed, de-duplicated ignoring case.

    Raises ValidationError naming the limit when there are too many or one is too long.
    """
    if value is None:
        return []
    items = _SEGMENT_SPLIT.split(value) if isinstance(value, str) else list(value)
    max_chars = settings.VERBATIM["SEGMENT_MAX_CHARS"]
    max_count = settings.VERBATIM["SEGMENTS_PER_MEMBER_MAX"]
    cleaned: list[str] = []
    seen: set[str] = set()
    for item in items:
        segment = " ".join(str(item).split())
        if not segment or segment.lower() in seen:
            continue
        if len(segment) > max_chars:
            raise ValidationError(
                f"Segment {segment[:20]!r}… is {len(segment)} characters; the limit is {max_chars}."
            )
        seen.add(segment.lower())
        cleaned.append(segment)
    if len(cleaned) > max_count:
        raise ValidationError(f"{len(cleaned)} segments given; the limit is {max_count} per member.")
    return cleaned


def _pseudonym_for(*, community: Community, user, role: str) -> str:
    taken = set(Membership.objects.filter(community=community).values_list("pseudonym", flat=True))
    if role == Role.PARTICIPANT:
        return generate_pseudonym(taken)
    # Staff speak under their role and first name, so participants know who is asking.
    base = f"{Role(role).label} {user.first_name or user.username}"[:55]
    candidate, number = base, 2
    while candidate in taken:
        candidate = f"{base} {number}"
        number += 1
    return candidate


# --- Communities -------------------------------------------------------------------------


@transaction.atomic
def community_create(
    *,
    name: str,
    slug: str,
    brand_name: str,
    created_by,
    description: str = "",
    brand_aliases: list[str] | None = None,
    competitor_brands: list[str] | None = None,
    consent_text: str | None = None,
) -> Community:
    if Community.objects.filter(slug=slug).exists():
        raise MembershipError(f"The address “{slug}” is already used by another community.")
    community = Community(
        name=name,
        slug=slug,
        brand_name=brand_name,
        description=description,
        brand_aliases=brand_aliases or [],
        competitor_brands=competitor_brands or [],
    )
    if consent_text:
        community.consent_text = consent_text
    community.save()
    _audit(community=community, actor=created_by, action="community.created", target=community)
    return community


@transaction.atomic
def community_update_consent(*, community: Community, consent_text: str, actor) -> Community:
    """New consent text means a new version: every participant is asked again."""
    community = Community.objects.select_for_update().get(pk=community.pk)
    community.consent_text = consent_text
    community.consent_version += 1
    community.save(update_fields=["consent_text", "consent_version"])
    _audit(
        community=community,
        actor=actor,
        action="community.consent_changed",
        target=community,
        details={"consent_version": community.consent_version},
    )
    return community


# --- Memberships -------------------------------------------------------------------------


@transaction.atomic
def membership_create(
    *,
    user,
    community: Community,
    role: str,
    segments: Iterable[str] = (),
    actor=None,
    action: str = "membership.granted",
) -> Membership:
    """Give `user` a role in `community` (or change it and reactivate an old membership)."""
    if role not in Role.values:
        raise MembershipError(f"Unknown role {role!r}; choose one of {', '.join(Role.values)}.")
    segments = segments_clean(list(segments))
    membership = Membership.objects.select_for_update().filter(user=user, community=community).first()
    if membership is not None:
        changed = membership.role != role or not membership.is_active
        membership.role = role
        membership.is_active = True
        if segments:
            membership.segments = segments
        membership.save(update_fields=["role", "is_active", "segments", "updated_at"])
        if changed:
            _audit(
                community=community,
                actor=actor,
                action=action,
                target=membership,
                details={"role": role, "rejoined": True},
            )
        return membership
    # Two people joining at the same moment may draw the same pseudonym; retry on the clash.
    for attempt in range(5):
        try:
            with transaction.atomic():
                membership = Membership.objects.create(
                    user=user,
                    community=community,
                    role=role,
                    segments=segments,
                    pseudonym=_pseudonym_for(community=community, user=user, role=role),
                )
            break
        except IntegrityError:
            if attempt == 4:
                raise
    _audit(
        community=community,
        actor=actor or user,
        action=action,
        target=membership,
        details={"role": role, "segments": segments},
    )
    return membership


def membership_consent(*, membership: Membership) -> Membership:
    """Record that the participant accepted the community's current consent text."""
    with transaction.atomic():
        membership.consent_version = membership.community.consent_version
        membership.consented_at = timezone.now()
        membership.save(update_fields=["consent_version", "consented_at", "updated_at"])
        _audit(
            community=membership.community,
            actor=membership.user,
            action="membership.consented",
            target=membership,
            details={"consent_version": membership.consent_version},
        )
    return membership


def membership_update_segments(*, membership: Membership, segments: Iterable[str] | str, actor) -> Membership:
    cleaned = segments_clean(segments)
    before = list(membership.segments)
    if cleaned == before:
        return membership
    with transaction.atomic():
        membership.segments = cleaned
        membership.save(update_fields=["segments", "updated_at"])
        _audit(
            community=membership.community,
            actor=actor,
            action="membership.segments_changed",
            target=membership,
            details={"before": before, "after": cleaned},
        )
    return membership


def membership_deactivate(*, membership: Membership, actor, reason: str = "") -> Membership:
    """The member loses access at once; their posts and history stay."""
    if membership.user_id == getattr(actor, "pk", None):
        raise MembershipError("You cannot deactivate your own membership.")
    if not membership.is_active:
        return membership
    with transaction.atomic():
        membership.is_active = False
        membership.save(update_fields=["is_active", "updated_at"])
        _audit(
            community=membership.community,
            actor=actor,
            action="membership.deactivated",
            target=membership,
            reason=reason,
        )
    return membership


def membership_reactivate(*, membership: Membership, actor) -> Membership:
    if membership.is_active:
        return membership
    with transaction.atomic():
        membership.is_active = True
        membership.save(update_fields=["is_active", "updated_at"])
        _audit(
            community=membership.community, actor=actor, action="membership.reactivated", target=membership
        )
    return membership


def membership_set_role(*, membership: Membership, role: str, actor) -> Membership:
    if role not in Role.values:
        raise MembershipError(f"Unknown role {role!r}; choose one of {', '.join(Role.values)}.")
    if role == membership.role:
        return membership
    before = membership.role
    with transaction.atomic():
        membership.role = role
        membership.save(update_fields=["role", "updated_at"])
        _audit(
            community=membership.community,
            actor=actor,
            action="membership.role_changed",
            target=membership,
            details={"before": before, "after": role},
        )
    return membership


# --- Invitations -------------------------------------------------------------------------


# Links in mail sent on a developer's machine with neither SITE_URL nor a request to go by.
LOCAL_SITE_URL = "http://127.0.0.1:8000"
_LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "[::1]", "testserver"})
_fallback_warned = False


def _fallback_base() -> str:
    """The address to put in mail when SITE_URL is unset and no request says where the app is
    (workers, beat, shells): the first concrete ALLOWED_HOSTS name, which a deploy must set, over
    https in production; the local development server otherwise. Warned about once per process."""
    global _fallback_warned
    host = next(
        (
            h.lstrip(".")
            for h in settings.ALLOWED_HOSTS
            if h and h != "*" and h.lstrip(".") not in _LOCAL_HOSTS
        ),
        "",
    )
    scheme = "https" if getattr(settings, "PRODUCTION", False) else "http"
    base = f"{scheme}://{host}" if host else LOCAL_SITE_URL
    if not _fallback_warned:
        _fallback_warned = True
        logger.warning(
            "SITE_URL is not set: emailed links point at %s (from %s). Set SITE_URL to the public "
            "address, e.g. https://research.example.com.",
            base,
            "ALLOWED_HOSTS" if host else "the local development server",
        )
    return base


def link_base(site_url: str = "") -> str:
    """Where emailed links point, always absolute: the SITE_URL setting (the public address, behind
    any proxy) when set, else `site_url`, the address the request that sends the mail came to, else
    the first host name of ALLOWED_HOSTS (`_fallback_base`)."""
    if settings.SITE_URL:
        return settings.SITE_URL.rstrip("/")
    if site_url and "://" in site_url:
        return site_url.rstrip("/")
    return _fallback_base()


def _invitation_email(invitation: Invitation, site_url: str = "") -> EmailMessage:
    context = {
        "invitation": invitation,
        "community": invitation.community,
        "url": f"{link_base(site_url)}{invitation_path(invitation)}",
        "max_age_days": settings.VERBATIM["INVITATION_MAX_AGE_DAYS"],
        "inviter": invitation.invited_by,
    }
    return EmailMessage(
        subject=f"You're invited to {invitation.community.name}",
        body=render_to_string("community/email/invitation.txt", context),
        to=[invitation.email],
    )


def _send_invitations(invitation_ids: list[int], site_url: str = "") -> None:
    invitations = Invitation.objects.filter(pk__in=invitation_ids).select_related("community", "invited_by")
    with get_connection() as connection:
        connection.send_messages([_invitation_email(invitation, site_url) for invitation in invitations])


def _check_invitable(*, email: str, role: str) -> tuple[str, str]:
    """Normalised (email, role) or ValidationError with a readable message."""
    email = (email or "").strip()
    role = (role or Role.PARTICIPANT).strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError(f"“{email}” is not a valid email address.") from None
    if role not in Role.values:
        raise ValidationError(f"Role “{role}” is not one of {', '.join(Role.values)}.")
    return email.lower(), role


def _already_members(community: Community, emails: Iterable[str]) -> set[str]:
    return {
        email.lower()
        for email in Membership.objects.filter(
            community=community, is_active=True, user__email__in=list(emails)
        ).values_list("user__email", flat=True)
    }


def _revoke_pending(community: Community, emails: Iterable[str]) -> list[Invitation]:
    """Withdraw the pending invitations of `emails` and return them (as they were).

    Inviting again replaces the earlier link: only the newest one works, with the role and
    segments of the new invitation (a researcher re-inviting states who the person is now;
    to send the same invitation again there is "Resend").
    """
    pending = list(
        Invitation.objects.select_for_update()
        .filter(
            community=community,
            email__in=list(emails),
            accepted_at__isnull=True,
            revoked_at__isnull=True,
        )
        .order_by("created_at", "pk")
    )
    if pending:
        Invitation.objects.filter(pk__in=[i.pk for i in pending]).update(revoked_at=timezone.now())
    return pending


def _invited_details(invitation: Invitation, replaced: list[Invitation], *, bulk: bool = False) -> dict:
    """The audit entry's details of an invitation, naming the ones it withdrew."""
    details: dict = {"email": invitation.email, "role": invitation.role, "segments": invitation.segments}
    if bulk:
        details["bulk"] = True
    if replaced:
        details["replaced"] = [
            {"invitation_id": old.pk, "role": old.role, "segments": old.segments} for old in replaced
        ]
    return details


def invitation_create(
    *,
    community: Community,
    email: str,
    role: str,
    segments: Iterable[str] | str = (),
    invited_by,
    site_url: str = "",
) -> Invitation:
    """Invite one person; the email goes out after commit. ValidationError on bad input.

    `site_url` is the address the app was reached at (links use it unless SITE_URL is set)."""
    email, role = _check_invitable(email=email, role=role)
    segments = segments_clean(segments)
    if _already_members(community, [email]):
        raise ValidationError(f"{email} is already a member of {community.name}.")
    with transaction.atomic():
        replaced = _revoke_pending(community, [email])
        invitation = Invitation.objects.create(
            community=community, email=email, role=role, segments=segments, invited_by=invited_by
        )
        _audit(
            community=community,
            actor=invited_by,
            action="membership.invited",
            target=invitation,
            details=_invited_details(invitation, replaced),
        )
        transaction.on_commit(lambda: _send_invitations([invitation.pk], site_url))
    # Not stored: for the caller to say what the new invitation withdrew.
    invitation.replaced = replaced
    return invitation


def _parse_invitation_csv(content: str, *, community: Community) -> list[tuple[str, str, list[str]]]:
    max_rows = settings.VERBATIM["CSV_INVITE_MAX_ROWS"]
    rows = list(csv.reader(io.StringIO(content)))
    errors: list[str] = []
    parsed: list[tuple[int, str, str, list[str]]] = []
    seen: dict[str, int] = {}
    for line_number, row in enumerate(rows, start=1):
        if not any(cell.strip() for cell in row):
            continue
        if line_number == 1 and row[0].strip().lower() in {"email", "e-mail", "email address"}:
            continue  # header row
        if len(parsed) + len(errors) >= max_rows:
            raise CsvInviteError([f"The file has more than {max_rows} rows; the limit is {max_rows}."])
        email, role, raw_segments = (row + ["", "", ""])[:3]
        if len(row) > 3 and any(cell.strip() for cell in row[3:]):
            # Commas inside an unquoted segments cell spill into extra columns; keep them.
            raw_segments = ";".join([raw_segments, *row[3:]])
        try:
            email, role = _check_invitable(email=email, role=role)
            segments = segments_clean(raw_segments)
        except ValidationError as exc:
            errors.append(f"Line {line_number}: {' '.join(exc.messages)}")
            continue
        if email in seen:
            errors.append(f"Line {line_number}: {email} is already on line {seen[email]}.")
            continue
        seen[email] = line_number
        parsed.append((line_number, email, role, segments))
    for email in sorted(_already_members(community, seen)):
        errors.append(f"Line {seen[email]}: {email} is already a member of {community.name}.")
    if not parsed and not errors:
        errors.append("The file has no invitations in it (expected: email, role, segments).")
    if errors:
        errors.sort(
            key=lambda message: int(message.split(":")[0].split()[-1]) if message.startswith("Line") else 0
        )
        raise CsvInviteError(errors)
    return [(email, role, segments) for _, email, role, segments in parsed]


def invitations_create_from_csv(
    *, community: Community, data: bytes, invited_by, site_url: str = ""
) -> list[Invitation]:
    """Invite everyone in a CSV (email, role, segments): all rows or none.

    Every row is checked before anything is saved; CsvInviteError lists each
    problem with its line number.
    """
    max_bytes = settings.VERBATIM["UPLOAD_MAX_BYTES"]
    if len(data) > max_bytes:
        raise CsvInviteError([f"The file is {len(data)} bytes; the limit is {max_bytes} bytes."])
    try:
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CsvInviteError(["The file is not UTF-8 text; save it as “CSV UTF-8” and try again."]) from None
    rows = _parse_invitation_csv(content, community=community)
    with transaction.atomic():
        replaced_by_email: dict[str, list[Invitation]] = defaultdict(list)
        for old in _revoke_pending(community, [email for email, _, _ in rows]):
            replaced_by_email[old.email].append(old)
        invitations = Invitation.objects.bulk_create(
            [
                Invitation(
                    community=community, email=email, role=role, segments=segments, invited_by=invited_by
                )
                for email, role, segments in rows
            ]
        )
        if any(invitation.pk is None for invitation in invitations):
            # Backends that do not return ids from bulk_create: look them up by token.
            by_token = dict(
                Invitation.objects.filter(token__in=[i.token for i in invitations]).values_list("token", "pk")
            )
            for invitation in invitations:
                invitation.pk = by_token[invitation.token]
        AuditEntry.objects.bulk_create(
            [
                AuditEntry(
                    community=community,
                    actor=invited_by,
                    action="membership.invited",
                    target_type="invitation",
                    target_id=invitation.pk,
                    details=_invited_details(invitation, replaced_by_email[invitation.email], bulk=True),
                )
                for invitation in invitations
            ]
        )
        ids = [invitation.pk for invitation in invitations]
        transaction.on_commit(lambda: _send_invitations(ids, site_url))
    for invitation in invitations:
        invitation.replaced = replaced_by_email[invitation.email]
    return invitations


def invitation_revoke(*, invitation: Invitation, actor) -> Invitation:
    if invitation.accepted_at is not None:
        raise MembershipError("This invitation has already been accepted; deactivate the member instead.")
    if invitation.revoked_at is not None:
        return invitation
    with transaction.atomic():
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        _audit(
            community=invitation.community,
            actor=actor,
            action="membership.invitation_revoked",
            target=invitation,
            details={"email": invitation.email},
        )
    return invitation


def invitation_resend(*, invitation: Invitation, actor, site_url: str = "") -> Invitation:
    """A fresh link (the old one stops working) for the same person, role and segments."""
    return invitation_create(
        community=invitation.community,
        email=invitation.email,
        role=invitation.role,
        segments=invitation.segments,
        invited_by=actor,
        site_url=site_url,
    )


def invitation_accept(*, invitation: Invitation, user) -> Membership:
    """Join the community as the invited role. The invitation is used up, even under a race."""
    if (user.email or "").lower() != invitation.email.lower():
        raise MembershipError(
            f"This invitation is for {invitation.email}, but you are signed in as {user.email or user.username}."
        )
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.accepted_at is not None or locked.revoked_at is not None:
            raise MembershipError("This invitation has already been used or was withdrawn.")
        locked.accepted_at = timezone.now()
        locked.accepted_by = user
        locked.save(update_fields=["accepted_at", "accepted_by"])
        membership = membership_create(
            user=user,
            community=locked.community,
            role=locked.role,
            segments=locked.segments,
            actor=user,
            action="membership.joined",
        )
    invitation.accepted_at, invitation.accepted_by = locked.accepted_at, user
    return membership


def user_create_from_invitation(
    *, invitation: Invitation, first_name: str, last_name: str, password: str
) -> tuple[object, Membership]:
    """A new account for the invited email, joined to the community. ValidationError on bad input."""
    # Usernames are emails for invited accounts, so either match means "this person exists".
    if User.objects.filter(Q(email__iexact=invitation.email) | Q(username__iexact=invitation.email)).exists():
        raise MembershipError(f"An account for {invitation.email} already exists; sign in to accept.")
    user = User(
        username=invitation.email[:150],
        email=invitation.email,
        first_name=first_name.strip()[:150],
        last_name=last_name.strip()[:150],
    )
    validate_password(password, user)
    user.set_password(password)
    with transaction.atomic():
        user.save()
        membership = invitation_accept(invitation=invitation, user=user)
    return user, membership
