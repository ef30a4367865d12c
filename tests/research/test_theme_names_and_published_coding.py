"""What a moderator is told when renaming a theme (an empty name goes back to the analysis'
name; an over-long one is refused, never cut), and coding kept to published posts, so the
codebook's counts are the excerpts the .qdpx export carries."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.urls import reverse
from lxml import etree

from community.models import PostStatus
from community.services.posts import post_delete
from research.curation_services import CurationError, excerpt_create, theme_split
from research.exports.qdpx import NS
from research.models import Code, CodedExcerpt
from tests.factories import PostFactory
from tests.research.insights_data import seed

pytestmark = pytest.mark.django_db


def act(client, t, **data):
    return client.post(reverse("research:theme_action", args=["acme", t.pk]), data, follow=True)


# --- Renaming a theme ---


def test_a_blank_name_resets_a_renamed_theme_to_its_analysis_label_and_says_so(client, community, alice):
    _, _, t = seed(community)
    client.force_login(alice)
    act(client, t, action="rename", label="Parcels arrive late")
    page = act(client, t, action="rename", label="   ").content.decode()
    assert "Label reset to the analysis label: “late delivery”." in page
    assert "Theme renamed" not in page
    assert 'id="rename-label" name="label" value="late delivery"' in page
    t.refresh_from_db()
    assert (t.researcher_label, t.display_label) == ("", "late delivery")


def test_a_rename_says_the_new_name(client, community, alice):
    _, _, t = seed(community)
    client.force_login(alice)
    page = act(client, t, action="rename", label="  Parcels arrive late ").content.decode()
    assert "Theme renamed to “Parcels arrive late”." in page
    t.refresh_from_db()
    assert t.display_label == "Parcels arrive late"


def test_a_blank_name_on_a_split_theme_goes_back_to_the_name_given_at_the_split(client, community, alice):
    _, posts, t = seed(community)
    new = theme_split(theme=t, post_ids=[posts[0].pk], label="Rude couriers")
    client.force_login(alice)
    act(client, new, action="rename", label="Couriers")
    page = act(client, new, action="rename", label="").content.decode()
    assert "Label reset to the name given at the split: “Rude couriers”." in page
    new.refresh_from_db()
    assert new.display_label == "Rude couriers"


def test_a_326_character_name_is_refused_naming_the_limit_not_cut_by_the_page(client, community, alice):
    _, _, t = seed(community)
    client.force_login(alice)
    page = client.get(reverse("research:theme_detail", args=["acme", t.pk])).content.decode()
    # The browser would cut a longer paste without a word; the server says what is wrong instead.
    assert 'id="rename-label" name="label" maxlength' not in page
    assert 'id="split-label" name="label" maxlength' not in page
    assert "At most 200 characters; leave it empty to go back to that name." in page
    typed = "Parcels " + "y" * 318
    response = client.post(
        reverse("research:theme_action", args=["acme", t.pk]), {"action": "rename", "label": typed}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Name: at most 200 characters; this one has 326." in html
    assert f'value="{typed}"' in html
    t.refresh_from_db()
    assert t.display_label == "late delivery"


def test_clients_and_participants_cannot_reset_a_theme_name(client, community, alice, bob, carol):
    _, _, t = seed(community)
    client.force_login(alice)
    act(client, t, action="rename", label="Parcels arrive late")
    for user in (carol, bob):
        client.force_login(user)
        response = client.post(
            reverse("research:theme_action", args=["acme", t.pk]), {"action": "rename", "label": ""}
        )
        assert response.status_code == 404
    t.refresh_from_db()
    assert t.display_label == "Parcels arrive late"


# --- Coding only published posts ---


def code_post(client, post, code, word="slow", **headers):
    start = post.body.index(word)
    return client.post(
        reverse("research:excerpt_create", args=["acme"]),
        {"post": post.pk, "code": code.pk, "start": start, "end": start + len(word), "text": word},
        **headers,
    )


@pytest.mark.parametrize(
    ("status", "said"),
    [
        (PostStatus.REMOVED, "this one is removed"),
        (PostStatus.HIDDEN, "this one is hidden by a moderator"),
        (PostStatus.PENDING, "this one is pending approval"),
    ],
)
def test_coding_a_post_that_is_not_published_is_refused_with_the_reason(
    client, community, alice, status, said
):
    _, posts, _ = seed(community, n=1)
    posts[0].status = status
    posts[0].save(update_fields=["status"])
    code = Code.objects.create(community=community, name="Delivery pain")
    client.force_login(alice)
    response = code_post(client, posts[0], code, HTTP_ACCEPT="application/json")
    assert response.status_code == 400
    assert response.json()["error"] == f"post: only published posts can be coded; {said}."
    assert not CodedExcerpt.objects.exists()


def test_coding_a_post_its_author_deleted_is_refused_on_the_page_too(client, community, alice):
    _, posts, _ = seed(community, n=1)
    post_delete(actor=posts[0].author, post=posts[0])
    posts[0].refresh_from_db()
    code = Code.objects.create(community=community, name="Delivery pain")
    client.force_login(alice)
    page = code_post(client, posts[0], code, follow=True).content.decode()
    assert "only published posts can be coded; this one is deleted by its author." in page
    assert not CodedExcerpt.objects.exists()


def test_coding_a_reply_under_a_removed_post_is_refused(community):
    discussion, posts, _ = seed(community, n=1)
    reply = PostFactory(
        discussion=discussion, author=posts[0].author, parent=posts[0], body="Still slow today."
    )
    posts[0].status = PostStatus.REMOVED
    posts[0].save(update_fields=["status"])
    code = Code.objects.create(community=community, name="Delivery pain")
    with pytest.raises(CurationError, match="replies to a post that is no longer published"):
        excerpt_create(post=reply, code=code, start=6, end=10, text="slow")
    assert not CodedExcerpt.objects.exists()


def test_a_participant_cannot_code_even_a_published_post(client, community, bob):
    _, posts, _ = seed(community, n=1)
    code = Code.objects.create(community=community, name="Delivery pain")
    client.force_login(bob)
    assert code_post(client, posts[0], code).status_code == 404
    assert not CodedExcerpt.objects.exists()


def _qdpx_codings(client) -> int:
    response = client.get(reverse("research:export_qdpx", args=["acme"]))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    return len(etree.fromstring(archive.read("project.qde")).findall(".//q:Coding", {"q": NS}))


def test_the_codebook_counts_the_excerpts_the_qdpx_export_carries(
    client, community, alice, django_assert_num_queries
):
    discussion, posts, _ = seed(community, n=3)
    code = Code.objects.create(community=community, name="Delivery pain")
    client.force_login(alice)
    for post in posts:
        assert code_post(client, post, code, HTTP_ACCEPT="application/json").status_code == 201
    reply = PostFactory(
        discussion=discussion, author=posts[2].author, parent=posts[2], body="Still slow today."
    )
    assert code_post(client, reply, code, HTTP_ACCEPT="application/json").status_code == 201
    # Coded while published, then removed, withdrawn by its author, and a thread hidden above a reply.
    posts[0].status = PostStatus.REMOVED
    posts[0].save(update_fields=["status"])
    post_delete(actor=posts[1].author, post=posts[1])
    posts[2].status = PostStatus.HIDDEN
    posts[2].save(update_fields=["status"])
    assert CodedExcerpt.objects.count() == 4
    assert _qdpx_codings(client) == 0
    url = reverse("research:codebook", args=["acme"])
    page = client.get(url).content.decode()
    assert '<th scope="row">Delivery pain</th>' in page
    assert '<td class="num">0</td>' in page
    posts[2].status = PostStatus.PUBLISHED
    posts[2].save(update_fields=["status"])
    assert _qdpx_codings(client) == 2
    one_code = _codebook_queries(client, url)
    for name in ("Price", "Staff", "Opening hours"):
        Code.objects.create(community=community, name=name)
    with django_assert_num_queries(one_code):  # one query for all codes' counts
        page = client.get(url).content.decode()
    assert '<td class="num">2</td>' in page and '<td class="num">0</td>' in page


def _codebook_queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    return len(ctx.captured_queries)
