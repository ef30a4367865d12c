"""The codebook and coded excerpts as a REFI-QDA project (.qdpx), which NVivo, ATLAS.ti and
MAXQDA import.

A .qdpx is a zip holding `project.qde` (XML in the `urn:QDA-XML:project:1.0` namespace,
REFI-QDA Project Exchange 1.0) and the text of every source under `sources/`, referenced
from the XML as `internal://<file>`. Each published post is one TextSource; each coded
excerpt is a PlainTextSelection (character offsets into that source's text) carrying a
Coding with a CodeRef to the codebook. Participants become Cases, so a researcher can
compare people in the QDA package. GUIDs are derived from database ids, so exporting
twice gives the same GUIDs and a re-import updates rather than duplicates.
"""

from __future__ import annotations

import tempfile
import uuid
import zipfile
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import IO
from xml.etree import ElementTree as ET

from django.utils import timezone

from community.models import Community, Membership
from research.dashboard_selectors import DashboardFilters
from research.exports.common import PENDING_REDACTION, author_name_for, post_text_for, sees_originals
from research.exports.filters import filters_summary
from research.exports.selectors import codebook, coded_excerpts, export_posts, staff_memberships
from research.models import CodedExcerpt

NS = "urn:QDA-XML:project:1.0"
SOURCES_DIR = "sources"
_GUID_NAMESPACE = uuid.UUID("5f0b3a4e-8c1d-4d5e-9a57-0d6c2f3b7e21")


def guid(community: Community, kind: str, pk: object) -> str:
    """A stable GUID for one object of one community."""
    return str(uuid.uuid5(_GUID_NAMESPACE, f"verbatim:{community.pk}:{kind}:{pk}"))


def _when(value: datetime | None) -> str:
    value = value or timezone.now()
    return value.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _locate(text: str, excerpt: CodedExcerpt, *, exact_offsets: bool) -> tuple[int, int] | None:
    """Where the excerpt's words are in `text`: at its stored offsets if they still hold, else the
    occurrence nearest to them (clients' redacted text shifts offsets; an edit may too). None when
    the words are gone, e.g. because they held personal details a client may not see."""
    if not excerpt.text:
        return None
    if exact_offsets and text[excerpt.start : excerpt.end] == excerpt.text:
        return excerpt.start, excerpt.end
    best: int | None = None
    at = text.find(excerpt.text)
    while at != -1:
        if best is None or abs(at - excerpt.start) < abs(best - excerpt.start):
            best = at
        at = text.find(excerpt.text, at + 1)
    if best is None:
        return None
    return best, best + len(excerpt.text)


@dataclass
class QdpxResult:
    file: IO[bytes]
    sources: int
    codings: int
    left_out: int


def _sub(parent: ET.Element, tag: str, **attrs: str) -> ET.Element:
    return ET.SubElement(parent, f"{{{NS}}}{tag}", {k: v for k, v in attrs.items() if v is not None})


def qdpx_project(
    *, reader: Membership, community: Community, filters: DashboardFilters | None = None
) -> QdpxResult:
    """Build the .qdpx for `reader`, holding the posts within the dashboard's `filters` (the whole
    codebook always). Four queries whatever the number of posts and excerpts (codes, excerpts,
    coders, posts)."""
    filters = filters or DashboardFilters()
    codes = codebook(community=community)
    excerpts = coded_excerpts(community=community, filters=filters)
    coder_ids = {e.coder_id for items in excerpts.values() for e in items if e.coder_id}
    coders = staff_memberships(community=community, user_ids=coder_ids | {reader.user_id})
    now = timezone.now()
    originals = sees_originals(reader)

    ET.register_namespace("", NS)
    reader_guid = guid(community, "user", reader.user_id)
    project = ET.Element(
        f"{{{NS}}}Project",
        {
            "name": f"{community.name} (Verbatim)",
            "origin": "Verbatim",
            "creatingUserGUID": reader_guid,
            "creationDateTime": _when(now),
        },
    )
    users = _sub(project, "Users")
    user_guids: dict[int, str] = {}
    for user_id in sorted(coder_ids | {reader.user_id}):
        member = coders.get(user_id)
        name = author_name_for(reader, member) if member is not None else "Former researcher"
        user_guids[user_id] = guid(community, "user", user_id)
        _sub(users, "User", guid=user_guids[user_id], name=name, id=str(user_id) if originals else None)

    code_guids = {code.pk: guid(community, "code", code.pk) for code in codes}
    if codes:
        code_list = _sub(_sub(project, "CodeBook"), "Codes")
        for code in codes:
            element = _sub(code_list, "Code", guid=code_guids[code.pk], name=code.name, isCodable="true")
            description = code.description
            examples = [str(e) for e in (code.examples or []) if str(e).strip()]
            if examples:
                description = (
                    (description + "\n\n" if description else "") + "Examples: " + "; ".join(examples)
                )
            if description:
                _sub(element, "Description").text = description

    posts = list(export_posts(community=community, filters=filters))
    if posts:
        by_author: dict[int, list[str]] = defaultdict(list)
        authors: dict[int, Membership] = {}
        for post in posts:
            by_author[post.author_id].append(guid(community, "post", post.pk))
            authors[post.author_id] = post.author
        cases = _sub(project, "Cases")
        for author_id, source_guids in by_author.items():
            case = _sub(
                cases,
                "Case",
                guid=guid(community, "case", author_id),
                name=author_name_for(reader, authors[author_id]),
            )
            for source_guid in source_guids:
                _sub(case, "SourceRef", targetGUID=source_guid)

    texts: list[tuple[str, str]] = []
    codings = 0
    left_out = 0
    if posts:
        sources = _sub(project, "Sources")
    for post in posts:
        source_guid = guid(community, "post", post.pk)
        text = post_text_for(reader, post)
        filename = f"{source_guid}.txt"
        texts.append((filename, text))
        source = _sub(
            sources,
            "TextSource",
            guid=source_guid,
            name=f"Post {post.pk}: {post.discussion.title} - {author_name_for(reader, post.author)}",
            plainTextPath=f"internal://{filename}",
            creationDateTime=_when(post.created_at),
        )
        _sub(source, "Description").text = (
            f"Discussion: {post.discussion.title}. Author: {author_name_for(reader, post.author)}. "
            f"Posted {_when(post.created_at)}."
        )
        if text == PENDING_REDACTION:
            left_out += len(excerpts.get(post.pk, []))
            continue
        for excerpt in excerpts.get(post.pk, []):
            span = _locate(text, excerpt, exact_offsets=originals)
            if span is None or excerpt.code_id not in code_guids:
                left_out += 1
                continue
            creator = user_guids.get(excerpt.coder_id) if excerpt.coder_id else None
            selection = _sub(
                source,
                "PlainTextSelection",
                guid=guid(community, "selection", excerpt.pk),
                name=text[span[0] : span[1]][:80],
                startPosition=str(span[0]),
                endPosition=str(span[1]),
                creatingUser=creator,
                creationDateTime=_when(excerpt.created_at),
            )
            coding = _sub(
                selection,
                "Coding",
                guid=guid(community, "coding", excerpt.pk),
                creatingUser=creator,
                creationDateTime=_when(excerpt.created_at),
            )
            _sub(coding, "CodeRef", targetGUID=code_guids[excerpt.code_id])
            codings += 1

    description = (
        f"Exported from Verbatim on {_when(now)} for a {'researcher' if originals else 'client'}. "
        f"Posts: {filters_summary(filters)}."
    )
    if not originals:
        description += " Participants appear under pseudonyms; personal details are removed from the text."
    if left_out:
        description += (
            f" {left_out} coded excerpt(s) left out: their words are no longer in the post as exported."
        )
    _sub(project, "Description").text = description

    # Returned open: the response streams it and closes it.
    out = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # noqa: SIM115
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", ET.tostring(project, encoding="utf-8", xml_declaration=True))
        for filename, text in texts:
            archive.writestr(f"{SOURCES_DIR}/{filename}", text.encode("utf-8"))
    out.seek(0)
    return QdpxResult(file=out, sources=len(texts), codings=codings, left_out=left_out)
