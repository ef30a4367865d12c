"""Reminders to participants who have not yet done the required activities."""

from __future__ import annotations

from datetime import datetime, time

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from community.models import Membership, NotificationKind, Reminder
from community.selectors_engagement import non_responders_due
from community.services.notifications import notification_create


def _start_of_day(now: datetime) -> datetime:
    # A calendar day in the site's time zone: a beat run at 09:00 every day is never skipped
    # because yesterday's run finished a few seconds later than today's started.
    local = timezone.localtime(now)
    return timezone.make_aware(datetime.combine(local.date(), time.min), timezone.get_current_timezone())


def reminders_sent_today(*, user_ids: list[int], now: datetime | None = None) -> dict[int, int]:
    since = _start_of_day(now or timezone.now())
    rows = (
        Reminder.objects.filter(membership__user_id__in=user_ids, sent_at__gte=since)
        .values("membership__user_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["membership__user_id"]: row["n"] for row in rows}


def reminders_send_due(*, now: datetime | None = None) -> int:
    """Remind each non-responder once per community, at most REMINDERS_PER_DAY per person per day.

    Returns how many reminders were sent. Running it again the same day sends nothing
    more once the cap is reached, so beat retries and overlapping runs are harmless.
    """
    now = now or timezone.now()
    cap = settings.VERBATIM["REMINDERS_PER_DAY"]
    if cap <= 0:
        return 0
    due = non_responders_due(now=now)
    if not due:
        return 0
    members = {
        m.pk: m
        for m in Membership.objects.filter(pk__in=due.keys())
        .select_related("community", "user")
        .order_by("pk")
    }
    sent_today = reminders_sent_today(user_ids=[m.user_id for m in members.values()], now=now)
    sent = 0
    for member_id, discussions in due.items():
        member = members[member_id]
        if sent_today.get(member.user_id, 0) >= cap:
            continue
        with transaction.atomic():
            # Re-count under a row lock so two overlapping runs can't both pass the cap.
            list(
                Membership.objects.select_for_update()
                .filter(user_id=member.user_id)
                .values_list("pk", flat=True)
            )
            already = reminders_sent_today(user_ids=[member.user_id], now=now).get(member.user_id, 0)
            if already >= cap:
                continue
            _remind(member=member, discussions=discussions, now=now)
        sent_today[member.user_id] = already + 1
        sent += 1
    return sent


def _remind(*, member: Membership, discussions: list, now: datetime) -> Reminder:
    titles = [d.title for d in discussions]
    if len(titles) == 1:
        title = f"“{titles[0]}” is waiting for your answer"
    else:
        title = f"{len(titles)} activities are waiting for your answers"
    notification = notification_create(
        membership=member,
        kind=NotificationKind.REMINDER,
        title=title,
        body="\n".join(f"- {t}" for t in titles),
        url=reverse("community_home", kwargs={"slug": member.community.slug}),
        discussion=discussions[0] if len(discussions) == 1 else None,
        email=True,
    )
    reminder = Reminder.objects.create(membership=member, notification=notification, sent_at=now)
    reminder.discussions.set(discussions)
    return reminder
