"""Which people the analysis redacts as [NAME] in the text clients read (the real pipeline).

Over-redaction costs clients the meaning of a quote ("[NAME] said delivered"); under-redaction
leaks a person. These are sentences a participant could write.
"""

import pytest

from research.analysis.enrich import enrich_doc
from research.analysis.pipeline import get_nlp
from research.analysis.types import BrandLexicon


@pytest.fixture(scope="module")
def nlp():
    return get_nlp()


NO_BRANDS = BrandLexicon()


def redacted(nlp, text: str) -> str:
    return enrich_doc(nlp(text), lexicon=NO_BRANDS).redacted_text


@pytest.mark.parametrize(
    "text",
    [
        "parcel said delivered, wasnt delivered.",
        "Picky is exactly what we want from a shop.",
    ],
)
def test_ordinary_words_the_model_calls_people_stay_readable(nlp, text):
    assert "[NAME]" not in redacted(nlp, text)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Sarah at the counter was lovely.", "Sarah"),
        ("ask for sarah at the till", "sarah"),
        ("Mark said it was fine.", "Mark"),
        ("Call John Smith tomorrow.", "John Smith"),
        ("Smith was rude to my mum.", "Smith"),
        ("Great service from Jenny today.", "Jenny"),
    ],
)
def test_people_are_still_redacted(nlp, text, name):
    out = redacted(nlp, text)
    assert name not in out
    assert "[NAME]" in out


# The small model tags many towns as people; clients need to read where it happened.
@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("I drove to Glasgow last week and the store was shut.", "Glasgow"),
        ("The Milton Keynes branch was tidy.", "Milton Keynes"),
        ("The Milton Keynes store had nothing in my size.", "Milton Keynes"),
        ("I live near Nottingham and the delivery took ages.", "Nottingham"),
        ("We took the train to Nottingham.", "Nottingham"),
        ("The centre of Nottingham is lovely.", "Nottingham"),
        ("We shop at the Reading branch.", "Reading"),
        ("The lady in the Reading branch was lovely.", "Reading"),
        ("I popped into Milton Keynes on the way home.", "Milton Keynes"),
        ("I'm from Bolton originally.", "Bolton"),
        ("I live in Hull and the nearest store is in Grimsby.", "Grimsby"),
    ],
)
def test_places_the_model_calls_people_stay_readable(nlp, text, place):
    out = redacted(nlp, text)
    assert place in out
    assert "[NAME]" not in out


@pytest.mark.parametrize(
    ("text", "name", "kept"),
    [
        ("I spoke to Sarah at the Leeds store.", "Sarah", "the Leeds store"),
        ("Jenny in the Bristol branch helped me.", "Jenny", "the Bristol branch"),
        ("I bumped into Hamilton in Leeds.", "Hamilton", "in Leeds"),
        # A town's name is a person's where the sentence treats it as one.
        ("Hamilton was rude to me.", "Hamilton", "was rude"),
        ("I spoke to Hamilton about my refund.", "Hamilton", "about my refund"),
        ("Hamilton's team sorted my refund.", "Hamilton", "team"),
        ("The manager Hamilton was rude.", "Hamilton", "The manager"),
        ("Mr Preston served me.", "Preston", "Mr"),
        ("Doctor Preston said it was fine.", "Preston", "Doctor"),
        ("My friend Chester loves it.", "Chester", "My friend"),
        ("Our friend Bolton loves the brand.", "Bolton", "Our friend"),
        # Given names that are also places are always names, tagged as people or not.
        ("Florence from customer services sorted it out.", "Florence", "customer services"),
        ("Victoria was very helpful on the phone.", "Victoria", "very helpful"),
        ("Georgia was lovely on the phone.", "Georgia", "lovely"),
        ("Jordan helped me find a jacket.", "Jordan", "a jacket"),
    ],
)
def test_people_named_like_places_are_still_redacted(nlp, text, name, kept):
    out = redacted(nlp, text)
    assert name not in out
    assert "[NAME]" in out
    assert kept in out


@pytest.mark.django_db
def test_a_member_named_like_a_town_is_redacted_where_the_town_is_kept():
    from community.models import Role
    from community.services.posts import post_create
    from research import services
    from research.models import PostAnalysis
    from tests.factories import CommunityFactory, DiscussionFactory, MembershipFactory, UserFactory

    community = CommunityFactory(slug="places-roster")
    MembershipFactory(
        community=community,
        user=UserFactory(username="sam", first_name="Sam", last_name="Bolton"),
        role=Role.PARTICIPANT,
        pseudonym="Amber Kestrel",
    )
    author = MembershipFactory(
        community=community, user=UserFactory(username="dee", first_name="Dee", last_name="Okoro")
    )
    discussion = DiscussionFactory(community=community)
    body = "I'm from Bolton originally and the Milton Keynes store was shut."
    post = post_create(author=author, discussion=discussion, body=body, rate_limit=False)

    services.posts_analyze(post_ids=[post.pk])

    stored = PostAnalysis.objects.get(post=post).redacted_text
    assert stored == "I'm from [NAME] originally and the Milton Keynes store was shut."
    post.refresh_from_db()
    assert "Bolton" not in post.client_body_html
    assert "Milton Keynes store" in post.client_body_html


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A town as the subject of what is said of places.
        ("Glasgow was packed on Saturday.", "Glasgow was packed on Saturday."),
        ("Bolton was really quiet this morning.", "Bolton was really quiet this morning."),
        ("Chester was dead today.", "Chester was dead today."),
        # Where a person is from: the person goes, the town stays.
        ("Helen from Bolton sorted my refund.", "[NAME] from Bolton sorted my refund."),
        (
            "I spoke to Helen from Bolton and she was great.",
            "I spoke to [NAME] from Bolton and she was great.",
        ),
        ("The lady from Wigan was lovely.", "The lady from Wigan was lovely."),
    ],
)
def test_towns_said_of_as_places_stay_readable_beside_the_people(nlp, text, expected):
    assert redacted(nlp, text) == expected


@pytest.mark.parametrize(
    ("text", "name"),
    [
        # What is said of people keeps a town's name a person's.
        ("Preston was really helpful.", "Preston"),
        ("Hamilton was rude to me.", "Hamilton"),
    ],
)
def test_towns_said_of_as_people_are_still_redacted(nlp, text, name):
    out = redacted(nlp, text)
    assert name not in out
    assert "[NAME]" in out


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Bea at the till was brilliant.", "Bea"),
        ("Meg on the phone was useless.", "Meg"),
        ("Kat was great.", "Kat"),
        ("Harry from customer services rang me.", "Harry"),
        ("Last week a lovely girl called Bea helped us find jeans.", "Bea"),
    ],
)
def test_short_forms_of_given_names_the_model_misses_are_redacted(nlp, text, name):
    out = redacted(nlp, text)
    assert name not in out
    assert "[NAME]" in out


def test_a_shop_called_like_a_person_stays_readable(nlp):
    assert redacted(nlp, "There's a new shop called Bea in town.") == "There's a new shop called Bea in town."


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Where someone lives, listed after the name (and age) they introduce themselves with.
        (
            "Tom, Croydon, dad of two. I bank with the app every day.",
            "[NAME], Croydon, dad of two. I bank with the app every day.",
        ),
        (
            "I'm Chloe, 27, Manchester, and I shop online most weeks.",
            "I'm [NAME], 27, Manchester, and I shop online most weeks.",
        ),
        (
            "Hey, Sarah, Preston, I use the banking app for everything.",
            "Hey, [NAME], Preston, I use the banking app for everything.",
        ),
        (
            "Emma, 41, Bolton. I mostly use the app to pay bills.",
            "[NAME], 41, Bolton. I mostly use the app to pay bills.",
        ),
        (
            "Hi, I'm Ravi, 35, Reading, and the app logs me out daily.",
            "Hi, I'm [NAME], 35, Reading, and the app logs me out daily.",
        ),
    ],
)
def test_a_town_in_a_self_introduction_stays_readable(nlp, text, expected):
    assert redacted(nlp, text) == expected


def test_a_town_named_in_a_list_of_people_stays_a_name(nlp):
    assert (
        redacted(nlp, "Mark, Hamilton and Grace sorted my mortgage between them.")
        == "[NAME], [NAME] and [NAME] sorted my mortgage between them."
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Addressed or introduced before a comma, where the model saw no person (or a brand).
        (
            "Gemma, you said the app was easier than the branch.",
            "[NAME], you said the app was easier than the branch.",
        ),
        ("Katie, Belfast, one toddler, one overdraft.", "[NAME], Belfast, one toddler, one overdraft."),
        (
            "Yo, Joel, 22, just opened my first bank account.",
            "Yo, [NAME], 22, just opened my first bank account.",
        ),
        # In lower case, where a person's name stands.
        (
            "went with dave to the bank and the card machine was down",
            "went with [NAME] to the bank and the card machine was down",
        ),
        ("told karen at the branch and she laughed", "told [NAME] at the branch and she laughed"),
        ("i asked jess to check my balance", "i asked [NAME] to check my balance"),
        ("me and sarah went to the sale", "me and [NAME] went to the sale"),
    ],
)
def test_given_names_the_model_misses_in_chatty_text_are_redacted(nlp, text, expected):
    assert redacted(nlp, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "the matt finish on the phone case chipped",
        "pad thai and tom yum soup from the app",
        "I've ben waiting for my card for weeks",
        "I went to Florence, Italy last year and the card worked fine.",
    ],
)
def test_words_that_are_given_names_in_lower_case_stay_readable(nlp, text):
    assert redacted(nlp, text) == text
