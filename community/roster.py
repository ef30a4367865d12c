"""The community's own people: their personal names, to keep out of what others read.

Clients and other participants know members only by pseudonym, but members
greet each other by name ("Welcome Priya!", "Thanks Tomasz", "Hi I'm Leah").
The statistical name finder misses many of these; the roster does not, because
it knows every member's first and last names. It is applied wherever text is
produced for clients (the analysis' stored redaction, the client copy of a
post, live observers) and for participants reading staff text (probes,
moderator posts), where an unambiguous name becomes the member's pseudonym.

Matching rules, chosen for privacy first:
- whole words in any case ("leah", "LEAH", "Leah's"), full names as one span;
- names that are also everyday English words ("Will", "Rose", "Price") and
  two-letter names ("Jo") only when written with a capital: "I will" stays,
  "Will" at the start of a sentence is redacted (the safer error) unless the
  caller has a parse that reads it as the word ("Will report back": `redact`'s
  `spare`, which research computes for the text it stores for clients);
- one-letter names (initials) are ignored; imported members have no names;
- everyday-word surnames ("Price", "Stone") are not matched where they open a sentence
  ("Price is fine for kidswear"): people call each other by first name, and there the
  capital says nothing;
- the short forms people use for a given name ("Bev" for Beverley, "Sam" for Samantha: its
  first three to five letters) count only capitalised and inside a sentence, and never as an
  abbreviation of a month or a day ("Jan", "Sat").

Erased members: when a member erases their data their name leaves the membership, but
others' text still says "Thanks Dan". Each word of the erased name is kept only as a keyed
hash (HMAC with a key derived from SECRET_KEY, `ErasedName`), never in clear; the roster
hashes each word of a text and redacts the matches to [NAME] for everyone but moderators:
clients and stored text (`redact`), participants reading staff text (`pseudonymise`, an
erased name is never turned into anyone's pseudonym) and participants reading each other
(`redact_erased`). Moderators keep reading other people's original words.

The roster is cached per community and dropped whenever a membership or a
user's name changes (signals below, immediately and again after commit).
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver

from community.models import ErasedName, Membership
from community.pii import (
    AMBIGUOUS_NAMES,
    NAME_WORDS,
    apply_redactions,
    find_pii_spans,
    merge_spans,
    name_spans,
)

User = get_user_model()

CACHE_SECONDS = 60 * 60

# kwargs: community_id. Sent after commit when a membership or a member's name may have changed;
# receivers compare the roster's fingerprint, as most such changes (consent, segments) keep it.
roster_changed = Signal()
# kwargs: community_id, post_ids. Sent inside an erasure's transaction, once the erased member's name
# words are in the roster: other people's posts in `post_ids` may name them, and text stored for
# clients from those posts is to be redacted again before the transaction commits (research subscribes).
names_erased = Signal()
_CACHE_KEY = "community:roster:v3:{}"
_NAME_SPLIT_RE = re.compile(r"[\s\-]+")
# The words hashed for erased names and looked up in texts: runs of letters (so "Dan's" holds "Dan").
_WORD_RE = re.compile(r"[^\W\d_]+")
_ERASED_SALT = b"verbatim.community.roster.erased-name\0"

# Names that are also ordinary English words are matched only when capitalised, otherwise every
# "will", "may" or "price" in a quote would read [NAME]: community.pii's list (one list for every
# redactor). Plain English, no domain.
# Everyday words that are surnames but not given names: not a name where they open a sentence.
_SURNAME_ONLY_WORDS = NAME_WORDS - AMBIGUOUS_NAMES
# Short forms are the first letters of a given name at least this much longer than them.
_SHORT_FORM_LENGTHS = (3, 4, 5)
_SHORT_FORM_MIN_EXTRA = 2
# Month and day abbreviations, which a short form must not be taken for.
_CALENDAR_TEXT = (
    "jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat sun"
)
_CALENDAR_ABBREVIATIONS = frozenset(_CALENDAR_TEXT.split())
_SENTENCE_END_CHARS = frozenset(".!?\n")
_OPENING_CHARS = frozenset("\"'“‘([-–—*")


@dataclass(frozen=True)
class RosterEntry:
    name: str  # as written by the member ("Priya", "Sandhu", "Priya Sandhu")
    pseudonym: str
    member_id: int
    short: bool = False  # a short form of the given name ("Bev"), matched more carefully


@dataclass(frozen=True)
class Roster:
    """Every name form of a community's members, with whom each belongs to."""

    entries: tuple[RosterEntry, ...]
    # (digest, needs_capital) of each word of erased members' names (see `erased_name_digest`).
    erased: tuple[tuple[str, bool], ...] = ()

    @functools.cached_property
    def fingerprint(self) -> str:
        """Changes exactly when the set of names (or whom they belong to) changes."""
        lines = [f"{e.name.casefold()}\t{e.member_id}\t{int(e.short)}" for e in self.entries]
        lines += [f"erased\t{digest}" for digest, _ in self.erased]
        text = "\n".join(sorted(lines))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]

    @functools.cached_property
    def _erased(self) -> dict[str, bool]:
        return dict(self.erased)

    def erased_spans(self, text: str) -> list[tuple[int, int, str]]:
        """Spans of erased members' name words in `text`; neighbours separated only by spaces
        ("Dan Whitfield") are one span."""
        if not text or not self.erased:
            return []
        erased, keys = self._erased, _erased_keys()
        found: list[tuple[int, int, str]] = []
        for match in _WORD_RE.finditer(text):
            word = match.group(0)
            if len(word) < 2:
                continue
            folded = word.casefold()
            needs_capital = next((erased[d] for d in _digests(keys, folded) if d in erased), None)
            if needs_capital is None or (needs_capital and not word[0].isupper()):
                continue
            start, end = match.span()
            if found and not text[found[-1][1] : start].strip():
                start = found.pop()[0]
            found.append((start, end, "NAME"))
        return found

    @functools.cached_property
    def _owners(self) -> dict[str, set[int]]:
        owners: dict[str, set[int]] = {}
        for entry in self.entries:
            owners.setdefault(entry.name.casefold(), set()).add(entry.member_id)
        return owners

    @functools.cached_property
    def _short_only(self) -> frozenset[str]:
        """Forms that are only ever someone's short form, never anyone's full name."""
        full = {e.name.casefold() for e in self.entries if not e.short}
        return frozenset(e.name.casefold() for e in self.entries if e.short) - full

    @functools.cached_property
    def _pseudonyms(self) -> dict[int, str]:
        return {e.member_id: e.pseudonym for e in self.entries}

    def spans(self, text: str, *, spare: Collection[tuple[int, int]] = ()) -> list[tuple[int, int, str]]:
        """Non-overlapping (start, end, "NAME") spans of members' and erased members' names in `text`
        (`spare`: as for `redact`)."""
        return merge_spans(self._member_spans(text, spare) + self.erased_spans(text))

    def everyday_spans(self, text: str) -> list[tuple[int, int]]:
        """(start, end) of the members' names in `text` that are also everyday words ("Will",
        "May", "Hope"): the only ones a parse of the sentence may show to be that word
        (see `redact`'s `spare`)."""
        return [
            (start, end)
            for start, end, _ in self._member_spans(text)
            if text[start:end].casefold() in NAME_WORDS
        ]

    def _member_spans(self, text: str, spare: Collection[tuple[int, int]] = ()) -> list[tuple[int, int, str]]:
        if not text or not self.entries:
            return []
        pattern = _pattern(tuple(sorted(self._owners, key=len, reverse=True)))
        found = []
        for match in pattern.finditer(text):
            word = match.group(0)
            folded = " ".join(word.split()).casefold()
            if _needs_capital(folded) and not word[0].isupper():
                continue
            if spare and match.span() in spare and folded in NAME_WORDS:
                continue
            if folded in self._short_only and not (
                word[0].isupper() and not _opens_sentence(text, match.start())
            ):
                continue
            if folded in _SURNAME_ONLY_WORDS and _opens_sentence(text, match.start()):
                continue
            found.append((match.start(), match.end(), "NAME"))
        return merge_spans(found)

    def redact(self, text: str, *, spare: Collection[tuple[int, int]] = ()) -> str:
        """`text` with every member's name replaced by [NAME] (for stored, client-facing text).

        `spare`: (start, end) of everyday-word names a parse read as the word ("Will report
        back"; research.redaction finds them). Without one, a capitalised "Will" is redacted.
        An erased member's name is redacted whatever the parse says.
        """
        spans = self.spans(text, spare=spare)
        return apply_redactions(text, spans) if spans else text

    def redact_for_clients(
        self, text: str, *, names: Iterable[str] = (), spare: Collection[tuple[int, int]] = ()
    ) -> str:
        """`text` as clients read it: contact details (community.pii), the author's `names` and
        every member's name redacted, in one pass over `text` so `spare` keeps its offsets."""
        if not text:
            return text
        spans = find_pii_spans(text) + self.spans(text, spare=spare)
        spans += [s for s in name_spans(text, tuple(names)) if (s[0], s[1]) not in spare]
        return apply_redactions(text, spans)

    def redact_erased(self, text: str) -> str:
        """`text` with only erased members' names replaced by [NAME] (for participants reading
        each other, who may greet current members by name but must not read a former one's)."""
        spans = self.erased_spans(text)
        return apply_redactions(text, spans) if spans else text

    def pseudonymise(self, text: str, *, keep: Iterable[int | None] = ()) -> str:
        """`text` with each name that belongs to exactly one member replaced by that member's
        pseudonym, and any other member name by [NAME] (for people who know members by pseudonym).

        Names of the members in `keep` stay: the reader's own, and the writer's own (a moderator
        who signs "Maya" chose to, as a participant who writes "Hi, I'm Leah" does).
        """
        erased = {(start, end) for start, end, _ in self.erased_spans(text)}
        spans = merge_spans(self._member_spans(text) + [(s, e, "NAME") for s, e in erased])
        if not spans:
            return text
        kept = set(keep)
        out, cursor = [], 0
        for start, end, _ in spans:
            owners = self._owners.get(" ".join(text[start:end].split()).casefold(), set())
            out.append(text[cursor:start])
            # A former member's name may be meant: never show it, nor turn it into someone's pseudonym.
            if len(owners) != 1 or (start, end) in erased:
                out.append("[NAME]")
            else:
                owner = next(iter(owners))
                out.append(text[start:end] if owner in kept else self._pseudonyms[owner])
            cursor = end
        out.append(text[cursor:])
        return "".join(out)


def _needs_capital(folded: str) -> bool:
    return len(folded) <= 2 or folded in NAME_WORDS


def _opens_sentence(text: str, start: int) -> bool:
    """Whether the word at `start` is the first of its sentence (opening quotes and brackets skipped)."""
    i = start - 1
    while i >= 0 and (text[i].isspace() and text[i] != "\n" or text[i] in _OPENING_CHARS):
        i -= 1
    return i < 0 or text[i] in _SENTENCE_END_CHARS


def _short_forms(first: str) -> set[str]:
    """The short forms of a one-word given name: "Beverley" gives "Bev", "Beve" and "Bever"."""
    if not first.isalpha():
        return set()
    forms = {first[:n] for n in _SHORT_FORM_LENGTHS if len(first) >= n + _SHORT_FORM_MIN_EXTRA}
    return {f for f in forms if f.casefold() not in _CALENDAR_ABBREVIATIONS}


def _key(secret: str | bytes) -> bytes:
    secret = secret.encode("utf-8") if isinstance(secret, str) else secret
    return hashlib.sha256(_ERASED_SALT + secret).digest()


def _erased_keys() -> tuple[bytes, ...]:
    """The current key first, then those of SECRET_KEY_FALLBACKS, so a rotated key keeps matching."""
    secrets = (settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", ()))
    return tuple(_key(secret) for secret in secrets)


@functools.lru_cache(maxsize=32768)
def _digests(keys: tuple[bytes, ...], folded: str) -> tuple[str, ...]:
    word = folded.encode("utf-8")
    return tuple(hmac.new(key, word, hashlib.sha256).hexdigest() for key in keys)


def erased_name_words(*names: str) -> dict[str, bool]:
    """Each word (two letters or more) of the given names, case-folded, with whether it counts
    only when capitalised. For the erasure to hash; never stored as such."""
    words: dict[str, bool] = {}
    for name in names:
        for word in _WORD_RE.findall(name or ""):
            if len(word) >= 2:
                folded = word.casefold()
                words[folded] = _needs_capital(folded)
    return words


def erased_name_digest(word: str) -> str:
    """The keyed hash stored for one word of an erased member's name (current SECRET_KEY)."""
    return _digests(_erased_keys()[:1], word.casefold())[0]


@functools.lru_cache(maxsize=256)
def _pattern(names: tuple[str, ...]) -> re.Pattern[str]:
    # Longest first, so "Priya Sandhu" is one span rather than two.
    alternatives = "|".join(r"\s+".join(re.escape(p) for p in n.split()) for n in names)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def _name_forms(first: str, last: str) -> set[str]:
    first, last = " ".join(first.split()), " ".join(last.split())
    forms = {first, last, f"{first} {last}".strip()}
    for part in (first, last):
        forms.update(_NAME_SPLIT_RE.split(part))
    return {f for f in forms if len(f) >= 2}


def roster_build(community_id: int) -> Roster:
    """The roster from the database (two queries): every member of any role, active or not,
    and the hashed words of erased members' names."""
    rows = (
        Membership.objects.filter(community_id=community_id, is_imported=False)
        .values_list("pk", "pseudonym", "user__first_name", "user__last_name")
        .order_by("pk")
    )
    entries = []
    for pk, pseudonym, first, last in rows:
        full = _name_forms(first or "", last or "")
        entries += [RosterEntry(name=form, pseudonym=pseudonym, member_id=pk) for form in sorted(full)]
        short = _short_forms(" ".join((first or "").split())) - full
        entries += [RosterEntry(name=f, pseudonym=pseudonym, member_id=pk, short=True) for f in sorted(short)]
    erased = ErasedName.objects.filter(community_id=community_id).values_list("digest", "needs_capital")
    return Roster(entries=tuple(entries), erased=tuple(sorted(erased)))


def roster_for(community_id: int) -> Roster:
    """The community's roster, from the cache when it is there (no query then)."""
    key = _CACHE_KEY.format(community_id)
    cached = cache.get(key)
    if cached is not None:
        entries, erased = cached
        return Roster(
            entries=tuple(RosterEntry(*row) for row in entries), erased=tuple(tuple(row) for row in erased)
        )
    roster = roster_build(community_id)
    cache.set(
        key,
        (
            [(e.name, e.pseudonym, e.member_id, e.short) for e in roster.entries],
            [list(row) for row in roster.erased],
        ),
        CACHE_SECONDS,
    )
    return roster


def roster_remember_erased(community_id: int, *names: str) -> int:
    """Keep the hashed words of an erased member's `names` in the community's roster (the
    caller's transaction), so others' mentions of them stay redacted; returns how many words."""
    words = erased_name_words(*names)
    ErasedName.objects.bulk_create(
        [
            ErasedName(community_id=community_id, digest=erased_name_digest(word), needs_capital=capital)
            for word, capital in sorted(words.items())
        ],
        ignore_conflicts=True,  # the same word from an earlier erasure is already there
    )
    roster_forget(community_id)
    return len(words)


def roster_forget(community_id: int) -> None:
    """Drop the cached roster now and again after commit (a reader between the two could have
    cached the names as they were before the transaction), then tell open live sockets to reload
    it and announce `roster_changed` so text stored under the old roster can be redacted again
    (research subscribes)."""
    key = _CACHE_KEY.format(community_id)
    cache.delete(key)

    def after_commit() -> None:
        cache.delete(key)
        # Open live sockets keep a roster of their own: they reload it before their next frame
        # (first, as the receivers below may take a while). Imported here: it needs channels.
        from community.live_consumers import live_roster_changed

        live_roster_changed(community_id)
        roster_changed.send(sender="community", community_id=community_id)

    transaction.on_commit(after_commit)


@receiver(post_save, sender=Membership, dispatch_uid="community.roster.membership_saved")
@receiver(post_delete, sender=Membership, dispatch_uid="community.roster.membership_deleted")
def _membership_changed(sender, instance: Membership, **kwargs) -> None:
    roster_forget(instance.community_id)


@receiver(post_save, sender=User, dispatch_uid="community.roster.user_saved")
def _user_changed(sender, instance, update_fields=None, created=False, **kwargs) -> None:
    # Logins save last_login only; only a name change can change a roster.
    if created or (update_fields is not None and not {"first_name", "last_name"} & set(update_fields)):
        return
    for community_id in Membership.objects.filter(user_id=instance.pk).values_list("community_id", flat=True):
        roster_forget(community_id)
