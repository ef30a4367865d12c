"""Erasure of a member's own data: anonymised or removed posts per policy, nothing else lost, audited."""

from unittest import mock

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse

from community.events import post_changed
from community.models import (
    AuditEntry,
    ErasurePolicy,
    Membership,
    Notification,
    NotificationKind,
    Post,
    PostRevision,
    PostStatus,
    ScorecardResponse,
)
from community.selectors_engagement import scorecard_summary
from community.services import privacy
from community.services.notifications import notification_create
from community.services.privacy import redact_personal_details, user_erase
from community.services.scorecards import scorecard_ensure, scorecard_submit
from tests.community.engagement_helpers import participant, scorecard_activity
from tests.conftest import membership_of
from tests.factories import DiscussionFactory, PostFactory

PASSWORD = "correct horse battery"
User = get_user_model()


@pytest.fixture
def events():
    received = []

    def listener(sender, **kwargs):
        received.append((kwargs["kind"], kwargs["post_id"]))

    post_changed.connect(listener, dispatch_uid="test_erasure_listener")
    yield received
    post_changed.disconnect(dispatch_uid="test_erasure_listener")


@pytest.fixture
def thread(alice, bob, community):
    """Bob's post with a history, a reply from someone else, and Bob's scorecard answers."""
    board = DiscussionFactory(community=community, title="Your last shop")
    bob_member = membership_of(bob, community)
    post = PostFactory(
        discussion=board,
        author=bob_member,
        body="I'm Bob Participant, mail me at bob.p@mail.example or call +44 20 7946 0958. Visited 2024-05-01.",
    )
    PostRevision.objects.create(post=post, body="Earlier: bob.p@mail.example")
    reply = PostFactory(
        discussion=board, author=participant(community, "kim"), parent=post, body="Same here!"
    )
    scorecard = scorecard_ensure(discussion=scorecard_activity(community))
    scorecard_submit(
        scorecard=scorecard, member=bob_member, ratings={d.pk: 9 for d in scorecard.dimensions.all()}
    )
    notification_create(membership=bob_member, kind=NotificationKind.GENERAL, title="Hello")
    return {"post": post, "reply": reply, "board": board, "member": bob_member}


def test_it_redacts_emails_phone_numbers_addresses_and_names_but_not_dates():
    text = "Ask Bob at bob@x.co.uk or 07700 900123 at 4 Mill Lane; we met 2024-05-01, 3 times."
    assert redact_personal_details(text, names=("Bob",)) == (
        "Ask [NAME] at [EMAIL] or [PHONE] at [ADDRESS]; we met 2024-05-01, 3 times."
    )


def test_it_refuses_a_wrong_password_and_changes_nothing(bob, community, thread):
    with pytest.raises(ValidationError) as exc:
        user_erase(user=bob, password="not my password")
    assert "password" in exc.value.message_dict
    bob.refresh_from_db()
    assert bob.is_active and bob.email == "bob@example.com"
    assert Post.objects.get(pk=thread["post"].pk).author.user == bob


def test_it_anonymises_posts_and_cuts_them_loose_from_the_person(
    bob, community, thread, events, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        result = user_erase(user=bob, password=PASSWORD)
    post = Post.objects.get(pk=thread["post"].pk)
    assert post.status == PostStatus.PUBLISHED  # kept, per the community's default policy
    assert "bob.p@mail.example" not in post.body and "7946" not in post.body and "Bob" not in post.body
    assert "[EMAIL]" in post.body and "[PHONE]" in post.body and "2024-05-01" in post.body
    assert "bob.p@mail.example" not in PostRevision.objects.get(post=post).body
    author = post.author
    assert author.pk == thread["member"].pk  # the same row: replies, flags and analysis keep their links
    assert author.user != bob and not author.user.is_active and author.user.email == ""
    assert author.pseudonym == "Former member 1" and not author.is_active
    assert ("edited", post.pk) in events
    assert result.posts_anonymised == 1


def test_it_anonymises_and_deactivates_the_account(bob, community, thread, client):
    user_erase(user=bob, password=PASSWORD)
    bob.refresh_from_db()
    assert not bob.is_active
    assert (
        bob.email == ""
        and bob.first_name == ""
        and bob.last_name == ""
        and bob.username.startswith("erased-")
    )
    assert not bob.has_usable_password()
    assert authenticate(username="bob", password=PASSWORD) is None
    assert not Membership.objects.filter(user=bob).exists()
    assert not Notification.objects.filter(membership=thread["member"]).exists()


def test_it_keeps_everything_that_is_not_theirs(bob, community, thread):
    before = Post.objects.exclude(author=thread["member"]).values_list("pk", "body", "status", "author_id")
    before = list(before)
    user_erase(user=bob, password=PASSWORD)
    after = list(
        Post.objects.exclude(author=thread["member"]).values_list("pk", "body", "status", "author_id")
    )
    assert after == before
    assert Post.objects.get(pk=thread["reply"].pk).parent_id == thread["post"].pk


def test_it_keeps_anonymous_scorecard_answers_under_the_anonymise_policy(bob, community, thread):
    user_erase(user=bob, password=PASSWORD)
    assert ScorecardResponse.objects.filter(member=thread["member"]).count() == 1
    assert scorecard_summary(community=community)[0]["participant_count"] == 1


def test_it_removes_posts_under_the_remove_policy_and_announces_it(
    bob, community, thread, events, django_capture_on_commit_callbacks
):
    community.erasure_policy = ErasurePolicy.REMOVE
    community.save(update_fields=["erasure_policy"])
    with django_capture_on_commit_callbacks(execute=True):
        result = user_erase(user=bob, password=PASSWORD)
    post = Post.objects.get(pk=thread["post"].pk)
    assert post.status == PostStatus.REMOVED and post.body == ""
    assert not PostRevision.objects.filter(post=post).exists()
    assert ("removed", post.pk) in events
    assert not ScorecardResponse.objects.filter(member=thread["member"]).exists()
    assert result.posts_removed == 1 and result.scorecard_responses_deleted == 1
    # Someone else's reply to the removed post stays.
    assert Post.objects.get(pk=thread["reply"].pk).status == PostStatus.PUBLISHED


def test_it_audits_each_membership_erased(bob, community, other_community, thread):
    participant(other_community, "bob")
    user_erase(user=bob, password=PASSWORD)
    entries = AuditEntry.objects.filter(action="member.erased")
    assert {e.community_id for e in entries} == {community.pk, other_community.pk}
    entry = entries.get(community=community)
    assert entry.target_type == "membership" and entry.target_id == thread["member"].pk
    assert entry.details["policy"] == "anonymize"
    # The audit names no person: no email, no real name.
    assert "bob" not in str(entry.details).lower()


def test_it_erases_all_or_nothing(bob, community, other_community, thread):
    participant(other_community, "bob")
    real = privacy._placeholder_user
    calls = []

    def failing_second_time():
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("database went away")
        return real()

    with mock.patch.object(privacy, "_placeholder_user", failing_second_time), pytest.raises(RuntimeError):
        user_erase(user=bob, password=PASSWORD)
    bob.refresh_from_db()
    assert bob.is_active and bob.email == "bob@example.com"
    assert Membership.objects.filter(user=bob).count() == 2
    assert "bob.p@mail.example" in Post.objects.get(pk=thread["post"].pk).body
    assert not AuditEntry.objects.filter(action="member.erased").exists()


def test_it_erases_from_the_page_after_the_password_and_signs_out(bob, community, thread, client):
    client.force_login(bob)
    refused = client.post(reverse("my_data_erase"), {"password": "wrong", "confirm": "on"}, follow=True)
    # Back on the account page (never left on the POST-only address), with the reason by the field.
    assert refused.redirect_chain == [(reverse("my_data") + "#erase-heading", 302)]
    assert "not your password" in refused.content.decode()
    unconfirmed = client.post(reverse("my_data_erase"), {"password": PASSWORD}, follow=True)
    assert "Tick the box to confirm the erasure." in unconfirmed.content.decode()
    # Shown once: reloading the page shows a fresh form.
    assert "Tick the box" not in client.get(reverse("my_data")).content.decode()
    bob.refresh_from_db()
    assert bob.is_active
    response = client.post(reverse("my_data_erase"), {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 302 and response["Location"] == reverse("login")
    bob.refresh_from_db()
    assert not bob.is_active
    assert client.get(reverse("my_data")).status_code == 302  # signed out


def test_it_only_accepts_erasure_by_post(bob, client):
    client.force_login(bob)
    assert client.get(reverse("my_data_erase")).status_code == 405


def test_it_shows_a_browser_that_opens_the_erase_address_the_sites_page_not_a_blank_one(bob, client):
    client.force_login(bob)
    response = client.get(reverse("my_data_erase"), HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8")
    page = response.content.decode()
    assert response.status_code == 405 and response["Allow"] == "POST"
    assert "This address only works from a form" in page and "Nothing was changed" in page
    assert 'href="/static/css/verbatim.css"' in page or "verbatim.css" in page
    bob.refresh_from_db()
    assert bob.is_active
    # Scripts asking for anything get the reason as one line of text.
    script = client.get(reverse("my_data_erase"), HTTP_ACCEPT="*/*")
    assert script.content == b"GET is not allowed here; this address takes POST only.\n"


def test_it_shows_moderators_an_erased_member_as_the_former_member_with_no_probe_link(
    alice, bob, community, thread, client
):
    user_erase(user=bob, password=PASSWORD)
    member = Membership.objects.select_related("user").get(pk=thread["member"].pk)
    assert member.is_erased and member.name_for_moderators == "Former member 1"
    client.force_login(alice)
    page = client.get(reverse("discussion_detail", args=["acme", thread["board"].pk])).content.decode()
    assert "Former member 1" in page and "erased-" not in page
    assert f"?post={thread['post'].pk}" not in page  # nobody to probe any more
    # The reply by a present participant keeps its probe link.
    assert f"?post={thread['reply'].pk}" in page


@pytest.mark.parametrize("policy", [ErasurePolicy.ANONYMIZE, ErasurePolicy.REMOVE])
def test_it_erases_what_the_member_said_in_live_sessions_by_the_same_policy(
    alice, bob, community, thread, policy
):
    import uuid

    from community.models import LiveMessage, LiveStream
    from community.services.live import live_message_send, live_session_start
    from tests.community.live_helpers import make_live

    community.erasure_policy = policy
    community.save(update_fields=["erasure_policy"])
    _, session = make_live(community)
    live_session_start(moderator=membership_of(alice, community), session=session)
    said, _ = live_message_send(
        author=thread["member"],
        session=session,
        stream=LiveStream.ROOM,
        body="I'm Bob, text me on 07700 900123 about the rug",
        client_id=str(uuid.uuid4()),
    )
    result = user_erase(user=bob, password=PASSWORD)
    body = LiveMessage.objects.get(pk=said.pk).body
    assert "Bob" not in body and "07700" not in body and result.live_messages == 1
    if policy == ErasurePolicy.REMOVE:
        assert body == privacy.LIVE_LINE_REMOVED
    else:
        assert "about the rug" in body


# --- Other people's mentions of the erased member ---


def _page(client, user, discussion) -> str:
    client.force_login(user)
    response = client.get(reverse("discussion_detail", args=["acme", discussion.pk]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def mentions(alice, bob, carol, community):
    """Bob's answer, a moderator thanking him by name and a participant greeting him by full name."""
    from community.services.posts import post_create

    board = DiscussionFactory(community=community, title="Open board")
    kim = participant(community, "kim", pseudonym="Brave Kite")
    post_create(
        author=membership_of(bob, community), discussion=board, body="The rug tore.", rate_limit=False
    )
    post_create(author=kim, discussion=board, body="Same here. Hi Bob Participant!", rate_limit=False)
    post_create(
        author=membership_of(alice, community),
        discussion=board,
        body="Thanks for being honest Bob, that's why you're here.",
        rate_limit=False,
    )
    return {"board": board, "kim": kim}


def test_it_keeps_the_erased_members_name_out_of_what_other_participants_read(
    alice, bob, community, mentions, client
):
    before = _page(client, mentions["kim"].user, mentions["board"])
    assert "Thanks for being honest Swift Heron" in before  # as it was: the pseudonym

    user_erase(user=bob, password=PASSWORD)

    page = _page(client, mentions["kim"].user, mentions["board"])
    assert "Thanks for being honest [NAME], that" in page and "Hi [NAME]!" in page
    assert "Bob" not in page and "Swift Heron" not in page
    assert "Former member 1" in page


def test_it_keeps_the_erased_members_name_out_of_what_clients_read(
    bob, carol, community, mentions, client, django_capture_on_commit_callbacks
):
    from community.services.posts import post_create

    with django_capture_on_commit_callbacks(execute=True):
        user_erase(user=bob, password=PASSWORD)
    # Written after the erasure, when Bob is no longer anyone's name in the community.
    post_create(
        author=mentions["kim"], discussion=mentions["board"], body="Where did Bob go?", rate_limit=False
    )
    page = _page(client, carol, mentions["board"])
    assert "Thanks for being honest [NAME]" in page and "Where did [NAME] go?" in page
    assert "Bob" not in page and "Swift Heron" not in page
    for post in Post.objects.filter(discussion=mentions["board"]):
        assert "Bob" not in post.client_body_html


def test_it_still_shows_moderators_the_original_words_of_other_peoples_posts(
    alice, bob, community, mentions, client
):
    user_erase(user=bob, password=PASSWORD)
    page = _page(client, alice, mentions["board"])
    assert "Thanks for being honest Bob" in page and "Hi Bob Participant!" in page
    assert "Swift Heron" not in page


def test_it_keeps_only_a_keyed_hash_of_the_erased_name_for_the_communities_they_were_in(
    bob, community, other_community, eve, mentions, settings
):
    from community.models import ErasedName
    from community.roster import erased_name_digest, roster_for

    user_erase(user=bob, password=PASSWORD)
    stored = list(ErasedName.objects.values_list("community_id", "digest"))
    assert {c for c, _ in stored} == {community.pk}
    digests = {d for _, d in stored}
    assert digests == {erased_name_digest("bob"), erased_name_digest("participant")}
    assert not any("bob" in d.lower() or "participant" in d.lower() for d in digests)
    # Keyed: without the site's secret the hash of a guessed name does not match.
    settings.SECRET_KEY = "another secret entirely, 50 characters or so long!!"
    assert erased_name_digest("bob") not in digests
    # Another community never had Bob: its members' "Bob" is nobody's business here.
    assert roster_for(other_community.pk).redact("Hi Bob") == "Hi Bob"


def test_it_refuses_a_wrong_password_and_keeps_the_names_roster_as_it_was(
    alice, bob, community, mentions, client
):
    from community.models import ErasedName

    with pytest.raises(ValidationError):
        user_erase(user=bob, password="guess")
    assert not ErasedName.objects.exists()
    page = _page(client, mentions["kim"].user, mentions["board"])
    assert "Thanks for being honest Swift Heron" in page and "[NAME]" not in page


def test_it_erases_only_the_signed_in_member_never_the_one_they_named(
    alice, bob, community, mentions, client
):
    from community.models import ErasedName

    client.force_login(mentions["kim"].user)
    # Kim named Bob in her post; the page takes no one but the signed-in member (Kim) to erase.
    response = client.post(reverse("my_data_erase"), {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 302
    bob.refresh_from_db()
    assert bob.is_active and membership_of(bob, community).pseudonym == "Swift Heron"
    kim = Membership.objects.get(pk=mentions["kim"].pk)
    assert kim.is_erased
    assert ErasedName.objects.count() == 1  # Kim's one name word, nothing of Bob's
    page = _page(client, alice, mentions["board"])
    assert "Swift Heron" in page


def test_it_takes_the_old_pseudonym_and_words_out_of_a_spotlight_of_their_live_line(
    alice, bob, carol, community, thread
):
    import uuid

    from community.models import LiveMessage, LiveStream
    from community.selectors_live import live_frame_for, live_message_event, live_state_snapshot
    from community.services.live import live_message_send, live_session_start, live_spotlight
    from tests.community.live_helpers import make_live

    moderator = membership_of(alice, community)
    lin = participant(community, "lin", pseudonym="Brave Kite")
    _, session = make_live(community)
    live_session_start(moderator=moderator, session=session)
    said, _ = live_message_send(
        author=thread["member"],
        session=session,
        stream=LiveStream.ROOM,
        body="I'm Bob. OK, the rug arrived torn.",
        client_id=str(uuid.uuid4()),
    )
    comment, _ = live_message_send(
        author=moderator,
        session=session,
        stream=LiveStream.ROOM,
        body="Oh Bob, that's awful.",
        client_id=str(uuid.uuid4()),
    )
    live_message_send(
        author=lin,
        session=session,
        stream=LiveStream.ROOM,
        body="Bob, same here!",
        client_id=str(uuid.uuid4()),
    )
    spotlight = live_spotlight(moderator=moderator, session=session, seq=said.seq)

    user_erase(user=bob, password=PASSWORD)

    stored = LiveMessage.objects.get(pk=spotlight.pk)
    assert stored.data["author"] == "Former member 1"
    assert "Bob" not in stored.data["body"] and "the rug arrived torn" in stored.data["body"]
    session.refresh_from_db()
    viewers = {"participant": lin, "client": membership_of(carol, community)}
    for role, viewer in viewers.items():
        frames = [
            live_frame_for(live_message_event(m), viewer)
            for m in LiveMessage.objects.filter(session=session).select_related(
                "author__user", "recipient__user"
            )
        ]
        text = str(frames) + str(live_state_snapshot(session, viewer=viewer))
        assert "Bob" not in text and "Swift Heron" not in text, role
        assert "Oh [NAME], that's awful." in text and "[NAME], same here!" in text, role
    staff_frame = live_frame_for(live_message_event(LiveMessage.objects.get(pk=comment.pk)), moderator)
    assert staff_frame["body"] == "Oh Bob, that's awful."


def _audit_text(entry) -> str:
    return f"{entry.reason} {entry.details}".lower()


def test_it_takes_the_person_out_of_the_audit_log_but_keeps_what_was_done(
    alice, bob, carol, community, other_community, thread, client
):
    from community.models import Invitation
    from community.services.moderation import post_flag, post_moderate

    bob_member = thread["member"]
    old_pseudonym = bob_member.pseudonym
    moderator = membership_of(alice, community)
    participant(other_community, "bob")
    # How Bob joined: the invitation to his email, as the log recorded it then.
    invitation = Invitation.objects.create(
        community=community, email="bob@example.com", role="participant", invited_by=alice, accepted_by=bob
    )
    AuditEntry.objects.create(
        community=community,
        actor=alice,
        action="membership.invited",
        target_type="invitation",
        target_id=invitation.pk,
        details={"email": "bob@example.com", "role": "participant"},
    )
    post_moderate(
        moderator=moderator, post=thread["post"], action="hide", reason="Bob Participant left his number"
    )
    post_flag(flagger=bob_member, post=thread["reply"], reason="Kim copied me, call bob.p@mail.example")
    other = PostFactory(discussion=thread["board"], author=participant(community, "kim2"), body="Hi")
    post_moderate(moderator=moderator, post=other, action="hide", reason="Off topic, as Bob said")
    before = AuditEntry.objects.filter(community=community).count()

    user_erase(user=bob, password=PASSWORD)

    entries = list(AuditEntry.objects.filter(community=community))
    assert len(entries) == before + 1  # the erasure itself; nothing else added or dropped
    bob_member.refresh_from_db()
    tombstone = bob_member.pseudonym
    for entry in entries:
        text = _audit_text(entry)
        for identifying in ("bob", "participant left", "bob.p@mail.example", old_pseudonym.lower()):
            assert identifying not in text, (entry.action, text)
    hide = next(e for e in entries if e.action == "post.hide" and e.target_id == thread["post"].pk)
    # Still meaningful: who did what to which post, and why, with the person as their tombstone.
    assert hide.details["author"] == tombstone and hide.actor == alice
    assert hide.reason == "[NAME] [NAME] left his number"
    flag = next(e for e in entries if e.action == "post.flag")
    assert flag.actor_id == bob_member.user_id != bob.pk  # not the account shared by all communities
    assert flag.reason == "Kim copied me, call [EMAIL]"
    assert next(e for e in entries if e.target_id == other.pk).reason == "Off topic, as [NAME] said"
    erased = next(e for e in entries if e.action == "member.erased")
    assert erased.details["member"] == tombstone
    # Another community's log keeps its own entries, without linking to this one.
    assert not AuditEntry.objects.filter(community=other_community, actor=bob_member.user).exists()

    client.force_login(alice)
    page = client.get(reverse("audit_log", args=["acme"])).content.decode()
    assert f"{tombstone} (erased)" in page and "erased-" not in page
    csv_text = b"".join(client.get(reverse("audit_csv", args=["acme"])).streaming_content).decode()
    assert f"{tombstone} (erased)" in csv_text and "bob" not in csv_text.lower()


def test_it_keeps_other_peoples_contact_details_in_entries_not_about_the_erased_person(
    alice, bob, community, thread
):
    from community.services.memberships import invitation_create

    invitation_create(community=community, email="sam@example.com", role="participant", invited_by=alice)
    user_erase(user=bob, password=PASSWORD)
    invited = AuditEntry.objects.get(action="membership.invited")
    assert invited.details["email"] == "sam@example.com" and invited.actor == alice


def test_it_keeps_the_erased_name_out_of_moderator_replies_and_probes_other_participants_read(
    alice, bob, community, mentions, client
):
    """QA's case: "Thanks Dan" in a moderator's reply and in a probe asked of a whole segment."""
    from community.models import Probe
    from community.services.posts import post_create
    from community.services.probes import probe_create

    kim = mentions["kim"]
    kim.segments = ["app users"]
    kim.save(update_fields=["segments"])
    moderator = membership_of(alice, community)
    kims_post = Post.objects.get(author=kim)
    post_create(
        author=moderator,
        discussion=mentions["board"],
        parent=kims_post,
        body="Thanks Kim. Bob said the same thing, didn't you Bob?",
        rate_limit=False,
    )
    probe = probe_create(
        author=moderator,
        discussion=mentions["board"],
        question="Like Bob, did the rug tear for you too?",
        segment="app users",
    )

    user_erase(user=bob, password=PASSWORD)

    page = _page(client, kim.user, mentions["board"])
    assert "Thanks Kim. [NAME] said the same thing, didn't you [NAME]?" in page
    assert "Bob" not in page
    client.force_login(kim.user)
    probe_page = client.get(reverse("probe_detail", args=["acme", probe.pk])).content.decode()
    assert "Like [NAME], did the rug tear for you too?" in probe_page and "Bob" not in probe_page
    # Nothing else of the moderator's words is lost, and moderators still read them as written.
    assert Probe.objects.get(pk=probe.pk).question == "Like Bob, did the rug tear for you too?"


@pytest.mark.django_db(transaction=True)
def test_it_answers_an_erasure_without_waiting_for_the_community_wide_redaction(
    bob, community, mentions, client, settings, monkeypatch
):
    """Re-applying the roster to every stored text (it may load spaCy and parse the community)
    runs on the analysis thread in the embedded default, not inside the member's request."""
    import threading

    from research import redaction, tasks

    settings.VERBATIM = {**settings.VERBATIM, "ANALYSIS_IN_BACKGROUND": True}
    ran_on = []
    real = redaction.posts_redact_again

    def recording(**kwargs):
        ran_on.append(threading.current_thread().name)
        return real(**kwargs)

    monkeypatch.setattr(redaction, "posts_redact_again", recording)
    client.force_login(bob)
    response = client.post(reverse("my_data_erase"), {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 302
    assert threading.current_thread().name not in ran_on
    tasks.in_process_tasks_wait(timeout=30)
    assert ran_on and all(name.startswith("analysis") for name in ran_on)
    bob.refresh_from_db()
    assert not bob.is_active
