"""Coding excerpts and the codebook: CRUD, CSV import (all or nothing) and export."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from research.curation_services import CurationError, codebook_import_csv, excerpt_create
from research.models import Code, CodedExcerpt
from research.services import _code_specs
from tests.research.insights_data import seed

pytestmark = pytest.mark.django_db


def u(name, *args):
    return reverse(f"research:{name}", args=["acme", *args])


def test_it_codes_a_selected_span_of_a_post(client, community, alice):
    _, posts, _ = seed(community, n=1)
    code = Code.objects.create(community=community, name="Delivery pain")
    body = posts[0].body
    start = body.index("slow")
    client.force_login(alice)
    response = client.post(
        u("excerpt_create"),
        {"post": posts[0].pk, "code": code.pk, "start": start, "end": start + 4, "text": "slow"},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 201 and response.json()["text"] == "slow"
    excerpt = CodedExcerpt.objects.get()
    assert (excerpt.start, excerpt.end, excerpt.text, excerpt.code) == (start, start + 4, "slow", code)
    assert "Delivery pain" in client.get(u("coding")).content.decode()


@pytest.mark.parametrize(
    ("start", "end", "text", "message"),
    [(5, 5, None, "start < end"), (0, 10_000, None, "the post's length"), (0, 3, "Nope", "does not match")],
)
def test_it_refuses_offsets_outside_the_post_or_a_stale_selection(community, start, end, text, message):
    _, posts, _ = seed(community, n=1)
    code = Code.objects.create(community=community, name="x")
    with pytest.raises(CurationError, match=message):
        excerpt_create(post=posts[0], code=code, start=start, end=end, text=text)
    assert not CodedExcerpt.objects.exists()


def test_it_returns_the_offset_error_as_json(client, community, alice):
    _, posts, _ = seed(community, n=1)
    code = Code.objects.create(community=community, name="x")
    client.force_login(alice)
    response = client.post(
        u("excerpt_create"),
        {"post": posts[0].pk, "code": code.pk, "start": 3, "end": 1},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 400 and "start/end" in response.json()["error"]


def test_it_refuses_coding_and_the_codebook_to_clients_participants_and_outsiders(
    client, community, carol, bob, eve
):
    _, posts, _ = seed(community, n=1)
    code = Code.objects.create(community=community, name="x")
    for user in (carol, bob, eve):
        client.force_login(user)
        assert client.get(u("coding")).status_code == 404
        assert client.get(u("codebook")).status_code == 404
        assert client.get(u("codebook_export")).status_code == 404
        assert (
            client.post(
                u("excerpt_create"), {"post": posts[0].pk, "code": code.pk, "start": 0, "end": 3}
            ).status_code
            == 404
        )
        assert client.post(u("code_delete", code.pk)).status_code == 404
    assert Code.objects.count() == 1 and not CodedExcerpt.objects.exists()


def test_it_adds_edits_and_deletes_codes(client, community, alice):
    client.force_login(alice)
    client.post(
        u("codebook"), {"name": "Price", "description": "Talk of cost", "examples": "too dear\ncheap"}
    )
    code = Code.objects.get()
    assert code.examples == ["too dear", "cheap"]
    client.post(u("code_edit", code.pk), {"name": "Value", "description": "", "examples": ""})
    code.refresh_from_db()
    assert code.name == "Value"
    duplicate = client.post(u("codebook"), {"name": "value"})
    assert "already exists" in duplicate.content.decode()
    client.post(u("code_delete", code.pk))
    assert not Code.objects.exists()


def test_it_feeds_codes_to_guided_theming(community):
    Code.objects.create(community=community, name="Delivery pain", examples=["late parcel"])
    specs = _code_specs(community)
    assert [s.name for s in specs] == ["Delivery pain"] and specs[0].examples == ("late parcel",)


def test_it_imports_a_codebook_csv_and_exports_it_again(client, community, alice):
    Code.objects.create(community=community, name="Price", description="old")
    data = "name,description,examples\nPrice,Talk of cost,too dear;cheap\nStaff,People in store,\n"
    client.force_login(alice)
    response = client.post(u("codebook_import"), {"file": SimpleUploadedFile("c.csv", data.encode())})
    assert response.status_code == 302
    assert Code.objects.get(name="Price").examples == ["too dear", "cheap"]
    export = client.get(u("codebook_export"))
    assert export["Content-Type"].startswith("text/csv")
    assert export.content.decode().splitlines() == [
        "name,description,examples",
        "Price,Talk of cost,too dear;cheap",
        "Staff,People in store,",
    ]


def test_it_rejects_a_bad_csv_with_line_numbers_and_saves_nothing(client, community, alice):
    data = "name,description\nGood,fine\n,missing name\nGood,again\n" + "Long," + "x" * 2001 + "\n"
    with pytest.raises(CurationError) as err:
        codebook_import_csv(community=community, data=data.encode())
    message = str(err.value)
    assert "line 3: name: 1 to 120 characters." in message
    assert "line 4: name: “Good” repeats line 2." in message
    assert "line 5: description: at most 2000 characters." in message
    assert not Code.objects.exists()
    client.force_login(alice)
    response = client.post(u("codebook_import"), {"file": SimpleUploadedFile("c.csv", data.encode())})
    assert response.status_code == 400 and "line 3" in response.content.decode()
    assert not Code.objects.exists()


def test_it_rejects_unknown_columns_and_non_utf8(community):
    with pytest.raises(CurationError, match="unknown column"):
        codebook_import_csv(community=community, data=b"name,colour\nA,red\n")
    with pytest.raises(CurationError, match="UTF-8"):
        codebook_import_csv(community=community, data="name\nCafé\n".encode("latin-1"))


def test_it_lists_posts_for_coding_in_constant_queries(client, community, alice, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _, posts, _ = seed(community, n=2)
    code = Code.objects.create(community=community, name="x")
    client.force_login(alice)
    with CaptureQueriesContext(connection) as first:
        client.get(u("coding"))
    seed(community, n=6, key="more")
    for p in posts:
        excerpt_create(post=p, code=code, start=0, end=3)
    with django_assert_num_queries(len(first.captured_queries)):
        client.get(u("coding"))


# --- The coding page shows posts rendered, and codes the characters their authors typed ---

MARKDOWN_BODY = (
    "The courier was **slow and rude** at the door, see [my photos](https://example.com/photos).\n\n"
    "- parcel left in the _rain_\n- no card <script>alert(1)</script>"
)


def _markdown_post(community, body=MARKDOWN_BODY):
    from community.markdown import render_markdown
    from tests.factories import DiscussionFactory, PostFactory

    discussion = DiscussionFactory(community=community, title="Deliveries")
    return PostFactory(discussion=discussion, body=body, body_html=render_markdown(body))


def _page_source(html: str, post) -> dict:
    """The source and runs the page hands its script for `post` (its json_script)."""
    import json
    import re

    article = html[html.index(f'data-post="{post.pk}"') :]
    found = re.search(r'<script type="application/json">(.*?)</script>', article, re.S)
    return json.loads(found.group(1))


def _to_source(runs, start, end):
    """What static/js/coding.js does with a selection of rendered offsets [start, end)."""
    first = next((r[1] + max(start - r[0], 0) for r in runs if start < r[0] + r[2]), None)
    last = next((r[1] + min(end - r[0], r[2]) for r in reversed(runs) if end > r[0]), None)
    return first, last


def test_the_coding_page_shows_a_post_rendered_and_sanitised_as_its_discussion_does(client, community, alice):
    _markdown_post(community)
    Code.objects.create(community=community, name="Delivery pain")
    client.force_login(alice)
    html = client.get(u("coding")).content.decode()
    assert "<strong>slow and rude</strong>" in html and "<em>rain</em>" in html
    assert '<a href="https://example.com/photos" rel="nofollow noopener noreferrer ugc">my photos</a>' in html
    assert "<li>parcel left in the" in html
    text = html[html.index("data-coding-text>") : html.index("</div>", html.index("data-coding-text>"))]
    assert "**" not in text and "](" not in text and "<script>" not in text
    # The typed text stays one click away, for From/to typed by hand.
    assert "Source text, as typed" in html and "**slow and rude**" in html


def test_words_selected_in_the_rendered_post_are_coded_as_the_characters_typed(client, community, alice):
    from research.coding_text import coding_text

    post = _markdown_post(community)
    code = Code.objects.create(community=community, name="Delivery pain")
    client.force_login(alice)
    data = _page_source(client.get(u("coding")).content.decode(), post)
    assert data["source"] == MARKDOWN_BODY
    shown = coding_text(post.body, post.body_html).text
    for selected, typed in (
        ("slow and rude", "slow and rude"),  # inside the bold
        ("was slow", "was **slow"),  # across its start
        ("photos", "photos"),  # inside a link: never its address
        ("rain", "rain"),
        ("no card", "no card"),
    ):
        at = shown.index(selected)
        start, end = _to_source(data["runs"], at, at + len(selected))
        response = client.post(
            u("excerpt_create"),
            {"post": post.pk, "code": code.pk, "start": start, "end": end, "text": data["source"][start:end]},
            HTTP_ACCEPT="application/json",
        )
        assert response.status_code == 201, (selected, response.content)
        assert response.json()["text"] == typed, selected
    # The list under the post quotes each excerpt as the page shows the post.
    html = client.get(u("coding")).content.decode()
    assert "“was slow”" in html and "“was **slow”" not in html


def test_from_and_to_typed_by_hand_code_the_source_characters(client, community, alice):
    post = _markdown_post(community)
    code = Code.objects.create(community=community, name="Delivery pain")
    start = MARKDOWN_BODY.index("slow and rude")
    client.force_login(alice)
    # No script: the hidden selected text is sent empty.
    response = client.post(
        u("excerpt_create"), {"post": post.pk, "code": code.pk, "start": start, "end": start + 13, "text": ""}
    )
    assert response.status_code == 302
    assert CodedExcerpt.objects.get().text == "slow and rude"


def test_a_stale_selection_is_still_refused(client, community, alice):
    post = _markdown_post(community)
    code = Code.objects.create(community=community, name="x")
    client.force_login(alice)
    response = client.post(
        u("excerpt_create"),
        {"post": post.pk, "code": code.pk, "start": 0, "end": 3, "text": "Old"},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 400 and "reload and select again" in response.json()["error"]


@pytest.mark.parametrize(
    "body",
    [
        "My **card** was declined twice at the _self-service_ till &amp; nobody came.",
        '1. Open the app\n2. Tap *Pay*\n3. It crashes\n\nVersion 4.2 [release notes](https://example.com/4.2 "notes").',
        "> The bank said 3 days\n\nIt took **10**.\r\nStill waiting &copy; me\n\n    error 502 in the log",
        "Transfer ![screenshot](https://example.com/s.png) failed; see <https://status.example.com> now 😀.",
    ],
)
def test_every_word_shown_maps_onto_the_same_word_typed(body):
    import re

    from research.coding_text import coding_text

    shown = coding_text(body)
    for word in re.finditer(r"\w+", shown.text):
        span = shown.source_span(word.start(), word.end())
        assert span is not None and body[span[0] : span[1]] == word.group(), word.group()


def test_choosing_a_scorecard_on_the_coding_page_says_it_holds_ratings(client, community, alice):
    from community.models import DiscussionKind
    from tests.factories import DiscussionFactory

    card = DiscussionFactory(community=community, title="Rate us", kind=DiscussionKind.SCORECARD)
    client.force_login(alice)
    html = client.get(u("coding"), {"discussion": card.pk}).content.decode()
    assert "This activity collects ratings, not posts: see its results page." in html
    assert reverse("scorecard_results", args=["acme", card.pk]) in html
    assert "Rate us (scorecard: ratings)" in html
