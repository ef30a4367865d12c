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
