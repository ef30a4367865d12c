"""A member's erasure of their own data (their right to be forgotten).

What is kept and what goes, per membership:
- The membership row stays (other people's replies, flags, probes and analysis point at it)
  but is cut loose from the person: it moves to a fresh, inactive placeholder account and
  gets a neutral pseudonym, so nothing links it back to them or to their other communities.
- Participants' posts follow `Community.erasure_policy`: "anonymize" keeps them with email
  addresses, phone numbers and the person's own names redacted; "remove" marks them REMOVED,
  empties their text and history and announces "removed" so analysis drops them.
  Moderators' and clients' posts are always anonymised: they are part of other people's threads.
- Their images, notifications and reminder log go; scorecard answers stay (anonymous) under
  "anonymize" and go under "remove".
- The account itself is anonymised and deactivated, never deleted, so audit entries keep a target.
- Other people keep writing "Thanks Dan": the words of the person's names are kept in each
  community's roster as keyed hashes only (community.roster), so every non-moderator reader
  gets [NAME] there from now on, and text stored for clients from posts that name them
  (analysis' redaction, client copies) is redacted again in this transaction (`names_erased`).
  Spotlight events that quoted one of their live lines lose the old pseudonym and the old words.
- The audit log keeps every entry (what was done, when, to which target) but not the person:
  their old pseudonym becomes the tombstone, their names and contact details are redacted, and
  their own actions point at the membership's placeholder account (`_scrub_audit`).
  Moderators still read the original words of other people's posts.
Everything happens in one transaction; nothing is half-erased.
"""

from __future__ import annotations

import contextlib
import secrets
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from community.events import announce_post_event
from community.markdown import render_markdown
from community.models import (
    AuditEntry,
    ErasurePolicy,
    Invitation,
    LiveMessage,
    LiveStream,
    Membership,
    Notification,
    Post,
    PostImage,
    PostRevision,
    PostStatus,
    Probe,
    Reminder,
    ScorecardResponse,
)
from community.models.communities import ERASED_USERNAME_PREFIX
from community.pii import apply_redactions, name_spans, redact_contact_details
from community.roster import names_erased, roster_for, roster_remember_erased

User = get_user_model()

ERASED_REASON = "Erased at the member's request."
LIVE_LINE_REMOVED = "[removed at the member's request]"
TOMBSTONE_PREFIX = "Former member"


def redact_personal_details(text: str, *, names: tuple[str, ...] = ()) -> str:
    """`text` with contact details (community.pii) and the given names replaced by markers."""
    return redact_contact_details(text, names=names)


@dataclass
class ErasureResult:
    memberships: int = 0
    posts_anonymised: int = 0
    posts_removed: int = 0
    scorecard_responses_deleted: int = 0
    live_messages: int = 0
    image_files: list[str] = field(default_factory=list)


def _tombstone_pseudonym(membership: Membership) -> str:
    taken = set(
        Membership.objects.filter(
            community_id=membership.community_id, pseudonym__startswith=TOMBSTONE_PREFIX
        ).values_list("pseudonym", flat=True)
    )
    number = len(taken) + 1
    while f"{TOMBSTONE_PREFIX} {number}" in taken:
        number += 1
    return f"{TOMBSTONE_PREFIX} {number}"


def _placeholder_user() -> User:
    placeholder = User(username=f"{ERASED_USERNAME_PREFIX}{secrets.token_hex(8)}", is_active=False)
    placeholder.set_unusable_password()
    placeholder.save()
    return placeholder


def _set_body(post: Post, body: str) -> list[str]:
    post.body = body
    fields = ["body"]
    post.body_html = render_markdown(body)
    post.client_body_html = render_markdown(
        roster_for(post.community_id).redact(redact_contact_details(body))
    )
    fields += ["body_html", "client_body_html"]
    return fields


def _anonymise_posts(membership: Membership, names: tuple[str, ...]) -> int:
    changed = 0
    for post in Post.objects.filter(author=membership).select_related("discussion"):
        redacted = redact_personal_details(post.body, names=names)
        if redacted == post.body:
            continue
        post.save(update_fields=_set_body(post, redacted))
        changed += 1
        if post.status == PostStatus.PUBLISHED:
            announce_post_event(
                post_id=post.pk,
                community_id=post.community_id,
                discussion_id=post.discussion_id,
                kind="edited",
            )
    for revision in PostRevision.objects.filter(post__author=membership):
        redacted = redact_personal_details(revision.body, names=names)
        if redacted != revision.body:
            revision.body = redacted
            revision.save(update_fields=["body"])
    return changed


def _erase_live_messages(membership: Membership, names: tuple[str, ...], *, remove: bool) -> int:
    """What the member said in live sessions (room, backroom, probe threads) follows the policy too:
    the transcript keeps the line, anonymised, or keeps only a marker that a line was removed."""
    changed = 0
    for message in LiveMessage.objects.filter(author=membership).exclude(body=""):
        body = LIVE_LINE_REMOVED if remove else redact_personal_details(message.body, names=names)
        if body != message.body:
            message.body = body
            message.save(update_fields=["body"])
            changed += 1
    return changed


def _scrub_spotlights(membership: Membership) -> int:
    """Spotlight events keep a copy of the line and its author's pseudonym as they were then:
    point them at the line as it is now (anonymised or removed) under the tombstone pseudonym."""
    changed = 0
    events = LiveMessage.objects.filter(data__event="spotlight")
    lines = {
        (session_id, seq): body
        for session_id, seq, body in LiveMessage.objects.filter(
            author=membership, stream=LiveStream.ROOM
        ).values_list("session_id", "seq", "body")
    }
    if not lines:
        return 0
    for event in events.filter(session_id__in={session_id for session_id, _ in lines}):
        body = lines.get((event.session_id, (event.data or {}).get("seq")))
        if body is None:
            continue
        event.data = {**event.data, "body": body, "author": membership.pseudonym}
        event.save(update_fields=["data"])
        changed += 1
    return changed


def _scrub_audit(membership: Membership, *, user, old_pseudonym: str, names: tuple[str, ...]) -> int:
    """Take the person out of the community's audit log while keeping what happened, and when.

    The log is append-only; erasure is the one rewrite it allows, and only of who was involved:
    - their own actions (consent, flags, deleting a post) point at the membership's placeholder
      account instead of theirs, which is the same account in every community they were in;
      the log shows them as the tombstone pseudonym ("Former member 3 (erased)");
    - entries about them (their membership, posts and invitations) lose their names, username,
      email and contact details in the reason and details, and their old pseudonym becomes the
      tombstone;
    - other entries that mention them (a moderator's reason naming them) lose their names only.
    Actions, times, targets and reasons otherwise stay, so the trail still says what was done.
    """
    community_id = membership.community_id
    post_ids = list(Post.objects.filter(author=membership).values_list("pk", flat=True))
    invitation_ids = list(
        Invitation.objects.filter(community_id=community_id)
        .filter(Q(accepted_by=user) | Q(email__iexact=user.email or "\0"))
        .values_list("pk", flat=True)
    )
    about = (
        Q(actor=user)
        | Q(target_type="membership", target_id=membership.pk)
        | Q(target_type="post", target_id__in=post_ids)
        | Q(target_type="invitation", target_id__in=invitation_ids)
    )
    mentions = Q(details_text__icontains=old_pseudonym)
    for name in {n for n in names if len(n) >= 3}:
        mentions |= Q(reason__icontains=name) | Q(details_text__icontains=name)
    entries = list(
        AuditEntry.objects.filter(community_id=community_id)
        .annotate(details_text=Cast("details", TextField()))
        .filter(about | mentions)
    )
    targets = {("membership", membership.pk)}
    targets |= {("post", pk) for pk in post_ids} | {("invitation", pk) for pk in invitation_ids}

    def clean(text: str, whole: bool) -> str:
        if old_pseudonym:
            text = text.replace(old_pseudonym, membership.pseudonym)
        if whole:
            return redact_contact_details(text, names=names)
        return apply_redactions(text, name_spans(text, names))

    def walk(value, whole: bool):
        if isinstance(value, str):
            return clean(value, whole)
        if isinstance(value, list):
            return [walk(v, whole) for v in value]
        if isinstance(value, dict):
            return {k: walk(v, whole) for k, v in value.items()}
        return value

    changed = []
    for entry in entries:
        whole = entry.actor_id == user.pk or (entry.target_type, entry.target_id) in targets
        reason, details = clean(entry.reason, whole), walk(entry.details, whole)
        actor_id = membership.user_id if entry.actor_id == user.pk else entry.actor_id
        if (reason, details, actor_id) != (entry.reason, entry.details, entry.actor_id):
            entry.reason, entry.details, entry.actor_id = reason, details, actor_id
            changed.append(entry)
    # bulk_update writes with UPDATE, past AuditEntry.save's append-only guard: on purpose, here only.
    AuditEntry.objects.bulk_update(changed, ["actor", "reason", "details"])
    return len(changed)


def _others_posts_naming(membership: Membership, words: list[str]) -> list[int]:
    """Other people's posts in the community whose words may hold the erased member's names
    (a superset is fine: re-redaction checks each text against the roster)."""
    if not words:
        return []
    query = Q()
    for word in words:
        query |= Q(body__icontains=word)
    return list(
        Post.objects.filter(query, community_id=membership.community_id)
        .exclude(author=membership)
        .values_list("pk", flat=True)
    )


def _remove_posts(membership: Membership) -> int:
    now = timezone.now()
    removed = 0
    for post in Post.objects.filter(author=membership):
        was_visible = post.status not in (PostStatus.REMOVED, PostStatus.DELETED)
        fields = _set_body(post, "")
        post.status = PostStatus.REMOVED
        post.status_changed_at = now
        post.status_changed_by = None
        post.status_reason = ERASED_REASON
        post.save(
            update_fields=[*fields, "status", "status_changed_at", "status_changed_by", "status_reason"]
        )
        if was_visible:
            removed += 1
            announce_post_event(
                post_id=post.pk,
                community_id=post.community_id,
                discussion_id=post.discussion_id,
                kind="removed",
            )
    PostRevision.objects.filter(post__author=membership).delete()
    return removed


@transaction.atomic
def user_erase(*, user, password: str) -> ErasureResult:
    """Erase `user`'s personal data after they confirm with their password; see the module docstring."""
    if not password or not user.has_usable_password() or not user.check_password(password):
        raise ValidationError({"password": "That is not your password; nothing was erased."})
    user = User.objects.select_for_update().get(pk=user.pk)
    names = tuple(n for n in (user.first_name, user.last_name, user.get_username(), user.email) if n)
    # Only the person's names go into rosters (as hashes): a username or an email is not how others write.
    name_words = [w for n in (user.first_name, user.last_name) for w in n.split() if len(w) >= 2]
    result = ErasureResult()
    memberships = list(Membership.objects.filter(user=user).select_related("community").order_by("pk"))
    for membership in memberships:
        community = membership.community
        if name_words:
            roster_remember_erased(community.pk, user.first_name, user.last_name)
        remove = membership.is_participant and community.erasure_policy == ErasurePolicy.REMOVE
        images = PostImage.objects.filter(post__author=membership)
        result.image_files += [image.file.name for image in images if image.file]
        images.delete()
        if remove:
            posts = _remove_posts(membership)
            result.posts_removed += posts
            responses = ScorecardResponse.objects.filter(member=membership)
            result.scorecard_responses_deleted += responses.count()
            responses.delete()
        else:
            posts = _anonymise_posts(membership, names)
            result.posts_anonymised += Post.objects.filter(author=membership).count()
        result.live_messages += _erase_live_messages(membership, names, remove=remove)
        # Moderators sometimes greet the person by name in the question itself.
        for probe in Probe.objects.filter(addressee=membership):
            redacted = redact_personal_details(probe.question, names=names)
            if redacted != probe.question:
                probe.question = redacted
                probe.save(update_fields=["question"])
        Reminder.objects.filter(membership=membership).delete()
        Notification.objects.filter(membership=membership).delete()
        old_pseudonym = membership.pseudonym
        membership.user = _placeholder_user()
        membership.pseudonym = _tombstone_pseudonym(membership)
        membership.is_active = False
        membership.save(update_fields=["user", "pseudonym", "is_active", "updated_at"])
        _scrub_audit(membership, user=user, old_pseudonym=old_pseudonym, names=names)
        _scrub_spotlights(membership)
        if name_words:
            names_erased.send(
                sender="community",
                community_id=community.pk,
                post_ids=_others_posts_naming(membership, name_words),
            )
        AuditEntry.objects.create(
            community=community,
            actor=None,
            action="member.erased",
            target_type="membership",
            target_id=membership.pk,
            reason=ERASED_REASON,
            details={
                "policy": "remove" if remove else "anonymize",
                "role": membership.role,
                "member": membership.pseudonym,
                "posts_changed": posts,
            },
        )
        result.memberships += 1

    Invitation.objects.filter(Q(accepted_by=user) | Q(email__iexact=user.email or "\0")).update(
        email="erased@erased.invalid"
    )
    try:
        from rest_framework.authtoken.models import Token
    except ImportError:  # pragma: no cover - the API app is always installed here
        Token = None
    if Token is not None:
        Token.objects.filter(user=user).delete()
    user.username = f"{ERASED_USERNAME_PREFIX}{secrets.token_hex(8)}"
    user.email = ""
    user.first_name = ""
    user.last_name = ""
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.set_unusable_password()
    user.save(
        update_fields=[
            "username",
            "email",
            "first_name",
            "last_name",
            "is_active",
            "is_staff",
            "is_superuser",
            "password",
        ]
    )
    files = list(result.image_files)
    transaction.on_commit(lambda: _delete_files(files))
    return result


def _delete_files(names: list[str]) -> None:
    from django.core.files.storage import default_storage

    for name in names:
        # A file already gone is what we wanted; the rows are deleted either way.
        with contextlib.suppress(OSError):
            default_storage.delete(name)
