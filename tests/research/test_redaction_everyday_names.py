"""What clients read where a member's name is an everyday word, a shop is named like a person,
or a place's name ends in "Square" (the real spaCy pipeline, end to end).

Redacting "Will" in "Will report back" or "Nook" in "Nook's stuff" costs clients the sentence;
keeping "Will" in "Will said it was late" leaks a member. Sentences a participant could write.
"""

from __future__ import annotations

import pytest

from community.models import Role
from community.pii import apply_redactions
from community.roster import Roster, RosterEntry
from community.services.posts import post_create
from research import services
from research.analysis.pipeline import (
    BrandNamesSpared,
    brand_name_words,
    everyday_word_spans,
    get_nlp,
    reads_as_everyday_word,
)
from research.models import PostAnalysis
from research.redaction import everyday_words_spared, posts_redact_again
from tests.factories import CommunityFactory, DiscussionFactory, MembershipFactory, UserFactory


@pytest.fixture(scope="module")
def nlp():
    return get_nlp()


def _word_at(nlp, text: str, word: str) -> bool:
    doc = nlp(text)
    start = text.index(word)
    return reads_as_everyday_word(doc.char_span(start, start + len(word))[0])


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("Will report back once the refund lands.", "Will"),
        ("Will definitely order the lamp again.", "Will"),
        ("Will you be at the store on Saturday?", "Will"),
        ("May I suggest bigger labels on the shelves?", "May"),
        ("We moved house in May and the sofa came late.", "May"),
        ("Hope the new range is better than the last.", "Hope"),
        ("Rose gold frames sold out in a day.", "Rose"),
        ("Bill me at the end of the month, please.", "Bill"),
    ],
)
def test_an_everyday_word_used_as_the_word_reads_as_the_word(nlp, text, word):
    assert _word_at(nlp, text, word)


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("Will said the delivery came a week late.", "Will"),
        ("Thanks Will, that tip about the app worked.", "Will"),
        ("Will, did your order come in the end?", "Will"),
        ("Can Will bring the receipt tomorrow?", "Will"),
        ("May told me the store shuts at six.", "May"),
        ("Hope was really patient on the phone.", "Hope"),
        ("Rose from the Leeds store sorted my refund.", "Rose"),
        ("Grace was lovely at the till.", "Grace"),
    ],
)
def test_an_everyday_word_naming_someone_stays_a_name(nlp, text, word):
    assert not _word_at(nlp, text, word)


def test_only_one_token_spans_are_spared(nlp):
    text = "Will report back soon."
    assert everyday_word_spans(nlp(text), [(0, 4), (0, 11), (5, 9)]) == frozenset({(0, 4)})


def _roster(*names: str) -> Roster:
    return Roster(entries=tuple(RosterEntry(name=n, pseudonym="Eager Falcon", member_id=7) for n in names))


def test_the_roster_spares_what_the_parse_reads_as_a_word_and_nothing_else(db):
    roster = _roster("Will", "Thornton", "Will Thornton")
    texts = [
        "Will report back on the bedding. Will said it would be quick. Will Thornton agreed.",
        "no names in here at all",
        "",
    ]
    spared = everyday_words_spared(roster, texts)
    assert [roster.redact(t, spare=s) for t, s in zip(texts, spared, strict=True)] == [
        "Will report back on the bedding. [NAME] said it would be quick. [NAME] agreed.",
        "no names in here at all",
        "",
    ]
    # Without a parse (posting time, the erasure's pass) the capitalised word is the safer error.
    assert roster.redact(texts[0]).startswith("[NAME] report back")


def test_a_spare_never_keeps_a_name_that_is_no_everyday_word(db):
    roster = _roster("Priya")
    assert roster.redact("Priya said so.", spare={(0, 5)}) == "[NAME] said so."


def test_brand_words_leave_out_given_names_of_a_shop_named_after_someone():
    words = brand_name_words(["Nook Home", "Marlowe's", "John Lewis", "Hearth & Loom"])
    assert {"nook", "marlowe", "hearth", "loom"} <= words
    assert not {"john", "lewis"} & words


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("Nook's stuff looks prettier online but returns cost a fortune.", "Nook's stuff"),
        ("Honestly Nook was cheaper for the same throw.", "Nook was cheaper"),
    ],
)
def test_a_competitor_the_model_calls_a_person_stays_readable(nlp, text, kept):
    doc = next(BrandNamesSpared(nlp, ["Nook Home"]).pipe([text]))
    assert kept in apply_redactions(text, doc._.pii_spans)


def test_a_person_sharing_a_brands_given_name_is_still_redacted(nlp):
    text = "Our neighbour John said the John Lewis sofa was better."
    doc = next(BrandNamesSpared(nlp, ["John Lewis"]).pipe([text]))
    assert apply_redactions(text, doc._.pii_spans).startswith("Our neighbour [NAME] said")


# --- end to end: analysis, stored redaction, client copy, redaction again ---


@pytest.fixture
def hearth(db):
    community = CommunityFactory(
        name="Homeware Lab",
        slug="homeware",
        brand_name="Larkspur",
        brand_aliases=[],
        competitor_brands=["Nook Home"],
    )
    people = {}
    for username, first, last, pseudonym in (
        ("will", "Will", "Thornton", "Eager Falcon"),
        ("imran", "Imran", "Qureshi", "Witty Beacon"),
    ):
        user = UserFactory(username=username, first_name=first, last_name=last)
        people[username] = MembershipFactory(
            user=user, community=community, role=Role.PARTICIPANT, pseudonym=pseudonym
        )
    return community, people


def _analysed(community, author, bodies):
    discussion = DiscussionFactory(community=community)
    # Posted as a participant posts: the client copy is first written by the regex redaction.
    posts = [
        post_create(author=author, discussion=discussion, body=body, rate_limit=False) for body in bodies
    ]
    services.posts_analyze(post_ids=[p.pk for p in posts])
    for post in posts:
        post.refresh_from_db()
    return posts


def _stored(post) -> str:
    return PostAnalysis.objects.get(post=post).redacted_text


def test_clients_read_will_report_back_and_nooks_stuff_but_not_will_himself(hearth):
    community, people = hearth
    report, nook, thanks, square = _analysed(
        community,
        people["imran"],
        [
            "Bedding arrived, one pillowcase missing. Will report back on how long the refund takes.",
            "I compared with Nook Home. Nook's stuff looks prettier online but takes forever to arrive.",
            "Thanks Will, the tip about the app worked. Will said it would and it did.",
            "The Larkspur at Forster Square had my size in stock.",
        ],
    )
    assert "Will report back on how long" in _stored(report)
    assert "Will report back on how long" in report.client_body_html
    assert "Nook's stuff looks prettier" in _stored(nook)
    assert "Nook's stuff looks prettier" in nook.client_body_html
    assert _stored(thanks) == "Thanks [NAME], the tip about the app worked. [NAME] said it would and it did."
    assert "Will" not in thanks.client_body_html
    assert "Forster Square" in _stored(square)


def test_a_roster_change_keeps_the_word_and_redacts_the_new_member(hearth):
    community, people = hearth
    (post,) = _analysed(
        community, people["imran"], ["Will order again. Mina at the till was great, Will agreed."]
    )
    user = UserFactory(username="mina", first_name="Mina", last_name="Okoro")
    MembershipFactory(user=user, community=community, role=Role.PARTICIPANT, pseudonym="Calm Reef")
    posts_redact_again(community_id=community.pk, force=True)
    post.refresh_from_db()
    assert _stored(post) == "Will order again. [NAME] at the till was great, [NAME] agreed."
    assert "Will order again." in post.client_body_html
    assert "Mina" not in post.client_body_html


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("Forster Square. Can't promise it's every time though.", "Forster Square"),
        ("Collected it from the desk at Meadowhall Centre on Friday.", "Meadowhall Centre"),
    ],
)
def test_a_name_ending_in_a_word_for_a_place_stays_readable(nlp, text, place):
    assert place in apply_redactions(text, nlp(text)._.pii_spans)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("I met Sarah Park at the till and she was lovely.", "Sarah Park"),
        ("Mr Park was rude when I asked about the refund.", "Park"),
    ],
)
def test_a_person_whose_surname_is_a_place_word_is_still_redacted(nlp, text, name):
    assert name not in apply_redactions(text, nlp(text)._.pii_spans)


# --- people who are no member, named with an everyday word the model did not call a person ---


def _client_text(nlp, text: str) -> str:
    return apply_redactions(text, nlp(text)._.pii_spans)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Rose helped me find the right size in store.", "[NAME] helped me find the right size in store."),
        (
            "Hope was really patient when the app kept crashing.",
            "[NAME] was really patient when the app kept crashing.",
        ),
        ("Will sorted the refund in minutes.", "[NAME] sorted the refund in minutes."),
        ("Will has been brilliant with my account.", "[NAME] has been brilliant with my account."),
        (
            "Dawn on the helpline was brilliant about my card.",
            "[NAME] on the helpline was brilliant about my card.",
        ),
        (
            "Grace at the bank explained the overdraft fees.",
            "[NAME] at the bank explained the overdraft fees.",
        ),
        ("Will at Larkspur sorted my refund.", "[NAME] at Larkspur sorted my refund."),
        ("Then Rose came over and scanned the coupon.", "Then [NAME] came over and scanned the coupon."),
        (
            "I asked Will about the transfer fee and he said no.",
            "I asked [NAME] about the transfer fee and he said no.",
        ),
        (
            "Amber and I went to the branch to open an account.",
            "[NAME] and I went to the branch to open an account.",
        ),
    ],
)
def test_an_everyday_word_only_a_person_fits_is_redacted_without_a_roster(nlp, text, expected):
    assert _client_text(nlp, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Hope this helps anyone with the same login issue.",
        "Hope is all I have left with this bank.",
        "Faith in the app is gone after the update.",
        "Ruby is my favourite colour for the kettle.",
        "Rose gold phones sold out in a day.",
        "Mark my words, the app will crash again.",
        "May has been quiet in the store.",
        "May have been delayed by the strike.",
        "Hope & Ivy had the same dress cheaper.",
        "I went to Joy for a curry and paid with the app.",
    ],
)
def test_the_everyday_word_stays_readable(nlp, text):
    assert _client_text(nlp, text) == text
