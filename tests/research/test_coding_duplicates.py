"""A coder codes a passage once with a code: the same post, code, start and end a second time is refused
with a message, from the coding form and from the page's script alike, and never counted twice in
the codebook or the .qdpx export, even when two requests race."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from lxml import etree

from community.models import Role
from research.curation_services import CurationError, excerpt_create
from research.exports.qdpx import NS
from research.models import Code, CodedExcerpt
from tests.factories import DiscussionFactory, MembershipFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db

BODY = "The app logged me out twice while paying my card bill."
MESSAGE = "You have already coded this passage as Trust."


def u(name, *args):
    return reverse(f"research:{name}", args=["acme", *args])


@pytest.fixture
def post(community, bob):
    from tests.conftest import membership_of

    discussion = DiscussionFactory(community=community, title="Banking app")
    return PostFactory(discussion=discussion, author=membership_of(bob, community), body=BODY)


@pytest.fixture
def trust(community):
    return Code.objects.create(community=community, name="Trust")


def _form(client, post, code, start=0, end=10):
    return client.post(
        u("excerpt_create"), {"post": post.pk, "code": code.pk, "start": start, "end": end}, follow=True
    )


def _json(client, post, code, start=0, end=10):
    return client.post(
        u("excerpt_create"),
        {"post": post.pk, "code": code.pk, "start": start, "end": end, "text": BODY[start:end]},
        HTTP_ACCEPT="application/json",
    )


def _codebook_count(client, code) -> str:
    page = client.get(u("codebook")).content.decode()
    row = page[page.index(f'<th scope="row">{code.name}</th>') :]
    return row[
        row.index('<td class="num">') + len('<td class="num">') : row.index("</td>", row.index('class="num"'))
    ]


def _qdpx_selections(client) -> int:
    response = client.get(u("export_qdpx"))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    root = etree.fromstring(archive.read("project.qde"))
    return len(root.findall(".//q:PlainTextSelection", {"q": NS}))


def test_coding_a_passage_from_the_form_then_again_by_json_is_refused_and_counted_once(
    client, alice, post, trust
):
    client.force_login(alice)

    first = _form(client, post, trust)
    assert "Coded as “Trust”." in first.content.decode()
    again = _json(client, post, trust)

    assert again.status_code == 400 and again.json() == {"error": MESSAGE}
    assert CodedExcerpt.objects.count() == 1
    assert _codebook_count(client, trust) == "1"
    assert _qdpx_selections(client) == 1


def test_coding_a_passage_by_json_then_again_from_the_form_shows_the_message(client, alice, post, trust):
    client.force_login(alice)

    assert _json(client, post, trust).status_code == 201
    page = _form(client, post, trust).content.decode()

    assert MESSAGE in page and "Coded as" not in page
    assert CodedExcerpt.objects.count() == 1
    assert _codebook_count(client, trust) == "1"


def test_another_code_or_other_offsets_on_the_same_passage_are_still_coded(
    client, alice, community, post, trust
):
    speed = Code.objects.create(community=community, name="Speed")
    client.force_login(alice)

    assert _json(client, post, trust).status_code == 201
    assert _json(client, post, speed).status_code == 201
    assert _json(client, post, trust, 0, 7).status_code == 201
    assert _json(client, post, trust, 4, 10).status_code == 201

    assert CodedExcerpt.objects.count() == 4
    assert _codebook_count(client, trust) == "3"


def test_two_requests_coding_the_same_passage_at_once_keep_one_excerpt(monkeypatch, alice, post, trust):
    excerpt_create(post=post, code=trust, start=0, end=10, coder=alice)
    # The other request checked before this one saved: its own check found nothing.
    real_exists = QuerySet.exists
    calls = []

    def exists_missed_once(self):
        if self.model is CodedExcerpt:
            calls.append(self)
            if len(calls) == 1:
                return False
        return real_exists(self)

    monkeypatch.setattr(QuerySet, "exists", exists_missed_once)

    with pytest.raises(CurationError, match=MESSAGE):
        excerpt_create(post=post, code=trust, start=0, end=10, coder=alice)

    monkeypatch.undo()
    assert len(calls) == 2 and CodedExcerpt.objects.count() == 1


def test_the_database_itself_refuses_a_repeated_excerpt(alice, post, trust):
    CodedExcerpt.objects.create(post=post, code=trust, start=0, end=10, text=BODY[:10], coder=alice)
    with pytest.raises(IntegrityError), transaction.atomic():
        CodedExcerpt.objects.create(post=post, code=trust, start=0, end=10, text=BODY[:10], coder=alice)


def test_a_second_moderator_coding_the_same_passage_is_kept_for_agreement(
    client, alice, community, post, trust
):
    second = UserFactory(username="sam", first_name="Sam", last_name="Coder")
    MembershipFactory(user=second, community=community, role=Role.MODERATOR, pseudonym="Moderator Sam")
    client.force_login(alice)
    assert _json(client, post, trust).status_code == 201
    client.force_login(second)
    assert _json(client, post, trust).status_code == 201

    assert sorted(CodedExcerpt.objects.values_list("coder__username", flat=True)) == ["alice", "sam"]
    assert _codebook_count(client, trust) == "2"


def test_a_client_or_participant_cannot_code_the_passage_either(client, carol, bob, post, trust):
    for user in (carol, bob):
        client.force_login(user)
        assert _json(client, post, trust).status_code == 404
    assert not CodedExcerpt.objects.exists()
