"""Load the demo community through the product's own services.

Memberships, consent, the discussion guide, posts, moderation, flags, probes and
scorecards are all written by the services the web pages use, so the demo
exercises the same rules (and leaves the same audit trail). The only liberties
are the ones loaders are allowed: posts are backdated over the last two weeks
and skip the per-minute rate limit (`post_create(created_at=..., rate_limit=False)`),
timestamps the services set to "now" are moved back afterwards with plain
UPDATEs so the community reads as two weeks of fieldwork, and post events are
muted during the load because the analysis then runs once, in batch.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import QuerySet
from django.test.utils import override_settings
from django.utils import timezone

from community.demo import content, live_script, threads
from community.events import post_events_muted
from community.models import (
    AuditEntry,
    Community,
    Discussion,
    DiscussionKind,
    LiveMessage,
    LiveQuestion,
    LiveSession,
    Membership,
    Notification,
    Post,
    PostRevision,
    Probe,
    Role,
    ScorecardResponse,
)
from community.services.discussions import discussion_create, discussion_update
from community.services.live import (
    live_message_send,
    live_question_add,
    live_question_push,
    live_session_end,
    live_session_ensure,
    live_spotlight,
)
from community.services.live_archive import live_message_withhold, live_session_archive
from community.services.memberships import community_create, membership_consent, membership_create
from community.services.moderation import post_flag, post_moderate
from community.services.posts import post_create, post_delete, post_edit
from community.services.probes import probe_answer, probe_create
from community.services.scorecards import scorecard_ensure, scorecard_submit

User = get_user_model()

SEED = 20260514  # fixed: the same demo every time, relative to today
FIELDWORK_DAYS = 14


@dataclass
class DemoResult:
    community: Community
    users: int = 0
    participants: int = 0
    posts: int = 0
    hidden: int = 0
    removed: int = 0
    probes: int = 0
    probes_answered: int = 0
    scorecard_responses: int = 0
    flags: int = 0
    notes: list[str] = field(default_factory=list)


def demo_email(key: str) -> str:
    return f"{key}@{content.DEMO_EMAIL_DOMAIN}"


def demo_users() -> QuerySet:
    return User.objects.filter(email__iendswith="@" + content.DEMO_EMAIL_DOMAIN)


def demo_exists() -> bool:
    return Community.objects.filter(slug=content.COMMUNITY["slug"]).exists()


@transaction.atomic
def demo_delete() -> int:
    """Remove the demo community (with everything in it) and the demo accounts; returns users removed."""
    community = Community.objects.filter(slug=content.COMMUNITY["slug"]).first()
    if community is not None:
        # Posts, probes and scorecard answers protect their authors' memberships, so they go first.
        # Audit entries are append-only for people; a community being deleted takes its log with it.
        Post.objects.filter(community=community, parent__isnull=False).delete()
        Post.objects.filter(community=community).delete()
        LiveMessage.objects.filter(session__community=community).delete()
        Probe.objects.filter(community=community).delete()
        ScorecardResponse.objects.filter(scorecard__discussion__community=community).delete()
        community.delete()
    users = demo_users()
    count = users.count()
    users.delete()
    return count


class _Clock:
    """Deterministic, realistic timestamps within the two weeks of fieldwork."""

    # Hours people tend to post at: before work, lunch, evening.
    HOURS = [7, 8, 8, 9, 12, 12, 13, 13, 17, 18, 19, 19, 20, 20, 21, 21, 22, 22, 23]
    NIGHT_OWLS = {"aisha": [0, 1, 2, 3, 3, 4, 14, 15]}
    # The researcher answers in working hours.
    STAFF_HOURS = [9, 10, 10, 11, 12, 14, 15, 16, 17]

    def __init__(self, now: datetime, rng: random.Random) -> None:
        self.now = now
        # Midnight in the site's time zone, so activities open at the hour a team would pick
        # (boards at 09:00, evening sessions at 19:00) whatever the hour the demo is loaded.
        midnight = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
        self.start = midnight - timedelta(days=FIELDWORK_DAYS)
        self.rng = rng

    def day(self, offset: float, hour: int = 9) -> datetime:
        """`offset` days after the start of fieldwork, from `hour` o'clock local time."""
        return self.start + timedelta(days=offset, hours=hour)

    def opens(self, activity: content.Activity) -> datetime:
        return self.day(activity.opens_day, activity.hour)

    def closes(self, activity: content.Activity) -> datetime | None:
        return None if activity.closes_day is None else self.day(activity.closes_day, activity.hour)

    def window(self, activity: content.Activity) -> tuple[datetime, datetime]:
        closes = self.closes(activity) or self.now
        return self.opens(activity), min(closes, self.now) - timedelta(minutes=20)

    def response_time(self, author: str, window: tuple[datetime, datetime], at: float | None) -> datetime:
        opens, closes = window
        span = (closes - opens).total_seconds()
        if at is None:
            # Most people answer in the first days an activity is open; a tail comes later.
            at = self.rng.betavariate(1.4, 2.6)
        moment = opens + timedelta(seconds=span * at)
        hours = self.NIGHT_OWLS.get(author, self.STAFF_HOURS if author == "maya" else self.HOURS)
        candidate = moment.replace(hour=self.rng.choice(hours), minute=self.rng.randrange(60))
        if not opens < candidate < closes:
            candidate = moment + timedelta(minutes=self.rng.randrange(1, 50))
            if candidate.hour < 7 and author not in self.NIGHT_OWLS:
                morning = candidate.replace(hour=self.rng.choice([7, 8, 9]), minute=self.rng.randrange(60))
                candidate = morning if morning < closes else candidate
        return min(max(candidate, opens + timedelta(minutes=5)), closes)

    def after(self, earliest: datetime, *, author: str, window_end: datetime) -> datetime:
        """A reply's time: some minutes to a day after `earliest`, never in the future."""
        staff = author == "maya"
        hours = self.rng.uniform(1.0, 7.0) if staff else self.rng.choice([0.3, 0.8, 2, 4, 9, 16, 24])
        candidate = earliest + timedelta(hours=hours, minutes=self.rng.randrange(30))
        if candidate.hour < 7 and author not in self.NIGHT_OWLS:
            # Asleep: the reply waits for the morning.
            candidate = candidate.replace(hour=self.rng.choice([7, 8, 8, 9]), minute=self.rng.randrange(60))
        limit = min(window_end, self.now - timedelta(minutes=2))
        if candidate >= limit:
            candidate = (
                earliest + (limit - earliest) / 2 if limit > earliest else earliest + timedelta(minutes=1)
            )
        return candidate


def _backdate(model, pk: int, **fields) -> None:
    model.objects.filter(pk=pk).update(**fields)


def demo_load(*, log: Callable[[str], None] = lambda _: None) -> DemoResult:
    """Create the demo community. Raises if it exists already (callers delete it first)."""
    if demo_exists():
        raise ValueError(f"The demo community {content.COMMUNITY['slug']!r} exists already.")
    rng = random.Random(SEED)
    clock = _Clock(timezone.now(), rng)
    # Probes email their addressee; demo addresses are fictional, so mail stays in memory.
    # Post events are muted: one analysis task per post would take far longer than the batch
    # analysis (`manage.py analyze`) that load_demo runs afterwards.
    with (
        override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"),
        post_events_muted(),
        transaction.atomic(),
    ):
        return _load(clock=clock, rng=rng, log=log)


def _load(*, clock: _Clock, rng: random.Random, log: Callable[[str], None]) -> DemoResult:
    password = make_password(content.DEMO_PASSWORD)  # hashed once: 44 hashes would take seconds

    # --- people ---------------------------------------------------------------------------
    admin = User.objects.filter(username=content.ADMIN_USERNAME).first()
    notes = []
    if admin is None:
        admin = User.objects.create(
            username=content.ADMIN_USERNAME,
            email=demo_email(content.ADMIN_USERNAME),
            first_name="Site",
            last_name="Admin",
            is_staff=True,
            is_superuser=True,
            password=password,
        )
    elif not admin.email.lower().endswith("@" + content.DEMO_EMAIL_DOMAIN):
        notes.append(f"An account named {admin.username!r} exists already; the demo left it untouched.")

    users: dict[str, User] = {}
    people = [(s.key, s.first_name, s.last_name) for s in content.STAFF] + [
        (p.key, p.first_name, p.last_name) for p in content.PARTICIPANTS
    ]
    taken = set(
        User.objects.filter(username__in=[key for key, _, _ in people]).values_list("username", flat=True)
    )
    if taken:
        raise ValueError(
            f"Usernames needed by the demo are taken by other accounts: {', '.join(sorted(taken))}."
        )
    User.objects.bulk_create(
        User(username=key, email=demo_email(key), first_name=first, last_name=last, password=password)
        for key, first, last in people
    )
    users = {u.username: u for u in User.objects.filter(username__in=[key for key, _, _ in people])}
    joined = clock.day(-3)
    User.objects.filter(pk__in=[u.pk for u in users.values()]).update(date_joined=joined)

    # --- the community and its members ---------------------------------------------------
    spec = content.COMMUNITY
    community = community_create(
        name=spec["name"],
        slug=spec["slug"],
        brand_name=spec["brand_name"],
        created_by=admin,
        description=spec["description"],
        brand_aliases=list(spec["brand_aliases"]),
        competitor_brands=list(spec["competitor_brands"]),
        consent_text=spec["consent_text"],
    )
    _backdate(Community, community.pk, created_at=clock.day(-4))

    members: dict[str, Membership] = {}
    for staff in content.STAFF:
        members[staff.key] = membership_create(
            user=users[staff.key], community=community, role=staff.role, actor=admin
        )
    moderator = members["maya"]
    for person in content.PARTICIPANTS:
        members[person.key] = membership_create(
            user=users[person.key],
            community=community,
            role=Role.PARTICIPANT,
            segments=person.segments,
            actor=moderator.user,
        )
    # The service draws pseudonyms at random; the demo wants the same ones every time. Two passes
    # so a drawn name that another participant is about to get never collides. bulk_update sends
    # no post_save, whose one listener (community.roster) drops the cached roster: nothing has
    # read the roster since the memberships' own saves dropped it, the consents below drop it
    # again, and its after-commit readers run once the whole load has committed.
    participants = [members[p.key] for p in content.PARTICIPANTS]
    for membership in participants:
        membership.pseudonym = f"demo-{membership.pk}"
    Membership.objects.bulk_update(participants, ["pseudonym"])
    for person, membership in zip(content.PARTICIPANTS, participants, strict=True):
        membership.pseudonym = person.pseudonym
    Membership.objects.bulk_update(participants, ["pseudonym"])
    for person in content.PARTICIPANTS:
        membership_consent(membership=members[person.key])
    Membership.objects.filter(community=community).update(joined_at=clock.day(-2))
    for membership in participants:
        consented = clock.day(-2) + timedelta(hours=rng.uniform(1, 40))
        _backdate(Membership, membership.pk, consented_at=consented)
    log(f"  {len(content.STAFF)} staff and {len(participants)} participants, all consented")

    # --- the discussion guide ------------------------------------------------------------
    discussions: dict[str, Discussion] = {}
    windows: dict[str, tuple[datetime, datetime]] = {}
    for activity in content.ACTIVITIES:
        closes_at = clock.closes(activity)
        closes_in_past = closes_at is not None and closes_at <= clock.now
        discussions[activity.key] = discussion_create(
            moderator=moderator,
            community=community,
            title=activity.title,
            prompt=activity.prompt,
            kind=activity.kind,
            visibility=activity.visibility,
            target_segments=list(activity.target_segments),
            opens_at=clock.opens(activity),
            # Closed activities close after their posts are in: the posts service (rightly) refuses
            # posts in a closed activity.
            closes_at=None if closes_in_past else closes_at,
            is_required=activity.is_required,
            media_allowed=activity.media_allowed,
            is_draft=activity.is_draft,
            in_analysis=activity.in_analysis,
        )
        windows[activity.key] = clock.window(activity)
        _backdate(Discussion, discussions[activity.key].pk, created_at=clock.day(-1))

    # --- posts ---------------------------------------------------------------------------
    posts_by_msg: dict[int, Post] = {}
    planned = _plan_posts(clock=clock, windows=windows, discussions=discussions)
    edited = 0
    for when, activity_key, msg, parent_msg in planned:
        post = post_create(
            author=members[msg.author],
            discussion=discussions[activity_key],
            body=msg.original or msg.body,
            parent=posts_by_msg[id(parent_msg)] if parent_msg is not None else None,
            # An edited post is written now, so the edit falls inside the edit window, then moved back.
            created_at=None if msg.original else when,
            rate_limit=False,  # backdated bulk load; the per-minute limit guards live posting
        )
        if msg.original:
            post_edit(editor=members[msg.author], post=post, body=msg.body)
            edited_at = when + timedelta(minutes=rng.randrange(3, 40))
            _backdate(Post, post.pk, created_at=when, edited_at=edited_at)
            PostRevision.objects.filter(post=post).update(created_at=edited_at)
            edited += 1
        posts_by_msg[id(msg)] = post
    log(f"  {len(planned)} posts and replies over {FIELDWORK_DAYS} days ({edited} edited by their authors)")

    # --- moderation and flags ------------------------------------------------------------
    hidden = removed = deleted = 0
    for _, _, msg, _ in planned:
        if msg.moderation is None:
            continue
        action, reason = msg.moderation
        post = posts_by_msg[id(msg)]
        if action == "delete":
            post_delete(actor=members[msg.author], post=post, reason=reason)
            deleted += 1
            continue
        post_moderate(moderator=moderator, post=post, action=action, reason=reason)
        hidden += action == "hide"
        removed += action == "remove"
    flags = 0
    for activity_key, author, opening, flagger, reason in threads.FLAGS:
        post = Post.objects.get(
            discussion=discussions[activity_key], author=members[author], body__startswith=opening
        )
        post_flag(flagger=members[flagger], post=post, reason=reason)
        flags += 1
    log(
        f"  {hidden} posts hidden and {removed} removed with reasons, {deleted} deleted by its author; "
        f"{flags} flags open"
    )

    # --- probes --------------------------------------------------------------------------
    probes = answered = 0
    for spec_probe in threads.PROBES:
        discussion = discussions[spec_probe.activity]
        member = members[spec_probe.participant]
        target = (
            Post.objects.filter(discussion=discussion, author=member, parent__isnull=True)
            .order_by("created_at")
            .first()
        )
        probe = probe_create(
            author=moderator, discussion=discussion, question=spec_probe.question, post=target
        )
        asked = clock.after(target.created_at, author="maya", window_end=windows[spec_probe.activity][1])
        _backdate(Probe, probe.pk, created_at=asked)
        Notification.objects.filter(probe=probe).update(created_at=asked)
        probes += 1
        if spec_probe.answer:
            answer = probe_answer(probe=probe, member=member, body=spec_probe.answer)
            answered_at = clock.after(
                asked, author=spec_probe.participant, window_end=windows[spec_probe.activity][1]
            )
            _backdate(Post, answer.pk, created_at=answered_at)
            Notification.objects.filter(probe=probe).update(read_at=answered_at)
            answered += 1
    log(f"  {probes} probes asked, {answered} answered")

    # --- the scorecard -------------------------------------------------------------------
    scorecard = scorecard_ensure(discussion=discussions["scorecard"])
    dimensions = list(scorecard.dimensions.order_by("position", "id"))
    keys = dict(zip(content.SCORECARD_KEYS, dimensions, strict=True))
    sc_window = windows["scorecard"]
    responses = 0
    for person in content.PARTICIPANTS:
        if person.key in content.SCORECARD_NOT_DONE:
            continue
        means = content.SEGMENT_SCORE_MEANS[person.segments[0]]
        mood = rng.gauss(0, 2.5)  # some people rate everything a little higher or lower
        ratings = {
            keys[key].pk: max(0, min(25, round(means[key] + mood + rng.gauss(0, 2.5)))) for key in keys
        }
        response = scorecard_submit(scorecard=scorecard, member=members[person.key], ratings=ratings)
        when = clock.response_time(person.key, sc_window, None)
        _backdate(ScorecardResponse, response.pk, created_at=when, updated_at=when)
        responses += 1
    for key, scores in content.CLIENT_SELF_ASSESSMENT.items():
        response = scorecard_submit(
            scorecard=scorecard, member=members[key], ratings={keys[k].pk: v for k, v in scores.items()}
        )
        when = clock.response_time(key, sc_window, 0.1)
        _backdate(ScorecardResponse, response.pk, created_at=when, updated_at=when)
        responses += 1
    log(f"  {responses} scorecard answers (including the brand's self-assessment)")

    # --- the ended live session ---------------------------------------------------------
    live = _load_live_session(
        discussion=discussions[live_script.ACTIVITY_KEY], members=members, clock=clock, rng=rng
    )
    log(
        f"  a live session: {live['room']} room lines ({live['archived']} archived as posts, 1 withheld), "
        f"{live['backroom']} backroom lines and notes"
    )

    # --- close what closed ---------------------------------------------------------------
    for activity in content.ACTIVITIES:
        closes_at = clock.closes(activity)
        if closes_at is not None and closes_at <= clock.now:
            discussion_update(
                moderator=moderator,
                discussion=discussions[activity.key],
                closes_at=closes_at,
            )

    post_count = Post.objects.filter(community=community).count()
    return DemoResult(
        community=community,
        users=len(users) + 1,
        participants=len(participants),
        posts=post_count,
        hidden=hidden,
        removed=removed,
        probes=probes,
        probes_answered=answered,
        scorecard_responses=responses,
        flags=flags,
        notes=notes,
    )


def _load_live_session(
    *, discussion: Discussion, members: dict[str, Membership], clock: _Clock, rng: random.Random
) -> dict[str, int]:
    """Replay `live_script` through the live services, then move its times back to the evening it ran.

    Participants' lines are archived as posts at the end, as for any session (the loader calls the
    archive itself, inside its transaction, rather than waiting for the task queued on commit).
    """
    moderator = members["maya"]
    session = live_session_ensure(discussion=discussion)
    questions = [
        live_question_add(moderator=moderator, session=session, text=text) for text in live_script.QUESTIONS
    ]
    timeline: list[LiveMessage] = []
    by_opening: dict[tuple[str, str], LiveMessage] = {}

    def send(author: str, body: str, stream: str = "room", **extra) -> LiveMessage:
        message, _ = live_message_send(
            author=members[author], session=session, stream=stream, body=body, client_id=uuid.uuid4(), **extra
        )
        timeline.append(message)
        return message

    for step in live_script.STEPS:
        action = step[0]
        if action == "ask":
            timeline.append(
                live_question_push(moderator=moderator, session=session, question_id=questions[step[1]].pk)
            )
        elif action == "say":
            message = send(step[1], step[2])
            by_opening[(step[1], step[2])] = message
        elif action in ("back", "note"):
            send(step[1], step[2], stream="backroom", note=action == "note")
        elif action == "probe":
            send("maya", step[2], stream="probe", recipient=members[step[1]])
        elif action == "answer":
            send(step[1], step[2], stream="probe")
        elif action == "spotlight":
            timeline.append(
                live_spotlight(
                    moderator=moderator, session=session, seq=_line(by_opening, step[1], step[2]).seq
                )
            )
        elif action == "withhold":
            continue  # applied below, once the lines have their evening's times
        else:
            raise ValueError(f"Unknown live script step {action!r}.")
    timeline.append(live_session_end(moderator=moderator, session=session))

    # The evening it ran: ten minutes after the activity opened, a line every 15 to 70 seconds.
    at = discussion.opens_at + timedelta(minutes=10)
    moments: dict[int, datetime] = {}
    for message in timeline:
        at += timedelta(seconds=rng.randint(15, 70))
        moments[message.pk] = at
        _backdate(LiveMessage, message.pk, created_at=at)
    first, last = timeline[0], timeline[-1]
    _backdate(LiveSession, session.pk, started_at=moments[first.pk], ended_at=moments[last.pk])
    for question in questions:
        pushed = next(
            m for m in timeline if m.kind == "question" and m.data.get("question_id") == question.pk
        )
        _backdate(LiveQuestion, question.pk, pushed_at=moments[pushed.pk])
    for step in live_script.STEPS:
        if step[0] == "withhold":
            live_message_withhold(
                moderator=moderator,
                session=session,
                seq=_line(by_opening, step[1], step[2]).seq,
                reason=step[3],
            )
    archived = live_session_archive(session=session)
    return {
        "room": LiveMessage.objects.filter(session=session, stream="room", kind="message").count(),
        "backroom": LiveMessage.objects.filter(session=session, stream="backroom").count(),
        "archived": len(archived),
    }


def _line(by_opening: dict[tuple[str, str], LiveMessage], author: str, opening: str) -> LiveMessage:
    matches = [m for (who, body), m in by_opening.items() if who == author and body.startswith(opening)]
    if len(matches) != 1:
        raise ValueError(f"The live script names {len(matches)} lines of {author} starting {opening!r}.")
    return matches[0]


def _plan_posts(
    *, clock: _Clock, windows: dict[str, tuple[datetime, datetime]], discussions: dict[str, Discussion]
) -> list[tuple[datetime, str, threads.Msg, threads.Msg | None]]:
    """Every post with its time, in the order to create them (parents before replies)."""
    planned: list[tuple[datetime, str, threads.Msg, threads.Msg | None]] = []
    for activity_key, thread_list in threads.THREADS.items():
        window = windows[activity_key]
        uninfluenced = discussions[activity_key].visibility == "uninfluenced"
        # First every response, so a reply in an uninfluenced activity can wait for its author's own answer.
        first_response: dict[str, datetime] = {}
        tops: list[tuple[datetime, threads.Msg]] = []
        for msg in thread_list:
            when = clock.response_time(msg.author, window, msg.at)
            tops.append((when, msg))
            first_response[msg.author] = min(when, first_response.get(msg.author, when))
        for when, msg in tops:
            planned.append((when, activity_key, msg, None))
            previous = when
            for reply in msg.replies:
                earliest = previous
                if uninfluenced and reply.author in first_response:
                    earliest = max(earliest, first_response[reply.author])
                previous = clock.after(earliest, author=reply.author, window_end=window[1])
                planned.append((previous, activity_key, reply, msg))
    planned.sort(key=lambda item: item[0])
    return planned


def demo_counts(community: Community) -> dict[str, int]:
    """What the demo holds, for the command's summary and the tests."""
    posts = Post.objects.filter(community=community)
    return {
        "participants": Membership.objects.filter(community=community, role=Role.PARTICIPANT).count(),
        "moderators": Membership.objects.filter(community=community, role=Role.MODERATOR).count(),
        "clients": Membership.objects.filter(community=community, role=Role.CLIENT).count(),
        "consented": Membership.objects.filter(
            community=community, role=Role.PARTICIPANT, consent_version__gte=community.consent_version
        ).count(),
        "activities": Discussion.objects.filter(community=community).count(),
        "posts": posts.count(),
        "responses": posts.filter(parent__isnull=True).count(),
        "replies": posts.filter(parent__isnull=False).count(),
        "hidden": posts.filter(status="hidden").count(),
        "removed": posts.filter(status="removed").count(),
        "deleted": posts.filter(status="deleted").count(),
        "edited": posts.filter(edited_at__isnull=False).count(),
        "journal_posts": posts.filter(discussion__kind=DiscussionKind.JOURNAL).count(),
        "live_posts": posts.filter(live_message__isnull=False).count(),
        "live_room_lines": LiveMessage.objects.filter(
            session__community=community, stream="room", kind="message"
        ).count(),
        "live_backroom_lines": LiveMessage.objects.filter(
            session__community=community, stream="backroom"
        ).count(),
        "probes": Probe.objects.filter(community=community).count(),
        "probe_answers": posts.filter(probe__isnull=False).count(),
        "scorecard_responses": ScorecardResponse.objects.filter(
            scorecard__discussion__community=community
        ).count(),
        "audit_entries": AuditEntry.objects.filter(community=community).count(),
    }
