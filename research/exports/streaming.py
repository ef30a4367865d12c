"""Downloads that stream under both WSGI and ASGI.

Django serves a synchronous iterator under ASGI by first reading all of it into memory (with a
warning). Under ASGI we hand it an asynchronous iterator that pulls batches from the synchronous
one in a worker thread, so a 20,000-post export is never held in memory whole.
"""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import IO

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIRequest
from django.http import HttpRequest, StreamingHttpResponse

_BATCH = 500
_FILE_BLOCK = 64 * 1024


def _as_async(chunks: Iterable) -> AsyncIterator:
    iterator = iter(chunks)

    def next_batch() -> list:
        return list(itertools.islice(iterator, _BATCH))

    async def run():
        # thread_sensitive: every batch runs in the request's one sync thread, so a database
        # cursor opened by the first batch is still valid in the next.
        fetch = sync_to_async(next_batch, thread_sensitive=True)
        while batch := await fetch():
            for chunk in batch:
                yield chunk

    return run()


def file_chunks(file: IO[bytes]) -> Iterator[bytes]:
    try:
        while block := file.read(_FILE_BLOCK):
            yield block
    finally:
        file.close()


def download(
    request: HttpRequest, chunks: Iterable, *, filename: str, content_type: str
) -> StreamingHttpResponse:
    """An attachment streamed from `chunks` (str or bytes), private and never cached."""
    content = _as_async(chunks) if isinstance(request, ASGIRequest) else chunks
    response = StreamingHttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # Exports hold research data: no shared cache may keep a copy.
    response["Cache-Control"] = "private, no-store"
    return response
