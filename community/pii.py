"""Personal details in free text: the regex half of redaction.

Clients must never read a participant's email address, phone number, web
address, social handle, street address or postcode, payment card or bank
account number, nor the name of someone a post points to ("ask for sarah at
the till"). This module finds those by pattern and is used wherever community
code shows text to clients before (or without) the spaCy analysis, which adds
person names from named-entity recognition on top (research.analysis imports
these patterns; community never imports research).

Numbers are checked before they are called personal: a card number must pass
the Luhn check and an IBAN its mod-97 check, so order numbers, prices, dates
and sizes stay readable. Shapes that ordinary text shares are read by the words
round them: a bare sort code ("12-34-56") needs "sort", banking words or an
account number beside it, a lower-case postcode a word saying where ("i'm at
sw1a 1aa"), and a National Insurance number must not follow "code" or "order". Names are found by the phrase that introduces a person
("ask for", "my name is", "thanks to", "served by"...) followed by a common
given name from a general list, in any case; given names that are also everyday
words ("will", "may", "grace") count only after "my name is", "named" or
"called", or when written with a capital.
"""

from __future__ import annotations

import re

EMAIL_RE = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")
# Spelled out to dodge scrapers: "jo [at] example [dot] com", "jo (at) example.com".
SPELLED_EMAIL_RE = re.compile(
    r"[A-Za-z0-9._%+\-]+\s*[\[(](?:at|@)[\])]\s*[A-Za-z0-9\-]+(?:\s*(?:[\[(]dot[\])]|\.)\s*[A-Za-z0-9\-]+)+",
    re.IGNORECASE,
)
# Top-level domains people type without a scheme ("jos-finds.co.uk/sale"). Endings that are
# English words ("in", "it", "is") are left out: "logged.in" is a missing space.
_TLDS = (
    "com|org|net|io|co|uk|de|fr|ie|ca|au|nz|us|eu|me|tv|ly|app|info|biz|shop|store|dev|xyz|online|"
    "site|tech|blog|gov|edu"
)
# In words, with no brackets: "jo dot bloggs at gmail dot com" (the last word a domain ending).
WORDED_EMAIL_RE = re.compile(
    r"\b[A-Za-z0-9_%+\-]+(?:\s+dot\s+[A-Za-z0-9_%+\-]+)*\s+at\s+[A-Za-z0-9\-]+"
    r"(?:\s+dot\s+[A-Za-z0-9\-]+)*\s+dot\s+(?:" + _TLDS + r")\b",
    re.IGNORECASE,
)
# A domain without a scheme ends in a lower-case (or all capital) domain ending: "love the app.Me and
# my sister" is a missing space, not a web address.
URL_RE = re.compile(
    r"\b(?i:https?://|www\.)[^\s<>\"')\]]+"
    r"|\b[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.(?:" + _TLDS + "|" + _TLDS.upper() + r")(?:/[^\s<>\"')\]]*)?\b"
)
# An "@" typed with spaces round it: "jo_b @ gmail.com" (a domain must follow, so "meet @ 5pm" stays).
SPACED_EMAIL_RE = re.compile(
    r"\b[A-Za-z0-9._%+\-]+\s+@\s*[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.(?:" + _TLDS + r")\b"
    r"|\b[A-Za-z0-9._%+\-]+\s*@\s+[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.(?:" + _TLDS + r")\b",
    re.IGNORECASE,
)
# The word "at" before a written domain: "jo.bloggs at gmail.com". The name before it holds a letter and
# a dot, an underscore or a digit, as addresses do and words and prices do not ("shop at argos.co.uk",
# "9.99 at tesco.com").
AT_WORD_EMAIL_RE = re.compile(
    r"\b(?=[A-Za-z0-9._%+\-]*[A-Za-z])[A-Za-z0-9%+\-]*[._0-9][A-Za-z0-9._%+\-]*\s+at\s+[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.(?:"
    + _TLDS
    + r")\b",
    re.IGNORECASE,
)
# Social handles: "@jo_bloggs" (an email's "@" has a word character before it).
HANDLE_RE = re.compile(
    r"(?<![\w@.])@[A-Za-z0-9_](?:[A-Za-z0-9_.]{0,28}[A-Za-z0-9_])?(?![\w@])"
    r"|(?<![\w/])u/[A-Za-z0-9_\-]{3,20}(?![\w/])"  # a Reddit user: "u/jo_bloggs"
)
# International and national forms: +44 20 7946 0958, (555) 123-4567, 555.123.4567, 07700 900123,
# 1-800-555-0199, +1 (555) 123-4567 ext. 204, and unbroken +447700900123 or 07700900123.
PHONE_RE = re.compile(
    r"(?<![\w/])(?:"
    r"(?:\+\d{1,3}[\s.\-]?|1[\s.\-])?(?:\(\d{1,4}\)[\s.\-]?)?\d{2,6}(?:[\s.\-]\d{2,6}){1,4}"
    r"|\+\d{7,15}|0\d{9,10}"
    r")(?:,?\s*(?i:ext\.?|extension|x)\s*\d{1,5})?(?![\w/])"
)
# An extension the writer names as one: "her extension was 4471", "ext. 204", "extension number: 31".
# A direct line to a person, so a phone number; not a length ("a 3 m extension") nor a year
# ("the extension in 2019"), as the number must follow the word itself.
EXTENSION_RE = re.compile(
    r"\b(?:extension|ext\.?)(?:\s+(?:number|no\.?|num|#))?(?:\s+(?:is|was|were|on|at)|\s*[:#])?\s*"
    r"(\d{2,6})(?![\w.,]\d|\w|\s*(?:%|mm|cm|m|metres?|meters?|ft|feet|inch(?:es)?|w|watts?|v|volts?)\b)",
    re.IGNORECASE,
)
# 13 to 19 digits in groups split by single spaces or dashes; Luhn-checked in _card_like.
CARD_RE = re.compile(r"(?<![\w.,/\-])\d(?:[ \-]?\d){12,18}(?![\w.,/]\d|\w)")
# What the writer names as a card's: its number, Luhn or not ("card number 4000 1234 5678 9010"), the
# last four digits ("card ending in 4242", "the last 4 digits of my card are 4242") and its security
# code ("CVV 123"). The last four and a name are enough to tell one customer from another.
_CARD_WORDS = r"(?:card|visa|mastercard|amex)"
_IS = r"(?:\s+(?:is|was|are|were))?[\s:]*"
CARD_NAMED_RE = re.compile(
    r"\b" + _CARD_WORDS + r"\s+(?:number|no\.?|num|#)" + _IS + r"(\d(?:[ \-]?\d){12,18})(?![\w\-])"
    r"|\b" + _CARD_WORDS + r"(?:\s+(?:that|which|number|no\.?|is|was|debit|credit))*"
    r"\s+(?:ending|ends|ended)(?:\s+(?:in|with))?" + _IS + r"(\d{4})(?![\w\-])"
    r"|\blast\s+(?:4|four)\s+digits(?:\s+(?:of|on)\s+(?:my|the|your|his|her|our|their)\s+"
    + _CARD_WORDS
    + r")?"
    + _IS
    + r"(\d{4})(?![\w\-])"
    r"|\b(?:cvv2?|cvc2?|cv2|security\s+code)" + _IS + r"(\d{3,4})(?![\w\-])",
    re.IGNORECASE,
)
# IBAN: country, check digits, up to 30 letters or digits, often in groups of four; mod-97-checked.
# Any case ("iban gb82west1234..."): the shape and the check keep words out.
IBAN_RE = re.compile(r"\b[A-Za-z]{2}\d{2}(?: ?[A-Za-z0-9]{4}){2,7}(?: ?[A-Za-z0-9]{1,3})?\b")
# A bank account or sort code the writer names as one: "account number 31926819", "sort code 20-00-00".
ACCOUNT_RE = re.compile(
    r"\b(?:account|acct|acc|a/c|sort[\s\-]*code|routing)(?:\s*(?:number|no\.?|num|#))?\s*(?:is|:)?\s*"
    r"(\d[\d \-]{4,22}\d)(?!\w)"
    # Its last four digits: "account ending 1234", "the account that ends in 1234".
    r"|\b(?:account|acct|a/c)(?:\s+(?:that|which|number|no\.?|is|was))*\s+(?:ending|ends|ended)"
    r"(?:\s+(?:in|with))?" + _IS + r"(\d{4})(?![\w\-])",
    re.IGNORECASE,
)
# A sort code on its own: three two-digit groups ("12-34-56", "12 34 56"). Dates, scores and sizes
# have the same shape, so `_sort_code_like` reads the words round it.
BARE_SORT_CODE_RE = re.compile(
    r"(?<![\w\-./:])\d{2}([\- ])\d{2}\1\d{2}(?![\w\-./:]|[ \-](?:\d{1,7}|\d{9,})(?!\d))"  # "12-34-56 12345678"
)
# UK National Insurance numbers: two letters, six digits, A to D ("QQ 12 34 56 C", "AB123456C"). The
# first letter is never D, F, I, Q, U or V nor the second D, F, I, O, Q, U or V; named as one
# ("NI number", "national insurance") any letters and any case count.
_NINO_TAIL = r"\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-Da-d](?![\w\-])"
NINO_RE = re.compile(r"(?<![\w\-])(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]" + _NINO_TAIL)
NINO_NAMED_RE = re.compile(
    r"\b(?:ni|nino|national\s+insurance)(?:\s+(?:number|no\.?|num|#))?(?:\s+(?:is|was))?[\s:]*"
    r"([A-Za-z]{2}" + _NINO_TAIL + ")",
    re.IGNORECASE,
)
# UK postcodes ("SW1A 1AA", "M1 1AE"; capitals, as the inward letters exclude C, I, K, M, O and V)
# and US ZIP codes after a state ("Springfield, IL 62704-1234"): a bare five-digit number is not one.
UK_POSTCODE_RE = re.compile(r"(?<![\w\-])(?:[A-Z]{1,2}\d[A-Z\d]?|GIR) ?\d[ABD-HJLNP-UW-Z]{2}(?![\w\-])")
# In any case where the writer names it a postcode: "my postcode is m1 1ae" (a bare "s20 8gb" is a phone).
UK_POSTCODE_NAMED_RE = re.compile(
    r"\b(?:post\s*code|postal\s+code)(?:\s+(?:is|was))?[\s:]*((?:[a-z]{1,2}\d[a-z\d]?|gir) ?\d[abd-hjlnp-uw-z]{2})"
    r"(?![\w\-])",
    re.IGNORECASE,
)
US_STATES = (
    "AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|"
    "NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY"
)
US_ZIP_RE = re.compile(r"\b(?:" + US_STATES + r"),?\s+(\d{5}(?:-\d{4})?)(?![\w\-])")
# Or named a ZIP code: "my zip is 90210", "zip code: 10019".
US_ZIP_NAMED_RE = re.compile(
    r"\bzip(?:\s*code)?(?:\s+(?:is|was))?[\s:]*(\d{5}(?:-\d{4})?)(?![\w\-])", re.IGNORECASE
)
# A postcode in lower case without the word "postcode" ("i'm at sw1a 1aa", "deliver to m1 1ae"): only
# where a word before it says where (see `_placed`), and not with an inward part that reads as an
# ordinal, a size or a drive ("ps5 2nd controller", "s20 8gb", "v8 4wd").
UK_POSTCODE_LOWER_RE = re.compile(
    r"(?<![\w\-])(?:[a-z]{1,2}\d[a-z\d]?|gir) ?(?!\d(?:st|nd|rd|th|gb|tb|wd)\b)\d[abd-hjlnp-uw-z]{2}(?![\w\-])"
)
_STORAGE_INWARD_RE = re.compile(r"\d[GT]B", re.IGNORECASE)
# Words that say where something is or goes, right before a postcode: "i'm at", "deliver to",
# "my address is", "leeds, " (a comma after an address's other parts).
_PLACED_BEFORE_RE = re.compile(
    r"(?:\b(?:at|in|to|near|nr|from|around|outside|address(?:\s+(?:is|was))?|live[sd]?|based|area|"
    r"post\s*code(?:\s+(?:is|was))?)[\s:]*|[A-Za-z0-9.],\s*)$",
    re.IGNORECASE,
)
_POSTCODE_AFTER_RE = re.compile(
    r"\s+(?:(?:is|was)\s+(?:my|our|the|their|his|her)\s+)?(?:post\s*code|area)\b", re.I
)
# "in Sheffield S20 8GB": a place's name between the word and the postcode.
_PLACED_TOWN_BEFORE_RE = re.compile(r"\b(?:in|near|nr|from|around|outside)\s+(?:[A-Z][a-z]+\s+){1,2}$")
STREET_SUFFIXES = (
    "street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|drive|dr|court|ct|way|place|pl|terrace|"
    "square|sq|crescent|close|parkway|pkwy|highway|hwy|circle|cir|alley|row|gardens|grove|mews|walk|view|"
    "approach|rise|hill|parade|quay|wharf"
)
# A flat or unit before the house number goes with the address: "flat 3, 22 High St", "Apt 4B, 250 W 57th St".
_UNIT_BEFORE = r"\b(?i:flat|apt|apartment|unit|suite)\.?\s*\d{1,4}[A-Za-z]?,?\s+"
# Numbered streets: "57th", "2nd".
_ORDINAL = r"\d{1,3}(?i:st|nd|rd|th)"
# House number, one to four capitalised words, a street type: "221B Baker Street", "42 Elm Road, Apt 5".
# Only the street type ignores case, so "waited 20 minutes on the way" is not an address. A "number"
# or "no." before the house number goes with it ("at number [ADDRESS]" would read as a gap).
ADDRESS_RE = re.compile(
    r"(?:\b(?i:number|no\.)\s*|" + _UNIT_BEFORE + r")?\b\d{1,5}[A-Za-z]?,?\s+"
    r"(?:(?:[A-Z][A-Za-z'\-]*\.?|"
    + _ORDINAL
    + r")\s+){1,4}(?i:"
    + STREET_SUFFIXES
    + r")\b\.?(?:\s+(?:[NS][EW]?|[EW])\b\.?)?"  # "1600 Pennsylvania Avenue NW"
    r"(?:,?\s+(?i:apt|apartment|suite|unit|flat|#)\.?\s*\w+)?"
)
# In lower case only where the writer says it is where they live or things go: "i live at 14 oak road",
# "deliver to 3 mill lane". The street's words are no function words ("deliver to 3 people on the way").
_NOT_STREET_WORDS = (
    "the|a|an|my|your|our|their|his|her|its|of|on|in|at|to|for|and|or|by|from|with|same|other|next|last|"
    "first|new|old|different|more|few|minutes?|hours?|days?|weeks?|months?|years?|times?|people|items?|"
    "shops?|stores?|miles?|doors?|stars?"
)
ADDRESS_NAMED_RE = re.compile(
    r"\b(?:(?:live[sd]?|living|stay(?:s|ed|ing)?|based|i'm|im|i\s+am|we're|we\s+are)\s+(?:at|on)\s+"
    r"(?:number\s+|no\.\s*)?"
    r"|(?:address|deliver(?:ed|y|ing)?\s+(?:it\s+)?to|sen[dt]\s+(?:it\s+)?to|moved\s+(?:in\s+)?to)"
    r"(?:\s+(?:is|was))?[\s:]*)"
    r"((?:"
    + _UNIT_BEFORE
    + r")?\d{1,5}[a-z]?,?\s+(?:(?!(?:"
    + _NOT_STREET_WORDS
    + r")\b)(?:[a-z][a-z'\-]*|"
    + _ORDINAL
    + r")\s+){1,3}(?:"
    + STREET_SUFFIXES
    + r")\b\.?)",
    re.IGNORECASE,
)
# Order matters where two patterns find the same stretch: the earlier label wins.
PII_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("EMAIL", EMAIL_RE),
    ("EMAIL", SPELLED_EMAIL_RE),
    ("EMAIL", WORDED_EMAIL_RE),
    ("EMAIL", SPACED_EMAIL_RE),
    ("EMAIL", AT_WORD_EMAIL_RE),
    ("URL", URL_RE),
    ("HANDLE", HANDLE_RE),
    ("ADDRESS", ADDRESS_RE),
    ("ADDRESS", ADDRESS_NAMED_RE),
    ("CARD", CARD_RE),
    ("CARD", CARD_NAMED_RE),
    ("ACCOUNT", IBAN_RE),
    ("ACCOUNT", ACCOUNT_RE),
    ("ACCOUNT", BARE_SORT_CODE_RE),
    ("ID", NINO_RE),
    ("ID", NINO_NAMED_RE),
    ("POSTCODE", UK_POSTCODE_RE),
    ("POSTCODE", UK_POSTCODE_NAMED_RE),
    ("POSTCODE", UK_POSTCODE_LOWER_RE),
    ("POSTCODE", US_ZIP_RE),
    ("POSTCODE", US_ZIP_NAMED_RE),
    ("PHONE", PHONE_RE),
    ("PHONE", EXTENSION_RE),
)
PLACEHOLDERS = {
    "EMAIL": "[EMAIL]",
    "URL": "[URL]",
    "HANDLE": "[HANDLE]",
    "ADDRESS": "[ADDRESS]",
    "POSTCODE": "[POSTCODE]",
    "CARD": "[CARD]",
    "ACCOUNT": "[ACCOUNT]",
    "ID": "[ID]",
    "PHONE": "[PHONE]",
    "NAME": "[NAME]",
}

# Common given names across English-speaking countries and the communities living there
# (a general resource, not drawn from any data set of ours). Lower case.
_FIRST_NAMES_TEXT = """
    aaron abby abigail adam adrian aidan aiden aisha alan albert alex alexa alexander alexandra alfie alice
    alicia alison amanda amelia amir amit amy ana andre andrea andrew andy angela angus anita ann anna anne
    annie anthony antonio anya archie arjun arthur ashley aston barbara beatrice becky ben benjamin beth
    bethany betty beverley billy bobby bradley brandon brenda brian bridget brittany bruce bryan caitlin
    callum cameron carl carla carlos caroline carolyn catherine cathy charlie charlotte chen chloe chris
    christina christine christopher cindy claire clara colin connor craig cynthia daisy damian dan daniel
    danielle danny darren david deborah debbie declan deepak denise dennis derek diana diane dominic donald
    donna dorothy douglas duncan dylan edward eileen elaine eleanor elena eli elijah elizabeth ella ellen
    ellie emily emma eric erica erin ethan evelyn fatima fiona florence francesca freddie freya gareth gary gavin
    george georgia gerald gillian gemma graham gregory hannah harold harriet harvey hayley helen henry
    hugh ian imogen irene isaac isabel isabella isla jacob jacqueline james jamie jane janet janice jason
    jasmine jean jeffrey jenna jennifer jenny jeremy jessica jill joan joanna joanne joe joel john johnny
    jonathan jordan jose joseph joshua joyce juan judith judy julia julian julie justin karen kate katherine
    kathleen kathryn katie kayla keith kelly kenneth kerry kevin kieran kim kimberly kirsty kyle laura
    lauren leah leo leon lewis liam lily linda lisa logan lola louis louise lucas lucy luis luke lydia
    lynne maria mariam marie marilyn martha martin mary matthew megan melanie melissa mia michael michelle
    mohammed mohammad muhammad molly monica nancy naomi natalie nathan neil nicholas nicola nicole niamh
    noah nora oliver olivia omar oscar owen paige pamela patricia patrick paul paula peter philip phoebe
    priya rachel rahul rajesh raymond rebecca richard rita robert robin rachael roger ronald rosie ross
    ruth ryan sally samantha samuel sandra sara sarah scarlett scott sean sharon shaun sheila shirley simon
    sophia sophie stacey stephanie stephen steve steven stuart susan suzanne tanya teresa theo theresa
    thomas tim timothy tina toby tom tommy tony tracey tracy trevor vanessa victoria vincent wayne wendy
    william yasmin yusuf zara zoe zainab ahmed ali hassan hussein ibrahim kwame chidi ngozi wei li ming
    hiroshi yuki kenji tomasz piotr agnieszka katarzyna magdalena marek pawel ivan olga natasha dmitri
    sven lars ingrid giulia marco francesco alessandro luca sofia lucia pablo javier carmen miguel diego
    rohan ananya aditya neha pooja sanjay sunil ravi anil vijay meera kavya jo sam
    siobhan aoife sinead ciara ciaran saoirse oisin eoin cormac padraig grainne orla roisin caoimhe
    aisling eimear deirdre cillian darragh ronan tadhg sorcha mairead ailsa morag fergus hamish eilidh
    mhairi catriona rhiannon carys dafydd gethin wojciech krzysztof grzegorz malgorzata kasia bartek
    lukasz jakub kamil michal zofia dorota oluwaseun seun tunde chinedu emeka funmi folake adebayo
    yetunde temitope chioma obinna nkechi ifeoma adaeze kofi abena kwabena priyanka deepika arun
    suresh ramesh lakshmi nisha harpreet gurpreet manpreet jaspreet simran sunita anjali divya shreya
    vikram karan aarav ishaan aryan farah ayesha bilal usman imran tariq nadia hamza layla noor
    mustafa khalid emre mehmet alejandro valentina camila mateo joao rafael gabriel beatriz matteo
    chiara
"""
FIRST_NAMES = frozenset(_FIRST_NAMES_TEXT.split())
# Given names that are also everyday words or common surnames: a name only when capitalised or
# announced as one ("my name is will"), or "I will ask for the bill" would lose words.
_AMBIGUOUS_NAMES_TEXT = """
    will may mark rose bill pat sue grace hope joy faith dawn summer april june august frank jack
    amber ruby holly ivy daisy lily heather pearl crystal sky rich chase hunter miles gene art sandy
    penny carol dean earl glen guy ray rusty wade jay kit max rod rob sonny honey angel autumn
    sage olive violet iris jade hazel ginger candy misty sunny drew gay don nick eve jean jordan
    georgia victoria charlotte florence lewis kim
"""
AMBIGUOUS_NAMES = frozenset(_AMBIGUOUS_NAMES_TEXT.split())
# Surnames (and a few more given names) that are everyday words too. With the given names above,
# the personal names matched only when capitalised: "I will", "the price", "a stone floor" stay.
_SURNAME_WORDS_TEXT = """
    price stone bell grant walker baker cook brown green white black young king hill wood hall
    long short little sharp best love page lane field fields mills wells banks rivers brook
    bush marsh moss park parks rock ford cross fox wolf lamb bird swan finch crane drake nash
    bishop butler carter cooper fisher mason miller porter potter shepherd smith taylor turner
    weaver fletcher archer chance major noble sterling christian constance prudence patience
    victor dusty chip buck dash ace storm rain river reed rush hardy strong wise
"""
SURNAME_WORDS = frozenset(_SURNAME_WORDS_TEXT.split())
NAME_WORDS = AMBIGUOUS_NAMES | SURNAME_WORDS
_NAME_WORDS = FIRST_NAMES | AMBIGUOUS_NAMES
# Phrases that introduce a person, in three strengths:
# - announcing a name: any given name, in any case ("my name is will");
# - pointing at a person: a given name in any case, an everyday-word one only capitalised
#   ("ask for sarah", "served by Grace");
# - linking words that also join things ("and", "with", "from"): only a capitalised given name
#   that is no everyday word, or "pad thai and tom yum soup" would lose its soup.
_ANNOUNCING_CUES = r"my\s+name(?:'s|\s+is)|name(?:'s|\s+is)|named|called"
_PERSON_CUES = (
    r"ask(?:ed)?\s+for|thanks(?:\s+to)?|thank(?:\s+you)?|thx|cheers|i'm|i\s+am|"
    r"spoke\s+(?:to|with)|speak\s+(?:to|with)|talk(?:ed)?\s+(?:to|with)|chat(?:ted)?\s+(?:to|with)|"
    r"served\s+by|helped\s+by|dealt\s+with\s+by|hi|hello|hey|dear|manager|assistant|colleague|"
    r"friend|husband|wife|partner|son|daughter|mum|mom|dad|brother|sister|mate|pal|boyfriend|girlfriend|"
    r"fianc[eé]e?|neighbou?r|boss|cousin|auntie|aunt|uncle|nan|gran|grandma|grandad"
)
_LINKING_CUES = r"ask|asked|this\s+is|love|from|with|and|tell|told|call|contact|message|email|text"
_NAME_CUE_RE = re.compile(
    # The name is looked ahead at, not consumed, so it can be the next cue: "hi, i'm priya".
    r"\b(?:(" + _ANNOUNCING_CUES + r")|(" + _PERSON_CUES + r")|" + _LINKING_CUES + r")[\s,:]+"
    r"(?=([A-Za-z][A-Za-z\-]*)('s)?(?:\s+([A-Z][a-z]+(?:[\-'][A-Z]?[a-z]+)?))?)",
    re.IGNORECASE,
)
# Introducing oneself by name then "here", at the start of a sentence or after a greeting:
# "hi all, zainab here", "Dave here. The app...".
_HERE_INTRO_RE = re.compile(
    r"(?:^|[.!?,;]\s*|\b(?:hi|hello|hey|hiya)\b[\s,!]*(?:(?:all|everyone|guys|folks)\b[\s,!]*)?)"
    r"([A-Za-z][A-Za-z\-]*)(?-i:(\s+[A-Z][a-z]+(?:[\-'][A-Z]?[a-z]+)?)?)\s+here\b(?=(\s*[,.!:;\-]|\s*$)?)",
    re.IGNORECASE,
)
# Capitalised words after a given name that start a sentence or are function words, not surnames.
_LOWER_WORD_RE = re.compile(r"[a-z]+")
_NOT_SURNAMES_TEXT = (
    "i the a an and but or so at in on to for of is was are were it this that my we you he she they"
)
_NOT_SURNAMES = frozenset(_NOT_SURNAMES_TEXT.split())


# A date written with one separator: "2024-03-01", "01.03.2024", "1-3-2024".
_DATE_RE = re.compile(r"\d{4}([.\-/])\d{1,2}\1\d{1,2}|\d{1,2}([.\-/])\d{1,2}\2(?:\d{4}|\d{2})")
_DIGIT_GROUP_RE = re.compile(r"\d+")
# What names a number as a reference, not a line to ring: "order 1234 5678", "ref: 2023 1105 9921",
# "tracking number 6412 3456 7890". Words that are everyday words too need "number", "no." or "#".
_REFERENCE_BEFORE_RE = re.compile(
    r"\b(?:(?:order|ref|reference|tracking|invoice|booking|ticket|receipt|transaction|confirmation|parcel"
    r"|consignment|serial|sku)(?:\s*(?:number|no\.?|num|#|id|code|ref))?"
    r"|(?:case|item|product|model|batch)\s*(?:number|no\.?|num|#))"
    r"(?:\s+(?:is|was))?[\s:#]*$",
    re.IGNORECASE,
)


_PHONE_BEFORE_RE = re.compile(
    r"\b(?:number|phone|mobile|cell|call|ring|text|tel)\b(?:'s|\s+is|\s+was|\s+me)?(?:\s+(?:on|at))?[\s:.]*$",
    re.IGNORECASE,
)


def _phone_like(text: str, before: str = "") -> bool:
    """Separate phone numbers from prices, years, dates, sizes and references the phone pattern also
    matches (`before`: the text just before the number)."""
    digits = sum(ch.isdigit() for ch in text)
    if digits < 7 or digits > 15:
        return False
    stripped = text.strip()
    if _DATE_RE.fullmatch(stripped):
        return False
    # "2019-2020" or "10.50" style numbers are not phone numbers, unless named one ("my number is 555-0187").
    if re.fullmatch(r"\d{1,4}[.\-/]\d{1,4}", stripped):
        return (
            re.fullmatch(r"\d{3}-\d{4}", stripped) is not None
            and _PHONE_BEFORE_RE.search(before) is not None
            and not _REFERENCE_BEFORE_RE.search(before)
        )
    # Every number plan writes a group of three or more digits, or opens with 0, + or a bracket:
    # "sizes 10 12 14 16" is a list.
    if stripped[0] not in "0+(" and max(len(g) for g in _DIGIT_GROUP_RE.findall(stripped)) < 3:
        return False
    return not _REFERENCE_BEFORE_RE.search(before)


# What makes three two-digit groups a sort code: "sort" just before, or banking words near them.
_SORT_BEFORE_RE = re.compile(r"\bsort\W{0,3}(?:code)?[\s:\-]*(?:(?:is|was)\s+)?$", re.IGNORECASE)
_BANKING_WORDS_RE = re.compile(
    r"\b(?:bank(?:ing|s)?(?!\s+holidays?)|account|acc|acct|a/c|payee|iban|building\s+society|"
    r"transfer(?:red|ring)?)\b",
    re.IGNORECASE,
)
# What makes them a date instead: "on 12-03-24", "since 01-02-23", "dated", "expires".
_DATE_BEFORE_RE = re.compile(
    r"\b(?:on|since|dated?|from|until|till|by|before|after|expir(?:y|es|ed)|exp|dob|born)[\s:]*(?:the\s+)?$",
    re.IGNORECASE,
)
# An account number beside a sort code: eight digits, one word or sign at most between them.
_ACCOUNT_AFTER_RE = re.compile(r"\W{0,3}(?:(?:and|&|acc(?:ount)?|a/c|no\.?)\W{1,3}){0,2}(\d{8})(?![\w\-])")
_ACCOUNT_BEFORE_RE = re.compile(r"(?<![\w\-])(\d{8})\W{0,3}(?:(?:and|&|sort)\W{1,3}){0,2}$")


# What names a string of letters and digits as a code of a shop's: "promo code AB123456C", "order ...".
_CODE_BEFORE_RE = re.compile(
    r"\b(?:code|promo|voucher|coupon|discount|serial|sku|model|part|item|product|style|order|ref|reference|"
    r"booking|tracking|invoice|ticket|receipt|transaction|confirmation|parcel)\b\W*(?:(?:no|number|is|was)\b\W*)*$",
    re.IGNORECASE,
)


def _sort_code_like(text: str, start: int, end: int) -> bool:
    """Whether three two-digit groups at text[start:end] are a sort code: named one ("sort 12-34-56"),
    next to an eight-digit account number, or among banking words and not after a word that dates
    them ("paid on 12-03-24"). Ratings, scores and sizes ("10-10-10") have none of these."""
    before = text[max(0, start - 40) : start]
    if _SORT_BEFORE_RE.search(before):
        return True
    if _ACCOUNT_AFTER_RE.match(text, end) or _ACCOUNT_BEFORE_RE.search(before):
        return True
    if text[start + 2] == " " or _DATE_BEFORE_RE.search(before) or _CODE_BEFORE_RE.search(before):
        return False  # spaced groups ("12 34 56") need "sort" or an account number
    return _BANKING_WORDS_RE.search(text, max(0, start - 60), min(len(text), end + 60)) is not None


def _account_beside(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    """The eight-digit account number written right after or before a sort code, as a span."""
    after = _ACCOUNT_AFTER_RE.match(text, end)
    if after:
        return [(after.start(1), after.end(1), "ACCOUNT")]
    before = _ACCOUNT_BEFORE_RE.search(text, max(0, start - 40), start)
    return [(before.start(1), before.end(1), "ACCOUNT")] if before else []


def _placed(text: str, start: int, end: int, *, towns: bool = False) -> bool:
    """Whether the words round a postcode at text[start:end] say it is where someone is or something
    goes: "i'm at", "deliver to", "leeds, " before, "postcode" or "area" after (`towns`: or a place's
    name after such a word, "in Sheffield S20 8GB")."""
    before = text[max(0, start - 40) : start]
    return (
        _PLACED_BEFORE_RE.search(before) is not None
        or _POSTCODE_AFTER_RE.match(text, end) is not None
        or (towns and _PLACED_TOWN_BEFORE_RE.search(before) is not None)
    )


def _after_an_address(found: list[tuple[int, int, str]], start: int) -> bool:
    """Whether a street address ends shortly before `start` ("14 elm rd, york yo1 7hh")."""
    return any(label == "ADDRESS" and 0 <= start - end <= 30 for _, end, label in found)


def _card_like(text: str) -> bool:
    """A payment card number: 13 to 19 digits passing the Luhn check, not all one digit."""
    digits = [int(ch) for ch in text if ch.isdigit()]
    if not 13 <= len(digits) <= 19 or len(set(digits)) == 1:
        return False
    total = 0
    for position, digit in enumerate(reversed(digits)):
        if position % 2:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def _iban_like(text: str) -> bool:
    """An IBAN: 15 to 34 characters whose check digits pass ISO 13616's mod-97 test."""
    compact = text.replace(" ", "").upper()
    if not 15 <= len(compact) <= 34:
        return False
    rearranged = compact[4:] + compact[:4]
    return int("".join(str(int(ch, 36)) for ch in rearranged)) % 97 == 1


def _iban_span(match: re.Match[str]) -> tuple[int, int] | None:
    """The longest valid IBAN the match starts with (a word after it may have been swallowed)."""
    value = match.group(0)
    end = len(value)
    while end >= 15:
        if _iban_like(value[:end]):
            return match.start(), match.start() + end
        cut = value.rfind(" ", 0, end)
        end = cut if cut > 0 else end - 1
    return None


def name_cue_spans(text: str) -> list[tuple[int, int, str]]:
    """Given names introduced as a person ("ask for sarah", "thanks to Priya Shah"), any case."""
    spans: list[tuple[int, int, str]] = []
    if _NAME_WORDS.isdisjoint(_LOWER_WORD_RE.findall(text.lower())):
        return spans  # no given name anywhere: skip the cue scan
    for match in _NAME_CUE_RE.finditer(text):
        word = match.group(3)
        folded = word.casefold()
        if folded not in _NAME_WORDS:
            continue
        capitalised = word[0].isupper()
        everyday = folded in AMBIGUOUS_NAMES
        if match.group(1) is not None:  # announcing: any given name
            pass
        elif match.group(2) is not None:  # pointing at a person
            if everyday and not capitalised:
                continue
        elif everyday or not capitalised:  # a linking word
            continue
        if len(folded) <= 2 and not capitalised:
            continue  # "jo", "li": too short to trust in lower case
        end = match.end(3)
        surname = match.group(5)
        if (
            surname
            and match.group(4) is None
            and surname[0].isupper()
            and surname.casefold() not in _NOT_SURNAMES
        ):
            end = match.end(5)
        # A possessive stays readable: "[NAME]'s".
        spans.append((match.start(3), end, "NAME"))
    for match in _HERE_INTRO_RE.finditer(text):
        word = match.group(1)
        folded = word.casefold()
        if folded not in _NAME_WORDS or len(folded) <= 2:
            continue
        if folded in AMBIGUOUS_NAMES and (not word[0].isupper() or match.group(3) is None):
            continue  # "will here" is no one, nor "Will here be a sale?"
        surname = match.group(2)
        last = match.end(2) if surname and surname.strip().casefold() not in _NOT_SURNAMES else match.end(1)
        spans.append((match.start(1), last, "NAME"))
    return spans


def merge_spans(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Join overlapping spans into one, sorted by start: a span that runs on past the one it overlaps
    extends it (a name the model saw in "Ring +1 (555) 123-4567" must not leave the number readable).
    The joined span keeps the label of its longest part, the earliest on a tie."""
    chosen: list[tuple[int, int, str]] = []
    for start, end, label in sorted(spans, key=lambda s: (s[0], -(s[1] - s[0]))):
        if chosen and start < chosen[-1][1]:
            first, last, kept = chosen[-1]
            if end > last:
                longest = kept if last - first >= end - start else label
                chosen[-1] = (first, end, longest)
            continue
        chosen.append((start, end, label))
    return chosen


def find_pii_spans(text: str) -> list[tuple[int, int, str]]:
    """Character spans of contact details, postcodes, card and account numbers and the names
    of people a post introduces, non-overlapping."""
    found = _pattern_spans(text, PII_PATTERNS)
    found.extend(name_cue_spans(text))
    return merge_spans(found)


# What participants may not read in each other's posts: a way to reach or find the writer off the
# platform (email, phone, street address, postcode), card or account numbers and ID numbers.
CONTACT_LABELS = ("EMAIL", "PHONE", "ADDRESS", "POSTCODE", "CARD", "ACCOUNT", "ID")
_CONTACT_PATTERNS = tuple((label, pattern) for label, pattern in PII_PATTERNS if label in CONTACT_LABELS)


def find_contact_spans(text: str) -> list[tuple[int, int, str]]:
    """Spans of the details in CONTACT_LABELS only (emails, phones with extensions, street
    addresses, postcodes, card and account numbers), non-overlapping."""
    return merge_spans(_pattern_spans(text, _CONTACT_PATTERNS)) if text else []


# How the author is told what others see hidden: label -> (one, several).
_HIDDEN_DETAIL_WORDS = (
    ("EMAIL", "an email address", "email addresses"),
    ("PHONE", "a phone number", "phone numbers"),
    ("ADDRESS", "a street address", "street addresses"),
    ("POSTCODE", "a postcode", "postcodes"),
    ("CARD", "a card number", "card numbers"),
    ("ACCOUNT", "an account number", "account numbers"),
    ("ID", "a National Insurance number", "National Insurance numbers"),
)


def hidden_details_notice(text: str, *, what: str = "post") -> str:
    """For the author: which details of their `what` ("post", "message") other participants and
    clients see hidden, e.g. "Your post includes an email address and 2 phone numbers; other
    participants and clients see them hidden."; "" when there are none."""
    labels = [label for _, _, label in find_contact_spans(text)]
    if not labels:
        return ""
    found = [
        one if labels.count(label) == 1 else f"{labels.count(label)} {many}"
        for label, one, many in _HIDDEN_DETAIL_WORDS
        if label in labels
    ]
    listed = found[0] if len(found) == 1 else f"{', '.join(found[:-1])} and {found[-1]}"
    them = "it" if len(labels) == 1 else "them"
    return f"Your {what} includes {listed}; other participants and clients see {them} hidden."


def redact_contact_spans(text: str) -> str:
    """`text` with the details in CONTACT_LABELS replaced by their markers ([EMAIL], [PHONE]…)."""
    spans = find_contact_spans(text)
    return apply_redactions(text, spans) if spans else text


def _pattern_spans(
    text: str, patterns: tuple[tuple[str, re.Pattern[str]], ...]
) -> list[tuple[int, int, str]]:
    found: list[tuple[int, int, str]] = []
    digits = len(_DIGIT_RE.findall(text))
    lowered = text.lower()
    written_domain = None
    for label, pattern in patterns:
        # Cheap tests that rule a pattern out before it scans the text (most posts hold no PII),
        # inline as they run for every pattern of every post.
        need_digits, in_text, in_lowered = _NEEDS.get(id(pattern), _NEEDS_NOTHING)
        if digits < need_digits:
            continue
        if in_text and not any(part in text for part in in_text):
            continue
        if in_lowered and not any(part in lowered for part in in_lowered):
            continue
        if id(pattern) in _NEEDS_A_DOMAIN:
            if written_domain is None:
                written_domain = _DOMAIN_HINT_RE.search(text) is not None
            if not written_domain:
                continue
        for match in pattern.finditer(text):
            value = match.group(0)
            start, end = match.start(), match.end()
            if pattern is PHONE_RE and not _phone_like(value, text[max(0, start - 40) : start]):
                continue
            if label == "URL" and "@" in value:
                continue
            if pattern is CARD_RE and not _card_like(value):
                continue
            if pattern is BARE_SORT_CODE_RE:
                if not _sort_code_like(text, start, end):
                    continue
                found.extend(_account_beside(text, start, end))
            if pattern is NINO_RE and _CODE_BEFORE_RE.search(text[max(0, start - 40) : start]):
                continue  # "promo code AB123456C"
            if pattern is UK_POSTCODE_LOWER_RE and not (
                _placed(text, start, end) or _after_an_address(found, start)
            ):
                continue
            if (
                pattern is UK_POSTCODE_RE
                and _STORAGE_INWARD_RE.fullmatch(value[-3:])
                and not _placed(text, start, end, towns=True)
            ):
                continue  # "MacBook Air M1 8GB"
            if label == "URL" and _VERSION_RE.match(value):
                continue  # "4.2.1.dev"
            if pattern is IBAN_RE:
                span = _iban_span(match)
                if span is None:
                    continue
                start, end = span
            elif pattern.groups and pattern is not BARE_SORT_CODE_RE:
                # Patterns that name the part to hide in a group (one per alternative).
                group = match.lastindex or 1
                start, end = match.start(group), match.end(group)
            found.append((start, end, label))
    return found


_DIGIT_RE = re.compile(r"\d")
# A version number is no web address: "4.2.1.dev".
_VERSION_RE = re.compile(r"\d+(?:\.\d+)+\.[A-Za-z]+$")
# What a match of each pattern needs: the fewest digits it holds, and parts of which the text
# (or the lower-cased text) must hold one (the word that names the detail, for patterns with one).
_NEEDS_NOTHING: tuple[int, tuple[str, ...], tuple[str, ...]] = (0, (), ())
# Patterns that end in a written domain ("gmail.com"): a post with no dot between two letters or
# digits and a letter (nor a scheme) holds none, and most posts end a sentence with a dot and a space.
_DOMAIN_HINT_RE = re.compile(r"\w\.[A-Za-z]|://")
_NEEDS_A_DOMAIN = frozenset(map(id, (URL_RE, SPACED_EMAIL_RE, AT_WORD_EMAIL_RE)))
_NEEDS = {
    # Keyed by id(): a compiled pattern hashes its whole program on every lookup.
    id(pattern): needs
    for pattern, needs in (
        (EMAIL_RE, (0, ("@",), ())),
        (HANDLE_RE, (0, ("@", "u/"), ())),
        (SPELLED_EMAIL_RE, (0, (), ("at)", "at]", "@)", "@]"))),
        (SPACED_EMAIL_RE, (0, ("@ ", " @"), ())),
        (AT_WORD_EMAIL_RE, (0, (), (" at ",))),
        (WORDED_EMAIL_RE, (0, (), (" dot ",))),
        (URL_RE, (0, (".",), ())),
        (ADDRESS_RE, (1, (), ())),
        (
            ADDRESS_NAMED_RE,
            (1, (), ("liv", "stay", "based", "address", "deliver", "sen", "moved", "m at", "re at")),
        ),
        (CARD_RE, (13, (), ())),
        (CARD_NAMED_RE, (3, (), ("card", "visa", "amex", "last", "cv", "security"))),
        (IBAN_RE, (10, (), ())),
        (ACCOUNT_RE, (4, (), ("acc", "a/c", "sort", "routing"))),
        (BARE_SORT_CODE_RE, (6, (), ())),
        (NINO_RE, (6, (), ())),
        (NINO_NAMED_RE, (6, (), ("ni", "insurance"))),
        (UK_POSTCODE_RE, (2, (), ())),
        (UK_POSTCODE_NAMED_RE, (2, (), ("code",))),
        (UK_POSTCODE_LOWER_RE, (2, (), ())),
        (US_ZIP_RE, (5, (), ())),
        (US_ZIP_NAMED_RE, (5, (), ("zip",))),
        (PHONE_RE, (7, (), ())),
        (EXTENSION_RE, (2, (), ("ext",))),
    )
}


def name_spans(text: str, names: tuple[str, ...] | list[str]) -> list[tuple[int, int, str]]:
    """Spans of the given personal names (whole words, any case; a name that is also an everyday
    word, such as "Will" or "Stone", only when capitalised)."""
    spans = []
    for name in {n.strip() for n in names if n and len(n.strip()) >= 3}:
        everyday = name.casefold() in NAME_WORDS
        for match in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", text, flags=re.IGNORECASE):
            if everyday and not match.group(0)[0].isupper():
                continue
            spans.append((match.start(), match.end(), "NAME"))
    return spans


def apply_redactions(text: str, spans: list[tuple[int, int, str]]) -> str:
    out, cursor = [], 0
    for start, end, label in merge_spans(spans):
        out.append(text[cursor:start])
        out.append(PLACEHOLDERS.get(label, "[REDACTED]"))
        cursor = end
    out.append(text[cursor:])
    return "".join(out)


def redact_contact_details(text: str, *, names: tuple[str, ...] | list[str] = ()) -> str:
    """`text` with emails, phones, URLs, street addresses and the given names replaced by markers."""
    if not text:
        return text
    return apply_redactions(text, find_pii_spans(text) + name_spans(text, names))
