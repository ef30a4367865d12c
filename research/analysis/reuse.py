"""Parse a text once: hand parses already made (by lexicon learning) to the analysis that follows.

Learning a community's lexicon parses its latest posts; analysing them straight
after would parse the same texts again, the slowest step of both. `ReusingNLP`
stands in for the spaCy pipeline in `enrich_texts`: texts it already holds a parse
of are not parsed again, the rest go to the real pipeline in one batched pass.
The parse is the same either way (same pipeline, and spaCy parses each text on
its own), so the analysis is too.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, MutableMapping
from typing import Any


class ReusingNLP:
    """`pipe` like a spaCy pipeline's, taking each text's parse from `parsed` when it has one.

    A parse is handed out once per `pipe` call and then dropped, so the memory goes as
    the analysis goes.
    """

    def __init__(self, nlp: Any, parsed: MutableMapping[str, Any]) -> None:
        self.nlp = nlp
        self.parsed = parsed
        self.reused = 0  # how many parses were taken (for logs and tests)

    def pipe(self, texts: Iterable[str], *, batch_size: int = 64) -> Iterator[Any]:
        texts = list(texts)
        missing = [t for t in texts if t not in self.parsed]
        fresh = iter(self.nlp.pipe(missing, batch_size=batch_size))
        used: set[str] = set()
        for text in texts:
            doc = self.parsed.get(text)
            if doc is None:
                yield next(fresh)
                continue
            self.reused += 1
            used.add(text)
            yield doc
        for text in used:
            self.parsed.pop(text, None)
