"""The demo's ended live session: an evening focus group on buying homeware, line by line.

Thirteen participants, Maya moderating, Tom and Ruth (the brand's team) watching from the
backroom. Each step is replayed through the live-session services by the loader, in order,
a few seconds to a minute apart, so the transcript, the spotlight, the withheld line, the
backroom and the archived posts all look like a real session.

Steps:
  ("ask", n)                          Maya pushes guide question n (0-based)
  ("say", who, text)                  a line in the room (a participant, or Maya)
  ("back", who, text)                 backroom chat (tom, ruth or maya)
  ("note", who, text)                 a client's note to the moderator
  ("probe", participant, text)        Maya's private probe
  ("answer", participant, text)       the participant's private answer
  ("spotlight", who, opening)         Maya pins the room line of `who` that starts with `opening`
  ("withhold", who, opening, reason)  Maya keeps that line out of the findings
"""

from __future__ import annotations

ACTIVITY_KEY = "live_homeware"

QUESTIONS = [
    "To warm up: what is the last thing you bought for your home, and where did you buy it?",
    "Think about ordering homeware online from Hearth & Loom. What goes well, and what goes wrong?",
    "Delivery and returns: when something big arrives (a rug, a lamp, bedding), what makes it a good "
    "or a bad experience?",
    "If you could change one thing about how Hearth & Loom sells homeware, what would it be?",
]

PARTICIPANTS = (
    "gemma",
    "joel",
    "linda",
    "ollie",
    "lucy",
    "tomasz",
    "dan",
    "katie",
    "imran",
    "rosa",
    "helen",
    "aisha",
    "jamal",
)

STEPS = [
    (
        "say",
        "maya",
        "Evening everyone, and thank you for joining. This is a relaxed chat: type whenever you like, "
        "there are no wrong answers. The first question is on your screen now.",
    ),
    ("ask", 0),
    (
        "say",
        "gemma",
        "Evening all! Last thing was a set of linen napkins in the sage green from H&L, bought in the "
        "Newcastle store on Saturday. Couldn't resist, they were right by the till.",
    ),
    ("say", "joel", "a clothes airer lol. Nook Home, online, because it was £4 cheaper"),
    (
        "say",
        "linda",
        "Hello everyone. Mine was a duvet cover for my mother-in-law's room, the waffle one in oatmeal. "
        "I bought it at Hearth & Loom in Nottingham after feeling about six of them.",
    ),
    ("say", "ollie", "Doormat from Tandem. Didn't even think about H&L tbh"),
    (
        "say",
        "lucy",
        "A blackout blind for the nursery, ordered on the H&L app at 3am while feeding the baby. "
        "Arrived in two days, which was great",
    ),
    (
        "say",
        "tomasz",
        "Two table lamps, from Hearth & Loom online. I compared them with Marlowe's for a week first. "
        "The H&L ones are better made: the shades are proper fabric rather than plastic pretending to be fabric.",
    ),
    (
        "say",
        "dan",
        "Haven't bought homeware from Hearth & Loom since the rug saga last year. Last thing was a kettle "
        "from Brightwell.",
    ),
    ("say", "katie", "A laundry basket that the cat now sleeps in. So technically a cat bed. H&L, in store."),
    (
        "say",
        "imran",
        "Storage boxes, six of the large lidded ones, H&L click and collect. Measured the shelves first obviously",
    ),
    (
        "say",
        "rosa",
        "Cushions! Two of the embroidered ones. The lady in the Oxford Street store found the last two "
        "in the stockroom for me",
    ),
    (
        "say",
        "helen",
        "Towels, from Marlowe's. I used to buy all my towels at Hearth & Loom but the last set went thin "
        "after a few washes.",
    ),
    ("say", "aisha", "bath mat and a shower curtain, on the app after a night shift, both fine"),
    ("say", "jamal", "Curtain poles from H&L, click and collect on the way home from work."),
    ("say", "maya", "Lovely, a real mix already. Dan, I suspect we'll come back to that rug!"),
    (
        "back",
        "ruth",
        "Helen on towels again. That's the third time thinning towels have come up this fortnight.",
    ),
    ("back", "tom", "Noted. Interesting that two of the first answers are competitors on price."),
    ("ask", 1),
    (
        "say",
        "tomasz",
        "What goes well: the product pages give real measurements, including the cable length on lamps, "
        "which almost nobody does. What goes wrong: colours. 'Ochre' on my screen was 'mustard' in my living room.",
    ),
    (
        "say",
        "gemma",
        "Colours are my one gripe too! The photos are gorgeous but they're styled in a room with perfect "
        "light. I'd love a photo of the thing on a plain table in normal daylight.",
    ),
    (
        "say",
        "joel",
        "site is fine. delivery is the problem, £4.95 on a £12 order is mad when you're a student",
    ),
    (
        "say",
        "imran",
        "The filters are good, I can filter storage by exact width, which saved me a lot of time. But the "
        "stock checker said my store had 6 boxes and when I got there they had 4",
    ),
    (
        "say",
        "lucy",
        "Honestly the app is brilliant for me right now. Saved baskets, one tap to reorder the nappy bin "
        "bags, done. I can't get round a shop with a pram",
    ),
    (
        "say",
        "ollie",
        "Checkout made me create an account to buy a doormat. Closed the tab. Tandem let me pay as a guest",
    ),
    ("say", "aisha", "wishlist keeps emptying itself when i log in on a diffrent phone, really annoying"),
    (
        "say",
        "linda",
        "I'm afraid I don't order online much, I like to see and feel the fabric. But my daughter ordered "
        "me a throw for my birthday and it came beautifully wrapped with a little card, a lovely touch.",
    ),
    (
        "say",
        "katie",
        "Search is a bit literal. I typed 'cat proof throw' and got throws with cats printed on them. "
        "Which, to be fair, I then bought one of",
    ),
    (
        "say",
        "helen",
        "What goes wrong for me is that the quality no longer matches the description. It still says "
        "'heavyweight cotton' and it is not heavyweight.",
    ),
    (
        "say",
        "jamal",
        "Click and collect is the best bit: the text comes when it's ready and there's no queue at the desk. "
        "Only wish the desk was open after 7",
    ),
    (
        "say",
        "rosa",
        "I don't really order online, I don't trust the sizes. Same with bedding, 'king' means something "
        "different in every shop",
    ),
    ("say", "dan", "Ordering itself was fine. It's what happened after that went wrong."),
    (
        "probe",
        "dan",
        "Dan, thanks for being here. Would you be happy to tell the group what happened with the rug, "
        "or would you rather tell me privately?",
    ),
    (
        "answer",
        "dan",
        "Happy to say it in the room, it's no secret. Just didn't want to hijack the first question.",
    ),
    (
        "back",
        "ruth",
        "The colour point again, same as on the board last week. The photo studio needs to hear this.",
    ),
    ("back", "tom", "Agreed. And I had no idea we forced an account for homeware checkout."),
    ("back", "ruth", "I don't think we do on clothing? I'll check with digital."),
    (
        "note",
        "tom",
        "Maya, could you ask whether they'd use a 'see it in daylight' photo if we offered one? "
        "A quick yes or no from the group would be gold.",
    ),
    ("ask", 2),
    (
        "say",
        "dan",
        "OK, the rug. A 2.4 metre rug, arrived with a tear in the backing. Returns told me to bring it back "
        "to a store. I don't have a car. It's a 2.4 metre rug. Three weeks and four phone calls to book a collection.",
    ),
    ("say", "gemma", "Oh Dan, that's awful. Did you get your money back in the end?"),
    ("say", "dan", "Eventually, yes. Never got an apology though. That's why I stopped shopping there."),
    (
        "say",
        "tomasz",
        "Good: the lamps came in a two-hour slot with a text the night before. Bad: the box was enormous "
        "and mostly air pillows, I felt guilty about the packaging.",
    ),
    (
        "say",
        "linda",
        "The two men who delivered my mother-in-law's chair were wonderful. They carried it upstairs and "
        "even took the cardboard away with them.",
    ),
    (
        "say",
        "lucy",
        "Slots that say 7am to 7pm are useless around a baby's naps. A one hour window would change my life",
    ),
    (
        "say",
        "imran",
        "Tracking updates are good. But the return label has to be printed, and who has a printer now? "
        "Tandem gives you a QR code for the post office",
    ),
    ("say", "ollie", "QR code returns or I'm not bothering. Printing labels is 2009"),
    (
        "say",
        "katie",
        "Our rug came rolled so tight it took a week and a stack of cookery books to lie flat. Lovely rug though.",
    ),
    ("say", "joel", "never had anything big delivered, I carried a floor lamp home on the tram"),
    (
        "say",
        "helen",
        "Returns were easy for me, in store, no questions asked. It's the quality that's the problem, not the service.",
    ),
    ("say", "aisha", "had a parcel left in the recycling bin once, the photo proof literally showed the bin"),
    (
        "say",
        "rosa",
        "I take everything back to the store. The staff are always kind about it, never made me feel bad",
    ),
    (
        "say",
        "jamal",
        "Bit off topic but does anyone know if the Bradford store is getting its café back? Miss that place",
    ),
    (
        "say",
        "aisha",
        "anyone who wants my spare curtain rings text me on 07700 900461, free to collect from Birmingham",
    ),
    ("withhold", "aisha", "anyone who wants my spare curtain rings", "Personal phone number; off topic."),
    (
        "say",
        "maya",
        "Aisha, that's kind, but please don't share phone numbers here; I've kept that line out of our notes. "
        "Let's stay with deliveries and returns for a bit.",
    ),
    ("spotlight", "dan", "OK, the rug."),
    (
        "say",
        "maya",
        "I've put Dan's story on everyone's screen. Has anyone else had a return that needed a car?",
    ),
    ("say", "linda", "My sister had the same with a mirror. In the end my husband drove it back for her."),
    ("say", "imran", "Yes, a bookcase. We paid a man with a van ourselves in the end, which is ridiculous"),
    (
        "say",
        "tomasz",
        "A collection service for large items, booked online with a time slot, would fix this. It exists "
        "for deliveries, so why not for returns?",
    ),
    (
        "say",
        "maya",
        "Quick show of hands: if product pages had a plain 'in daylight' photo next to the styled one, would you use it?",
    ),
    ("say", "gemma", "YES. Yes yes yes."),
    ("say", "tomasz", "Yes, and I'd trust the brand more for showing it."),
    ("say", "helen", "Only if it's honest. Don't retouch the daylight photo as well."),
    ("say", "ollie", "sure but fix checkout first"),
    ("say", "katie", "Yes, ideally with a cat in it for scale"),
    ("back", "tom", "That's a clear yes. Taking it to the studio meeting on Tuesday."),
    ("ask", 3),
    ("say", "joel", "free delivery over £20 instead of £50. or a student discount on homeware"),
    ("say", "lucy", "One hour delivery slots. That's it, that's my wish"),
    ("say", "ollie", "Guest checkout. And QR returns. That's two, sorry"),
    (
        "say",
        "dan",
        "Own it when something goes wrong. A simple sorry and a collection would have kept me as a customer.",
    ),
    ("say", "linda", "Please keep the staff in the stores. They are the reason I go."),
    (
        "say",
        "rosa",
        "More staff in the bedding section, it's always the busiest part and there's nobody to ask",
    ),
    (
        "say",
        "tomasz",
        "Stop signing people up to marketing emails at the till when they ask for an e-receipt. Ask separately.",
    ),
    ("say", "helen", "Bring back the old quality on towels and bedding. I'd pay a bit more for it."),
    ("say", "imran", "A stock checker that's actually accurate. I plan my week around it"),
    ("say", "aisha", "make the wishlist sync properly between phones pls"),
    ("say", "jamal", "Keep the click and collect desk open later, until 8 at least"),
    (
        "say",
        "gemma",
        "Honestly, not much! Maybe a points bonus on homeware, Loom Points feel like they're all about clothes",
    ),
    ("say", "katie", "A sofa cover that survives a cat. I'll wait."),
    ("back", "ruth", "The till sign-up point from Tomasz has now come up on three boards as well."),
    ("back", "tom", "That one's on us. I'll take it to the CRM review on Thursday."),
    (
        "note",
        "ruth",
        "Thank you Maya, great session. Could the digital team have the transcript too, with names taken out?",
    ),
    ("back", "maya", "Will do: I'll send the pseudonymised transcript tomorrow morning."),
    (
        "say",
        "maya",
        "Thank you all, this has been brilliant. We'll wrap up there; the boards stay open if anything "
        "else comes to mind tonight.",
    ),
]
