"""The codebook and coded excerpts as a REFI-QDA project (.qdpx), validated against the
REFI-QDA Project schema (tests/research/schemas/Project-mrt2019.xsd) and checked for the
cross-references the schema cannot express."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from lxml import etree

from research.exports.qdpx import NS
from research.models import CodedExcerpt
from tests.research.exports_helpers import EMAIL_BODY, EMAIL_REDACTED, add_posts, build_corpus

SCHEMA = etree.XMLSchema(etree.parse(str(Path(__file__).parent / "schemas" / "Project-mrt2019.xsd")))
Q = {"q": NS}
GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


@pytest.fixture
def corpus(community, alice, bob, carol):
    corpus = build_corpus(community, alice=alice, bob=bob)
    # A second excerpt whose words are personal data: a client's project must not carry it.
    start = EMAIL_BODY.index("bob@example.com")
    CodedExcerpt.objects.create(
        post=corpus.email_post,
        code=corpus.code,
        start=start,
        end=start + 15,
        text="bob@example.com",
        coder=alice,
    )
    # An excerpt on a hidden post: never exported.
    CodedExcerpt.objects.create(
        post=corpus.hidden_post, code=corpus.code, start=0, end=6, text="Hidden", coder=alice
    )
    return corpus


def _download(client, user) -> zipfile.ZipFile:
    client.force_login(user)
    response = client.get(reverse("research:export_qdpx", args=["acme"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].endswith('.qdpx"')
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def _project(archive: zipfile.ZipFile):
    return etree.fromstring(archive.read("project.qde"))


def _check_references(archive: zipfile.ZipFile, root) -> dict[str, str]:
    """What XSD cannot check: unique GUIDs, refs that resolve, sources that exist, spans in range.
    Returns the text of every source by GUID."""
    guids = [el.get("guid") for el in root.iter() if el.get("guid") is not None]
    assert len(guids) == len(set(guids)), "GUIDs are unique"
    assert all(GUID.match(g) for g in guids)
    codes = {el.get("guid") for el in root.iterfind(".//q:CodeBook//q:Code", Q)}
    users = {el.get("guid") for el in root.iterfind(".//q:Users/q:User", Q)}
    texts: dict[str, str] = {}
    for source in root.iterfind(".//q:Sources/q:TextSource", Q):
        path = source.get("plainTextPath")
        assert path.startswith("internal://")
        text = archive.read("sources/" + path.removeprefix("internal://")).decode("utf-8")
        texts[source.get("guid")] = text
        for selection in source.iterfind("q:PlainTextSelection", Q):
            start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
            assert 0 <= start < end <= len(text)
            if selection.get("creatingUser"):
                assert selection.get("creatingUser") in users
            for ref in selection.iterfind("q:Coding/q:CodeRef", Q):
                assert ref.get("targetGUID") in codes
    for ref in root.iterfind(".//q:Cases/q:Case/q:SourceRef", Q):
        assert ref.get("targetGUID") in texts
    assert root.get("creatingUserGUID") in users
    return texts


def _selections(root) -> list[tuple[str, int, int]]:
    return [
        (s.getparent().get("guid"), int(s.get("startPosition")), int(s.get("endPosition")))
        for s in root.iterfind(".//q:PlainTextSelection", Q)
    ]


def test_it_exports_a_project_that_validates_against_the_refi_qda_schema(client, corpus, alice):
    archive = _download(client, alice)
    root = _project(archive)
    SCHEMA.assertValid(root)
    assert root.tag == f"{{{NS}}}Project"
    _check_references(archive, root)


def test_it_validates_the_clients_project_against_the_refi_qda_schema_too(client, corpus, carol):
    archive = _download(client, carol)
    root = _project(archive)
    SCHEMA.assertValid(root)
    _check_references(archive, root)


def test_the_schema_check_rejects_a_broken_project(client, corpus, alice):
    root = _project(_download(client, alice))
    selection = root.find(".//q:PlainTextSelection", Q)
    del selection.attrib["startPosition"]
    assert not SCHEMA.validate(root)
    root = _project(_download(client, alice))
    root.find(".//q:CodeBook//q:Code", Q).set("guid", "not-a-guid")
    assert not SCHEMA.validate(root)


def test_it_codes_the_moderators_original_text_at_the_stored_offsets(client, corpus, alice):
    archive = _download(client, alice)
    root = _project(archive)
    texts = _check_references(archive, root)
    assert EMAIL_BODY in texts.values()
    coded = sorted(texts[g][s:e] for g, s, e in _selections(root))
    assert coded == ["bob@example.com", "the app is slow"]
    code = root.find(".//q:CodeBook//q:Code", Q)
    assert code.get("name") == "App speed" and code.get("isCodable") == "true"
    assert code.findtext("q:Description", namespaces=Q) == "Complaints about speed."
    users = [u.get("name") for u in root.iterfind(".//q:Users/q:User", Q)]
    assert "Alice Moderator (Moderator Alice)" in users
    names = [c.get("name") for c in root.iterfind(".//q:Cases/q:Case", Q)]
    assert "Bob Participant (Swift Heron)" in names


def test_it_gives_clients_redacted_sources_and_drops_excerpts_of_personal_data(client, corpus, carol):
    archive = _download(client, carol)
    root = _project(archive)
    texts = _check_references(archive, root)
    everything = " ".join(texts.values()) + etree.tostring(root, encoding="unicode")
    assert "bob@example.com" not in everything
    assert "Bob Participant" not in everything and "555 123 4567" not in everything
    assert EMAIL_REDACTED in texts.values()
    # The remaining excerpt moved with the redaction and still covers the same words.
    assert [texts[g][s:e] for g, s, e in _selections(root)] == ["the app is slow"]
    assert "1 coded excerpt(s) left out" in root.findtext("q:Description", namespaces=Q)
    names = [c.get("name") for c in root.iterfind(".//q:Cases/q:Case", Q)]
    assert "Swift Heron" in names


def test_it_leaves_hidden_and_removed_posts_out_of_the_project(client, corpus, alice):
    archive = _download(client, alice)
    sources = [n for n in archive.namelist() if n.startswith("sources/")]
    assert len(sources) == 5
    blob = b" ".join(archive.read(n) for n in archive.namelist())
    for secret in (b"SECRET-HIDDEN", b"SECRET-REMOVED", b"SECRET-UNDER-HIDDEN"):
        assert secret not in blob


def test_it_keeps_guids_stable_between_exports(client, corpus, alice):
    first = _project(_download(client, alice))
    second = _project(_download(client, alice))

    def ids(root):
        return sorted(el.get("guid") for el in root.iter() if el.get("guid"))

    assert ids(first) == ids(second)


def test_it_builds_the_project_in_the_same_number_of_queries_for_more_posts_and_codings(
    client, corpus, alice, django_assert_num_queries
):
    client.force_login(alice)
    url = reverse("research:export_qdpx", args=["acme"])
    with CaptureQueriesContext(connection) as small:
        b"".join(client.get(url).streaming_content)
    add_posts(corpus.discussion.community, corpus.discussion, 10, code=corpus.code)
    with django_assert_num_queries(len(small.captured_queries)):
        archive = zipfile.ZipFile(io.BytesIO(b"".join(client.get(url).streaming_content)))
    root = _project(archive)
    SCHEMA.assertValid(root)
    assert len(_selections(root)) == 12


def test_it_refuses_the_project_to_participants_and_outsiders(client, corpus, bob, eve):
    for user in (bob, eve):
        client.force_login(user)
        assert client.get(reverse("research:export_qdpx", args=["acme"])).status_code == 404


# --- A project of the dashboard's filtered posts ---


@pytest.fixture
def second_discussion(corpus):
    """Another discussion whose one post is coded too, by a participant in another segment."""
    from community.models import Role
    from tests.factories import DiscussionFactory, MembershipFactory, PostFactory
    from tests.research.exports_helpers import analyse

    community = corpus.discussion.community
    discussion = DiscussionFactory(community=community, title="Checkout")
    author = MembershipFactory(community=community, role=Role.PARTICIPANT, segments=["in-store"])
    post = PostFactory(discussion=discussion, author=author, body="The till queue was slow.")
    analyse(post)
    CodedExcerpt.objects.create(post=post, code=corpus.code, start=4, end=14, text="till queue", coder=None)
    return discussion, post


def _download_filtered(client, user, **params) -> zipfile.ZipFile:
    client.force_login(user)
    response = client.get(reverse("research:export_qdpx", args=["acme"]), params)
    assert response.status_code == 200
    assert "-filtered-" in response["Content-Disposition"]
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def test_a_filtered_project_holds_only_matching_posts_and_their_codings(
    client, corpus, second_discussion, alice
):
    discussion, post = second_discussion
    archive = _download_filtered(client, alice, discussion=discussion.pk)
    root = _project(archive)
    SCHEMA.assertValid(root)
    texts = _check_references(archive, root)
    assert list(texts.values()) == ["The till queue was slow."]
    assert [texts[g][s:e] for g, s, e in _selections(root)] == ["till queue"]
    assert len(root.findall(".//q:Cases/q:Case", Q)) == 1
    # The whole codebook travels, so codes line up with other exports of the same community.
    assert [c.get("name") for c in root.iterfind(".//q:CodeBook//q:Code", Q)] == ["App speed"]
    assert "Posts: discussion: Checkout." in root.findtext("q:Description", namespaces=Q)


def test_a_filtered_project_for_a_client_stays_redacted(client, corpus, second_discussion, carol):
    archive = _download_filtered(client, carol, segment="app users")
    root = _project(archive)
    SCHEMA.assertValid(root)
    texts = _check_references(archive, root)
    everything = " ".join(texts.values()) + etree.tostring(root, encoding="unicode")
    assert EMAIL_REDACTED in texts.values()
    assert "bob@example.com" not in everything and "Bob Participant" not in everything
    assert "The till queue was slow." not in texts.values()
    assert "Posts: segment: app users." in root.findtext("q:Description", namespaces=Q)


def test_an_unfiltered_project_says_it_holds_every_post(client, corpus, alice):
    root = _project(_download(client, alice))
    assert "Posts: no filters (every published post)." in root.findtext("q:Description", namespaces=Q)


def test_a_project_with_a_bad_filter_is_refused_naming_it(client, corpus, alice):
    client.force_login(alice)
    response = client.get(reverse("research:export_qdpx", args=["acme"]), {"brand": "Nobody Inc"})
    assert response.status_code == 400
    assert "brand: 'Nobody Inc' is not a brand of this community (brands: Acme" in response.content.decode()


def test_a_filtered_project_takes_the_same_number_of_queries_for_more_posts(
    client, corpus, second_discussion, alice, django_assert_num_queries
):
    client.force_login(alice)
    url = reverse("research:export_qdpx", args=["acme"])
    params = {"discussion": corpus.discussion.pk}
    with CaptureQueriesContext(connection) as small:
        b"".join(client.get(url, params).streaming_content)
    add_posts(corpus.discussion.community, corpus.discussion, 10, code=corpus.code)
    with django_assert_num_queries(len(small.captured_queries)):
        archive = zipfile.ZipFile(io.BytesIO(b"".join(client.get(url, params).streaming_content)))
    assert len(_selections(_project(archive))) == 12
