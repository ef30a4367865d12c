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
