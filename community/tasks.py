"""Celery tasks of the community app: thin, idempotent, fetching by id and calling a service."""

from __future__ import annotations

from celery import shared_task


@shared_task(autoretry_for=(OSError,), retry_backoff=True, retry_backoff_max=600, max_retries=5)
def send_notification_email(notification_id: int) -> bool:
    # OSError covers SMTP and connection failures; a sent email is never re-sent (emailed_at).
    from community.services.notifications import notification_email_send

    return notification_email_send(notification_id=notification_id)


@shared_task
def send_reminders() -> int:
    """Run by Celery beat (CELERY_BEAT_SCHEDULE); the daily cap makes repeated runs harmless."""
    from community.services.engagement import reminders_send_due

    return reminders_send_due()


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def archive_live_session(session_id: int) -> int:
    """Turn an ended live session's participant lines into posts (idempotent: archived lines are skipped)."""
    from community.models import LiveSession
    from community.services.live_archive import live_session_archive

    session = LiveSession.objects.filter(pk=session_id).first()
    return len(live_session_archive(session=session)) if session is not None else 0


@shared_task
def sweep_live_connections() -> int:
    """Run by Celery beat: delete live-socket rows left by a crashed ASGI process and tell the
    session's sockets those members left. Returns how many members left."""
    from community.realtime import live_presence_announce
    from community.selectors_live import live_presence_entry
    from community.services.live import live_connections_sweep

    gone = live_connections_sweep()
    for session_id, member in gone:
        live_presence_announce(session_id=session_id, change="left", entry=live_presence_entry(member))
    return len(gone)
