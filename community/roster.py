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
  "Will" at the start of a sentence is redacted (the safer error);
- one-letter names (initials) are ignored; imported members have no names.

The roster is cached per community and dropped whenever a membership or a
user's name changes (signals below, immediately and again after commit).
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver

from community.models import Membership
from community.pii import AMBIGUOUS_NAMES, apply_redactions, merge_spans

User = get_user_model()

CACHE_SECONDS = 60 * 60

# kwargs: community_id. Sent after commit when a membership or a member's name may have changed;
# receivers compare the roster's fingerprint, as most such changes (consent, segments) keep it.
roster_changed = Signal()
_CACHE_KEY = "community:roster:v1:{}"
_NAME_SPLIT_RE = re.compile(r"[\s\-]+")

# Names that are also ordinary English words are matched only when capitalised, otherwise every
# "will", "may" or "price" in a quote would read [NAME]. The given names are community.pii's list
# (one list for both redactors); surnames and a few more given names that are words are added here.
# Plain English, no domain.
_SURNAME_WORDS_TEXT = """
    price stone bell grant walker baker cook brown green white black young king hill wood hall
    long short little sharp best love page lane field fields mills wells banks rivers brook
    bush marsh moss park parks rock ford cross fox wolf lamb bird swan finch crane drake nash
    bishop butler carter cooper fisher mason miller porter potter shepherd smith taylor turner
    weaver fletcher archer chance major noble sterling christian constance prudence patience
    victor dusty chip buck dash ace storm rain river reed rush hardy strong wise
"""
NAME_WORDS = AMBIGUOUS_NAMES | frozenset(_SURNAME_WORDS_TEXT.split())


@dataclass(frozen=True)
class RosterEntry:
    name: str  # as written by the member ("Priya", "Sandhu", "Priya Sandhu")
    pseudonym: str
    member_id: int


@dataclass(frozen=True)
class Roster:
    """Every name form of a community's members, with whom each belongs to."""

    entries: tuple[RosterEntry, ...]

    @functools.cached_property
    def fingerprint(self) -> str:
        """Changes exactly when the set of names (or whom they belong to) changes."""
        text = "\n".join(sorted(f"{e.name.casefold()}\t{e.member_id}" for e in self.entries))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]

    @functools.cached_property
    def _owners(self) -> dict[str, set[int]]:
        owners: dict[str, set[int]] = {}
        for entry in self.entries:
            owners.setdefault(entry.name.casefold(), set()).add(entry.member_id)
        return owners

    @functools.cached_property
    def _pseudonyms(self) -> dict[int, str]:
        return {e.member_id: e.pseudonym for e in self.entries}

    def spans(self, text: str) -> list[tuple[int, int, str]]:
        """Non-overlapping (start, end, "NAME") spans of members' names in `text`."""
        if not text or not self.entries:
            return []
        pattern = _pattern(tuple(sorted(self._owners, key=len, reverse=True)))
        found = []
        for match in pattern.finditer(text):
            word = match.group(0)
            if _needs_capital(word.casefold()) and not word[0].isupper():
                continue
            found.append((match.start(), match.end(), "NAME"))
        return merge_spans(found)

    def redact(self, text: str) -> str:
        """`text` with every member's name replaced by [NAME] (for stored, client-facing text)."""
        spans = self.spans(text)
        return apply_redactions(text, spans) if spans else text

    def pseudonymise(self, text: str, *, keep: Iterable[int | None] = ()) -> str:
        """`text` with each name that belongs to exactly one member replaced by that member's
        pseudonym, and any other member name by [NAME] (for people who know members by pseudonym).

        Names of the members in `keep` stay: the reader's own, and the writer's own (a moderator
        who signs "Maya" chose to, as a participant who writes "Hi, I'm Leah" does).
        """
        spans = self.spans(text)
        if not spans:
            return text
        kept = set(keep)
        out, cursor = [], 0
        for start, end, _ in spans:
            owners = self._owners.get(" ".join(text[start:end].split()).casefold(), set())
            out.append(text[cursor:start])
            if len(owners) != 1:
                out.append("[NAME]")
            else:
                owner = next(iter(owners))
                out.append(text[start:end] if owner in kept else self._pseudonyms[owner])
            cursor = end
        out.append(text[cursor:])
        return "".join(out)


def _needs_capital(folded: str) -> bool:
    return len(folded) <= 2 or folded in NAME_WORDS


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
    """The roster from the database (one query): every member of any role, active or not."""
    rows = (
        Membership.objects.filter(community_id=community_id, is_imported=False)
        .values_list("pk", "pseudonym", "user__first_name", "user__last_name")
        .order_by("pk")
    )
    entries = [
        RosterEntry(name=form, pseudonym=pseudonym, member_id=pk)
        for pk, pseudonym, first, last in rows
        for form in sorted(_name_forms(first or "", last or ""))
    ]
    return Roster(entries=tuple(entries))


def roster_for(community_id: int) -> Roster:
    """The community's roster, from the cache when it is there (no query then)."""
    key = _CACHE_KEY.format(community_id)
    cached = cache.get(key)
    if cached is not None:
        return Roster(entries=tuple(RosterEntry(*row) for row in cached))
    roster = roster_build(community_id)
    cache.set(key, [(e.name, e.pseudonym, e.member_id) for e in roster.entries], CACHE_SECONDS)
    return roster


def roster_forget(community_id: int) -> None:
    """Drop the cached roster now and again after commit (a reader between the two could have
    cached the names as they were before the transaction), then announce `roster_changed` so
    text stored under the old roster can be redacted again (research subscribes)."""
    key = _CACHE_KEY.format(community_id)
    cache.delete(key)

    def after_commit() -> None:
        cache.delete(key)
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
