"""Post sentiment on constructions whose words mislead: longing and loyalty read as praise, scarcity,
disbelief and "barely usable" as complaints, scene-setting, hearsay and fixed names as no verdict.
Retail, banking, app, travel and food sentences written for these tests, each group beside
contrasting sentences that must not change."""

from __future__ import annotations

import pytest

from research.analysis.enrich import enrich_texts
from research.analysis.pipeline import get_nlp
from research.analysis.types import BrandLexicon


@pytest.fixture(scope="module")
def nlp():
    return get_nlp()


def sentiment(nlp, text: str) -> str:
    return enrich_texts([text], lexicon=BrandLexicon(), nlp=nlp)[0].sentiment


LONGING_AND_LOYALTY = [
    ("Can't wait to try the new budgeting feature.", "positive"),
    ("Can't wait for my next stay at the hotel.", "positive"),
    ("I wish they had a branch near me, I'd bank there every day.", "positive"),
    ("If they opened a store in my town I would shop there every week.", "positive"),
    ("This is the only airline I'll fly with now.", "positive"),
    ("It's the only banking app I use.", "positive"),
    ("The hotel staff made us feel right at home.", "positive"),
    ("The new branch feels like family.", "positive"),
    ("Hats off to the delivery team.", "positive"),
    ("I always come back to this bakery for the bread.", "positive"),
    ("We have been going back to that hotel regularly ever since.", "positive"),
    ("New phone, fast charging, two-day battery. What more could you ask for?", "positive"),
    ("If they closed the branch we would really miss it.", "positive"),
    ("I'm a regular at this branch.", "positive"),
    ("I've been hooked on the app since the redesign.", "positive"),
    ("The flights were cheap and the hotel was economical.", "positive"),
    # Unchanged: counts, plain habits, a denied welcome.
    ("The only thing I bought was a phone case.", "neutral"),
    ("The only card I have is a debit card.", "neutral"),
    ("We go there every day.", "neutral"),
    ("I didn't feel at home in the new branch.", "negative"),
    ("I took my hat off at the door.", "neutral"),
    ("I hooked up the printer.", "neutral"),
    ("We bought the regular size.", "neutral"),
]

COMPLAINTS_IN_DISGUISE = [
    # "barely/hardly usable": what can hardly be used at all.
    ("The app is barely usable since the update.", "negative"),
    ("The pasta was hardly edible.", "negative"),
    ("The receipt was barely legible.", "negative"),
    ("The website is not usable on a phone.", "negative"),
    # "to" misspelt for "too" before an adjective.
    ("Delivery charges are way to high.", "negative"),
    ("The room was to small for four of us.", "negative"),
    # Prices low or high, quality high or low.
    ("The prices are wonderfully low.", "positive"),
    ("Fees are higher than at other banks.", "negative"),
    ("The hotel keeps high standards.", "positive"),
    # Disbelief that a business survives.
    ("I don't know how they're still in business.", "negative"),
    ("How is this shop still open?", "negative"),
    ("How do they stay in business with service like this?", "negative"),
    # Too few for too many.
    ("Only one cashier for the whole shop on a Saturday.", "negative"),
    ("There was just one agent on the phone line for hundreds of callers.", "negative"),
    ("Not enough staff on the tills.", "negative"),
    ("There weren't enough seats on the train.", "negative"),
    # A standard the thing fell short of.
    ("I know good coffee and this wasn't it.", "negative"),
    ("We know real pizza and this wasn't it.", "negative"),
    # Set phrases of dislike and of chasing.
    ("I can't stand the new layout.", "negative"),
    ("I could do without the constant emails.", "negative"),
    ("Never again!", "negative"),
    ("Close, but no.", "negative"),
    ("You'll be lucky to get a reply within a week.", "negative"),
    ("I had to ask three times for a receipt.", "negative"),
    ("It took them three weeks to process my refund.", "negative"),
    ("I definitely wouldn't shop there again.", "negative"),
    ("The hotel didn't live up to the photos.", "negative"),
    # Warnings, a lost customer, a polite dislike, praise not earned.
    ("Don't go.", "negative"),
    ("You should pass on the extended warranty.", "negative"),
    ("That was the last time I used their app.", "negative"),
    ("The new layout just isn't for me.", "negative"),
    ("I just don't understand all the hype.", "negative"),
    ("This phone is way overhyped.", "negative"),
    ("The service is inconsistent.", "negative"),
    ("The app was unavailable all weekend.", "negative"),
    # Unchanged: the preposition "to", a fair share, others' numbers, the customer's own quick task.
    ("We walked to the station.", "neutral"),
    ("The high street was quiet.", "neutral"),
    ("They are still in business after fifty years.", "neutral"),
    ("How late is the store open?", "neutral"),
    ("Only one person in our family uses the app.", "neutral"),
    ("One ticket covers the whole family.", "neutral"),
    ("I can't say enough good things about the staff.", "positive"),
    ("It wasn't the charger, it was the cable.", "neutral"),
    ("I can stand at the counter.", "neutral"),
    ("It took me five minutes to open an account.", "neutral"),
    ("I have been to that branch three times.", "neutral"),
    ("I was lucky to get the last seat.", "positive"),
    ("I would definitely recommend the app.", "positive"),
    ("Please pass on my thanks to the team.", "neutral"),
    ("The last time I went, the branch was quiet.", "neutral"),
    ("This parcel is for me.", "neutral"),
    ("The quality is consistent.", "positive"),
]

PRAISE_IN_SET_PHRASES = [
    ("The new phone lives up to the hype.", "positive"),
    ("A weekend away that won't break the bank.", "positive"),
    ("We had a blast on the cruise.", "positive"),
    ("They have killer deals on laptops this week.", "positive"),
    ("Switching banks was the right call.", "positive"),
    ("Isn't the new app great?", "positive"),
    ("Our kids love the app, too.", "positive"),
    ("Not too pricey either.", "positive"),
    ("I can't recommend the team more highly.", "positive"),
    # Unchanged: the right way, a plain question, a negative question that complains.
    ("Turn right at the station.", "neutral"),
    ("Wasn't the wait awful?", "negative"),
    ("That was the wrong call.", "negative"),
    ("We had lunch on the cruise.", "neutral"),
]

NO_VERDICT = [
    # Names with an evaluative word in them.
    ("I came in with my best friend.", "neutral"),
    ("We met during happy hour.", "neutral"),
    ("The branch was closed on Good Friday.", "neutral"),
    ("We booked a table for a special occasion.", "neutral"),
    # What others say.
    ("I had heard good reviews about the airline.", "neutral"),
    ("After reading the great reviews, I booked a room.", "neutral"),
    ("A friend recommended the app to me.", "neutral"),
    # The scene, or the speaker's own state.
    ("A lazy Sunday at the mall.", "neutral"),
    ("Stressed by work, I head to the spa every Friday.", "neutral"),
    ("We were tired and hungry when we got to the hotel.", "neutral"),
    ("I know things can get frantic this month, so answer when you can.", "neutral"),
    # "different" alone judges nothing.
    ("This phone is different from the last one.", "neutral"),
    ("They sell many different brands.", "neutral"),
    # A sincere question and a reminder.
    ("Why does the app need my location?", "neutral"),
    ("Don't forget to bring your card.", "neutral"),
    ("Yeah, I use the app every week.", "neutral"),
    # Unchanged: the same words as a verdict.
    ("The best flight I have ever taken.", "positive"),
    ("The staff were so happy to help.", "positive"),
    ("I recommend the app to everyone.", "positive"),
    ("The staff were lazy and rude.", "negative"),
    ("I was exhausted by the checkout process.", "negative"),
    ("The app can get really slow at night.", "negative"),
    ("Why does the app even need my location?", "negative"),
    ("Why would a torch app need my contacts?", "negative"),
]


@pytest.mark.parametrize(("text", "want"), LONGING_AND_LOYALTY)
def test_longing_and_loyalty_are_praise(nlp, text, want):
    assert sentiment(nlp, text) == want


@pytest.mark.parametrize(("text", "want"), COMPLAINTS_IN_DISGUISE)
def test_complaints_without_a_negative_word(nlp, text, want):
    assert sentiment(nlp, text) == want


@pytest.mark.parametrize(("text", "want"), PRAISE_IN_SET_PHRASES)
def test_praise_in_set_phrases(nlp, text, want):
    assert sentiment(nlp, text) == want


@pytest.mark.parametrize(("text", "want"), NO_VERDICT)
def test_names_hearsay_and_scenes_judge_nothing(nlp, text, want):
    assert sentiment(nlp, text) == want
