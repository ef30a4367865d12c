"""Personal details clients used to read in the redacted copy, each beside a look-alike that must stay
readable (the real pipeline: patterns, the model's people, the community's brand names).

Found by writing posts the way customers of shops, banks, phone networks, travel firms and apps write
them: lower-case postcodes, bare sort codes, National Insurance numbers, obfuscated emails, flats and
numbered streets, names from Ireland, Poland, Nigeria and South Asia, accented and hyphenated names.
"""

from __future__ import annotations

import pytest

from research.analysis.types import BrandLexicon
from tests.research.redaction_helpers import client_reader

LEXICON = BrandLexicon(brand_terms=("Larkspur",), competitor_terms=("Nook Home",))


@pytest.fixture(scope="module")
def client_text():
    return client_reader(LEXICON)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Lower-case postcodes with a word that says where.
        ("i'm at sw1a 1aa if the driver gets lost", "i'm at [POSTCODE] if the driver gets lost"),
        ("deliver to m1 1ae please, not the old flat", "deliver to [POSTCODE] please, not the old flat"),
        ("we're at 14 elm rd, york yo1 7hh", "we're at [ADDRESS], york [POSTCODE]"),
        ("I'm in the m1 1ae postcode area", "I'm in the [POSTCODE] postcode area"),
        # Sort codes without the words "sort code", and the account number beside one.
        (
            "bank details: 12-34-56 and 31926819 for the refund",
            "bank details: [ACCOUNT] and [ACCOUNT] for the refund",
        ),
        ("sent £50 to 20-00-00 43219876 by mistake", "sent £50 to [ACCOUNT] [ACCOUNT] by mistake"),
        ("account 12345678 sort 12-34-56", "account [ACCOUNT] sort [ACCOUNT]"),
        (
            "they asked for my 12-34-56 and account no over the phone",
            "they asked for my [ACCOUNT] and account no over the phone",
        ),
        # National Insurance numbers, US ZIP codes, IBANs in lower case.
        ("national insurance AB123456C was on the form", "national insurance [ID] was on the form"),
        ("my NI number is QQ 12 34 56 C", "my NI number is [ID]"),
        ("my zip is 90210 so shipping should be free", "my zip is [POSTCODE] so shipping should be free"),
        ("iban gb82west12345698765432 for the refund", "iban [ACCOUNT] for the refund"),
        # Emails written to dodge scrapers.
        ("email me: jo.bloggs at gmail.com", "email me: [EMAIL]"),
        ("my email is jo_b @ gmail.com", "my email is [EMAIL]"),
        ("write to me at jo [@] example.com", "write to me at [EMAIL]"),
        ("u/jo_bloggs posted about the outage too", "[HANDLE] posted about the outage too"),
        ("my number is 555-0187 if the courier calls", "my number is [PHONE] if the courier calls"),
        # Flats, units and numbered streets.
        ("Apt 4B, 250 W 57th St, New York, NY 10019", "[ADDRESS], New York, NY [POSTCODE]"),
        ("deliver to flat 3, 22 high street please", "deliver to [ADDRESS] please"),
        ("I'm in unit 5, 10 Station Approach", "I'm in [ADDRESS]"),
        # Names: beyond the common English ones, accented, hyphenated, with the surname.
        ("Siobhan rang me three times about the contract", "[NAME] rang me three times about the contract"),
        ("Oluwaseun from the store rang me back", "[NAME] from the store rang me back"),
        ("Wojciech in the warehouse packed it badly", "[NAME] in the warehouse packed it badly"),
        ("Seán in the Galway shop was so helpful", "[NAME] in the Galway shop was so helpful"),
        ("My daughter Ella-Rose loves the app", "My daughter [NAME] loves the app"),
        ("Priyanka Sharma, 34, Leicester. Love a bargain.", "[NAME], 34, Leicester. Love a bargain."),
        ("hi all, zainab here, mum of two from leeds", "hi all, [NAME] here, mum of two from leeds"),
        ("my mate kwame reckons the app is better now", "my mate [NAME] reckons the app is better now"),
        ("Taylor Swift tickets on Ticketmaster", "[NAME] tickets on Ticketmaster"),
    ],
)
def test_details_that_used_to_show_are_hidden_from_clients(client_text, text, expected):
    assert client_text(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # Product specifications and ordinals shaped like postcodes.
        "MacBook Air M1 8GB was fine for the price",
        "the s20 8gb is great, the ps5 2nd controller less so",
        "bought a v8 4wd last year",
        # Dates, ratings, scores, sizes and references shaped like sort codes.
        "Bought it on 12-03-24 and it broke on 19-03-24",
        "Rated it 10-10-10 for taste, price and service",
        "my measurements are 34-26-36 so the 12 fit",
        "bank holiday 27-05-24 so no delivery",
        "order no. 12-34-56 was a mess",
        "the bank said the transfer ref was 12-34-56",
        # Codes shaped like National Insurance numbers, prices before a domain, versions.
        "Promo code AB123456C didn't work at checkout",
        "I paid 9.99 at the shop and it was cheaper online",
        "version 4.2.1.dev of the app broke login",
        "order number 123-4567 came a day late",
        # Products, acronyms and grades the model takes for people.
        "the Dyson V15 was £599",
        "Loved the Nike Air Max 90s",
        "Flight from LHR to JFK at 10:45 was delayed",
        "Food : A++ Service : A++ Value : A++",
        "The Honeycomb-colored walls were lovely",
    ],
)
def test_look_alikes_of_those_details_stay_readable(client_text, text):
    assert client_text(text) == text
