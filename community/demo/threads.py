"""What the demo participants wrote, activity by activity. Hand-written fiction.

Each activity maps to a list of threads: a response (`m(author, body, *replies)`) with
its replies. `at` places a post within the activity's window (0 = when it opened,
1 = when it closed or now); without it the loader picks a realistic time. `hide` and
`remove` carry the moderator's reason for posts the demo moderates, `deleted` an
author's reason for withdrawing their own post, and `original` the first version
of a post its author then edited (moderators see the revision history).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Msg:
    author: str
    body: str
    replies: tuple[Msg, ...] = ()
    moderation: tuple[str, str] | None = None  # ("hide" | "remove" | "delete", reason)
    at: float | None = None
    original: str = ""  # set when the author edited the post: the text it had first


def m(
    author: str,
    body: str,
    *replies: Msg,
    hide: str = "",
    remove: str = "",
    deleted: str = "",
    at: float | None = None,
    original: str = "",
) -> Msg:
    """A post; `deleted` is the author's own reason for withdrawing it."""
    moderation = (
        ("hide", hide) if hide else ("remove", remove) if remove else ("delete", deleted) if deleted else None
    )
    return Msg(
        author=author, body=body, replies=tuple(replies), moderation=moderation, at=at, original=original
    )


@dataclass(frozen=True)
class Probe:
    activity: str
    participant: str  # the probe follows up this participant's response in the activity
    question: str
    answer: str = ""  # empty: not answered yet


INTRO = [
    m(
        "maya",
        "Hi everyone, I'm Maya from Northlight Research and I'll be looking after this community for the next two weeks. I'm in Manchester, I shop for a partner, a teenager and a very fussy dog, and my last trip was a frantic lunchtime dash for a birthday card and a candle. Looking forward to reading all about you!",
        at=0.0,
    ),
    m(
        "priya",
        "Hi all, Priya here, from Leicester. I work in payroll so I'm a bit of a numbers person. I shop for me and my husband mostly and the odd present for my nieces. Last trip was Saturday: I went into Hearth & Loom in Highcross for a duvet cover I'd saved in the app, it wasn't in stock in store even though the app said 'available nearby', so I ordered it on my phone standing next to the empty shelf. Came home with a scented candle I didn't need instead.",
        m(
            "maya",
            "Welcome Priya! Ordering it while standing next to the empty shelf is a very vivid picture. We'll come back to that in the store versus app activity.",
        ),
        m("gemma", "Ha the candle always gets you. Every single time."),
        at=0.05,
    ),
    m(
        "marcus",
        "Marcus, Leeds. Two kids (7 and 10). Last trip: school shoes at Brightwell, then H&L for PE kits because they were cheaper. In and out in 25 mins which is how I like it.",
        at=0.08,
    ),
    m(
        "chloe",
        "Hiya! I'm Chloe, 27, Manchester, and I am slightly obsessed with interiors so this is my dream survey haha! I use the Hearth & Loom app pretty much every week, mostly scrolling the new-in homeware. Last trip was online: a linen throw in the sage colour and two mugs. Arrived in two days, no complaints!",
        m("hannah", "The sage throw is gorgeous, I have the oat one!"),
        m("chloe", "Stop I'm going to end up buying the oat one as well"),
        at=0.1,
    ),
    m(
        "tomasz",
        "Hello. Tomasz, Bristol, I work in logistics. I live with my partner and we are slowly furnishing a flat we bought last year, so most of what I buy at the moment is for the home. I tend to research quite a lot before I buy anything: I read reviews, compare with Nook Home and a couple of independent shops, and check what the returns policy is.\n\nMy last trip was to the Cribbs Causeway store for curtains. I had measured everything and had a list. The staff member was helpful, the curtains were fine, but I left with a slightly uneasy feeling because at the till I was asked for my email 'for the receipt' and then found out it also signed me up to marketing.",
        m(
            "maya",
            "Thanks Tomasz, that's a really useful detail about the till. Did anybody tell you it would sign you up, or did you notice later?",
        ),
        m(
            "tomasz",
            "Noticed the next morning when the first 'Welcome to the Weekend Edit' email arrived. Nobody mentioned it.",
        ),
        at=0.12,
    ),
    m(
        "aisha",
        "hi im Aisha, nurse in Birmingham so I do most of my shopping at 2am on a break lol. Last thing I bought was scrubs-friendly trainers (not from H&L they dont do them) and some bedding from H&L app. bedding is lovely\n\nedit: its the grey waffle one if anyones looking",
        m("sarah", "The 2am shopping is so real. Respect for doing nights."),
        at=0.15,
        original="hi im Aisha, nurse in Birmingham so I do most of my shopping at 2am on a break lol. Last thing I bought was scrubs-friendly trainers (not from H&L they dont do them) and some bedding from H&L app. bedding is lovely",
    ),
    m(
        "gemma",
        "Hello lovely people! Gemma from Newcastle, 45, two grown-up lads who still bring me their washing. I adore homeware, I'd redecorate every season if my husband let me. I've been a Hearth & Loom customer for about 12 years, since it was just the shop on Northumberland Street. Last trip I bought the stoneware dinner set in the blue glaze, it's the third set I've had from them. Also picked up a coat in the sale which I'm still deciding about.",
        at=0.18,
    ),
    m(
        "ollie",
        "Ollie, 24, Brighton. Mostly buy clothes on Tandem tbh because it's cheaper and faster. Use H&L for basics and stuff for the flat. Last shop was a hoodie from Tandem, came in a bag the size of a sofa.",
        at=0.2,
    ),
    m(
        "fiona",
        "Good evening, I'm Fiona from Glasgow. I'm 52 and I collect Loom Points with a dedication my family finds alarming. Last trip was to Buchanan Street for a lamp and some towels, paid mostly with points. I like a bargain but I like nice things too.",
        m("fiona", "Should have said, I also shop for my mum who is 80 and won't go near the internet."),
        at=0.22,
    ),
    m(
        "dev",
        "Hey, Dev, London, I test software for a living so apologies in advance if I'm picky about the app. Last trip: bought a shirt on the H&L app, tried to use a promo code, the code box cleared itself every time I switched apps to copy it. Managed in the end.",
        m("maya", "Picky is exactly what we want, Dev!"),
        at=0.25,
    ),
    m(
        "hannah",
        "Hi! Hannah, 29, Cardiff. Teacher. I love it when the app shows me stuff that's actually my style, it feels like a friend who knows me. Last trip was in the St David's store for a dress for a wedding, and I'd already saved three options in the app so I went straight to them.",
        at=0.28,
    ),
    m(
        "margaret",
        "Good afternoon. My name is Margaret and I live in Norwich. I am retired, having been a school secretary for many years. I do not use the application on the telephone; I prefer to go into the Hearth and Loom shop where I can feel the quality of things. My last visit was on Tuesday, for a cardigan and a tablecloth. The young lady on the till was very patient with my vouchers.",
        m("linda", "Hello Margaret! I'm the same, I like to touch things before I buy."),
        at=0.1,
    ),
    m(
        "steve",
        "Steve. Sheffield. Buy what I need, when I need it. Last trip: socks and a pack of t-shirts. Took ten minutes.",
        m("maya", "Thanks Steve! Where did you buy them?"),
        m("steve", "H&L at Meadowhall. Usual."),
        at=0.12,
    ),
    m(
        "rosa",
        "Olá, I'm Rosa, I live in Lewisham with my daughter who is 12 and now has Opinions about clothes. I always try things on in store, I have a long body and sizes are all over the place. Last trip I went to the Oxford Street store and a lovely girl called Bea helped us find jeans for my daughter, she brought five pairs to the changing room. That's why I go back.",
        at=0.16,
    ),
    m(
        "gareth",
        "Gareth from Swansea. Two teenagers, one dog, one wife who does most of the H&L shopping. I'm the one who goes to collect the click and collect orders. Last trip was exactly that, 20 minutes waiting at the service desk because there was one person on it.",
        at=0.2,
    ),
    m(
        "linda",
        "Hello everyone, I'm Linda, I'm 60 and live in Nottingham with my husband and my mother-in-law. I love a wander round the shops on a Thursday with my sister, it's our day out. We usually do Hearth & Loom, Brightwell and then a coffee. Last Thursday I bought a lovely jug and two cushion covers in the mustard colour. My sister said they were too bright, she's wrong!",
        m("margaret", "Mustard is very cheerful. I think your sister is wrong too."),
        at=0.22,
    ),
    m(
        "jamal",
        "Jamal, Bradford. I basically only use click and collect. Order on the website at work, pick it up on the way home. Last order was towels and a bath mat.",
        at=0.25,
    ),
    m(
        "bev",
        "Hello I'm Bev from Exeter. I'm not very good with computers so bear with me. My last trip was to H&L in Princesshay with a paper voucher from the magazine that came through the door, they took it no problem. I bought a nightie and some tea towels.",
        m("maya", "You're doing brilliantly Bev, welcome!"),
        at=0.28,
    ),
    m(
        "niamh",
        "Hey, Niamh in Liverpool. I go into Liverpool ONE on my lunch, look at things, then buy them later on the app on the sofa once I've thought about it. Last trip I looked at a rug for about three weeks running before buying it.",
        at=0.3,
    ),
    m(
        "ken",
        "Ken, York, retired engineer. Last purchase was a pair of slippers from Hearth & Loom. Good quality.",
        at=0.32,
    ),
    m(
        "sophie",
        "Hi, Sophie, I work on Cornmarket in Oxford which is right by the H&L store, so I pop in at lunch way more than I should. Last trip was this morning: bought a top, realised at my desk it was the wrong size, will swap it tomorrow.",
        at=0.35,
    ),
    m(
        "dan",
        "Dan, Derby. I used to shop at H&L all the time, I'll be honest I don't much any more. Last trip was to Marlowe's for work trousers because they're half the price and they're fine.",
        m(
            "maya",
            "Thanks for being honest Dan, that's exactly why you're here. There's an activity later this week for people in your position.",
        ),
        at=0.1,
    ),
    m(
        "kirsty",
        "Hi there, Kirsty in Edinburgh, 37, work in HR. I used to be in Hearth & Loom most weekends but these days I tend to go to Brightwell because the service is nicer and the fitting rooms are less of a bun fight. Last trip was Brightwell on Princes Street for a work blazer.",
        at=0.15,
    ),
    m(
        "yusuf",
        "Yusuf, 29, Coventry. Last shop was Tandem, two pairs of joggers and a jacket for £40 total. Hard to beat.",
        at=0.18,
    ),
    m(
        "helen",
        "Hello, I'm Helen from Bolton. I've shopped at H&L for nearly twenty years but I've noticed the quality isn't what it was. My last trip I went in for jumpers and came out with nothing because everything felt thin. Ended up buying one at Brightwell for twice the price.",
        m("gemma", "Funny, I think the homeware has got better but I agree about the knitwear."),
        m("helen", "Yes the homeware is still nice, I'll give them that."),
        at=0.2,
    ),
    m(
        "ravi",
        "Hi, Ravi from Reading. I unsubscribed from the Hearth & Loom emails about six months ago because there were two a day, and I sort of forgot about them after that. Last clothes shop was online at Brightwell.",
        at=0.22,
    ),
    m(
        "jo",
        "Hi, Jo here from Plymouth, 35. I'm quite careful about which apps I have on my phone, so I deleted a few shopping ones last year including H&L. Last shopping trip was the market in town for plants, does that count?",
        m("maya", "Plants absolutely count, Jo!"),
        at=0.25,
    ),
    m(
        "craig",
        "Craig, Aberdeen. Our Hearth & Loom in the Bon Accord centre shut last year so I've not really been since. Last shop was a coat online from somewhere I can't remember.",
        at=0.28,
    ),
    m(
        "amelia",
        "hi! Amelia, 23, final year at uni in Southampton. I mostly buy second hand now on resale apps because money and also the planet. last 'new' thing I bought was a bedside lamp from Hearth & Loom in first year and it's still going strong",
        at=0.3,
    ),
    m("paul", "paul from stoke. dont shop much. last thing was a coat from marlowes. its ok", at=0.35),
    m(
        "leah",
        "Hi I'm Leah, 33, in Manchester. I love H&L's style but I gave up ordering clothes because I was sending back 2 out of 3 things, the sizing is all over the place. Last trip was actually to return something, which tells you everything.",
        m("rosa", "Sizing!! I thought it was just me. I'm a 12 in one trouser and a 16 in another."),
        m("leah", "Honestly it's not just you"),
        at=0.38,
    ),
    m(
        "sarah",
        "Hello, Sarah, Milton Keynes, two kids (4 and 6) who go through clothes like nobody's business. Last trip was a big kidswear shop on the H&L app in the 3 for 2, 9 items, one of which fit the child it was bought for. The other two children got the rest 😂 (I only have two children, the neighbour's kid got one)",
        m("katie", "The neighbour's kid getting one is the most parent thing I've read all week"),
        at=0.1,
    ),
    m(
        "ben",
        "Ben, Croydon, dad of three. It's mostly school uniform at the moment, which H&L do at a decent price. Last trip: three polo shirts, two pairs of trousers, one bag of tears (child, not me).",
        at=0.15,
    ),
    m(
        "lucy",
        "Hi, I'm Lucy in Cambridge, I had my first baby in the spring so my shopping is now about 90% nursery, muslins and anything that makes night feeds easier. Hearth & Loom's baby homeware range is honestly lovely. Last purchase was a blackout blind and a nightlight.",
        m("maya", "Congratulations Lucy! Hope the blackout blind is working its magic."),
        m("lucy", "Thank you! It is, 5am is now 6am, which is a miracle."),
        at=0.18,
    ),
    m(
        "jess",
        "hiya Jess from Hull, single mum of 1 (hes 5). i buy most of his stuff from marlowes or h&l depending whats on offer, tbh i go where the deals are. last shop was wellies and a raincoat from h&l cos they had 20% off with the app",
        at=0.22,
    ),
    m(
        "imran",
        "Imran, Luton, father of three and keeper of the family budget spreadsheet (yes really). Last trip was a planned visit to H&L for bedding for the kids' new bunk beds. Stuck to the list. Mostly.",
        at=0.25,
    ),
    m(
        "katie",
        "Katie, Belfast, one toddler, one cat, one husband, in descending order of demands. Last trip I went in for a birthday present for my niece and came out with a lamp for myself, which is frankly the Hearth & Loom experience in a nutshell.",
        at=0.28,
    ),
    m(
        "will",
        "Hi, Will from Bath. We've two little ones and spend most weekends outdoors, so I go through a lot of kids' waterproofs and wellies. Last trip was actually to an outdoor shop rather than H&L, but we picked up some picnic stuff at H&L on the way back.",
        at=0.3,
    ),
    m(
        "nadia",
        "Hello! Nadia, Wolverhampton, mum of a 3 year old. I shop on my phone on the bus to work, that's my 25 minutes of peace. Last order was H&L pyjamas for my son with dinosaurs on, he now refuses to wear anything else.",
        at=0.33,
    ),
    m(
        "joel",
        "Yo, Joel, 22, just moved into my first flat in Nottingham so I've been buying EVERYTHING. Got most of the kitchen stuff from H&L because their starter kitchen bundle was decent. Still don't own a colander.",
        m("gemma", "Joel, get the colander from H&L, the enamel one, it'll outlive us all"),
        m("joel", "noted 🫡"),
        at=0.4,
    ),
    m(
        "emma",
        "Hi, Emma from Dundee, 27, doing a nursing degree with a 2 year old so time and money are both tight. I don't really go to shops any more, everything is on my phone. Last thing from H&L was a pack of toddler socks.",
        at=0.45,
    ),
    m(
        "chloe",
        "Does anyone know if the Trafford Centre store still does the late opening on Thursdays? Went last week and it was shut at 8 😩",
        m(
            "maya",
            "Good question Chloe, although it's a bit outside what we're discussing here, so I'd check the store finder in the app. Back to your shopping stories everyone!",
        ),
        at=0.6,
    ),
    m(
        "paul",
        "Got 2 tickets for the City game saturday if anyone wants them, face value, text me 07700 900417",
        hide="Off-topic: selling tickets, and it shares a phone number. Paul, please keep to the activity.",
        at=0.7,
    ),
]

MESSAGES = [
    m(
        "priya",
        "I open the Weekend Edit email maybe one in three. The ones I open are the ones with a price in the subject line. What feels irrelevant: I get loads of menswear emails, I think because I bought my husband a jumper once, two years ago. The app notifications are worse though, I get 'Flash drop! 40% off' at least three times a week and half the time it's for things I'd never buy. If I could change one thing: let me tell you what I'm interested in and then stick to it.",
        m(
            "maya",
            "Thanks Priya. When you say 'let me tell you what I'm interested in', what would that look like for you?",
        ),
        m(
            "priya",
            "Literally a list of tick boxes. Homeware yes, womenswear yes, menswear only in December for present shopping. I'd fill it in today if it existed.",
        ),
        m("hannah", "Yes to tick boxes! I'd do that."),
    ),
    m(
        "chloe",
        "I actually really like the emails! The new-in homeware ones are basically a magazine for me. The only ones that annoy me are the 'you left something in your basket' ones, because I leave things in my basket on purpose, it's my wishlist 😅",
        m(
            "dev",
            "The basket-as-wishlist thing is so common. They should just have a proper wishlist that works.",
        ),
        m("chloe", "There is a wishlist but it's buried, I only found it last month"),
    ),
    m(
        "steve",
        "Don't open them. Too many. If I need something I go to the shop.",
    ),
    m(
        "tomasz",
        "I get two kinds of messages from Hearth & Loom and they feel like they come from two different companies.\n\nThe order messages (confirmation, dispatch, collection ready) are excellent: clear, timely, exactly what I need.\n\nThe marketing messages are the opposite. After I bought curtains I got four emails in a week about curtains. I had already bought the curtains. That is the moment I know the email is not written for me, it is written by a system that saw 'curtains' and got excited. A human shop assistant would never try to sell you curtains as you walk out carrying curtains.",
        m(
            "gareth",
            "Ha, same with us and a sofa. Bought a sofa, got sofa emails for a month. We're not a two-sofa family.",
        ),
        m("fiona", "This is very well put."),
    ),
    m(
        "aisha",
        "i open the push notifications more than emails cos my email is a disaster zone. the ones at like 7pm are annoying because im usually on shift, and then by the time i look the deal is gone. would be nice if i could pick the time",
    ),
    m(
        "gemma",
        "I read every email, I love them, but I do think they're too frequent now. It used to be once a week and it felt like a treat, now it's nearly every day and they blur into one. I've started deleting some without looking which I never used to do.",
    ),
    m(
        "ollie",
        "H&L notifications are fine compared to Tandem, Tandem sends me like 5 a day. Tbh both are mostly irrelevant. The only relevant one I got from H&L was when something I'd saved came back in stock in my size, that was actually useful and I bought it.",
        m(
            "maya",
            "That back-in-stock message is interesting, Ollie. What made it feel useful where others don't?",
        ),
        m("ollie", "It was about a thing I already wanted. Not a thing they want me to want. Simple."),
    ),
    m(
        "fiona",
        "I open every email that mentions Loom Points, naturally. What I find irrelevant is the 'style inspiration' ones with models in clothes I wouldn't wear in a month of Sundays. I'm 52 and a size 16, show me something I might actually put on.",
        m("linda", "Yes! I'm 60 and every model in those emails looks about 22."),
    ),
    m(
        "dev",
        "Open rate for me is low, maybe 10%. Issues: (1) subject lines all sound the same, (2) I get notifications for sales that have already ended because the notification was delayed, (3) the app sends a push for every 'drop' with no way to turn off just those. Notification settings are all-or-nothing, which means I turned them all off. Which means I miss the useful ones (order updates). That's a design problem not a me problem.",
    ),
    m(
        "hannah",
        "I love the personalised ones, when it says 'Hannah, we think you'll love these' and it's actually dresses I would love. Maybe 60% of the time it gets it right. The irrelevant ones are kids' stuff, I don't have kids. No idea why I get those.",
        m(
            "tomasz",
            "Possibly because you bought a present for a child at some point? That's what happened with me and dog toys.",
        ),
        m(
            "hannah",
            "Oh! I did buy my nephew's birthday present on there. Mystery solved, but that was a year ago!",
        ),
    ),
    m(
        "margaret",
        "I receive a catalogue by post twice a year which I enjoy looking through with a cup of tea. I do not receive emails from them as far as I know. My grandson set up an email for me but I only use it for the doctor's.",
    ),
    m(
        "rosa",
        "I get the emails but honestly I open maybe one a month. What would make me open them? If they were about things for me AND my daughter, not random. Also the emails never mention the store, they're always 'shop now' with a link, but I want to know what's in MY store.",
    ),
    m(
        "gareth",
        "My wife gets them, I get the texts about click and collect. The texts are good. One thing though, the 'ready to collect' text sometimes arrives and then when I get there it's not actually ready. So the text is relevant but wrong, which is worse.",
    ),
    m(
        "linda",
        "I do like getting the email with the new season's colours, it gives me ideas for the house. But there are far too many, some days I've had two and I just think, goodness, calm down! I'd be happy with one a week. Also, they always seem to be about young people's fashion and I'm not a young person any more, sadly.",
    ),
    m(
        "jamal",
        "Emails: skip. Texts about collection: read every one. If they sent fewer marketing emails I'd probably read the ones they did send.",
    ),
    m(
        "bev",
        "I get emails but I'm not sure how to stop them, my daughter says there's a button at the bottom. The paper vouchers through the door are much better for me.",
    ),
    m(
        "niamh",
        "The ones I open are 'price drop on an item you viewed', because that's exactly how I shop, I look and wait. Those are genuinely useful. The ones I ignore are the generic 'NEW IN' ones. So basically, tell me about things I already looked at, don't tell me about everything else.",
    ),
    m(
        "ken",
        "I receive a weekly email. I find it acceptable. Sometimes there is a discount on men's shoes which I use.",
    ),
    m(
        "sophie",
        "I've got the app and the emails and I get duplicate messages, the same offer as a push, an email and a text within an hour. It feels desperate. Pick one!",
        m("jamal", "Triple whammy, I've had that too"),
    ),
    m(
        "dan",
        "Honestly I stopped opening them after the returns thing (will explain in the other activity). But when I did, I found them pushy. Everything was 'last chance' and 'ending tonight' and then the same sale was on the next week.",
    ),
    m(
        "kirsty",
        "I still get them, I glance at the subject line. Brightwell sends fewer emails and they feel more like a letter from a shop I like. H&L's feel like being shouted at in a market.",
        original="I still get them, I glance at the subject line. Brightwell's are nicer. H&L's are spam.",
    ),
    m("yusuf", "Never open them. Tandem's are worse mind you."),
    m(
        "ravi",
        "As I said, I unsubscribed. Two a day is ridiculous. What annoyed me most was that after I unsubscribed I still got a few for another week, and then a 'we miss you' email. You don't miss me, you just emailed me twice a day.",
        m(
            "maya",
            "The 'we miss you' email seems to have landed badly. Did it tempt you back at all, even a bit?",
        ),
        m("ravi", "Not at all. If anything it confirmed unsubscribing was the right call."),
    ),
    m(
        "jo",
        "I don't have the app any more so only emails, and they always seem to know a bit too much, like 'still thinking about the green coat?' I looked at that coat once, on my laptop, while logged out I thought. That's when I deleted the app and I'm still a bit annoyed about it.",
    ),
    m(
        "helen",
        "The emails are all about the latest trends, and I'm not interested in trends. I want to know when a good quality classic is back in stock. Never once had an email about that.",
    ),
    m("paul", "delete them all. to many."),
    m(
        "leah",
        "The emails are pretty but they push clothes at me even though I only ever buy homeware now. You'd think they'd notice I haven't bought clothes in over a year.",
    ),
    m(
        "sarah",
        "Kids' sales emails = opened instantly. Anything else = ignored. The problem is they send me 'kids 3-4 years' stuff and my youngest is 4 and a bit, my eldest is 6, so they're basically going off when I first bought kids' clothes. Kids grow! The emails should grow with them.",
        m("imran", "This is a really good point, the sizes they push me are a year out of date too"),
        m("lucy", "Oh that's clever, emails that grow with your kid. I'd love that."),
    ),
    m(
        "ben",
        "Back-to-school email in July: brilliant, relevant, bought loads. Back-to-school email in mid-September: pointless, we've already bought everything. Timing is everything.",
    ),
    m(
        "lucy",
        "Mostly relevant! They seem to know I've got a baby. But I do get the odd 'party season' email with sequins on it and I have to laugh, I haven't been to a party since February.",
    ),
    m(
        "jess",
        "only open them if theres a % in the subject. the rest i dont even see tbh. the app notifcations for 20% off are good tho thats how i got the wellies",
    ),
    m(
        "imran",
        "I have counted (of course I have): in the last 30 days I received 19 emails and 23 app notifications from Hearth & Loom. I opened 4 emails and tapped 2 notifications. The two notifications were about things in my basket going down in price. The rest were noise.",
        m("dev", "Respect for the data. A 15% engagement rate would make their marketing team cry."),
        m("imran", "I've been told the spreadsheet is 'a bit much'. It has uses."),
    ),
    m(
        "katie",
        "My favourite irrelevant H&L email was 'Treat your man this Father's Day' which went to my husband. He's a man, yes, but also he's the one who'd be buying. Anyway we laughed. The useful ones are the ones that tell me about the toddler sale before it starts.",
    ),
    m(
        "nadia",
        "I read the emails on the bus so they actually get my attention. What I wish: when I click through from an email on my phone it opens the website and not the app, and the website makes me log in again, and by then I'm at my stop.",
    ),
    m(
        "joel",
        "Get a lot of 'new season fashion' ones. I'm a 22 year old guy who just bought a kettle, I want kitchen and home stuff right now. Would literally read an email titled 'stuff for your first flat'.",
        m("chloe", "Joel you should be writing their emails"),
    ),
    m(
        "will",
        "I'd open them more if they weren't just the same grid of products every time. Something seasonal that actually matched our life, like 'kit for a wet half-term', would be relevant.",
    ),
    m(
        "emma",
        "I turned notifications off during exams and never turned them back on. Don't miss them to be honest.",
    ),
    m(
        "craig",
        "Still get emails advertising my local store events. My local store closed last year. So, not very relevant, no.",
        m("maya", "Oh dear, that's a striking example, Craig. How did you feel when that email arrived?"),
        m("craig", "Bit insulted to be honest, like nobody's checking."),
    ),
]

DATA = [
    m(
        "tomasz",
        "I have mixed feelings. I'm fine with Hearth & Loom using what I bought from them to suggest things: that's their data, in a sense, about their shop. What I'm not fine with is when it feels like they know things I didn't tell them. I had an ad on social media for the exact curtains I had looked at in the app, which means the app shares what I look at with other companies. I checked the privacy policy and it's 14 pages long.\n\nSo no, I don't feel understood. I feel observed. Those are different things.",
        m("jo", "'I feel observed' is exactly it. Same reason I deleted the app."),
        m("priya", "Observed vs understood, I'm going to steal that."),
        m(
            "maya",
            "Thanks Tomasz. A lot of people have reacted to 'observed, not understood'. What would 'understood' feel like for you?",
        ),
        m(
            "tomasz",
            "It would feel like they remembered what I told them, not what they watched me do. If I say I've finished buying curtains, believe me.",
        ),
    ),
    m(
        "chloe",
        "I'm honestly fine with it! I'd rather see stuff I like than random stuff. The 'Picked for you' row in the app is usually pretty good for me. I know some people find it creepy but if I'm going to see ads anyway, make them good ads.",
        m("jo", "I get that, but do you know what they do with it beyond the app?"),
        m("chloe", "Honestly no. Probably should. Hmm."),
    ),
    m(
        "hannah",
        "I like personalisation when it's about style, I love that the app has learned I like floral dresses and neutral homeware. Where it feels too much: I got a 'your birthday is coming up, treat yourself' message with my age in it. Didn't love seeing my age in a marketing email, thanks!",
        m("fiona", "Oh no the age thing. Hard pass on that."),
    ),
    m(
        "jo",
        "I think I've made it clear I'm on the cautious side! I'd be fine with them knowing what I bought from them. I'm not fine with them tracking what I look at across the internet. I'd also like to be able to see what they know about me, in one place, in plain English, and delete it. If they did that I'd probably reinstall the app.",
        m(
            "maya",
            "That's a really clear condition, Jo: see it, understand it, delete it. Does anyone else feel the same?",
        ),
        m("dev", "Yes. A 'what we know about you' page would be a genuine differentiator."),
    ),
    m(
        "priya",
        "I'm fairly relaxed. I'd like them to know more, honestly, as long as it's accurate. The problem at the moment isn't that they know too much, it's that they know the wrong things (the menswear thing again). Understand me? Maybe 50%.",
    ),
    m(
        "steve",
        "Don't care as long as they don't sell it.",
        m("tomasz", "Do you know whether they do? Genuine question, I couldn't tell from the policy."),
        m("steve", "No. Which is my point I suppose."),
    ),
    m(
        "gemma",
        "After 12 years they know me better than my husband does haha! I'm happy for them to use my history, I've been buying the same kind of things for years. What frustrates me is the app doesn't seem to know about what I buy in store, so it keeps recommending the blue stoneware I already own three sets of.",
    ),
    m(
        "ollie",
        "Everyone's tracking everything anyway. Tandem's recommendations are scarily good, H&L's are a bit rubbish. So if they're going to take my data at least do something useful with it.",
        m("jo", "'Everyone does it' doesn't make it right though!"),
        m("ollie", "Never said it was right. Said it's happening."),
    ),
    m(
        "dev",
        "From a product point of view: the personalisation is shallow. It's clearly 'people who bought X bought Y' and nothing about me as a person. I'd trade more data for better experience, but I want controls: a toggle for using my browsing, a toggle for sharing with ad partners, and the defaults set to off. At the moment there's one consent screen at signup with a single 'accept all'.",
    ),
    m(
        "fiona",
        "I'm fine with my Loom Points history being used, that's the deal, isn't it, you collect points and they learn what you like. But I'd like to get something for it beyond the points. Knowing my size would be nice, for a start. I've told them my size about a hundred times through what I buy.",
    ),
    m(
        "linda",
        "I'm not very technical so I don't really know what they know about me, which worries me a little. My son says to just say no to everything. I did get an email once that said 'we noticed you like cushions', which gave me a bit of a turn! I do like cushions though.",
        m("margaret", "I would find that unsettling as well, Linda."),
    ),
    m(
        "margaret",
        "I give my name and address when I use the vouchers, I believe. I would be most upset to learn that my details had been passed on to other companies. I do not think a shop needs to understand me; it needs to have what I want in my size.",
    ),
    m(
        "niamh",
        "I want them to use what I look at! That's literally why I look at things in the app, so it remembers. What I don't want is for it to follow me onto Instagram. Keep it in the house, if that makes sense.",
        m("tomasz", "'Keep it in the house' is a good way to put it."),
    ),
    m(
        "sophie",
        "Slightly creepy moment: I walked into the Oxford store and got a notification for 'today's offers in store'. So the app knows where I am? I don't remember agreeing to that.",
        m("maya", "Thanks Sophie, did you look into whether location was switched on for the app?"),
        m(
            "sophie",
            "I checked, it was 'while using'. Must have said yes at some point without reading. Turned it off.",
        ),
    ),
    m(
        "aisha",
        "dont mind them knowing my size and what i like but i had an email with my full address in it for an order and then the same week a random text about my parcel that i think was a scam?? not saying its them but it made me nervous",
    ),
    m(
        "kirsty",
        "It's the contrast with Brightwell for me. Brightwell's personal shopper knows me because I talk to her. H&L knows me because an algorithm watches me. One feels like a relationship, one feels like surveillance.",
    ),
    m(
        "ravi",
        "I don't think they understand me at all. If they did they wouldn't have sent two emails a day. Understanding someone includes knowing when to leave them alone.",
        m("kirsty", "Knowing when to leave them alone 👏"),
    ),
    m(
        "dan",
        "They know everything I've bought in ten years but when I phoned about a return the guy couldn't see my order because I'd paid in store. So they know loads about me for marketing and nothing about me for service. Make of that what you will.",
        m("maya", "That's a sharp contrast, Dan. We'll dig into the return itself in the service activity."),
    ),
    m(
        "helen",
        "I'd rather they spent the money on better fabric than on algorithms, to be frank.",
    ),
    m("yusuf", "Not bothered. Take the data, give me discounts."),
    m(
        "leah",
        "If they used my data to tell me which size to buy in each item, I'd give them everything. That's the personalisation I actually want. Instead they use it to show me more things in a size that won't fit.",
        m("rosa", "YES. 'Customers like you bought a 14 in this one.' That would change everything."),
        m(
            "dev",
            "Fit recommendation is a well-solved problem in other retailers too. Surprised they haven't done it.",
        ),
    ),
    m(
        "sarah",
        "Happy with them knowing I have kids, their ages and sizes, that's helpful. Less happy that the app asked to access my contacts when I tried to share a wishlist with my mum. Why would a clothes shop need my contacts?",
    ),
    m(
        "lucy",
        "It gets a bit much when it's about the baby. Right after I bought a maternity bra I started getting baby stuff, before I'd told anyone outside the family. I know it's just an algorithm, but it was an odd feeling to be 'announced' to by a shop.",
        m(
            "maya",
            "Thank you for sharing that Lucy, it's a really important example of personalisation going too far, too early.",
        ),
        m("nadia", "That happened to me too. It felt like the shop found out before my mum."),
    ),
    m(
        "imran",
        "My understanding of the privacy settings: there are 3 relevant screens in the app, none of them linked from each other. I'd rate the transparency low and the usefulness of what they do with the data as medium. I'd share more for better sizing and stock alerts.",
    ),
    m(
        "katie",
        "I don't mind the app knowing I have a toddler. I DO mind that when I look up something for my niece it decides I have a teenager too. One search and it thinks it knows my whole family.",
    ),
    m(
        "ben",
        "Personalisation would be great if it worked, but I share an account with my wife and it's totally confused. It thinks one person buys men's shirts, dresses, and school uniform in three sizes.",
        m("sarah", "Shared accounts! We have the same problem. Family profiles would solve this."),
    ),
    m(
        "will",
        "My honest take: I don't think about it much until something weird happens. Then I think about it a lot for a day and then forget again. So I suppose it's fine, mostly.",
    ),
    m(
        "joel",
        "Bit weird that the app knew I'd moved (must have been the new delivery address) and started showing me 'new home' stuff. But also it was actually useful, so... I don't know how I feel.",
    ),
    m(
        "nadia",
        "I don't want to feel watched, I just want the app to remember my son's size. Those two things shouldn't be the same thing.",
    ),
    m(
        "gareth",
        "If you want to contact me about my order, my number (07700 900862) is on the account. I don't need to give it to the lad on the till every time as well, which happened last week. Ask once and remember it.",
    ),
    m(
        "emma",
        "Honestly don't have time to think about it. Which I guess means they can do what they want with my data, which isn't great when I write it down.",
    ),
]

CHANNELS = [
    m(
        "priya",
        "Not joined up at all, as per my intro! The app said the duvet cover was 'available nearby' and it wasn't. And the app price was £5 cheaper than the shelf price, and the staff member couldn't match it and told me to order online. Standing in your shop. Being told to go online.",
        m("maya", "Did the staff member explain why they couldn't match the app price?"),
        m(
            "priya",
            "She said 'the app is a different system'. Which I'm sure is true, but it's not my problem?",
        ),
        m("dev", "'Different system' is the most honest and least reassuring phrase in retail."),
    ),
    m(
        "rosa",
        "In the store it's lovely. On the app it's a different shop. The app has things the store never has, the store has things the app doesn't show. I asked a staff member if they could order something in a different size from another store and she had to phone them! On a landline!",
    ),
    m(
        "niamh",
        "Mostly works for me because I use them for different things: store to look and feel, app to buy. But the wishlist doesn't know about the store, so I can't see which of my saved items is in the shop I'm standing in. That would be amazing.",
        m("priya", "This exactly. Show me my saved items that are in this store right now."),
    ),
    m(
        "gareth",
        "Click and collect is the joined-up bit, in theory. In practice the desk is never staffed and the 'ready' text comes too early. The online side is fine. The store side isn't set up for it.",
    ),
    m(
        "jamal",
        "Good experience for me last month: ordered at 11, collected at 5, the girl at the desk had it ready before I'd even got my phone out. When it works it's brilliant.",
        m("gareth", "Which store? I might move to Bradford"),
        m("jamal", "Forster Square. Can't promise it's every time mind"),
    ),
    m(
        "margaret",
        "I cannot comment on the application. I would say that I have noticed the shop has fewer things on the rails than it used to, and the staff often suggest I look 'online', which is not something I am able to do.",
        m(
            "maya",
            "Thank you Margaret, that's an important point. How does it make you feel when staff suggest that?",
        ),
        m("margaret", "A little left behind, if I am honest."),
    ),
    m(
        "dev",
        "Specific issues: (1) Loom Points balance in the app takes up to 48h to show store purchases, (2) app-only offers not honoured in store, (3) store receipts not in the app order history, so I can't return a store purchase via the app flow. Each one on its own is minor, together they say 'we are two companies'.",
    ),
    m(
        "fiona",
        "Loom Points are the big one for me. Points I earn in store show up days later in the app, and twice they haven't shown up at all, and I had to take my receipt back to the shop. I keep my receipts in an envelope now. In 2026.",
        m("dev", "The receipt envelope. I feel this in my bones."),
    ),
    m(
        "steve",
        "Shop's fine. Never used the app. Website is slow.",
    ),
    m(
        "linda",
        "I went into the store to return something I bought on the website and the lady was very nice about it, which I was grateful for, but it took twenty minutes because the till wouldn't find the order. A queue built up behind me and I felt terrible.",
    ),
    m(
        "chloe",
        "The app is so much better than the store for me, the store is always messy and I can never find the homeware section because it moves every season! But the app is basically perfect. I'd give the app 9/10 and the store 5.",
    ),
    m(
        "gemma",
        "I feel like I'm talking to a different shop depending on where I am. In the store I'm a valued regular who the staff recognise. In the app I'm a stranger who needs to be told about the blue stoneware. Could they not link the two?",
    ),
    m(
        "sophie",
        "Swapped the wrong-size top from my intro at lunch. Went fine in the store, 2 minutes. BUT when I then got home the app still said 'delivered, return window 28 days' on the original, and the new one wasn't there at all. So the app thinks I own a top I don't and doesn't know about the one I do.",
    ),
    m(
        "katie",
        "Prices are different and nobody can tell me why. The toddler raincoat was £18 in store and £15 on the app. Same coat. Same day. I asked, and the answer was 'online prices can vary'. Vary from what?",
        m(
            "jess",
            "this happened me too with wellies!! i showed them on my phone and they said they cant do it",
        ),
        m("ken", "I was not aware of this. I shall check the prices online in future. Thank you."),
    ),
    m(
        "tomasz",
        "I'd put it this way: the brand feels consistent (the look, the colours, the tone) but the service doesn't. The shop and the app share a logo and not much else. Returns in particular are a maze: store purchase returns in store only, app purchases return in store or by post (with a fee now), website purchases the same as app but you need the order number, not the email.",
    ),
    m(
        "helen",
        "The store still has people who know about fabric. The app just says '100% cotton'. That's the difference for me.",
    ),
    m(
        "ben",
        "The school uniform section in the app says 'in stock' for a size, you go to the store, not there. Every September. It's like clockwork.",
    ),
    m(
        "sarah",
        "I'll be honest, I don't go in the store with the kids if I can avoid it, so the app is the shop for me. It's mostly fine. Store returns are easy, I'll give them that, no fee if you take it back in person.",
    ),
    m(
        "will",
        "We use the store for trying things on the kids and then order the right size on the app when the store hasn't got it. It works, but it's me doing the joining up, not them.",
        m("maya", "'It's me doing the joining up, not them.' That's a great summary, Will."),
    ),
    m(
        "nadia",
        "Website, app and store all have different offers and I can never tell which is the best one. Sometimes the email code works on the website but not the app!",
    ),
    m(
        "hannah",
        "Joined up for me mostly, I save in the app and find in store. One thing: the store staff can't see my saved items so I have to show them my phone, which is fine, just a bit clunky.",
    ),
    m(
        "kirsty",
        "When I still shopped there regularly, the store staff would tell me 'you can get that cheaper online', which I appreciated as honesty but it does make you wonder why you're standing in a shop.",
    ),
    m(
        "paul",
        "never used the app, wont either. shop is ok when its open. opening times keep changing",
        m("steve", "Ours too. Closes at 5 on a Sunday now."),
    ),
    m(
        "lucy",
        "Click and collect for nursery things has been smooth for me in Cambridge. The store team even carried the box to the car because I had the baby with me, which made my week.",
    ),
    m(
        "joel",
        "App and store feel pretty consistent to me? But I've only been a proper customer for like two months, so maybe it falls apart later lol",
    ),
    m(
        "imran",
        "I logged our last 10 purchases: 6 app, 4 store. Of the 4 store purchases, 1 showed Loom Points correctly within 24h. That's a 25% success rate, which in my line of work would get someone a meeting.",
    ),
    m(
        "sophie",
        "Slightly off topic but does anyone know if the coffee place next to the Oxford store has closed for good? It's all boarded up 😢",
        m(
            "maya",
            "Sorry Sophie, no idea! Let's keep this thread for store versus app, though I'm sad about the coffee too.",
        ),
        at=0.55,
    ),
    m(
        "jo",
        "From the outside (as someone who doesn't use the app any more): the store makes me feel like I'm missing out because every sign says 'scan for app-only deals'. I don't want the app, I just want the deal.",
    ),
]

PRICE = [
    m(
        "chloe",
        "For homeware I mostly compare with Nook Home. Nook's stuff looks prettier online but delivery takes forever and returns cost a fortune, so Hearth & Loom wins for me because I can just take things back to the store. Clothes I don't really compare, I just buy what I like!",
        m("niamh", "Nook's photos are unreal though. Then it arrives and it's a different colour."),
    ),
    m(
        "yusuf",
        "HnL is mid. Not the cheapest, not the best. Tandem is cheaper for clothes. For homeware they're decent I guess.",
        m("helen", "Tandem is cheaper but how long do the clothes last?"),
        m("yusuf", "Long enough to get sick of them lol"),
    ),
    m(
        "helen",
        "Used to be good value, it was more expensive than Marlowe's but things lasted. Now the prices have gone up and the quality has gone down, so the value is worse on both ends. I'd pay more for better, I won't pay more for worse.",
        m("gemma", "I'd pay more for better too. I think a lot of us would."),
    ),
    m(
        "gemma",
        "The homeware is brilliant value, the stoneware lasts for years. Clothes are hit and miss. I'd happily pay a bit more for the clothes if they were the quality of the homeware.",
    ),
    m(
        "priya",
        "Good value when you stack: sale + app code + Loom Points. Bad value at full price. I never buy anything at full price there any more, which I suspect is their fault, not mine. They trained me.",
        m("fiona", "They trained all of us!"),
        m(
            "maya",
            "'They trained me' is an interesting way to put it. Does anyone else only buy in the sale now?",
        ),
        m("jess", "always on offer or not at all"),
        m(
            "katie",
            "Same. If it's full price I assume it'll be 20% off in a fortnight, because it always is.",
        ),
    ),
    m(
        "marcus",
        "For kids' basics they're good. PE kits, school polo shirts, pyjamas. Not as cheap as Marlowe's but they don't fall apart after two washes.",
    ),
    m(
        "ben",
        "School uniform: competitive. Marlowe's is a bit cheaper but the H&L stuff survives my son, who is essentially a wrecking ball. So yes, good value per wear.",
    ),
    m(
        "imran",
        "I did a cost-per-wear comparison on kids' joggers last year (I know). H&L: £12, lasted about 40 washes. Marlowe's: £6, about 15. Tandem: £8, about 10 before the knees went. H&L wins on value, loses on price tag.",
        m("marcus", "I need this spreadsheet in my life"),
        m("imran", "Happy to share. Without my email in a public forum, obviously."),
    ),
    m(
        "jess",
        "its ok if theres an offer on. full price is too much for me on my own with a little one. marlowes is my go to and h&l when theres 20% off",
    ),
    m(
        "ollie",
        "Overpriced for basics tbh. £15 for a plain t-shirt when Tandem does 3 for £12.\n\nEdit: to be fair the homeware is decent value, my flatmate's H&L pans have outlived three of mine.",
        m("amelia", "That's why I just buy secondhand. Plain t-shirts are everywhere on resale apps"),
        original="Overpriced for basics tbh. £15 for a plain t-shirt when Tandem does 3 for £12.",
    ),
    m(
        "amelia",
        "As a student, honestly the prices are a bit out of reach for clothes. The homeware feels worth it though, my lamp's lasted 3 years of student houses, which is basically a war zone. A student discount would get me back.",
    ),
    m(
        "linda",
        "I think Hearth & Loom is fair. Not cheap, but I like nice things and I'd rather have one good cushion than three that go flat. My sister shops at Marlowe's and her cushions are terrible (don't tell her I said that).",
    ),
    m(
        "kirsty",
        "Brightwell is a bit dearer but the experience is worth it. H&L has become neither cheap nor special, stuck in the middle.",
    ),
    m(
        "margaret",
        "The prices have gone up considerably. A cardigan I bought three years ago for £28 is now £38, and I do not believe it is any better made. I still buy there, but less often.",
    ),
    m(
        "steve",
        "Socks are good value. Anything fancy isn't.",
    ),
    m(
        "dev",
        "Value proposition is muddy. They do constant promos so the 'real' price is unclear, which trains people to wait. I'd prefer lower everyday prices and fewer sales. Less anxiety, more trust.",
        m("tomasz", "Agree. Constant sales make me trust the price less, not more."),
    ),
    m(
        "fiona",
        "With my points it's good value. Without them I'd probably go to Marlowe's for basics. So the points are the only thing keeping me there, really, and they keep changing the scheme.",
    ),
    m(
        "lucy",
        "Baby things feel reasonably priced compared to the specialist baby shops, which charge a fortune for anything with a rabbit on it.",
    ),
    m(
        "nadia",
        "Value for kids' stuff yes. Their toddler pyjamas have been through the wash a hundred times and still look nice. Adult clothes I'm less sure.",
    ),
    m(
        "will",
        "Their kids' waterproofs are good value compared to outdoor brands. Not as tough, but they grow out of them in a year anyway.",
    ),
    m(
        "leah",
        "Value is a weird question when half of what I order doesn't fit. If I have to order 3 to keep 1, that's three deliveries and a return fee for one item. That's the real price.",
    ),
    m(
        "joel",
        "wait is this the thread for the kitchen bundle or the store one",
        deleted="Found the right thread, sorry!",
        at=0.1,
    ),
    m(
        "joel",
        "The starter kitchen bundle was genuinely good value, like 40% cheaper than buying it separately. More bundles please, especially for people moving out the first time.",
    ),
    m(
        "rosa",
        "For my daughter's jeans I'll pay a bit more there because the staff help me find ones that fit. That's what I'm paying for really, the help.",
    ),
    m(
        "paul",
        "to dear now. marlowes does the same for less",
    ),
    m(
        "dan",
        "The stuff is alright for the money, always was. It's the hassle around it that's not worth it any more.",
    ),
    m(
        "sarah",
        "Price is fine for kidswear when there's a 3 for 2. I've noticed the 3 for 2 doesn't come round as often as it used to though.",
    ),
]

SERVICE = [
    m(
        "dan",
        "Right, the returns story. Bought a coat online, £120, didn't fit. Took it back to the Derby store (the website said I could). Store said online returns have to be posted back. Posted it back, paid the £2.95 fee. Three weeks, no refund. Phoned customer services, they said the return hadn't been scanned, call back in a week. Called back, different person, no record of my call. Took five weeks and six calls. Got the refund, lost the customer.",
        m(
            "maya",
            "Thank you for writing this all out, Dan. If one thing had gone differently, which one would have kept you as a customer?",
        ),
        m(
            "dan",
            "If the store had just taken it back on day one. That's it. Everything after was the fallout.",
        ),
        m("leah", "The 'no record of my call' thing happened to me too. Like every call is the first call."),
        m("kirsty", "Five weeks is ridiculous, sorry that happened."),
    ),
    m(
        "aisha",
        "parcel said delivered, wasnt delivered. the chat thing in the app was a bot that kept sending me the tracking link i already had. eventually got a human after typing 'agent' like 5 times. she was really nice and sent a new one next day. so good ending but the bot is useless",
        m("dev", "Typing 'agent' repeatedly is the universal language of customer service bots."),
    ),
    m(
        "linda",
        "I had a lovely experience. A jug I bought was cracked when I got it home. I took it back and the young man on the customer desk, Sam, apologised, replaced it without a receipt and even wrapped the new one in extra paper. That's the Hearth & Loom I know and love.",
        m("margaret", "That is good to hear. Service like that is worth a great deal."),
    ),
    m(
        "gareth",
        "Click and collect order not ready when the text said it was, as per. Waited 20 minutes. The staff were apologetic but there was just one of them doing the desk and the tills. That's not their fault, that's staffing.",
    ),
    m(
        "priya",
        "Faulty zip on a jacket. Returned in store, refund on the spot, no questions. Honestly perfect. The problem was then getting an email asking me to review 'my new jacket' a week later. Service good, systems not talking.",
    ),
    m(
        "leah",
        "Every return is a small project. Online returns now have a fee, the store is 30 mins away, and the refund for the last one took 12 days. I started to feel like I was being punished for their sizing.",
        m(
            "maya",
            "Being 'punished for their sizing' is a strong phrase, Leah. How did that change how you shop with them?",
        ),
        m(
            "leah",
            "I just stopped buying clothes there. Still buy homeware because that doesn't need to fit me!",
        ),
    ),
    m(
        "tomasz",
        "Curtain pole arrived with a missing bracket. I emailed customer services with the order number and a photo. Reply came in four days, asking me for the order number and a photo. I replied again. Then it was fine, a new bracket was sent within three days. Nice person, slow system.",
    ),
    m(
        "sarah",
        "Ordered a party dress for my daughter for a specific birthday party. Delivery said Thursday, arrived the following Monday. Party was on the Saturday. The apology email offered 10% off next order which, I'm sorry, doesn't fix a six year old's disappointment.",
        m("katie", "Oh no! The six year old disappointment is a special kind of crushing."),
        m("sarah", "She wore her Christmas jumper in June. It was fine. She got over it. I didn't."),
    ),
    m(
        "fiona",
        "The missing points issue. I've had to ring customer services three times this year about Loom Points not going on. They always sort it, to be fair, but I shouldn't have to keep my receipts in an envelope.",
    ),
    m(
        "margaret",
        "I have not had anything go wrong, I am pleased to say. On one occasion I could not find the cardigan I wanted in my size and the lady telephoned the Ipswich store, who had one, and they posted it to me. That was very kind.",
    ),
    m(
        "hannah",
        "Wedding dress saga! Ordered it, it came with a mark on it, I emailed them on the Tuesday in a panic because the wedding was on Saturday. They sent a replacement next day delivery for free and told me to keep the marked one until the new one came. Honestly couldn't fault it.",
    ),
    m(
        "steve",
        "Bought a pack of t-shirts, one had a hole. Took it back. Swapped. Took 2 mins. No complaints.",
    ),
    m(
        "kirsty",
        "When I still shopped there I had a problem with a damaged sofa cushion cover and had to prove I'd bought the sofa there. Five years ago. From them. It's in their system! At Brightwell they looked me up with my name and sorted it.",
    ),
    m(
        "ravi",
        "The only contact I've had with customer services recently was trying to find out why I was still getting emails after unsubscribing. Took a week to get a reply (to ravi.menon.rdg@example.com, the very address they kept emailing), which said 'it can take up to 10 days for your preferences to update'. Ten days to stop sending an email.",
    ),
    m(
        "ben",
        "Wrong size sent (ordered age 8, got age 6). The return label was free because it was their mistake, which was fair, but I had to print it, and who owns a printer these days? Had to go to the library.",
        m("imran", "Printer-free returns should be the law by now."),
        m("jess", "i dont have a printer either!! had to go my mums"),
    ),
    m(
        "nadia",
        "Live chat on the app was actually really good for me, I got a human straight away (maybe it was a quiet time) and she sorted a refund for a missing item in 5 minutes.",
    ),
    m(
        "dev",
        "Bug report, basically: the app's return flow crashes if the order has a discount code applied. Reported it to customer service, they said 'try reinstalling'. I test apps for a living, reinstalling is not the fix. Got it sorted over the phone in the end.",
    ),
    m(
        "jamal",
        "Order went missing, customer service found it in another store and had it sent over. Took a few days longer but they kept me updated by text. Good.",
    ),
    m(
        "ken",
        "My slippers came apart at the seam after two months. I returned them with the receipt and received a refund. The staff were courteous.",
    ),
    m(
        "emma",
        "My order came in 3 separate parcels on 3 separate days, which is a pain when you're never home. One went back to the depot. Had to go collect it with a 2 year old on a bus. Not fun.",
    ),
    m(
        "will",
        "Honestly, the couple of times something went wrong it was sorted fine. It's the little things that add up rather than one disaster.",
    ),
    m(
        "lucy",
        "The nightlight stopped working after a week. I called the number on the website and spoke to Joanne, who was lovely and sent a replacement that day. If you need anything, her extension was 4471, she really knows her stuff. (I'm not sure if I should say that here!)",
    ),
    m(
        "dan",
        "The manager at the Derby store, Gary Pinkney, is a complete idiot who shouldn't be allowed near customers. Someone should sack him.",
        remove="Removed: names a member of staff and is a personal attack. Dan, your experience is valid and your earlier post stays up, but we can't host posts about named individuals.",
    ),
    m(
        "katie",
        "My delivery went to my neighbour at number 23 Ormeau Park View instead of 32. My neighbour kept it for a week before mentioning it. Not really Hearth & Loom's fault, more my neighbour's, but still, the courier put 23 in the photo.",
    ),
    m(
        "craig",
        "Hard to get service when your store closes. They said 'shop online or visit our Dundee store', which is over an hour away. That's the service, basically: go somewhere else.",
    ),
    m(
        "imran",
        "Customer service contact count this year: 3. Resolved first time: 1. Average time to resolve: 9 days. The people are fine, it's the process.",
        m(
            "maya",
            "Imran, do you mind if we quote your numbers in the report? They'd be anonymised of course.",
        ),
        m("imran", "Please do. Finally the spreadsheet has a purpose."),
    ),
    m(
        "jo",
        "I once emailed them asking what data they hold on me. They sent a PDF a month later, 40 pages of stuff, mostly product IDs. Technically answered, practically useless.",
    ),
    m(
        "marcus",
        "For anyone who needs it, the customer service number that actually gets you a person is the one on the back of the Loom Points card, not the website one. Or email me at marcus.bell.leeds@example.com and I'll send you the menu options to press.",
        hide="Hidden: shares a personal email address. Marcus, thank you for trying to help; I'll pass the tip on without your address.",
    ),
    m("chloe", "never had a problem tbh! 🤞 touch wood"),
]

DRIFTED = [
    m(
        "dan",
        "A single moment for me, the returns saga. It's amazing how one bad experience undoes years. Would anything bring me back? Honestly, a store that takes back anything bought anywhere, and a customer service that remembers me.",
    ),
    m(
        "kirsty",
        "Gradual. The stores got busier and messier, the staff got fewer, and Brightwell opened a bigger store near work. I didn't decide to leave, I just stopped going. To bring me back: a reason to visit. A personal shopper, a proper fitting room, something.",
        m(
            "maya",
            "Thanks Kirsty. If Hearth & Loom offered a personal shopper appointment, would you book one?",
        ),
        m("kirsty", "Probably, yes, if it was free. It's what keeps me at Brightwell."),
    ),
    m(
        "yusuf",
        "Price. Simple. When money got tight, Tandem was cheaper. Would come back for a student or under-30 discount.",
    ),
    m(
        "helen",
        "It was the knitwear, specifically. I had jumpers from them that lasted ten years. The last two pilled after a month. When the thing you trusted them for stops being reliable, why stay?",
        m("maya", "Have you said this to Hearth & Loom directly, or is this the first time?"),
        m("helen", "This is the first time anyone's asked, to be honest."),
    ),
    m(
        "ravi",
        "The emails drove me off, it's as simple as that. Being nagged made the brand feel cheap. I'd come back if it felt calmer, fewer messages, more considered.",
    ),
    m(
        "jo",
        "It was the creepy green coat email, then the social media ad for the same coat. I felt followed. I'd come back if I could see and control what they know. Until then I'll buy the odd thing in store, paying cash.",
    ),
    m(
        "craig",
        "The store closed. That's it. I liked them fine. The website is ok but the whole point was the shop. Bring back the store and I'm back. (I'm aware that's not going to happen.)",
    ),
    m(
        "amelia",
        "Mix of money and the environment. I can't justify buying new clothes very often, and H&L doesn't do anything on resale or repair. If they had a take-back scheme or sold secondhand H&L I'd be there.",
        m("yusuf", "A resale section would be class actually."),
        m("leah", "Ooh yes, especially for stuff that doesn't fit, I'd sell it straight back to them"),
    ),
    m(
        "leah",
        "Sizing. 100%. Give me a fit tool or consistent sizing and I'll come back tomorrow. I still love the look of their stuff.",
    ),
    m(
        "paul",
        "prices went up. store moved out of town. cant be bothered with the bus.",
    ),
]

# Private journals: a few participants write several entries; the researcher replies.
DIARY = [
    m(
        "priya",
        "Day 1: Got a push at 7:12am for '48 HOURS ONLY' on outerwear. I don't need outerwear. Deleted.",
        at=0.02,
    ),
    m(
        "priya",
        "Day 3: Bought the duvet cover finally (online). The confirmation email was nice. Then 20 minutes later a 'complete the look' email with matching pillowcases at full price. I would have bought them if it had said so at checkout!",
        m("maya", "Interesting: so the suggestion was right, just at the wrong moment?"),
        m("priya", "Exactly. Right idea, wrong moment. At checkout = yes. After = annoying."),
        at=0.2,
    ),
    m(
        "priya",
        "Day 6: Nothing from H&L today. Tandem sent 4 notifications. I don't even have Tandem installed any more, these are emails. How?",
        at=0.42,
    ),
    m(
        "priya",
        "Day 10: Went to the store with my sister. She used the self-checkout and got asked for her Loom Points card three times. Funny, but also not.",
        at=0.7,
    ),
    m(
        "lucy",
        "Tuesday: Browsed for a baby bath mat at 3am during a feed. Saw one in the app, added to basket, fell asleep. Woke up to a 'still thinking about it?' email. Honestly? Yes, I was asleep. Bought it anyway.",
        m("maya", "Ha! Did the reminder help, or would you have bought it anyway?"),
        m("lucy", "I'd have forgotten completely, so I suppose it helped. Annoyingly."),
        at=0.1,
    ),
    m(
        "lucy",
        "Friday: Took the baby to the Grand Arcade store. The lift was out of order and a staff member carried the pram up the stairs with me. Little things.",
        at=0.45,
    ),
    m(
        "lucy",
        "Monday: Got a 'your little one is turning 1' email. She's 6 months. Close, but no.",
        at=0.8,
    ),
    m(
        "dan",
        "Nothing to report really, didn't shop at H&L this week. Got work shirts from Marlowe's. Fine.",
        m(
            "maya",
            "Thanks Dan, that's still useful to know. What made you go to Marlowe's rather than H&L for the shirts?",
        ),
        m("dan", "Habit now, to be honest. Don't even think about H&L for clothes any more."),
        at=0.3,
    ),
    m(
        "dan",
        "Walked past the H&L store in Derby today. The window looked nice actually. Didn't go in.",
        at=0.75,
    ),
    m(
        "imran",
        "Entry 1. Messages received today: H&L 2 (1 email, 1 push), Marlowe's 1, Brightwell 0, Tandem 3 (despite never buying from them). Relevant: 0.",
        at=0.05,
    ),
    m(
        "imran",
        "Entry 4. Kids' bunk bed bedding arrived. Quality good, one pillowcase missing. Logged with customer service via the app chat, 11 minutes to a human. Will report back on resolution time.",
        m("maya", "Thanks Imran, please do let us know how it goes!"),
        at=0.35,
    ),
    m(
        "imran",
        "Entry 7. Pillowcase resolution: 4 days, sent by post, no need to return anything. Satisfactory.",
        at=0.6,
    ),
    m(
        "margaret",
        "Wednesday. Visited the shop for a birthday present for my friend Joan. I was able to find a nice scarf. The young man at the till asked if I had the app, and when I said no he said 'never mind' in a way that made me feel rather old.",
        m("maya", "Thank you Margaret. I'm sorry that moment made you feel that way."),
        at=0.25,
    ),
    m(
        "margaret",
        "Saturday. My daughter showed me the application on her telephone. There were a great many pictures. I could not see how to find cardigans. I shall stay with the shop.",
        at=0.65,
    ),
    m(
        "chloe",
        "OK so the app just told me that the sage throw is back in stock and I ALREADY HAVE IT. Wanted to share my pain",
        m("maya", "Ha, noted! Does it know you bought it? Was it bought in the app?"),
        m("chloe", "Yes!! Bought in the app. So it should know! 🙃"),
        at=0.15,
    ),
    m(
        "chloe",
        "Actually had a lovely one today, email with 'new colours in the linen range' and it was just a nice email, no shouting. More like that please!",
        at=0.55,
    ),
    m(
        "jess",
        "monday - got a text from h&l about 20% off kids, went on app at lunch, code didnt work at checkout. gave up",
        m("maya", "That's frustrating, Jess. Do you know why the code didn't work?"),
        m("jess", "it said 'not valid on this item' but it didnt say which items it WAS valid on"),
        at=0.2,
    ),
    m("jess", "thursday - bought the stuff from marlowes instead. cheaper anyway", at=0.45),
    m(
        "tomasz",
        "Entry 1: I decided to count how often I noticed Hearth & Loom following me around the internet this week. Answer so far: three ads on social media and one on a news website, all for curtains, which I have bought.",
        at=0.1,
    ),
    m(
        "tomasz",
        "Entry 2: I went through the app's settings to switch off ad sharing. It took me 9 minutes and I am still not sure it worked. My address, for what it's worth, is 14 Larch Close, Bishopston, Bristol BS7 in case they want to write to me about it.",
        m(
            "maya",
            "Thanks Tomasz, nine minutes is a finding in itself. No need to share your address here though; I'll make sure it stays out of anything we pass on to Hearth & Loom.",
        ),
        at=0.5,
    ),
    m(
        "gemma",
        "Bought another coat. I know, I know. This one in the app. The app then recommended me a coat. Lads are taking my phone off me.",
        at=0.3,
    ),
    m(
        "gemma",
        "Had a lovely chat with Pauline in the Northumberland Street store, she's been there as long as I've been shopping there. She said they're short-staffed and she's tired. I hope head office reads this bit.",
        m("maya", "I'll make sure it's in the report, Gemma (without Pauline's name)."),
        at=0.6,
    ),
    m(
        "ravi",
        "Week 1: zero emails from H&L (since I'm unsubscribed). Feels peaceful. Funnily enough I browsed their website once, just out of curiosity. Nice new home range.",
        at=0.4,
    ),
    m("ravi", "Week 2: bought a lamp from them! Online. No follow-up email. Perfect.", at=0.85),
    m(
        "nadia",
        "Bus shop Tuesday: dino pyjamas in the next size up. App remembered his size for once!",
        at=0.3,
    ),
    m(
        "nadia",
        "Bus shop Friday: the app logged me out and I couldn't remember my password, by the time I reset it I was at work. Will try again tonight.",
        m("maya", "Oh no, how often does the app log you out?"),
        m("nadia", "Every couple of weeks, always at the worst moment"),
        at=0.65,
    ),
]

THREADS = {
    "intro": INTRO,
    "messages": MESSAGES,
    "data": DATA,
    "channels": CHANNELS,
    "price": PRICE,
    "service": SERVICE,
    "drifted": DRIFTED,
    "diary": DIARY,
}

# Follow-ups a moderator addresses to one participant about their response.
PROBES = [
    Probe(
        "messages",
        "hannah",
        "Hannah, you said the personalised emails get it right about 60% of the time. Can you remember one that got it really wrong, and how it made you feel about Hearth & Loom?",
        "I bought a baby shower present for my sister and for a month it was all 'for your little one' and maternity wear. My mum saw one over my shoulder and asked if I had news! Mortifying. It made me feel like they weren't paying attention to me at all, just to my last click.",
    ),
    Probe(
        "channels",
        "gemma",
        "Gemma, you said the store staff recognise you but the app treats you like a stranger. If the app 'knew' you like the staff do, what would be different?",
        "It wouldn't show me things I've already got, it'd tell me when something in my colours came in, and it would say hello like Pauline does! Honestly just remember me.",
    ),
    Probe(
        "price",
        "dev",
        "Dev, you'd prefer lower everyday prices and fewer sales. Would that make you shop more with Hearth & Loom, or just feel better about it?",
        "Probably both. I'd stop waiting for the next sale, which means I'd buy when I need something rather than when the app tells me to. That's more purchases from me, and less guilt.",
    ),
    Probe(
        "service",
        "sarah",
        "Sarah, what would a good apology have looked like after the birthday dress arrived late?",
        "",  # not answered yet: it waits on Sarah's home page
    ),
    Probe(
        "service",
        "priya",
        "Priya, you mentioned the email asking you to review a jacket you had already returned. What would you have expected Hearth & Loom to send you instead, if anything?",
        "",  # not answered yet: the demo participant login shows a probe waiting
    ),
]

# Participants' flags left open for the moderation queue:
# (activity, author of the flagged response, its opening words, who flags it, why).
FLAGS = [
    (
        "service",
        "lucy",
        "The nightlight stopped",
        "margaret",
        "This names a member of staff and her extension number, is that allowed?",
    ),
    ("service", "katie", "My delivery went", "imran", "Includes a street address."),
]
