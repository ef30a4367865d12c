"""In-app notifications, with an optional email copy sent by a task after commit."""

from __future__ import annotations

import logging

from django.core.mail import send_mail
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from community.models import Membership, Notification, NotificationKind
from community.services.memberships import link_base

logger = logging.getLogger(__name__)


def notification_create(
    *,
    membership: Membership,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    discussion=None,
    probe=None,
    email: bool = False,
) -> Notification:
    notification = Notification.objects.create(
        membership=membership,
        kind=kind,
        title=title[:200],
        body=body,
        url=url[:300],
        discussion=discussion,
        probe=probe,
    )
    if email:
        notification_email_queue(notification_id=notification.pk)
    payload = {"id": notification.pk, "title": notification.title, "url": notification.url}
    transaction.on_commit(lambda: _push(user_id=membership.user_id, data=payload))
    return notification


def _push(*, user_id: int, data: dict) -> None:
    """Tell the user's open tabs (ws/notifications/) at once; the page list is the source of truth."""
    from community.realtime import push_to_user

    try:
        push_to_user(user_id=user_id, kind="notification", data=data)
    except Exception:  # a down channel layer must not fail the request that already committed
        logger.warning("Could not push notification to user %s", user_id, exc_info=True)


def notification_email_queue(*, notification_id: int) -> None:
    from community.tasks import send_notification_email  # tasks import services; avoid a cycle

    transaction.on_commit(lambda: send_notification_email.delay(notification_id))


def notification_email_send(*, notification_id: int) -> bool:
    """Email one notification to its member; True if sent. Safe to call twice (sends once)."""
    notification = (
        Notification.objects.select_related("membership__user", "membership__community")
        .filter(pk=notification_id)
        .first()
    )
    if notification is None or notification.emailed_at is not None:
        return False
    user = notification.membership.user
    if not user.is_active or not user.email or not notification.membership.is_active:
        return False
    # Claim before sending so two workers can't both send; released again if sending fails.
    claimed = Notification.objects.filter(pk=notification_id, emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )
    if not claimed:
        return False
    community = notification.membership.community
    base = link_base()  # sent by a worker: no request to take the host from
    link = f"{base}{notification.url}" if notification.url else base
    # The email carries a link, not the content: mailboxes are less private than the site.
    body = f"{notification.body}\n\n" if notification.body else ""
    message = f"{notification.title}\n\n{body}Open it in {community.name}: {link}\n"
    try:
        send_mail(
            subject=f"[{community.name}] {notification.title}",
            message=message,
            from_email=None,
            recipient_list=[user.email],
        )
    except Exception:
        Notification.objects.filter(pk=notification_id).update(emailed_at=None)
        raise
    return True


def get_notification_for_user(user, notification_id: int) -> Notification:
    notification = (
        Notification.objects.filter(pk=notification_id, membership__user=user, membership__is_active=True)
        .select_related("membership__community")
        .first()
    )
    if notification is None:
        raise Http404("No such notification.")
    return notification


def notification_mark_read(*, notification: Notification) -> Notification:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, user) -> int:
    return Notification.objects.filter(
        membership__user=user, membership__is_active=True, read_at__isnull=True
    ).update(read_at=timezone.now())


def notifications_mark_read_for_probe(*, membership: Membership, probe_id: int) -> int:
    return Notification.objects.filter(
        membership=membership, probe_id=probe_id, kind=NotificationKind.PROBE, read_at__isnull=True
    ).update(read_at=timezone.now())
