"""The demo community `make demo` loads: its size, the features it shows, and --reset."""

from __future__ import annotations

from collections import defaultdict
from io import StringIO
from types import SimpleNamespace

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.utils import timezone

from community.demo import content, live_script, threads
from community.demo.loader import demo_counts
from community.models import (
    AuditEntry,
    Community,
    Discussion,
    DiscussionKind,
    LiveMessage,
    LiveMessageKind,
    LiveSession,
    LiveState,
    LiveStream,
    Membership,
    Post,
    PostRevision,
    PostStatus,
    Probe,
    Role,
    Visibility,
)
from community.selectors import posts_visible_to
from community.selectors_engagement import probes_open_for_member, scorecard_summary
from research.models import PostAnalysis, ThemePost
from tests.factories import UserFactory
from tests.research import fakes

fake_nlp = fakes.fake_nlp

User = get_user_model()
SLUG = content.COMMUNITY["slug"]


def load(*args: str) -> str:
    out = StringIO()
    call_command("load_demo", *args, "--no-analysis", stdout=out)
    return out.getvalue()


def member(key: str) -> Membership:
    return Membership.objects.select_related("community", "user").get(
        community__slug=SLUG, user__username=key
    )


def test_it_writes_every_post_by_a_known_author_within_the_activity_it_targets():
    keys = {p.key for p in content.PARTICIPANTS} | {s.key for s in content.STAFF}
    segments = {p.key: set(p.segments) for p in content.PARTICIPANTS}
    activities = {a.key: a for a in content.ACTIVITIES}

    def walk(messages, activity):
        for msg in messages:
            assert msg.author in keys, msg.body[:40]
            targets = set(activity.target_segments)
            assert not targets or msg.author not in segments or segments[msg.author] & targets
            walk(msg.replies, activity)

    for key, messages in threads.THREADS.items():
        walk(messages, activities[key])
    assert len({p.pseudonym for p in content.PARTICIPANTS}) == len(content.PARTICIPANTS)
    assert {seg for p in content.PARTICIPANTS for seg in p.segments} == set(content.SEGMENTS)


@pytest.mark.django_db
def test_it_loads_a_community_that_uses_every_feature():
    output = load("--reset")
    community = Community.objects.get(slug=SLUG)
    counts = demo_counts(community)

    assert counts["participants"] >= 40
    assert counts["consented"] == counts["participants"]
    assert counts["moderators"] == 1 and counts["clients"] >= 1
    assert counts["posts"] >= 280
    assert counts["replies"] >= 100
    assert counts["journal_posts"] >= 20
    assert counts["probes"] >= 3 and counts["probe_answers"] >= 2

    # Posts span the two weeks of fieldwork and none is in the future.
    posts = Post.objects.filter(community=community)
    first, last = posts.order_by("created_at").first(), posts.order_by("created_at").last()
    assert (last.created_at - first.created_at).days >= 12
    assert last.created_at <= timezone.now()
    assert all(reply.created_at > reply.parent.created_at for reply in posts.filter(parent__isnull=False))

    # Moderation: hidden and removed posts, each with its reason in the audit log.
    moderated = posts.filter(status__in=[PostStatus.HIDDEN, PostStatus.REMOVED, PostStatus.DELETED])
    assert counts["hidden"] >= 1 and counts["removed"] >= 1 and counts["deleted"] >= 1
    for post in moderated:
        entry = AuditEntry.objects.get(community=community, target_type="post", target_id=post.pk)
        assert entry.reason and entry.reason == post.status_reason
    assert AuditEntry.objects.filter(community=community, action="post.flag").count() == len(threads.FLAGS)
    # Authors' edits keep the earlier text as a revision for the moderators.
    edited = posts.filter(edited_at__isnull=False)
    assert edited.count() >= 2
    for post in edited:
        revision = PostRevision.objects.get(post=post)
        assert revision.body != post.body and post.created_at < revision.created_at == post.edited_at

    # The guide: an uninfluenced board, a private journal, a segment-only board, a closed one,
    # a scorecard, a live session still to come and a draft.
    guide = Discussion.objects.filter(community=community)
    assert guide.filter(visibility=Visibility.UNINFLUENCED, posts__isnull=False).exists()
    assert guide.filter(kind=DiscussionKind.LIVE).exists()
    assert guide.filter(is_draft=True).exists()
    assert guide.exclude(target_segments=[]).exists()
    assert [d for d in guide if d.closes_at and not d.is_open()]

    # A participant sees only her own diary entries and the researcher's replies to them.
    priya = member("priya")
    diary = guide.get(kind=DiscussionKind.JOURNAL)
    seen = list(posts_visible_to(priya, diary).select_related("author"))
    assert seen and {p.author.user.username for p in seen} <= {"priya", "maya"}
    assert posts.filter(discussion=diary).exclude(author__user__username__in=["priya", "maya"]).exists()

    # Priya's home shows a probe waiting for her; answered probes thread under the post they follow up.
    assert [p.addressee_id for p in probes_open_for_member(membership=priya)] == [priya.pk]
    answered = Probe.objects.filter(community=community, answers__isnull=False)
    assert answered.exists()
    for probe in answered:
        assert probe.answers.get().parent_id == probe.post_id

    # The scorecard: customers rate the brand, the clients self-assess higher (the perception gap).
    summary = scorecard_summary(community=community)
    assert len(summary) == 5
    assert all(row["gap"] and row["gap"] > 0 for row in summary)

    # The pseudonyms, set in bulk (no save signal), are the ones clients read: the member-name
    # roster that turns a name into its pseudonym (cached, dropped on a membership's save) has them.
    from community.roster import roster_for

    for key in ("priya", content.SAMPLE_PARTICIPANT):
        person = next(p for p in content.PARTICIPANTS if p.key == key)
        mine = {e.pseudonym for e in roster_for(community.pk).entries if e.member_id == member(key).pk}
        assert mine == {person.pseudonym}, key
    assert not Membership.objects.filter(community=community, pseudonym__startswith="demo-").exists()

    # Every role can log in with the printed password.
    for username in (content.ADMIN_USERNAME, "maya", "tom", content.SAMPLE_PARTICIPANT):
        assert authenticate(username=username, password=content.DEMO_PASSWORD) is not None
        assert f" {username} " in output
    assert User.objects.get(username=content.ADMIN_USERNAME).is_superuser
    assert member("tom").role == Role.CLIENT


@pytest.mark.django_db
def test_it_reloads_the_same_demo_with_reset_and_leaves_other_accounts_alone():
    bystander = UserFactory(username="someone-else")
    load("--reset")
    first = demo_counts(Community.objects.get(slug=SLUG))
    pseudonyms = set(Membership.objects.filter(community__slug=SLUG).values_list("pseudonym", flat=True))
    bodies = sorted(Post.objects.filter(community__slug=SLUG).values_list("body", flat=True))

    # Without --reset a second run changes nothing.
    assert "already loaded" in load()
    assert demo_counts(Community.objects.get(slug=SLUG)) == first

    load("--reset")
    community = Community.objects.get(slug=SLUG)
    again = demo_counts(community)
    # The audit log is rebuilt with the community; everything else must match exactly.
    assert again == first
    assert (
        set(Membership.objects.filter(community=community).values_list("pseudonym", flat=True)) == pseudonyms
    )
    assert sorted(Post.objects.filter(community=community).values_list("body", flat=True)) == bodies
    assert Community.objects.filter(slug=SLUG).count() == 1
    assert User.objects.filter(pk=bystander.pk).exists()


@pytest.mark.django_db
def test_it_runs_the_analysis_command_after_loading_unless_told_not_to(monkeypatch, community):
    # The loading itself is covered above; here only what the command does around it.
    command = "community.management.commands.load_demo"
    monkeypatch.setattr(f"{command}.demo_load", lambda log: SimpleNamespace(community=community, notes=[]))
    monkeypatch.setattr(f"{command}.demo_counts", lambda _: defaultdict(int))
    calls = []
    monkeypatch.setattr(f"{command}.call_command", lambda name, **kwargs: calls.append((name, kwargs)))

    call_command("load_demo", "--reset", "--no-analysis", stdout=StringIO())
    assert calls == []
    call_command("load_demo", "--reset", stdout=StringIO())
    assert [(name, kwargs["community"]) for name, kwargs in calls] == [("analyze", SLUG)]


@pytest.mark.django_db
def test_it_refuses_to_take_over_usernames_that_belong_to_other_accounts():
    UserFactory(username="maya", email="maya@elsewhere.example")
    with pytest.raises(Exception, match="maya"):
        load("--reset")
    assert not Community.objects.filter(slug=SLUG).exists()
    assert User.objects.get(username="maya").email == "maya@elsewhere.example"


@pytest.mark.django_db
def test_it_includes_an_ended_live_session_whose_participant_lines_reach_the_analysis(fake_nlp):
    load("--reset")
    community = Community.objects.get(slug=SLUG)
    discussion = Discussion.objects.get(
        community=community, title__startswith="Live session: buying homeware"
    )
    session = LiveSession.objects.get(discussion=discussion)
    assert session.state == LiveState.ENDED and not discussion.is_open()
    assert discussion.opens_at < session.started_at < session.ended_at < timezone.now()
    assert session.questions.filter(pushed_at__isnull=False).count() == len(live_script.QUESTIONS)
    assert session.spotlight is not None and session.spotlight.author.user.username == "dan"

    lines = LiveMessage.objects.filter(session=session, stream=LiveStream.ROOM, kind=LiveMessageKind.MESSAGE)
    participant_lines = lines.filter(author__role=Role.PARTICIPANT)
    assert 30 <= participant_lines.count() <= 70
    assert participant_lines.values("author").distinct().count() == len(live_script.PARTICIPANTS)
    times = list(
        LiveMessage.objects.filter(session=session)
        .order_by("created_at")
        .values_list("created_at", flat=True)
    )
    assert session.started_at <= times[0] and times[-1] <= session.ended_at

    # Every participant line is a post of the live discussion, at the moment it was said, and so is
    # Dan's answer to Maya's private probe (private, as a journal entry is); the withheld line is
    # hidden with its reason, and nothing from the backroom or the moderator is a post.
    posts = Post.objects.filter(discussion=discussion)
    answers = LiveMessage.objects.filter(
        session=session, stream=LiveStream.PROBE, author__role=Role.PARTICIPANT
    )
    assert answers.count() == 1
    assert posts.count() == participant_lines.count() + 1
    assert posts.filter(live_message__in=answers).count() == 1
    assert not posts.exclude(author__role=Role.PARTICIPANT).exists()
    for post in posts.select_related("live_message"):
        assert post.created_at == post.live_message.created_at and post.body == post.live_message.body
    withheld = posts.get(status=PostStatus.HIDDEN)
    assert "07700" in withheld.body and withheld.status_reason
    assert AuditEntry.objects.get(target_type="post", target_id=withheld.pk).reason == withheld.status_reason

    # The backroom: Tom and Ruth talk between themselves and leave Maya notes; none of it is evidence.
    backroom = LiveMessage.objects.filter(session=session, stream=LiveStream.BACKROOM)
    assert {m.author.user.username for m in backroom.filter(kind=LiveMessageKind.MESSAGE)} >= {"tom", "ruth"}
    assert {m.author.role for m in backroom.filter(kind=LiveMessageKind.NOTE)} == {Role.CLIENT}
    assert LiveMessage.objects.filter(session=session, stream=LiveStream.PROBE).count() == 2

    # The upcoming session shows its start time to participants while they wait.
    upcoming = Discussion.objects.get(community=community, title="Live session: the new Loom Points app")
    assert upcoming.opens_at > timezone.now()
    # Both sessions are evening sessions in the site's time zone, whatever the hour the demo was
    # loaded at (not 02:12 because someone ran `make demo` at 02:00).
    for when in (discussion.opens_at, upcoming.opens_at):
        assert timezone.localtime(when).strftime("%H:%M") == "19:00"
    assert 19 <= timezone.localtime(session.started_at).hour < 21
    assert 19 <= timezone.localtime(session.ended_at).hour < 22

    # The demo's batch analysis covers the live lines like any post, except the withheld one.
    call_command("analyze", community=SLUG, stdout=StringIO())
    analysed = set(PostAnalysis.objects.filter(post__discussion=discussion).values_list("post_id", flat=True))
    assert analysed == set(posts.filter(status=PostStatus.PUBLISHED).values_list("pk", flat=True))
    assert ThemePost.objects.filter(post__discussion=discussion).exists()
