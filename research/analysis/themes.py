"""Themes across posts, from the precomputed `terms` of each post (no re-parsing).

Method (distributional, so it works on short posts in any trade):

1. Aspect terms (the nouns posts talk about) are described by what is said
   about them across the whole community: the adjectives and verbs attached to
   them in the parse ("staff~friendly", "app~crash") and the other aspects they
   share a post with. Positive PMI, then a truncated SVD, turns that into a
   dense vector per aspect; aspects that are talked about alike end up close
   ("waiter" and "staff" are both "friendly", "rude", "attentive") even if they
   never occur together.
2. A deterministic spherical k-means groups the aspects into themes. Codebook codes
   start as fixed centres (their description and examples), so they draw the
   aspects and posts that match them. Emergent centres start where the previous run's
   themes sit, so a full refresh after a few more posts finds the same themes.
   Posts in a thread of self-introductions (who people are, not what they think of the
   brand) count little in shaping themes, though they still join what they talk about.
   How many themes grows with the posts and with how many things each post names: a diary
   entry touching five things holds more distinct themes than a one-line review.
   The brand's own name is never an aspect (it is said of the whole company); what the brand
   names ("Loom Points", "H&L Plus") is, read from the posts' text (research.analysis.theme_labels).
3. A post joins every theme whose aspects it mentions, plus themes its opinion
   words point to when it names no known aspect ("it was delicious"). Words the
   post's own question asked about ("your last shopping trip") count only as far
   as people use them unprompted: themes are what people say, not what they were asked.
4. Themes are matched to the previous run by shared posts and terms, so a
   theme keeps its key (and whatever a researcher attached to it).
5. Each emergent theme is named from its posts' redacted text (research.analysis.theme_labels):
   "Slow transfers", not "transfer, payment, day". Every theme is quoted with posts that speak
   of its lead terms and read on their own (research.analysis.quotes).

Everything is seeded and order-independent: the same posts give the same themes.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from research.analysis.quotes import pick_theme_quotes
from research.analysis.theme_labels import (
    SHELL_NOUNS,
    VAGUE_NOUNS,
    BrandNames,
    LabelCasing,
    label_fits,
    theme_label,
)
from research.analysis.types import SENTIMENTS, CodeSpec, PreviousTheme, ThemeDoc, ThemeResult

MAX_ASPECTS = 2000
SVD_DIMS = 50
MIN_THEMES = 3
MAX_AUTO_THEMES = 12
PREVIOUS_MATCH_MIN = 0.2
CONTEXT_WEIGHT = 0.5
DOC_SHARE = 0.5  # a post joins themes scoring at least this share of its best theme
MERGE_RATIO = 0.8
WEIGHT_POWER = 0.5
# Aspects a short post (a one-line review) names; posts naming more each hold more themes.
RICH_POST_ASPECTS = 3.0
# Attached describing words an aspect needs before they outweigh the posts it shares.
DESCRIBED_ENOUGH = 8.0
# A noun said of anything ("problem", "thing") neither starts a theme nor leads one: its weight as a lead.
GENERIC_LEAD = 0.1

_WORD_RE = re.compile(r"[a-z][a-z\-']*")
# How a person's name reaches the analysis (community.pii redacts names so).
_REDACTED_NAME = "[NAME]"
# Self-introductions: a name among a post's first words, in this share of a thread's posts,
# makes it an introductions thread whose posts count this much.
INTRO_OPENING_WORDS = 6
INTRO_THREAD_SHARE = 0.3
INTRO_WEIGHT = 0.3
# An emergent theme whose posts count less than this on average is mostly introductions: dropped.
INTRO_THEME_SHARE = 0.5


class _Corpus:
    """Aspect, context and co-occurrence counts of a set of posts."""

    def __init__(self, docs: Sequence[ThemeDoc], brands: Sequence[str] = ()) -> None:
        self.docs = sorted(docs, key=lambda d: d.key)
        # How the posts write words and names; labels are written with it too.
        self.casing = LabelCasing(self, brands)
        names = BrandNames(brands, self.casing)
        self.doc_aspects: list[list[str]] = []
        self.doc_phrases: list[list[str]] = []
        self.doc_contexts: list[list[str]] = []
        self.doc_pairs: list[list[tuple[str, str]]] = []
        self.pairs: Counter[tuple[str, str]] = Counter()
        self.context_totals: Counter[str] = Counter()
        # The posts naming each aspect or aspect phrase, by position in `docs`.
        self.docs_with: defaultdict[str, set[int]] = defaultdict(set)
        self.df: Counter[str] = Counter()
        for doc in self.docs:
            aspects: list[str] = []
            phrases: list[str] = []
            contexts: list[str] = []
            pairs: list[tuple[str, str]] = []
            # What the post says without naming an aspect: said of the brand programmes it names.
            free: list[str] = []
            for term in doc.terms:
                if term.startswith("~"):
                    free.append(term[1:])
                if "~" in term:
                    left, _, right = term.partition("~")
                    if right:
                        contexts.append(right)
                        if left:
                            self.pairs[(left, right)] += 1
                            self.context_totals[right] += 1
                            pairs.append((left, right))
                elif " " in term:
                    phrases.append(term)
                else:
                    aspects.append(term)
            if names:
                # The brand's own name is said of the whole company: never a theme. What the brand
                # names ("Loom Points") is, described by what its posts say.
                aspects = [a for a in aspects if a not in names.bare]
                phrases = [p for p in phrases if p not in names.bare]
                for name in sorted(names.programmes(doc.text)):
                    aspects.append(name)
                    for c in free:
                        if c and c not in name.split():
                            self.pairs[(name, c)] += 1
                            self.context_totals[c] += 1
                            pairs.append((name, c))
            aspects = sorted(set(aspects))
            self.df.update(aspects)
            self.doc_aspects.append(aspects)
            self.doc_phrases.append(sorted(set(phrases)))
            self.doc_contexts.append(sorted(set(contexts)))
            self.doc_pairs.append(sorted(set(pairs)))
            for term in (*aspects, *phrases):
                self.docs_with[term].add(len(self.doc_aspects) - 1)
        # How much a post's mention of a term counts: 1 unless its question asked about the term.
        self.doc_weight: list[dict[str, float]] = [{} for _ in self.docs]
        self._discount_prompted()
        # How much each post counts at all: little in a thread of self-introductions.
        self.doc_scale: list[float] = _introduction_scale(self.docs)
        # Posts naming each aspect, each counted by those weights.
        self.wdf: Counter[str] = Counter()
        for d, aspects in enumerate(self.doc_aspects):
            for a in aspects:
                self.wdf[a] += self.weight(d, a)
        # What is said of each aspect, each post counted by how much it counts (labels read `pairs`).
        self.wpairs: dict[tuple[str, str], float] = dict(self.pairs)
        if any(scale < 1.0 for scale in self.doc_scale):
            scale_sum: Counter[tuple[str, str]] = Counter()
            saying: Counter[tuple[str, str]] = Counter()
            for d, pairs in enumerate(self.doc_pairs):
                for pair in pairs:
                    scale_sum[pair] += self.doc_scale[d]
                    saying[pair] += 1
            for pair, n in self.pairs.items():
                self.wpairs[pair] = n * scale_sum[pair] / saying[pair] if saying[pair] else float(n)

    def weight(self, d: int, term: str) -> float:
        return self.doc_weight[d].get(term, 1.0) * self.doc_scale[d]

    def _discount_prompted(self) -> None:
        """A term a post's own prompt names counts only beyond the rate people use it unprompted.

        Asked about "your last shopping trip", most answers say "trip": that is the question
        speaking, not what people think. In the posts answering a prompt, a term it names is
        weighted by (share of the posts not asked about it that use it) / (share of these posts
        that do), at most 1: "trip", said nowhere else, counts for nothing; "refund", asked about
        but said no more often than elsewhere, keeps its full weight. With no unprompted posts to
        compare with (themes of one discussion), the prompt's terms count for nothing.
        """
        groups: defaultdict[str, list[int]] = defaultdict(list)
        for d, doc in enumerate(self.docs):
            groups[doc.prompt].append(d)
        terms_of = [{*a, *c} for a, c in zip(self.doc_aspects, self.doc_contexts, strict=True)]
        known = {t for terms in terms_of for t in terms}
        asked = {p: _prompt_terms(p, known) for p in sorted(groups) if p.strip()}
        asking: defaultdict[str, list[str]] = defaultdict(list)  # term -> prompts naming it
        for p, terms in asked.items():
            for t in terms:
                asking[t].append(p)
        if not asking:
            return
        with_term: defaultdict[str, list[int]] = defaultdict(list)
        for d, terms in enumerate(terms_of):
            for t in terms:
                if t in asking:
                    with_term[t].append(d)
        n_docs = len(self.docs)
        for t, prompts in sorted(asking.items()):
            by_prompt: defaultdict[str, list[int]] = defaultdict(list)
            for d in with_term[t]:
                by_prompt[self.docs[d].prompt].append(d)
            n_rest = n_docs - sum(len(groups[p]) for p in prompts)
            df_rest = len(with_term[t]) - sum(len(by_prompt[p]) for p in prompts)
            rate_rest = df_rest / n_rest if n_rest else 0.0
            for p in prompts:
                here = by_prompt[p]
                if not here:
                    continue
                w = min(1.0, rate_rest / (len(here) / len(groups[p])))
                if w < 1.0:
                    for d in here:
                        self.doc_weight[d][t] = w


def _introduces_its_author(text: str) -> bool:
    """The post opens with a name, as people introduce themselves ("Hi all, [NAME] here, from Leeds").

    Names reach the analysis redacted, so the placeholder among a post's first few words is
    the sign; what follows in such a post is mostly who they are, where they live, their family.
    """
    return any(_REDACTED_NAME in w for w in text.split(maxsplit=INTRO_OPENING_WORDS)[:INTRO_OPENING_WORDS])


def _introduction_scale(docs: Sequence[ThemeDoc]) -> list[float]:
    """How much each post counts in building themes: little in a thread of self-introductions.

    A discussion where many posts open with their author's name is where people say who they
    are (job, town, age, family) and greet each other: true, but not what they think of the
    brand, and the family and places said there would otherwise make themes of their own. Its
    posts still join the themes they talk about; they just do not shape them. Only a thread
    counts, not a lone post that happens to open with a name ("[NAME], get the colander").
    """
    by_prompt: defaultdict[str, list[int]] = defaultdict(list)
    for d, doc in enumerate(docs):
        by_prompt[doc.prompt].append(d)
    scale = [1.0] * len(docs)
    if len(by_prompt) < 2:
        # Themes of a single discussion: every post is alike, nothing to weigh against.
        return scale
    for ids in by_prompt.values():
        named = sum(1 for d in ids if _introduces_its_author(docs[d].text))
        if len(ids) >= 3 and named >= INTRO_THREAD_SHARE * len(ids):
            for d in ids:
                scale[d] = INTRO_WEIGHT
    return scale


def _prompt_terms(prompt: str, known: set[str]) -> set[str]:
    """The posts' terms a prompt names, matched to its words ("emails" -> "email", "shopping" -> "shop")."""
    out: set[str] = set()
    for word in _WORD_RE.findall(prompt.lower()):
        if m := _match_vocab(word, known):
            out.add(m)
        # A doubled consonant before -ing: the verb's lemma ("shopping" -> "shop").
        if word.endswith("ing") and len(word) > 5 and word[-4] == word[-5] and word[:-4] in known:
            out.add(word[:-4])
    return out


def _generic(aspect: str) -> bool:
    """A noun that stands for whatever its sentence fills it with ("the problem is ...") or for
    nothing in particular ("thing", "day"): English, not any community's, so a fixed list."""
    return aspect in SHELL_NOUNS or aspect in VAGUE_NOUNS


def _min_df(n_docs: int) -> int:
    return max(2, math.ceil(n_docs * 0.0015))


def _ppmi(matrix: np.ndarray) -> np.ndarray:
    total = matrix.sum()
    if total <= 0:
        return matrix
    row = matrix.sum(axis=1, keepdims=True)
    col = matrix.sum(axis=0, keepdims=True)
    # Context-distribution smoothing (alpha=0.75) keeps rare contexts from dominating.
    col_s = np.power(col, 0.75)
    col_p = col_s / col_s.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        pmi = np.log((matrix / total) / ((row / total) * col_p))
    pmi[~np.isfinite(pmi)] = 0.0
    return np.maximum(pmi, 0.0)


def _normalize_rows(m: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return m / norms


def _aspect_vectors(corpus: _Corpus, vocab: list[str], seed: int) -> np.ndarray:
    """One dense vector per aspect from the words attached to it across all posts.

    Only attached words count: aspects sharing a post are usually different
    things listed together ("great food and service"), so post co-occurrence
    would blur exactly the distinctions a theme should make.
    """
    index = {a: i for i, a in enumerate(vocab)}
    ctx_df: Counter[str] = Counter()
    for contexts in corpus.doc_contexts:
        ctx_df.update(contexts)
    min_df = _min_df(len(corpus.docs))
    contexts = sorted(c for c, n in ctx_df.items() if n >= min_df)
    cindex = {c: i for i, c in enumerate(contexts)}
    n_a, n_c = len(vocab), len(contexts)
    m = np.zeros((n_a, max(n_c, 1)), dtype=np.float64)
    for (a, c), n in corpus.wpairs.items():
        if a in index and c in cindex:
            m[index[a], cindex[c]] += n
    # Words said of everything ("great", "good") do not tell aspects apart.
    spread = (m > 0).sum(axis=0)
    m *= np.log((1.0 + n_a) / (1.0 + spread))[None, :]
    m = _normalize_rows(_ppmi(m))
    m = _blend_cooccurrence(corpus, vocab, m)
    if min(m.shape) <= SVD_DIMS:
        # Few aspects: the PPMI rows are small enough to compare directly.
        return m
    from sklearn.decomposition import TruncatedSVD

    svd = TruncatedSVD(n_components=SVD_DIMS, random_state=seed, algorithm="randomized", n_iter=7)
    return _normalize_rows(svd.fit_transform(m))


def _blend_cooccurrence(corpus: _Corpus, vocab: list[str], described: np.ndarray) -> np.ndarray:
    """Back off to the aspects each aspect shares posts with where few words describe it.

    An aspect described by only a handful of attached words (all of them, in a small
    community) gets a vector from noise: "lamp", "towel" and "day" each said to be
    "nice" once look alike. What else the same posts talk about is then the better
    evidence. Each aspect's two parts are weighted by how much description it has,
    so well-described aspects (every frequent one in a large corpus) keep their vector.
    """
    index = {a: i for i, a in enumerate(vocab)}
    n_a = len(vocab)
    described_n = np.zeros(n_a)
    for (a, _c), n in corpus.wpairs.items():
        i = index.get(a)
        if i is not None:
            described_n[i] += n
    # Only a thinly described community backs off: where the typical aspect has enough words
    # (any large corpus), the rare ones are still best placed by the words, smoothed by the SVD.
    typical = float(np.median(described_n)) if n_a else 0.0
    thin = min(1.0, max(0.0, (DESCRIBED_ENOUGH - typical) / (DESCRIBED_ENOUGH / 2)))
    if thin <= 0.0:
        return described
    trust = 1.0 - thin * DESCRIBED_ENOUGH / (described_n + DESCRIBED_ENOUGH)
    co = np.zeros((n_a, n_a), dtype=np.float64)
    for d, aspects in enumerate(corpus.doc_aspects):
        ids = sorted({index[a] for a in aspects if a in index})
        if len(ids) < 2:
            continue
        # A long post listing many things ties each pair less than a short one naming two.
        share = 1.0 / (len(ids) - 1)
        for i in ids:
            wi = corpus.weight(d, vocab[i])
            for j in ids:
                if i != j:
                    co[i, j] += share * wi * corpus.weight(d, vocab[j])
    # Each aspect counts as its own neighbour (half as much as all others together): two
    # aspects that share posts then overlap even when nothing else shares those posts.
    co[np.diag_indices(n_a)] = 0.5 * co.sum(axis=1)
    co = _normalize_rows(_ppmi(co))
    return np.hstack([described * np.sqrt(trust)[:, None], co * np.sqrt(1.0 - trust)[:, None]])


def _spherical_kmeans(
    x: np.ndarray,
    weights: np.ndarray,
    k: int,
    *,
    fixed: np.ndarray,
    locked: dict[int, int],
    start: Sequence[np.ndarray] = (),
    seedable: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Weighted spherical k-means; the first len(fixed) centres start at `fixed`, `locked` rows stay put.

    Emergent centres start at `start` (the previous run's themes, so a refresh after a few
    more posts finds the same themes rather than whatever a fresh start lands on), then
    deterministically, farthest-first: the most talked-about aspect unlike the centres
    already chosen. That favours frequent, distinct aspects as theme cores and makes the
    result independent of any random draw. Only `seedable` aspects (how much each may be a theme's
    core) start a centre: a noun said of anything ("problem") would gather a grab-bag around it.
    """
    n = x.shape[0]
    centres = list(fixed)
    centres += list(start[: max(0, k - len(centres))])
    pull = weights if seedable is None else weights * seedable
    while len(centres) < k:
        if centres:
            dist = np.clip(1.0 - (x @ np.array(centres).T).max(axis=1), 0.0, None) * pull
        else:
            dist = pull.copy()
        centres.append(x[int(np.argmax(dist))])
    c = _normalize_rows(np.array(centres))
    labels = np.full(n, -1, dtype=int)
    for _ in range(50):
        new = (x @ c.T).argmax(axis=1)
        for row, cl in locked.items():
            new[row] = cl
        if np.array_equal(new, labels):
            break
        labels = new
        for j in range(k):
            members = labels == j
            if members.any():
                c[j] = (x[members] * weights[members, None]).sum(axis=0)
                if j < len(fixed):
                    c[j] += fixed[j] * weights[members].sum()
        c = _normalize_rows(c)
    return labels, c


def _merge_close(
    x: np.ndarray, weights: np.ndarray, labels: np.ndarray, centres: np.ndarray, *, n_fixed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Merge emergent themes whose centres are nearly the same: asking for k is only an upper bound."""
    labels = labels.copy()
    while True:
        k = centres.shape[0]
        sims = x @ centres.T
        best: tuple[float, int, int] | None = None
        for j in range(n_fixed, k):
            members = labels == j
            if not members.any():
                continue
            w = weights[members]
            own = float((sims[members, j] * w).sum() / w.sum())
            for i in range(k):
                if i == j:
                    continue
                # Members sit about as close to the other centre as to their own: one theme, not two.
                ratio = float((sims[members, i] * w).sum() / w.sum()) / own if own > 0 else 1.0
                if ratio >= MERGE_RATIO and (best is None or ratio > best[0]):
                    best = (ratio, i, j)
        if best is None:
            break
        _, keep, drop = best
        if keep > drop and keep >= n_fixed:
            keep, drop = drop, keep
        labels[labels == drop] = keep
        labels[labels > drop] -= 1
        members = labels == keep
        merged = (x[members] * weights[members, None]).sum(axis=0, keepdims=True)
        centres = np.delete(centres, drop, axis=0)
        centres[keep] = _normalize_rows(merged)[0] if keep >= n_fixed else centres[keep]
    return labels, centres


def _previous_centres(
    x: np.ndarray, weights: np.ndarray, index: dict[str, int], previous: Sequence[PreviousTheme]
) -> list[np.ndarray]:
    """Where the previous run's emergent themes sit among today's aspect vectors, largest first.

    Each is the weighted mean of its terms as they are described now, so the vectors'
    own drift (new posts, a re-run SVD) does not matter, only which aspects belonged together.
    """
    out: list[tuple[int, str, np.ndarray]] = []
    for p in previous:
        if p.key.startswith("code-") or not p.doc_keys:
            continue
        if p.terms and _generic(p.terms[0]):
            # Led by a noun said of anything, it was a grab-bag: not a theme to find again.
            continue
        ids = [index[t] for t in p.terms[:20] if t in index]
        if not ids:
            continue
        centre = (x[ids] * weights[ids, None]).sum(axis=0, keepdims=True)
        out.append((len(p.doc_keys), p.key, _normalize_rows(centre)[0]))
    return [c for _, _, c in sorted(out, key=lambda t: (-t[0], t[1]))]


def _code_words(code: CodeSpec) -> list[str]:
    text = " ".join([code.name, code.description, *code.examples]).lower()
    return _WORD_RE.findall(text)


def _match_vocab(word: str, vocab: set[str]) -> str | None:
    """Map a surface word of a codebook entry to a lemma ("prices" -> "price", "freezing" -> "freeze")."""
    cands = [word]
    if word.endswith("ies"):
        cands.append(word[:-3] + "y")
    if word.endswith("es"):
        cands.append(word[:-2])
    if word.endswith("s"):
        cands.append(word[:-1])
    if word.endswith("ed"):
        cands += [word[:-2], word[:-1]]
    if word.endswith("ing"):
        cands += [word[:-3], word[:-3] + "e"]
    return next((c for c in cands if len(c) > 1 and c in vocab), None)


def _aspects_described_by(words: set[str], corpus: _Corpus, index: dict[str, int], top: int = 3) -> list[int]:
    counts: Counter[str] = Counter()
    for (a, c), n in corpus.pairs.items():
        if c in words and a in index:
            counts[a] += n
    ranked = sorted(
        (a for a, n in counts.items() if n >= 2), key=lambda a: (-counts[a] / math.sqrt(corpus.df[a]), a)
    )
    return sorted(index[a] for a in ranked[:top])


def _auto_k(n_docs: int, n_aspects: int, per_post: float = 0.0) -> int:
    # A handful of themes is what a reader can take in; more only for large, varied communities,
    # and for posts that each talk about several things (diaries, long answers), which hold more
    # distinct themes than as many one-line reviews.
    richness = max(1.0, per_post / RICH_POST_ASPECTS)
    k = round(math.log2(max(n_docs, 2)) * 0.75 * richness)
    return max(MIN_THEMES, min(MAX_AUTO_THEMES, k, max(1, n_aspects // 3)))


def _theme_key(terms: list[str], used: set[str]) -> str:
    digest = hashlib.sha1("|".join(sorted(terms[:5])).encode()).hexdigest()[:10]
    key, n = f"t-{digest}", 2
    while key in used:
        key = f"t-{digest}-{n}"
        n += 1
    return key


# A theme a researcher curated follows the new theme still holding this share of its posts,
# even when their words drifted below PREVIOUS_MATCH_MIN.
CURATED_SHARE = 0.4
# Across the line between a code's theme and an emergent one only shared posts count (Jaccard):
# a code's words say nothing of what an emergent theme was about, so a code never takes over a
# theme it barely overlaps.
CODE_MATCH_MIN = 0.5


@dataclass(frozen=True)
class CuratedTheme(PreviousTheme):
    """A previous theme a researcher renamed, summarised or hid: its identity is worth more."""


def _match_previous(themes: list[ThemeResult], previous: Sequence[PreviousTheme]) -> None:
    if not previous:
        return
    code_keys = {t.key for t in themes if t.code_key}
    # (tier, score, theme, previous): tier 0 (a code's own key, a curated theme's posts) goes first.
    cands: list[tuple[int, float, int, int]] = []
    for i, t in enumerate(themes):
        docs = set(t.doc_keys)
        terms = set(t.terms[:20])
        for j, p in enumerate(previous):
            pdocs = set(p.doc_keys)
            shared = len(docs & pdocs)
            doc_sim = shared / len(docs | pdocs) if docs | pdocs else 0.0
            if t.code_key or p.key.startswith("code-"):
                if p.key == t.key:
                    cands.append((0, 1.0, i, j))
                elif p.key not in code_keys and doc_sim >= CODE_MATCH_MIN:
                    cands.append((1, doc_sim, i, j))
                continue
            pterms = set(p.terms[:20])
            term_sim = len(terms & pterms) / len(terms | pterms) if terms | pterms else 0.0
            sim = 0.6 * doc_sim + 0.4 * term_sim
            share = shared / len(pdocs) if pdocs else 0.0
            if isinstance(p, CuratedTheme) and share >= CURATED_SHARE:
                cands.append((0, share, i, j))
            elif sim >= PREVIOUS_MATCH_MIN:
                cands.append((1, sim, i, j))
    taken_t: set[int] = set()
    taken_p: set[int] = set()
    for _tier, _score, i, j in sorted(cands, key=lambda c: (c[0], -c[1], c[2], c[3])):
        if i in taken_t or j in taken_p:
            continue
        taken_t.add(i)
        taken_p.add(j)
        themes[i].matched_previous = previous[j].key
    used = {t.matched_previous for t in themes if t.matched_previous}
    for t in themes:
        if t.matched_previous:
            t.key = t.matched_previous
        elif t.key in used:
            t.key = _theme_key([*t.terms, t.key], used)
        used.add(t.key)


def build_themes(
    docs: Sequence[ThemeDoc],
    *,
    codes: Sequence[CodeSpec] = (),
    previous: Sequence[PreviousTheme] = (),
    max_themes: int | None = None,
    seed: int = 0,
    brands: Sequence[str] = (),
) -> list[ThemeResult]:
    """Themes over `docs`, guided by `codes`, keeping keys of matching `previous` themes, and their
    labels while those still describe them. `brands` are the brand and competitor names as the
    community spells them: labels write them so, the names themselves are never themes, and what a
    brand names ("Loom Points") is an aspect like any other."""
    corpus = _Corpus(docs, brands)
    n_docs = len(corpus.docs)
    if n_docs == 0:
        return []
    min_df = _min_df(n_docs)
    # Counted by weight: an aspect named only because the question asked about it is no theme.
    vocab = [a for a, n in sorted(corpus.wdf.items(), key=lambda kv: (-kv[1], kv[0])) if n >= min_df]
    # Aspects in nearly every post say nothing about what distinguishes them.
    vocab = [a for a in vocab if corpus.wdf[a] <= 0.5 * n_docs][:MAX_ASPECTS]
    if len(vocab) < 2:
        return []
    vocab.sort()
    index = {a: i for i, a in enumerate(vocab)}
    x = _aspect_vectors(corpus, vocab, seed)
    # Frequent aspects steer the centres: a theme should be about what many people discuss.
    weights = np.array([corpus.wdf[a] ** WEIGHT_POWER for a in vocab], dtype=np.float64)

    # Codebook codes become fixed starting centres with their own words locked in.
    code_seeds: list[tuple[CodeSpec, list[int]]] = []
    vocab_set = set(vocab)
    context_set = {c for _, c in corpus.pairs}
    for code in sorted(codes, key=lambda c: c.key):
        words = _code_words(code)
        ids = sorted({index[m] for w in words if (m := _match_vocab(w, vocab_set))})
        if not ids:
            # A code named by what is said ("crashes and freezes") rather than what it is
            # about: seed it with the aspects those words are most often said of.
            said = {m for w in words if (m := _match_vocab(w, context_set))}
            ids = _aspects_described_by(said, corpus, index)
        if ids:
            code_seeds.append((code, ids))
    # How many things a post names, among the posts that name any.
    named = [len(aspects) for aspects in corpus.doc_aspects if aspects]
    per_post = sum(named) / len(named) if named else 0.0
    k_auto = _auto_k(n_docs, len(vocab), per_post) + len(code_seeds)
    k = min(k_auto, max_themes) if max_themes else k_auto
    k = max(len(code_seeds), min(k, len(vocab)))
    if k == 0:
        return []
    fixed = np.array(
        [_normalize_rows(x[ids].sum(axis=0, keepdims=True))[0] for _, ids in code_seeds]
    ).reshape(len(code_seeds), x.shape[1])
    locked = {i: j for j, (_, ids) in enumerate(code_seeds) for i in ids}
    start = _previous_centres(x, weights, index, previous)
    # How much each aspect may stand for a theme: a noun said of anything names none.
    specific = np.array([GENERIC_LEAD if _generic(a) else 1.0 for a in vocab])
    labels, centres = _spherical_kmeans(
        x, weights, k, fixed=fixed, locked=locked, start=start, seedable=specific
    )
    labels, centres = _merge_close(x, weights, labels, centres, n_fixed=len(code_seeds))
    # How much each aspect counts towards leading its theme.
    rank = np.array([corpus.wdf[a] for a in vocab], dtype=np.float64) * specific
    k = centres.shape[0]
    sims = x @ centres.T

    # Which theme each context word points to, from the aspects it is attached to.
    ctx_dist: dict[str, np.ndarray] = {}
    for (a, c), n in corpus.wpairs.items():
        if a in index:
            dist = ctx_dist.setdefault(c, np.zeros(k))
            dist[labels[index[a]]] += n
    ctx_weight: dict[str, np.ndarray] = {}
    for c, dist in ctx_dist.items():
        total = dist.sum()
        if total < min_df:
            continue
        p = dist / total
        # A context word that is attached to every theme alike ("good") carries no signal.
        concentration = 1.0 - (-(p[p > 0] * np.log(p[p > 0])).sum() / math.log(k)) if k > 1 else 1.0
        ctx_weight[c] = p * concentration

    scores = np.zeros((n_docs, k))
    for d in range(n_docs):
        for a in corpus.doc_aspects[d]:
            i = index.get(a)
            if i is not None:
                # An aspect pulls a post in as strongly as it belongs to its theme: a stray
                # member at the theme's edge ("year" among the staff words) barely counts, nor
                # does a noun said of anything ("the problem is the courier" is about the courier).
                pull = max(float(sims[i, labels[i]]), 0.0) * specific[i]
                scores[d, labels[i]] += pull * corpus.weight(d, a)
        for c in corpus.doc_contexts[d]:
            w = ctx_weight.get(c)
            if w is not None:
                scores[d] += CONTEXT_WEIGHT * corpus.weight(d, c) * w
    members: list[list[int]] = [[] for _ in range(k)]
    for d in range(n_docs):
        best = scores[d].max()
        # Judged on the post's own scale: a post that counts little still joins what it talks about.
        if best < CONTEXT_WEIGHT * 0.5 * corpus.doc_scale[d]:
            continue
        for j in np.flatnonzero(scores[d] >= DOC_SHARE * best):
            members[int(j)].append(d)

    results: list[ThemeResult] = []
    # Emergent themes are named once matched to the previous run: (result, terms, members).
    to_name: list[tuple[ThemeResult, list[str], list[int]]] = []
    # Every theme is quoted after naming: (result, column in `scores`, members, its terms' weights).
    to_quote: list[tuple[ThemeResult, int, list[int], list[float]]] = []
    used_labels: set[str] = set()
    used_keys: set[str] = set()
    doc_totals = scores.sum(axis=1)
    introductions = [_introduces_its_author(doc.text) for doc in corpus.docs]
    order = sorted(range(k), key=lambda j: (j >= len(code_seeds), -len(members[j]), j))
    for j in order:
        if not members[j]:
            continue
        counted = sum(corpus.doc_scale[d] for d in members[j])
        if j >= len(code_seeds) and counted < INTRO_THEME_SHARE * len(members[j]):
            # Mostly introductions (their families, towns, jobs): nothing said of the brand.
            continue
        aspect_ids = [i for i in range(len(vocab)) if labels[i] == j]
        # Most characteristic first: frequent in the theme and close to its centre.
        weight = {i: rank[i] * max(sims[i, j], 0.0) ** 2 for i in aspect_ids}
        aspect_ids.sort(key=lambda i: (-weight[i], vocab[i]))
        terms = [vocab[i] for i in aspect_ids]
        if j < len(code_seeds):
            code = code_seeds[j][0]
            label = code.name
            used_labels.add(label)
            key = f"code-{code.key}"
            code_key: str | None = code.key
        else:
            label = ""
            key = _theme_key(terms, used_keys)
            code_key = None
        used_keys.add(key)
        mix = {s: 0 for s in SENTIMENTS}
        for d in members[j]:
            s = corpus.docs[d].sentiment
            if s in mix:
                mix[s] += 1
        result = ThemeResult(
            key=key,
            label=label,
            terms=terms[:40],
            doc_keys=[corpus.docs[d].key for d in members[j]],
            participant_count=len({corpus.docs[d].participant for d in members[j]}),
            sentiment_mix=mix,
            quote_keys=[],
            code_key=code_key,
        )
        results.append(result)
        to_quote.append((result, j, members[j], [weight[i] for i in aspect_ids]))
        if code_key is None:
            to_name.append((result, terms, members[j]))
    _match_previous(results, previous)
    _name_themes(to_name, previous, corpus, used_labels, corpus.casing)
    # Quoted once named: a post saying what the label says speaks to the theme most plainly.
    for result, j, theme_members, term_weights in to_quote:
        result.quote_keys = pick_theme_quotes(
            theme_members,
            scores[:, j],
            doc_totals,
            corpus.docs,
            terms=result.terms,
            weights=term_weights,
            label=result.label,
            doc_pairs=corpus.doc_pairs,
            doc_scale=corpus.doc_scale,
            introductions=introductions,
        )
    return results


def _name_themes(
    to_name: Sequence[tuple[ThemeResult, list[str], list[int]]],
    previous: Sequence[PreviousTheme],
    corpus: _Corpus,
    used: set[str],
    casing: LabelCasing,
) -> None:
    """Label emergent themes. A theme that persists keeps its earlier label while the label still
    describes it, so what clients read does not change with every batch of posts; the others are
    named afresh, around the labels kept."""
    earlier = {p.key: p.label for p in previous if p.label}
    for result, terms, members in to_name:
        label = earlier.get(result.matched_previous or "", "")
        if not label or not label_fits(label, terms, members, corpus):
            continue
        label = casing.apply(label)
        if label.lower() not in {u.lower() for u in used}:
            result.label = label
            used.add(label)
    for result, terms, members in to_name:
        if not result.label:
            result.label = theme_label(terms, members, corpus, used, casing)


def theme_scores(docs: Sequence[ThemeDoc], themes: Sequence[ThemeResult]) -> dict[str, dict[str, float]]:
    """How close each post is to each theme it shares a term with, by the themes' terms alone."""
    term_theme: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for theme in themes:
        for rank, term in enumerate(theme.terms):
            # Earlier terms are more characteristic of the theme.
            term_theme[term].append((theme.key, 1.0 / (1.0 + 0.05 * rank)))
    # A theme's terms of several words are names of the brand's programmes ("loom points"), which
    # the builder reads from the posts' text, not their parse: new posts are read the same way.
    names = sorted({t for t in term_theme if " " in t})
    name_re = (
        re.compile(
            r"(?<![\w&])(" + "|".join(r"\s+".join(map(re.escape, n.split())) for n in names) + r")(?![\w&])"
        )
        if names
        else None
    )
    out: dict[str, dict[str, float]] = {}
    for doc in docs:
        scores: dict[str, float] = defaultdict(float)
        found = set(doc.terms)
        if name_re is not None:
            found |= {" ".join(m.group(1).split()) for m in name_re.finditer(doc.text.lower())}
        for term in found:
            if "~" in term:
                continue
            for key, w in term_theme.get(term, ()):
                scores[key] += w
        out[doc.key] = dict(scores)
    return out


def assign_to_themes(docs: Sequence[ThemeDoc], themes: Sequence[ThemeResult]) -> dict[str, list[str]]:
    """Theme keys for each new post, from the themes' terms, without refitting."""
    out: dict[str, list[str]] = {}
    for key, scores in theme_scores(docs, themes).items():
        if not scores:
            out[key] = []
            continue
        best = max(scores.values())
        out[key] = sorted(k for k, v in scores.items() if v >= DOC_SHARE * best)
    return out
