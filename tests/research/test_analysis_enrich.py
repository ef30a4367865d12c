"""Per-post enrichment on sentences written for these tests (no corpus, no database)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from research.analysis.enrich import ANALYZER_VERSION, enrich_texts
from research.analysis.pipeline import get_nlp
from research.analysis.types import BrandLexicon

LEXICON = BrandLexicon(brand_terms=("Acme", "ACME Stores"), competitor_terms=("Globex",))


@pytest.fixture(scope="module")
def nlp():
    # get_nlp caches per process, so every module shares one loaded pipeline.
    return get_nlp()


@pytest.fixture(scope="module")
def enrich(nlp):
    def run(*texts: str, **kwargs):
        return enrich_texts(list(texts), lexicon=LEXICON, nlp=nlp, **kwargs)

    return run


def aspect(result, name):
    return next(a for a in result.aspects if a.aspect == name)


def test_it_loads_the_pipeline_once_per_process(nlp):
    assert get_nlp() is nlp
    assert "verbatim_pii" in nlp.pipe_names


def test_it_does_not_load_spacy_when_django_starts():
    code = (
        "import sys, django; django.setup(); import research.analysis.enrich, research.analysis.themes; "
        "print('spacy' in sys.modules)"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=Path(__file__).parents[2]
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"


def test_it_reads_negation_from_the_parse(enrich):
    never, notgood, notbad = enrich(
        "Your offers are never relevant to me.",
        "The staff were not helpful at all.",
        "Honestly the new checkout is not bad.",
    )
    assert never.relevance == "irrelevant"
    assert "never relevant" in never.relevance_phrase
    assert notgood.sentiment == "negative"
    assert aspect(notgood, "staff").sentiment == "negative"
    assert notbad.sentiment == "positive"


def test_it_gives_each_side_of_a_contrast_its_own_sentiment(enrich):
    (result,) = enrich("The staff were lovely but the app forgets my size.")
    assert aspect(result, "staff").sentiment == "positive"
    assert aspect(result, "app").sentiment == "negative"
    assert "app forgets my size" in aspect(result, "app").phrase
    assert "lovely" not in aspect(result, "app").phrase


def test_it_lets_what_follows_but_decide_the_post(enrich):
    looks, although = enrich(
        "The website looks nice but it is painfully slow and keeps crashing.",
        "Although delivery was late, the jacket is great and fits perfectly.",
    )
    assert looks.sentiment == "negative"
    assert although.sentiment == "positive"


def test_it_does_not_mistake_requests_or_comparisons_for_praise(enrich):
    like, should, emphatic = enrich(
        "I would like a refund for the second order.",
        "The staff should be more friendly.",
        "I have never been treated so rudely in a shop.",
    )
    assert like.sentiment == "neutral"
    assert should.sentiment == "negative"
    assert emphatic.sentiment == "negative"


@pytest.mark.parametrize(
    "text, placeholder, secret",
    [
        ("Email me at jane.doe@example.com about it.", "[EMAIL]", "jane.doe@example.com"),
        ("Call me on +44 20 7946 0958 after six.", "[PHONE]", "7946 0958"),
        ("My number is (555) 123-4567 if needed.", "[PHONE]", "123-4567"),
        ("Text 555.123.4567 please.", "[PHONE]", "555.123.4567"),
        ("See https://example.org/my-basket?id=42 for the list.", "[URL]", "example.org"),
        ("I posted it on www.myblog.net yesterday.", "[URL]", "myblog.net"),
        ("Deliver to 221B Baker Street please.", "[ADDRESS]", "Baker Street"),
        ("We moved to 42 Elm Road, Apt 5 last year.", "[ADDRESS]", "Elm Road"),
        ("My name is Sarah Connor and I shop here weekly.", "[NAME]", "Connor"),
        ("ask for sarah at the till, she sorted my refund", "[NAME]", "sarah"),
        ("thanks to kevin the exchange was quick", "[NAME]", "kevin"),
        ("They charged my card 4111 1111 1111 1111 twice.", "[CARD]", "1111"),
        ("Refund to GB82 WEST 1234 5698 7654 32 please.", "[ACCOUNT]", "WEST"),
        ("Post it to 10 Downing Street, London SW1A 2AA.", "[POSTCODE]", "SW1A"),
        ("DM me @jo_bloggs or jo+shop@example.com", "[HANDLE]", "jo_bloggs"),
    ],
)
def test_it_redacts_personal_data(enrich, text, placeholder, secret):
    (result,) = enrich(text)
    assert placeholder in result.redacted_text
    assert secret not in result.redacted_text


def test_it_keeps_prices_dates_and_brand_names_readable(enrich):
    (result,) = enrich("It cost $25.99 in 2019 and Globex charged 30.50 for the same thing at Acme.")
    assert "$25.99" in result.redacted_text
    assert "2019" in result.redacted_text
    assert "Globex" in result.redacted_text and "Acme" in result.redacted_text


def test_it_keeps_a_brand_named_like_a_person_after_a_cue(enrich, nlp):
    lexicon = BrandLexicon(brand_terms=("Wendy",), competitor_terms=())
    (result,) = enrich_texts(
        ["thanks to Wendy the order was right, and thanks to lucy for the bag"], lexicon=lexicon, nlp=nlp
    )
    assert result.redacted_text == "thanks to Wendy the order was right, and thanks to [NAME] for the bag"
    assert "lucy" not in " ".join(result.terms + result.noun_phrases)


def test_it_keeps_personal_data_out_of_terms_and_phrases(enrich):
    (result,) = enrich("Sarah Connor at jane.doe@example.com said the parcel arrived damaged.")
    flat = " ".join(result.terms + result.key_phrases + result.noun_phrases)
    assert "sarah" not in flat and "connor" not in flat and "example" not in flat
    assert "parcel" in result.terms


@pytest.mark.parametrize(
    "text, reason",
    [
        ("", "empty"),
        ("   \n\t ", "empty"),
        ("!!! ??? ...", "empty"),
        ("El servicio fue terrible y la comida estaba fría, no vuelvo nunca más.", "not_english"),
        ("Der Service war schlecht und die Lieferung kam nicht an, ich bin sehr enttäuscht.", "not_english"),
        ("这家店的服务很好，我会再来的。", "not_english"),
    ],
)
def test_it_records_why_a_post_cannot_be_analysed(enrich, text, reason):
    (result,) = enrich(text)
    assert result.analysable is False
    assert result.reason == reason


def test_it_refuses_absurdly_long_posts_without_parsing_them(enrich):
    short, long = enrich("Fine.", "word " * 5000, max_chars=10_000)
    assert short.analysable is True
    assert long.analysable is False and long.reason == "too_long"


def test_it_keeps_order_when_some_posts_are_not_analysable(enrich):
    results = enrich("Great prices.", "", "Terrible delivery.", None)  # type: ignore[arg-type]
    assert [r.analysable for r in results] == [True, False, True, False]
    assert [r.sentiment for r in results if r.analysable] == ["positive", "negative"]


def test_it_treats_terse_english_as_english(enrich):
    (result,) = enrich("Great prices, friendly staff, quick checkout, easy returns overall.")
    assert result.analysable is True
    assert result.sentiment == "positive"


def test_it_gives_the_same_record_for_the_same_text(enrich):
    text = "The staff were lovely but the app forgets my size. Email jo@example.com."
    first, second = enrich(text, text)
    assert first.to_json() == second.to_json()
    assert isinstance(ANALYZER_VERSION, str) and ANALYZER_VERSION


def test_it_finds_brand_and_competitor_mentions_with_sentiment(enrich):
    (result,) = enrich("I love shopping at ACME Stores, but Globex is a total rip-off.")
    by_brand = {m.brand: m for m in result.mentions}
    # The alias "ACME Stores" is reported under the brand's own name.
    assert by_brand["Acme"].is_competitor is False
    assert by_brand["Acme"].sentiment == "positive"
    assert by_brand["Globex"].is_competitor is True
    assert by_brand["Globex"].sentiment == "negative"


def test_it_reads_brand_perception_dimensions(enrich):
    trust, data, value, personal = enrich(
        "I don't trust them anymore.",
        "I don't trust them with my personal data anymore.",
        "Prices are far too high for what you get.",
        "The recommendations are spot on and the app remembers my size.",
    )
    assert {d.dimension: d.polarity for d in trust.dimensions} == {"trust": "negative"}
    # Distrust with their data is the narrower dimension, privacy; the phrase counts once.
    assert {d.dimension: d.polarity for d in data.dimensions} == {"privacy": "negative"}
    assert {d.dimension: d.polarity for d in value.dimensions}["value"] == "negative"
    assert "personalization" in {d.dimension for d in personal.dimensions}


def test_it_finds_relevance_aimed_at_the_customer(enrich):
    relevant, neutral = enrich(
        "These offers are perfect for me and my kids.",
        "The parcel arrived on Tuesday.",
    )
    assert relevant.relevance == "relevant"
    assert "perfect for me" in relevant.relevance_phrase
    assert neutral.relevance == "neutral" and neutral.relevance_phrase == ""


@pytest.mark.parametrize(
    "text, stance, shown",
    [
        ("The weekly deals are spot on for me.", "relevant", "spot on for me"),
        (
            "Honestly the new menu is exactly what I needed.",
            "relevant",
            "the new menu is exactly what I needed",
        ),
        ("Their suggestions really get my taste.", "relevant", "get my taste"),
        ("The evening classes suit our routine.", "relevant", "suit our routine"),
        ("Most of the offers are aimed at people like me.", "relevant", "aimed at people like me"),
        (
            "This newsletter has nothing to do with me.",
            "irrelevant",
            "This newsletter has nothing to do with me",
        ),
        (
            "Sorry, but these promotions just aren't for me.",
            "irrelevant",
            "these promotions just aren't for me",
        ),
        ("The spring range is clearly meant for someone younger.", "irrelevant", "meant for someone younger"),
        ("I don't think the coupons are relevant.", "irrelevant", "I don't think the coupons are relevant"),
        ("I no longer find their emails relevant.", "irrelevant", "no longer find their emails relevant"),
        ("The coupons used to be relevant to me.", "irrelevant", "used to be relevant"),
        ("Their flyers have zero relevance to my life.", "irrelevant", "zero relevance to my life"),
        ("It just doesn't interest me.", "irrelevant", "doesn't interest me"),
    ],
)
def test_it_reads_relevance_as_fit_to_the_customer_and_shows_the_words_that_say_so(
    enrich, text, stance, shown
):
    (result,) = enrich(text)
    assert result.relevance == stance
    assert shown in result.relevance_phrase
    assert result.relevance_phrase in result.redacted_text


def test_it_reads_denied_relevance_from_the_parse(enrich):
    not_relevant, never_irrelevant, not_for_me, not_mine = enrich(
        "Not relevant to me at all.",
        "Their offers are never irrelevant.",
        "It's not for me.",
        "The new collection is not really my style.",
    )
    assert not_relevant.relevance == "irrelevant"
    assert never_irrelevant.relevance == "relevant"
    assert not_for_me.relevance == "irrelevant" and "not for me" in not_for_me.relevance_phrase
    assert not_mine.relevance == "irrelevant" and "not really my style" in not_mine.relevance_phrase


def test_it_reads_offers_that_miss_the_customers_life_as_irrelevant(enrich):
    dog, golf, owned, age = enrich(
        "They keep emailing me discounts on dog food and I don't own a dog.",
        "The app keeps recommending golf gear. I don't play golf.",
        "The app told me the throw is back in stock and I already have it.",
        "I'm not a young person any more, yet the emails are all about festival fashion.",
    )
    assert [r.relevance for r in (dog, golf, owned, age)] == ["irrelevant"] * 4
    # The phrase holds both the message and what it missed.
    assert "recommending golf gear" in golf.relevance_phrase and "I don't play golf" in golf.relevance_phrase
    assert "emailing me discounts" in dog.relevance_phrase and "I don't own a dog" in dog.relevance_phrase


def test_it_lets_the_side_after_but_decide_the_relevance_stance(enrich):
    emails, app = enrich(
        "The texts about my orders are relevant, but the marketing emails have nothing to do with me.",
        "The newsletter has nothing to do with me, but the app's suggestions are really relevant.",
    )
    assert emails.relevance == "irrelevant"
    assert emails.relevance_phrase == "the marketing emails have nothing to do with me"
    assert app.relevance == "relevant"
    assert "suggestions are really relevant" in app.relevance_phrase


@pytest.mark.parametrize(
    "text",
    [
        "The towels are a bit rubbish.",
        "The bedding is lovely.",
        "The chat bot is useless.",
        "The staff were really helpful to me.",
        "What a useful tip, thanks!",
        "I'm not a fan of the new logo.",
        "The sofa is perfect for my living room.",
        "Would these offers be relevant to you?",
        "It would be relevant if they asked what I like.",
        "I want the emails to be relevant.",
        "If it's not for me I'll unsubscribe.",
        "They sent me a voucher but I couldn't use it at the till.",
        "The shop assistant told me the size was out of stock. I don't need a bag.",
        "The email said my parcel was delayed. I don't have a car, so I can't collect it.",
        "It's not for my niece, it's for my daughter.",
        "My understanding is that there are three relevant settings screens.",
    ],
)
def test_it_leaves_plain_praise_complaints_wishes_and_questions_neutral_on_relevance(enrich, text):
    (result,) = enrich(text)
    assert (result.relevance, result.relevance_phrase) == ("neutral", "")


def test_it_extracts_key_phrases_terms_and_sentences(enrich):
    (result,) = enrich("The loyalty card is useless. The customer service team was slow to reply.")
    assert result.sentence_count == 2
    assert "customer service team" in result.key_phrases
    assert "card" in result.terms and "loyalty card" in result.terms
    assert any(t.startswith("card~") for t in result.terms)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("I will definitely be back next month.", "positive"),
        ("I will never shop there again.", "negative"),
        ("Don't waste your money on the premium plan.", "negative"),
        ("Save your money and buy elsewhere.", "negative"),
        ("The lounge looked cool but it was not worth the hassle.", "negative"),
        ("I've had better service from a vending machine.", "negative"),
        ("We had to call three times before anyone answered.", "negative"),
        ("The checkout was just OK.", "negative"),
        ("Thouroughly disapointed with the refund process.", "negative"),
        ("There was no wait at the counter.", "positive"),
        ("Try the new budgeting feature.", "positive"),
        ("The parcel arrived on Tuesday at noon.", "neutral"),
    ],
)
def test_it_reads_common_customer_phrasings(enrich, text, expected):
    (result,) = enrich(text)
    assert result.sentiment == expected


def test_it_keeps_personal_data_out_of_every_phrase_clients_see(enrich):
    (result,) = enrich(
        "Sarah Connor here: Acme never answers at help@acme-mail.com and the app is useless, "
        "call me on 555-123-4567 because I don't trust the website with my data."
    )
    phrases = (
        [a.phrase for a in result.aspects]
        + [d.phrase for d in result.dimensions]
        + [m.phrase for m in result.mentions]
        + [result.relevance_phrase, result.redacted_text]
    )
    assert result.aspects and result.dimensions and result.mentions
    for text in phrases:
        assert "Connor" not in text and "help@" not in text and "4567" not in text
    assert any("[EMAIL]" in p or "[PHONE]" in p for p in phrases[:-1])


@pytest.mark.parametrize(
    "text",
    [
        "We waited 20 minutes on the way in.",
        "The 2019-2020 range cost 10.50 each, 3 for 25.",
        "Delivery took 3 to 5 working days.",
    ],
)
def test_it_leaves_ordinary_numbers_alone(enrich, text):
    (result,) = enrich(text)
    assert result.redacted_text == text


def test_it_handles_everyday_retail_and_banking_complaints(enrich):
    stopped, fell, pushy, points = enrich(
        "I stopped trusting them after they shared my data with partners.",
        "Shipping was free but the jeans fell apart after two washes.",
        "Their emails keep pushing credit cards I'll never qualify for, totally irrelevant to me.",
        "Honestly the loyalty points are worth it.",
    )
    assert stopped.sentiment == "negative"
    assert {d.dimension: d.polarity for d in stopped.dimensions}["trust"] == "negative"
    assert fell.sentiment == "negative"
    assert aspect(fell, "jean").sentiment == "negative"
    assert pushy.relevance == "irrelevant"
    assert "credit card" in {a.aspect for a in pushy.aspects}
    assert "credit" not in {a.aspect for a in pushy.aspects}
    assert points.sentiment == "positive"
    assert "loyalty point" in {a.aspect for a in points.aspects}


def test_it_never_makes_an_aspect_of_when_something_happened(enrich):
    [result] = enrich("Last week the delivery was late again.")
    assert "delivery" in result.terms
    assert "week" not in result.terms


def test_it_gives_the_same_record_whether_or_not_it_is_handed_the_text(nlp):
    # enrich_texts hands each Doc its text to spare re-joining it; the record must not change,
    # for contrast, concession, condition, wishes, "no <noun>" complaints and questions alike.
    from research.analysis.enrich import enrich_doc

    text = (
        "Although the staff at Acme were lovely, there was no atmosphere. "
        "I wish they had better music, but the food was great!\n\nWould I go back if Globex was closer?"
    )
    handed = enrich_doc(nlp(text), lexicon=LEXICON, text=text)
    joined = enrich_doc(nlp(text), lexicon=LEXICON)
    assert handed == joined
    assert handed.sentence_count == 3
    assert {m.brand for m in handed.mentions} == {"Acme", "Globex"}
    assert handed.redacted_text == text


@pytest.mark.parametrize(
    "text, stance, shown",
    [
        # Fit shown rather than said: the brand has learnt the customer's taste, or picks what fits.
        (
            "Over time the app has learned I prefer plain colours.",
            "relevant",
            "has learned I prefer plain colours",
        ),
        ("They know what I like by now.", "relevant", "They know what I like"),
        ("They always recommend shoes in my size.", "relevant", "recommend shoes in my size"),
        (
            "Honestly the suggestions are things I would actually buy.",
            "relevant",
            "things I would actually buy",
        ),
        ("The newsletter is full of stuff I actually want.", "relevant", "full of stuff I actually want"),
        # Denied, the same fit is a miss.
        ("They never suggest anything in my size.", "irrelevant", "never suggest anything in my size"),
        ("The app still hasn't learned what I like.", "irrelevant", "hasn't learned what I like"),
    ],
)
def test_it_reads_picks_that_fit_the_customer_as_relevance(enrich, text, stance, shown):
    (result,) = enrich(text)
    assert result.relevance == stance
    assert shown in result.relevance_phrase


@pytest.mark.parametrize(
    "text",
    [
        "Great app, love it.",
        "The recommendations are great.",
        "I know what I like.",
        "She showed me the jeans I wanted.",
        "They sent me a jacket in my size.",
        "I wish they'd suggest things in my size.",
    ],
)
def test_praise_an_order_or_a_wish_is_not_fit_to_the_customer(enrich, text):
    (result,) = enrich(text)
    assert result.relevance == "neutral"


@pytest.mark.parametrize(
    "text",
    [
        "The reminder was relevant but wrong, which is worse than no reminder.",
        "The voucher was relevant but useless.",
    ],
)
def test_relevant_granted_then_overruled_is_not_a_relevant_stance(enrich, text):
    (result,) = enrich(text)
    assert result.relevance == "neutral"
