"""Moderation: decisions on posts (approve, hide, remove, restore), flags, and the audit trail.

Every decision needs a reason, is recorded in the append-only AuditEntry log in
the same transaction, resolves the post's open flags and announces the state
change to subscribers after commit.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from community.events import announce_post_event
from community.models import AuditEntry, Community, Flag, Membership, Post, PostStatus

REASON_MAX_CHARS = 1000
FLAG_REASON_MAX_CHARS = 500


class ModerationAction:
    APPROVE = "approve"
    HIDE = "hide"
    REMOVE = "remove"
    RESTORE = "restore"

    ALL = ("approve", "hide", "remove", "restore")
    CHOICES = [
        ("approve", "Approve (or keep and dismiss flags)"),
        ("hide", "Hide"),
        ("remove", "Remove"),
        ("restore", "Restore"),
    ]


# action -> (statuses it may start from, resulting status, event kind)
_TRANSITIONS: dict[str, tuple[set[str], str, str]] = {
    ModerationAction.APPROVE: ({PostStatus.PENDING}, PostStatus.PUBLISHED, "published"),
    ModerationAction.HIDE: ({PostStatus.PUBLISHED, PostStatus.PENDING}, PostStatus.HIDDEN, "hidden"),
    ModerationAction.REMOVE: (
        {PostStatus.PUBLISHED, PostStatus.PENDING, PostStatus.HIDDEN},
        PostStatus.REMOVED,
        "removed",
    ),
    ModerationAction.RESTORE: ({PostStatus.HIDDEN, PostStatus.REMOVED}, PostStatus.PUBLISHED, "restored"),
}


def audit_record(
    *,
    community: Community | int,
    actor: Membership | None,
    action: str,
    target: object | None = None,
    reason: str = "",
    details: dict | None = None,
) -> AuditEntry:
    """Append one entry to the community's audit log (never updated or deleted afterwards)."""
    return AuditEntry.objects.create(
        community_id=community if isinstance(community, int) else community.pk,
        actor_id=actor.user_id if actor is not None else None,
        action=action,
        target_type=type(target).__name__.lower() if target is not None else "",
        target_id=getattr(target, "pk", None),
        reason=reason,
        details=details or {},
    )


def _clean_reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "A reason is required for every moderation action."})
    if len(reason) > REASON_MAX_CHARS:
        raise ValidationError(
            {"reason": f"The reason is {len(reason):,} characters; the limit is {REASON_MAX_CHARS:,}."}
        )
    return reason


def _resolve_flags(*, post: Post, moderator: Membership, now) -> int:
    return Flag.objects.filter(post=post, resolved_at__isnull=True).update(
        resolved_at=now, resolved_by=moderator
    )


@transaction.atomic
def post_moderate(*, moderator: Membership, post: Post, action: str, reason: str) -> Post:
    """Apply a moderator's decision to a post.

    approve: pending -> published; on a published post with open flags it keeps
    the post and dismisses the flags. hide: published/pending -> hidden.
    remove: published/pending/hidden -> removed. restore: hidden/removed ->
    published. Raises ValidationError (field "action" or "reason") for a
    missing reason or an action that does not apply, PermissionDenied for a
    non-moderator.
    """
    if not moderator.is_moderator or not moderator.is_active or moderator.community_id != post.community_id:
        raise PermissionDenied("Only the community's moderators can moderate its posts.")
    if action not in _TRANSITIONS:
        raise ValidationError(
            {"action": f"Unknown action {action!r}; use one of {', '.join(ModerationAction.ALL)}."}
        )
    reason = _clean_reason(reason)

    # Lock the row so two moderators acting at once apply one decision after the other.
    locked = Post.objects.select_for_update().get(pk=post.pk)
    now = timezone.now()
    sources, target_status, event_kind = _TRANSITIONS[action]
    old_status = locked.status
    has_open_flags = Flag.objects.filter(post=locked, resolved_at__isnull=True).exists()

    dismissing_flags = (
        action == ModerationAction.APPROVE and old_status == PostStatus.PUBLISHED and has_open_flags
    )
    if old_status not in sources and not dismissing_flags:
        raise ValidationError(
            {"action": f"Cannot {action} a post that is {locked.get_status_display().lower()}."}
        )

    flags_resolved = _resolve_flags(post=locked, moderator=moderator, now=now)
    if not dismissing_flags:
        locked.status = target_status
        locked.status_changed_at = now
        locked.status_changed_by = moderator
        locked.status_reason = reason
        locked.save(update_fields=["status", "status_changed_at", "status_changed_by", "status_reason"])
        announce_post_event(
            post_id=locked.pk,
            community_id=locked.community_id,
            discussion_id=locked.discussion_id,
            kind=event_kind,
        )
    audit_record(
        community=locked.community_id,
        actor=moderator,
        action=f"post.{action}",
        target=locked,
        reason=reason,
        details={
            "from": old_status,
            "to": locked.status,
            "discussion_id": locked.discussion_id,
            "author": locked.author.pseudonym,
            "flags_resolved": flags_resolved,
        },
    )
    # Keep the caller's instance in step with the row.
    for name in ("status", "status_changed_at", "status_changed_by_id", "status_reason"):
        setattr(post, name, getattr(locked, name))
    return post


@transaction.atomic
def post_flag(*, flagger: Membership, post: Post, reason: str = "") -> Flag:
    """A participant asks the moderators to look at a post they can see.

    The caller fetched `post` through `get_post_for_member`, so it is visible
    to the flagger. Clients only read and moderators act on posts themselves,
    so both are refused (PermissionDenied). Flagging again while the first
    flag is open keeps one flag and, given a new reason, replaces its reason:
    the returned flag's `updated` is then True.
    """
    if flagger.community_id != post.community_id or not flagger.is_active:
        raise PermissionDenied("Only members of this community can flag its posts.")
    if flagger.is_client:
        raise PermissionDenied("Client members read discussions; they do not flag posts.")
    if not flagger.is_participant:
        raise PermissionDenied("Moderators act on posts from the moderation queue rather than flag them.")
    if post.author_id == flagger.pk:
        raise ValidationError({"reason": "You cannot flag your own post; edit or delete it instead."})
    if post.status != PostStatus.PUBLISHED:
        raise ValidationError({"reason": "Only published posts can be flagged."})
    reason = (reason or "").strip()
    if len(reason) > FLAG_REASON_MAX_CHARS:
        raise ValidationError(
            {"reason": f"The reason is {len(reason):,} characters; the limit is {FLAG_REASON_MAX_CHARS:,}."}
        )
    flag = (
        Flag.objects.select_for_update()
        .filter(post=post, flagged_by=flagger, resolved_at__isnull=True)
        .first()
    )
    if flag is not None:
        if not reason or reason == flag.reason:
            raise ValidationError(
                {"reason": "You have already flagged this post; a moderator will look at it."}
            )
        previous = flag.reason
        flag.reason = reason
        flag.save(update_fields=["reason"])
        audit_record(
            community=post.community_id,
            actor=flagger,
            action="post.flag_updated",
            target=post,
            reason=reason,
            details={"flag_id": flag.pk, "discussion_id": post.discussion_id, "previous_reason": previous},
        )
        flag.updated = True
        return flag
    flag = Flag.objects.create(post=post, flagged_by=flagger, reason=reason)
    audit_record(
        community=post.community_id,
        actor=flagger,
        action="post.flag",
        target=post,
        reason=reason,
        details={"flag_id": flag.pk, "discussion_id": post.discussion_id},
    )
    flag.updated = False
    return flag


def audit_csv_rows(entries: Iterable[AuditEntry]) -> Iterator[str]:
    """The audit log as CSV lines (header first), produced lazily so a long log streams."""

    class _Line:
        def write(self, value: str) -> str:
            return value

    writer = csv.writer(_Line())
    yield writer.writerow(
        ["id", "created_at", "actor", "action", "target_type", "target_id", "reason", "details"]
    )
    for entry in entries:
        yield writer.writerow(
            [
                entry.pk,
                entry.created_at.isoformat(),
                getattr(entry, "actor_label", None) or (entry.actor.username if entry.actor else ""),
                entry.action,
                entry.target_type,
                entry.target_id if entry.target_id is not None else "",
                _csv_safe(entry.reason),
                _csv_safe(_json(entry.details)),
            ]
        )


def _json(value) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _csv_safe(value: str) -> str:
    # Spreadsheet apps execute cells starting with these; reasons are typed by people.
    if value and value[0] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
