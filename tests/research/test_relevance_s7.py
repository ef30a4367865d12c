"""Relevance said in everyday English: a customer acting on what the brand sends ("a discount on
shoes which I use", "sale emails = opened instantly", "I never open their emails"), a message
called a thing for them ("basically a magazine for me"), "spot on", "the kind of thing I'd buy",
"just what we needed", "perfect timing, we needed one", "made for people like me", "right up my
street", and their denials. Retail, banking, app and travel sentences written for these tests, each
beside sentences the rules must leave alone: using an app to do something, a service complaint, an
app that does not know what was bought in store, a failed voucher, praise said of a time or a
channel."""

from __future__ import annotations

import pytest

from research.analysis.types import BrandLexicon
from tests.research.analysis_helpers import analysis_reader

LEXICON = BrandLexicon(brand_terms=("Acme",), competitor_terms=("Globex",))


@pytest.fixture(scope="module")
def read():
    return analysis_reader(LEXICON)


@pytest.mark.parametrize(
    "text, phrase",
    [
        # Using or promptly opening what the brand sends.
        ("Sometimes there is a discount on men's shoes which I use.", "which I use"),
        ("There's a cashback offer on fuel which I use every week.", "which I use"),
        ("I always use the travel vouchers they send.", "use the travel vouchers"),
        ("We use the discount codes from the newsletter.", "use the discount codes"),
        ("Kids' sales emails = opened instantly.", "opened instantly"),
        ("Flight sale notifications = opened instantly.", "opened instantly"),
        ("I open their offer emails straight away.", "straight away"),
        ("I read every newsletter the airline sends.", "read every newsletter"),
        ("Their weekend getaway emails always get opened immediately.", "opened immediately"),
        # A message called a thing for the customer.
        ("I actually really like the emails, they're basically a magazine for me.", "magazine for me"),
        ("The travel deals emails are basically a holiday brochure for me.", "brochure for me"),
        ("The savings tips emails are a lifeline for us.", "lifeline for us"),
        ("The paper vouchers through the door are much better for me.", "better for me"),
        # Spot on, my kind of thing, just what I needed, good timing, made for me, up my street.
        ("That one was spot on for us.", "spot on"),
        ("The hotel suggestions were spot on.", "spot on"),
        ("The card offers were spot on.", "spot on"),
        ("That's exactly the kind of thing I'd buy.", "kind of thing I'd buy"),
        ("That's the kind of account we'd actually use.", "kind of account"),
        ("The mortgage offer was just what we needed.", "just what we needed"),
        ("The travel insurance offer was just what I needed.", "what I needed"),
        ("Perfect timing, we needed a new duvet.", "Perfect timing"),
        ("Perfect timing on the rail sale, we wanted a weekend away.", "Perfect timing"),
        ("The app's budgeting tool feels made for people like me.", "made for people like me"),
        ("The savings account is my kind of product.", "my kind of product"),
        ("The new range is right up my street.", "up my street"),
        ("That holiday deal is right up our alley.", "up our alley"),
    ],
)
def test_relevance_said_in_everyday_english(read, text, phrase):
    result = read(text)
    assert result.relevance == "relevant", (text, result.relevance)
    assert phrase in result.relevance_phrase


@pytest.mark.parametrize(
    "text, phrase",
    [
        # The mirrors: never using or opening what the brand sends, not up my street.
        ("I never use the vouchers they send me.", "never use the vouchers"),
        ("We never open the bank's emails.", "never open"),
        ("I never read their newsletters.", "never read"),
        ("I just delete their emails.", "delete their emails"),
        ("The bank's newsletters get ignored.", "get ignored"),
        ("I ignore the app notifications.", "ignore the app notifications"),
        ("The new loan offer isn't really up my street.", "up my street"),
        ("The new range is not really up my street.", "up my street"),
        ("The emails are not what I need.", "not what I need"),
        ("The offers are not for me.", "not for me"),
        # Offers for what the customer already owns stay a miss.
        ("The app keeps recommending a sofa I already own.", "already own"),
    ],
)
def test_irrelevance_mirrors(read, text, phrase):
    result = read(text)
    assert result.relevance == "irrelevant", (text, result.relevance)
    assert phrase in result.relevance_phrase


@pytest.mark.parametrize(
    "text",
    [
        # Using an app or a website to do something says nothing of fit.
        "I use the app to pay.",
        "I use the app to check my balance.",
        "I use the website to book trains.",
        "I open the app every morning.",
        "I deleted the app.",
        "I ignore the queue and go to the desk.",
        "I deleted the email by mistake.",
        "I use the savings pots every month.",
        # Opening or reading, with nothing prompt or habitual about it.
        "I read the emails.",
        # A failed voucher or an email that will not open is a fault, not a miss.
        "I couldn't use the voucher.",
        "I can't open the emails on my phone.",
        # When, not whether it fits; a question; a need still to come.
        "I give my card number when I use the vouchers.",
        "Would I use the vouchers?",
        "I need to use the discount before Friday.",
        # Service complaints.
        "The bot is useless.",
        "The chatbot is useless and the hold music is awful.",
        "The bot kept sending me the tracking link I already had.",
        # The brand not knowing one channel from another is consistency, not relevance.
        "The app doesn't seem to know what I buy in store.",
        "The bank doesn't know what I do online.",
        # "X for me" that means "in my view", a channel preferred, or a bad time.
        "Loom Points are the big one for me.",
        "That's the difference for me.",
        "The app is the shop for me.",
        "The statement was a nightmare for me.",
        "The app is so much better than the store for me.",
        "The store is better for me.",
        # Spot on, good timing, the kind of thing: said of what the brand does not aim at anyone.
        "The weather forecast was spot on.",
        "The delivery timing was perfect.",
        "Perfect timing, the train left on time.",
        "That's exactly the kind of thing I hate.",
        "The emails are a treat.",
    ],
)
def test_no_relevance_stance(read, text):
    result = read(text)
    assert result.relevance == "neutral", (text, result.relevance, result.relevance_phrase)
