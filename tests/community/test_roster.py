"""The member-name roster: which names it knows, how it matches them, and every place it applies
for people who know members by pseudonym (clients; participants reading staff text and probes),
plus what private journals promise and do."""

from __future__ import annotations

import pytest
from django.urls import reverse

from community.models import DiscussionKind, Role
from community.roster import roster_build, roster_for
from community.selectors_live import live_frame_for, live_state_snapshot
from community.services.posts import post_create
from community.services.probes import probe_answer, probe_create
from tests.conftest import membership_of
from tests.factories import DiscussionFactory, MembershipFactory, UserFactory


def _member(community, username, first, last, *, role=Role.PARTICIPANT, pseudonym, **extra):
    return MembershipFactory(
        community=community,
        user=UserFactory(username=username, first_name=first, last_name=last),
        role=role,
        pseudonym=pseudonym,
        **extra,
    )


@pytest.fixture
def people(community, alice, bob, carol):
    return {
        "priya": _member(community, "priya", "Priya", "Sandhu", pseudonym="Sunny Heron"),
        "sarah": _member(community, "sarah", "Sarah", "Mitchell", pseudonym="Curious Brook"),
        "sarah2": _member(community, "sarah2", "Sarah", "Lowe", pseudonym="Jade River"),
        "will": _member(community, "will", "Will", "Price", pseudonym="Eager Falcon"),
        "jo": _member(community, "jo", "Jo", "Harper", pseudonym="Olive Heron"),
        "bob": membership_of(bob, community),
        "alice": membership_of(alice, community),
        "carol": membership_of(carol, community),
    }


# --- The roster itself ---


def test_it_knows_every_members_first_and_last_names_in_any_role(people, community):
    roster = roster_for(community.pk)
    for text in ("Alice", "Moderator", "Bob", "Participant", "Carol", "Client", "Priya Sandhu"):
        assert roster.redact(f"ask {text} now") == "ask [NAME] now", text


def test_it_matches_names_in_any_case_and_possessives_but_only_whole_words(people, community):
    roster = roster_for(community.pk)
    assert roster.redact("hi i'm priya, PRIYA's friend") == "hi i'm [NAME], [NAME]'s friend"
    assert roster.redact("Priyanka and sandhurst") == "Priyanka and sandhurst"


def test_it_redacts_names_that_are_words_only_when_written_as_names(people, community):
    roster = roster_for(community.pk)
    assert roster.redact("I will pay the price. Will said Price is high.") == (
        "I will pay the price. [NAME] said [NAME] is high."
    )
    # Two-letter names count only with a capital: "Jo" is a name, "jo" is not.
    assert roster.redact("Jo said jo") == "[NAME] said jo"


def test_it_leaves_an_everyday_surname_that_opens_a_sentence(people, community):
    roster = roster_for(community.pk)
    # "Price" (Will Price) opening a sentence is the word; people address each other by first name.
    assert (
        roster.redact("Price is fine for kidswear. The price? Fine.")
        == "Price is fine for kidswear. The price? Fine."
    )
    assert roster.redact('"Price is key," he said. Ask Price.') == '"Price is key," he said. Ask [NAME].'
    # A given name that is a word still counts there: "Will" may well be Will.
    assert roster.redact("Will is right about that.") == "[NAME] is right about that."


def test_it_redacts_the_short_form_of_a_given_name_inside_a_sentence(community):
    bev = _member(community, "bev", "Beverley", "Shaw", pseudonym="Plum Sparrow")
    _member(community, "janet", "Janet", "Okoro", pseudonym="Bright Wren")
    roster = roster_for(community.pk)
    assert (
        roster.redact("Hello I'm Bev from Exeter, thanks Bever!")
        == "Hello I'm [NAME] from Exeter, thanks [NAME]!"
    )
    # Lower case, or opening a sentence, a short form is just a word; "Jan" is the month.
    assert roster.redact("Bev. I got a bev at the bar in Jan") == "Bev. I got a bev at the bar in Jan"
    assert roster.pseudonymise("Good point Bev", keep=()) == "Good point Plum Sparrow"
    assert roster.pseudonymise("Good point Bev", keep=(bev.pk,)) == "Good point Bev"


def test_it_takes_a_full_name_as_one_span(people, community):
    assert roster_for(community.pk).redact("Sarah   Mitchell here") == "[NAME] here"


def test_it_writes_a_pseudonym_for_an_unambiguous_name_and_name_for_a_shared_one(people, community):
    roster = roster_for(community.pk)
    assert roster.pseudonymise("Priya, and Sarah Mitchell?") == "Sunny Heron, and Curious Brook?"
    # Two members are called Sarah: no guessing which.
    assert roster.pseudonymise("Sarah, what would help?") == "[NAME], what would help?"


def test_it_leaves_imported_members_out_of_the_roster(community):
    _member(community, "imp", "Imogen", "Porter", pseudonym="Respondent 7", is_imported=True)
    assert roster_for(community.pk).redact("Imogen said") == "Imogen said"


def test_it_reads_the_roster_from_the_cache_after_two_queries(people, community, django_assert_num_queries):
    # Members' names, then erased members' hashed names.
    with django_assert_num_queries(2):
        first = roster_for(community.pk)
    with django_assert_num_queries(0):
        again = roster_for(community.pk)
    assert again.fingerprint == first.fingerprint == roster_build(community.pk).fingerprint


def test_it_forgets_the_cached_roster_when_a_member_joins_or_is_renamed(people, community):
    before = roster_for(community.pk).fingerprint
    newcomer = _member(community, "zara", "Zara", "Quint", pseudonym="Teal Comet")
    assert roster_for(community.pk).redact("Zara") == "[NAME]"
    user = newcomer.user
    user.first_name = "Zoya"
    user.save()
    roster = roster_for(community.pk)
    assert roster.redact("Zoya and Zara") == "[NAME] and Zara"
    assert roster.fingerprint != before


def test_it_keeps_each_communitys_roster_to_itself(people, community, eve):
    assert roster_for(community.pk).redact("Eve Outsider") == "Eve Outsider"


# --- Erased members: their names stay redacted, kept only as keyed hashes ---


def _erase(member):
    """As the erasure does it: the name words into the roster, the membership cut loose."""
    from community.roster import roster_remember_erased

    user = member.user
    roster_remember_erased(member.community_id, user.first_name, user.last_name)
    user.first_name = user.last_name = ""
    user.save()


def test_it_still_redacts_an_erased_members_name_in_any_case_and_as_one_span(people, community):
    _erase(people["priya"])
    roster = roster_for(community.pk)
    assert roster.redact("Thanks priya, PRIYA's point and Priya Sandhu's too") == (
        "Thanks [NAME], [NAME]'s point and [NAME]'s too"
    )
    assert roster.redact("Priyanka and sandhurst") == "Priyanka and sandhurst"
    # Participants reading each other: only the former member's name goes, current members' stay.
    assert roster.redact_erased("Hi Priya, and Sarah") == "Hi [NAME], and Sarah"


def test_it_redacts_an_erased_name_that_is_a_word_only_when_capitalised(people, community):
    _erase(people["will"])
    roster = roster_for(community.pk)
    assert roster.redact_erased("I will pay the price. Will said Price is high.") == (
        "I will pay the price. [NAME] said [NAME] is high."
    )


def test_it_never_turns_an_erased_name_into_a_pseudonym(people, community):
    _erase(people["priya"])
    # A newcomer with the same first name: "Priya" may mean either, so neither pseudonym is shown.
    _member(community, "priya2", "Priya", "Kaur", pseudonym="Amber Finch")
    roster = roster_for(community.pk)
    assert roster.pseudonymise("Welcome Priya!") == "Welcome [NAME]!"
    assert roster.pseudonymise("Welcome Priya Kaur!") == "Welcome Amber Finch!"
    assert "Sunny Heron" not in roster.pseudonymise("Priya Sandhu, Priya, Sandhu")


def test_it_changes_the_fingerprint_when_a_name_is_erased_and_caches_the_hashes(
    people, community, django_assert_num_queries
):
    before = roster_for(community.pk).fingerprint
    _erase(people["priya"])
    first = roster_for(community.pk)
    assert first.fingerprint != before
    with django_assert_num_queries(0):
        again = roster_for(community.pk)
    assert again.redact("Priya") == "[NAME]" and again.fingerprint == first.fingerprint


def test_it_keeps_matching_erased_names_after_the_secret_key_is_rotated(people, community, settings):
    _erase(people["priya"])
    old = settings.SECRET_KEY
    settings.SECRET_KEY = "a brand new secret key for this site, long enough!!"
    settings.SECRET_KEY_FALLBACKS = [old]
    assert roster_build(community.pk).redact("Hi Priya") == "Hi [NAME]"
    settings.SECRET_KEY_FALLBACKS = []
    assert roster_build(community.pk).redact("Hi Priya") == "Hi Priya"


# --- Clients: the copy of a post written at posting time ---


def test_it_writes_the_client_copy_without_any_members_name(people, community):
    discussion = DiscussionFactory(community=community)
    post = post_create(
        author=people["alice"],
        discussion=discussion,
        body="Welcome Priya! Thanks bob, and Will: write to me at x@example.com.",
        rate_limit=False,
    )
    assert "Priya" not in post.client_body_html and "bob" not in post.client_body_html
    assert "[NAME]" in post.client_body_html and "[EMAIL]" in post.client_body_html
    assert "Welcome Priya!" in post.body_html


# --- Participants reading staff text: moderator posts and probes ---


@pytest.fixture
def board(community):
    return DiscussionFactory(community=community, title="Open board")


def _discussion_page(client, user, discussion) -> str:
    client.force_login(user)
    response = client.get(reverse("discussion_detail", args=["acme", discussion.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_it_shows_other_participants_a_moderators_welcome_with_pseudonyms(client, people, board):
    post_create(author=people["priya"], discussion=board, body="My answer.", rate_limit=False)
    post_create(author=people["bob"], discussion=board, body="Mine too.", rate_limit=False)
    post_create(author=people["alice"], discussion=board, body="Welcome Priya Sandhu!", rate_limit=False)

    as_bob = _discussion_page(client, people["bob"].user, board)
    assert "Welcome Sunny Heron!" in as_bob and "Priya" not in as_bob
    as_moderator = _discussion_page(client, people["alice"].user, board)
    assert "Welcome Priya Sandhu!" in as_moderator
    as_client = _discussion_page(client, people["carol"].user, board)
    assert "Priya" not in as_client and "Sandhu" not in as_client


def test_it_shows_a_probe_on_an_open_board_with_the_addressees_pseudonym(client, people, board):
    answer = post_create(author=people["priya"], discussion=board, body="I shop at night.", rate_limit=False)
    probe = probe_create(
        author=people["alice"],
        discussion=board,
        question="Priya, what would make nights easier?",
        post=answer,
    )
    detail = reverse("probe_detail", args=["acme", probe.pk])

    as_bob = _discussion_page(client, people["bob"].user, board)
    assert "Sunny Heron, what would make nights easier?" in as_bob and "Priya" not in as_bob
    client.force_login(people["bob"].user)
    assert "Priya" not in client.get(detail).content.decode()
    client.force_login(people["priya"].user)
    assert "Priya, what would make nights easier?" in client.get(detail).content.decode()
    client.force_login(people["alice"].user)
    assert "Priya, what would make nights easier?" in client.get(detail).content.decode()


def test_it_shows_clients_probe_answers_and_the_probed_post_redacted(client, people, board):
    answer = post_create(
        author=people["priya"], discussion=board, body="I'm Priya, mail priya@example.com", rate_limit=False
    )
    probe = probe_create(author=people["alice"], discussion=board, question="Why nights?", post=answer)
    probe_answer(probe=probe, member=people["priya"], body="Ask Sarah Mitchell, she knows.")

    client.force_login(people["carol"].user)
    body = client.get(reverse("probe_detail", args=["acme", probe.pk])).content.decode()
    assert "Priya" not in body and "priya@example.com" not in body and "Mitchell" not in body
    assert "[NAME]" in body


def test_it_lists_a_segment_probe_naming_someone_with_pseudonyms_on_the_participants_home(
    client, people, board
):
    people["bob"].segments = ["app users"]
    people["bob"].save(update_fields=["segments"])
    probe_create(
        author=people["alice"],
        discussion=board,
        question="Priya said nights; what about you?",
        segment="app users",
    )
    client.force_login(people["bob"].user)
    home = client.get(reverse("community_home", args=["acme"])).content.decode()
    assert "Sunny Heron said nights" in home and "Priya" not in home


# --- Private journals: what the words promise is what happens ---


@pytest.fixture
def journal(community):
    return DiscussionFactory(community=community, title="Shopping diary", kind=DiscussionKind.JOURNAL)


def test_it_tells_participants_who_reads_their_journal(client, people, journal, community):
    page = _discussion_page(client, people["bob"].user, journal)
    assert "private from other participants" in page
    assert f"{community.brand_name}'s team may read them without your name" in page
    assert "only you and the moderators" not in page


def test_it_shows_the_same_journal_rule_on_the_consent_page(client, dave, community):
    client.force_login(dave)
    page = client.get(reverse("consent", args=["acme"])).content.decode()
    assert "Private journals are private from other participants" in page
    assert "may read them without your name" in page


def test_it_gives_clients_journal_entries_without_names_and_other_participants_nothing(
    client, people, journal
):
    post_create(
        author=people["priya"],
        discussion=journal,
        body="Priya here: bought a lamp, call 07700 900123.",
        rate_limit=False,
    )
    as_client = _discussion_page(client, people["carol"].user, journal)
    assert "bought a lamp" in as_client and "Sunny Heron" in as_client
    assert "Priya" not in as_client and "07700 900123" not in as_client
    assert "you read them under pseudonyms" in as_client
    as_bob = _discussion_page(client, people["bob"].user, journal)
    assert "bought a lamp" not in as_bob


# --- Live sessions ---


def _event(body, *, author, role=Role.PARTICIPANT):
    return {
        "stream": "room",
        "seq": 1,
        "kind": "message",
        "body": body,
        "data": {},
        "client_id": None,
        "question_id": None,
        "author_id": author.pk,
        "author_pseudonym": author.pseudonym,
        "author_name": author.name_for_moderators,
        "author_role": role,
        "recipient_id": None,
        "recipient_pseudonym": "",
        "recipient_name": "",
        "at": "2026-01-01T00:00:00+00:00",
    }


def test_it_sends_live_observers_messages_without_members_names(people):
    event = _event("Thanks priya, I agree with Sarah Mitchell", author=people["bob"])
    assert live_frame_for(event, people["carol"])["body"] == "Thanks [NAME], I agree with [NAME]"
    assert live_frame_for(event, people["alice"])["body"] == "Thanks priya, I agree with Sarah Mitchell"


def test_it_sends_participants_a_moderators_live_welcome_with_pseudonyms(people):
    event = _event("Welcome Priya!", author=people["alice"], role=Role.MODERATOR)
    assert live_frame_for(event, people["bob"])["body"] == "Welcome Sunny Heron!"
    assert live_frame_for(event, people["alice"])["body"] == "Welcome Priya!"


def test_it_redacts_the_spotlight_for_observers(people, community):
    from community.models import LiveMessage, LiveSession

    live = DiscussionFactory(community=community, kind=DiscussionKind.LIVE)
    session = LiveSession.objects.create(discussion=live, community=community)
    message = LiveMessage.objects.create(
        session=session, stream="room", seq=1, author=people["bob"], body="Priya is right"
    )
    session.spotlight = message
    snapshot = live_state_snapshot(session, viewer=people["carol"])
    assert snapshot["spotlight"]["body"] == "[NAME] is right"
