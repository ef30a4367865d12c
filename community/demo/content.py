"""Who is in the demo community and what the researchers asked them.

The posts themselves live in `community.demo.threads`; this module holds the brand,
the people, the discussion guide and the scorecard.
"""

from __future__ import annotations

from dataclasses import dataclass

DEMO_PASSWORD = "verbatim-demo"
# Every demo account has an address on this domain, so `--reset` can find them all
# without touching anyone else's account.
DEMO_EMAIL_DOMAIN = "demo.verbatim.example"

COMMUNITY = {
    "name": "Hearth & Loom Customer Circle",
    "slug": "hearth-and-loom",
    "description": (
        "A two-week online community with Hearth & Loom customers about the messages the brand "
        "sends, how it uses their data, shopping in store and in the app, price, and service."
    ),
    "brand_name": "Hearth & Loom",
    "brand_aliases": ["H&L", "Hearth and Loom", "HnL", "Loom Points"],
    "competitor_brands": ["Brightwell", "Tandem", "Nook Home", "Marlowe's"],
    "consent_text": (
        "I agree to take part in the Hearth & Loom Customer Circle, run by Northlight Research. "
        "The research team can read everything I post. Hearth & Loom's team sees my posts under "
        "a pseudonym with personal details removed, and that includes my shopping diary, which "
        "other participants never see. I can download a copy of everything I posted at any time. "
        "I can also erase my account: my name, email address, login and photos are then deleted, "
        "and my posts stay under “Former member”, with my name and contact details taken out."
    ),
    "consent_version": 1,
}

SEGMENTS = ["App regulars", "Store-first", "Lapsed", "Young families"]


@dataclass(frozen=True)
class Person:
    key: str  # used in threads.py and as the username
    first_name: str
    last_name: str
    segments: tuple[str, ...] = ()
    pseudonym: str = ""
    about: str = ""  # a note for whoever edits the content: the voice this person writes in


@dataclass(frozen=True)
class Staff:
    key: str
    first_name: str
    last_name: str
    role: str  # "moderator" or "client"
    title: str


ADMIN_USERNAME = "admin"

STAFF = [
    Staff("maya", "Maya", "Okafor", "moderator", "Lead researcher, Northlight Research"),
    Staff("tom", "Tom", "Reeve", "client", "Head of CRM, Hearth & Loom"),
    Staff("ruth", "Ruth", "Agarwal", "client", "Customer insight manager, Hearth & Loom"),
]

_APP, _STORE, _LAPSED, _FAMILY = SEGMENTS

PARTICIPANTS = [
    # App regulars
    Person("priya", "Priya", "Sandhu", (_APP,), "Sunny Heron", "34, Leicester; weekly app user, precise"),
    Person("marcus", "Marcus", "Bell", (_APP, _FAMILY), "Brisk Otter", "41, Leeds; dad, short and efficient"),
    Person("chloe", "Chloe", "Whitfield", (_APP,), "Coral Finch", "27, Manchester; keen, exclamation marks"),
    Person("tomasz", "Tomasz", "Nowak", (_APP,), "Quiet Lynx", "38, Bristol; privacy-minded, long posts"),
    Person(
        "aisha", "Aisha", "Rahman", (_APP,), "Velvet Wren", "30, Birmingham; nurse, shops at night, typos"
    ),
    Person("gemma", "Gemma", "Doyle", (_APP,), "Golden Meadow", "45, Newcastle; homeware fan, chatty"),
    Person("ollie", "Ollie", "Grant", (_APP,), "Rapid Fox", "24, Brighton; blunt, compares with Tandem"),
    Person("fiona", "Fiona", "MacLeod", (_APP,), "Misty Thistle", "52, Glasgow; points collector"),
    Person("dev", "Dev", "Patel", (_APP,), "Clever Quill", "33, London; software tester, app UX"),
    Person("hannah", "Hannah", "Price", (_APP,), "Rosy Robin", "29, Cardiff; likes personalisation"),
    # Store-first
    Person("margaret", "Margaret", "Hollis", (_STORE,), "Gentle Birch", "67, Norwich; formal, no app"),
    Person("steve", "Steve", "Carter", (_STORE,), "Rustic Badger", "55, Sheffield; sceptical, terse"),
    Person("rosa", "Rosa", "Almeida", (_STORE,), "Amber Crane", "39, London; tries on, loves staff"),
    Person("gareth", "Gareth", "Lloyd", (_STORE,), "Sage Harbor", "48, Swansea; practical"),
    Person("linda", "Linda", "Osei", (_STORE,), "Mellow Willow", "60, Nottingham; warm, long posts"),
    Person("jamal", "Jamal", "Hussain", (_STORE,), "Keen Falcon", "36, Bradford; click and collect"),
    Person("bev", "Beverley", "Shaw", (_STORE,), "Plum Sparrow", "58, Exeter; paper vouchers, app confuses"),
    Person("niamh", "Niamh", "Kelly", (_STORE, _APP), "Jade River", "31, Liverpool; browses in store"),
    Person("ken", "Ken", "Morris", (_STORE,), "Honest Owl", "71, York; retired, brief and polite"),
    Person("sophie", "Sophie", "Lang", (_STORE,), "Tidy Pebble", "26, Oxford; works near the store"),
    # Lapsed
    Person("dan", "Dan", "Fletcher", (_LAPSED,), "Daring Reef", "44, Derby; left after a bad return"),
    Person("kirsty", "Kirsty", "Boyd", (_LAPSED,), "Hazel Lark", "37, Edinburgh; moved to Brightwell"),
    Person("yusuf", "Yusuf", "Demir", (_LAPSED,), "Swift Comet", "29, Coventry; price-led, uses Tandem"),
    Person("helen", "Helen", "Ashworth", (_LAPSED,), "Ivory Fern", "50, Bolton; quality has slipped"),
    Person("ravi", "Ravi", "Menon", (_LAPSED,), "Silver Tide", "42, Reading; unsubscribed from emails"),
    Person("jo", "Jo", "Harper", (_LAPSED,), "Olive Heron", "35, Plymouth; uneasy about tracking"),
    Person("craig", "Craig", "Dunn", (_LAPSED,), "Teal Summit", "39, Aberdeen; local store closed"),
    Person("amelia", "Amelia", "Stone", (_LAPSED, _FAMILY), "Lively Juniper", "23, Southampton; student"),
    Person("paul", "Paul", "Richards", (_LAPSED,), "Calm Raven", "61, Stoke; grumpy, typos"),
    Person("leah", "Leah", "Goldberg", (_LAPSED,), "Eager Cedar", "33, Manchester; sizing returns"),
    # Young families
    Person("sarah", "Sarah", "Mitchell", (_FAMILY,), "Curious Brook", "32, Milton Keynes; two kids"),
    Person("ben", "Ben", "Adeyemi", (_FAMILY,), "Nimble Pine", "35, Croydon; budget, school uniform"),
    Person("lucy", "Lucy", "Chen", (_FAMILY,), "Maple Dune", "30, Cambridge; new baby, nursery"),
    Person("jess", "Jess", "Walker", (_FAMILY,), "Zesty Island", "28, Hull; single mum, typos"),
    Person("imran", "Imran", "Qureshi", (_FAMILY,), "Witty Beacon", "37, Luton; three kids, spreadsheets"),
    Person("katie", "Katie", "Brennan", (_FAMILY,), "Lucky Wren", "34, Belfast; practical, funny"),
    Person("will", "Will", "Thornton", (_FAMILY,), "Eager Falcon", "36, Bath; outdoorsy dad"),
    Person("nadia", "Nadia", "Haddad", (_FAMILY,), "Calm Heron", "31, Wolverhampton; shops on the bus"),
    Person("emma", "Emma", "Fraser", (_FAMILY,), "Brisk Willow", "27, Dundee; student and parent"),
    Person("joel", "Joel", "Baptiste", (_FAMILY,), "Daring Lark", "22, Nottingham; student, first flat"),
]

# The participant whose login the command prints.
SAMPLE_PARTICIPANT = "priya"


@dataclass(frozen=True)
class Activity:
    key: str
    title: str
    prompt: str
    kind: str = "board"  # board | journal | live | scorecard
    visibility: str = "open"  # open | uninfluenced
    opens_day: float = 0.0  # days after the start of fieldwork (start = 14 days ago)
    closes_day: float | None = None  # None: still open today
    hour: int = 9  # local hour it opens at (and closes at, on its closing day)
    target_segments: tuple[str, ...] = ()
    is_required: bool = False
    media_allowed: bool = False
    is_draft: bool = False
    # Off for a warm-up: its posts stay in the discussion but leave every analysis result.
    in_analysis: bool = True


ACTIVITIES = [
    Activity(
        "intro",
        "Welcome! Introduce yourself and your last shopping trip",
        "Hello and thank you for joining us.\n\n"
        "Tell the group a little about yourself: where you live, who you shop for, and **your last "
        "shopping trip** for clothes or things for the home, with Hearth & Loom or anywhere else. "
        "What did you go for, and what did you come back with?",
        opens_day=0.0,
        closes_day=7.0,
        is_required=True,
        media_allowed=True,
        # Who people are (families, towns, jobs) is not what they think of the brand.
        in_analysis=False,
    ),
    Activity(
        "messages",
        "The emails and app notifications we send you",
        "Think about the emails, texts and app notifications you get from Hearth & Loom.\n\n"
        "- Which ones do you actually open, and why?\n"
        "- Which ones feel **relevant to you**, and which feel like they were meant for someone else?\n"
        "- If you could change one thing about them, what would it be?\n\n"
        "*You will see other people's answers after you post your own.*",
        visibility="uninfluenced",
        opens_day=1.0,
        is_required=True,
    ),
    Activity(
        "data",
        "Your data and personalisation",
        "Hearth & Loom knows some things about you: what you buy, what you look at in the app, "
        "your Loom Points.\n\n"
        "How do you feel about brands using that to personalise what you see? Where is the line "
        "between *helpful* and *too much*? Do you feel Hearth & Loom **understands you**?",
        opens_day=3.0,
        is_required=True,
    ),
    Activity(
        "channels",
        "Store versus app",
        "Do you get the same Hearth & Loom in the shop, on the website and in the app? "
        "Tell us about a time when it felt joined up, or when it didn't (prices, stock, returns, "
        "offers, how staff treat you).",
        opens_day=5.0,
    ),
    Activity(
        "price",
        "Price and value",
        "Is Hearth & Loom good value for money? What do you compare it with, and what would make "
        "you pay a little more, or make you go elsewhere?",
        opens_day=7.0,
    ),
    Activity(
        "service",
        "When something goes wrong",
        "Think of the last time something went wrong: a late delivery, a return, a faulty item, "
        "a question you needed answering. What happened, and how did Hearth & Loom handle it?",
        opens_day=8.0,
    ),
    Activity(
        "drifted",
        "What made you shop with us less?",
        "This one is just for people who used to shop with Hearth & Loom more than they do now. "
        "What changed? Was there a moment, or did it happen gradually? What would bring you back?",
        opens_day=2.0,
        target_segments=(_LAPSED,),
    ),
    Activity(
        "diary",
        "Shopping diary",
        "A private diary: other participants never see it. The research team reads your entries; "
        "Hearth & Loom's team may read them without your name. Whenever you shop, browse, "
        "or get a message from any retailer over the two weeks, jot down what happened and how "
        "it made you feel. Short is fine!",
        kind="journal",
        opens_day=0.0,
        media_allowed=True,
    ),
    Activity(
        "scorecard",
        "Rate Hearth & Loom",
        "Rate Hearth & Loom from 0 (not at all) to 25 (completely) on each line. There are no "
        "right answers: we want your honest impression.",
        kind="scorecard",
        opens_day=10.0,
        is_required=True,
    ),
    Activity(
        "live_homeware",
        "Live session: buying homeware, evening group",
        "A one-hour live chat about buying things for the home from Hearth & Loom: online, in store, "
        "delivery and returns. The session has ended; what participants said is archived below.",
        kind="live",
        opens_day=9.0,
        closes_day=9.1,
        hour=19,  # an evening session
    ),
    Activity(
        "live",
        "Live session: the new Loom Points app",
        "A one-hour live chat with the research team about the redesigned rewards screens.",
        kind="live",
        opens_day=16.0,  # the day after tomorrow
        closes_day=16.05,
        hour=19,  # an evening session
    ),
    Activity(
        "gifting",
        "Gifting season (draft)",
        "Draft for week three: how do you shop for presents? Not visible to participants yet.",
        opens_day=15.0,
        is_draft=True,
    ),
]

# Each segment's typical scorecard rating, 0 to 25, per dimension of the product's default
# scorecard (community.models.DEFAULT_DIMENSIONS, in that order). Participants scatter around
# these; the clients rate the brand higher, as brands usually do, which is the perception gap
# the dashboards show.
SCORECARD_KEYS = ["privacy", "personalization", "understanding", "consistency", "relevance"]

SEGMENT_SCORE_MEANS = {
    _APP: {"privacy": 15, "personalization": 16, "understanding": 14, "consistency": 13, "relevance": 13},
    _STORE: {"privacy": 17, "personalization": 10, "understanding": 13, "consistency": 10, "relevance": 9},
    _LAPSED: {"privacy": 11, "personalization": 8, "understanding": 7, "consistency": 9, "relevance": 6},
    _FAMILY: {"privacy": 14, "personalization": 12, "understanding": 11, "consistency": 12, "relevance": 11},
}

CLIENT_SELF_ASSESSMENT = {
    "tom": {"privacy": 19, "personalization": 18, "understanding": 16, "consistency": 16, "relevance": 15},
    "ruth": {"privacy": 18, "personalization": 15, "understanding": 15, "consistency": 14, "relevance": 14},
}

# Participants who have not done the scorecard yet (so completion tracking has gaps).
# Priya, the printed participant login, is one of them, so her home page has something to do.
SCORECARD_NOT_DONE = {"priya", "paul", "craig", "ken", "emma", "ollie", "jamal", "amelia"}
