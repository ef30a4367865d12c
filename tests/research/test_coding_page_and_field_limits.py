"""The coding page offers only posts that can be coded, and long codebook entries and theme
summaries are refused by the server with the limit and the length named, never cut by the page."""

from __future__ import annotations

from html import escape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from community.models import PostStatus
from research.models import Code, CodedExcerpt
from tests.factories import PostFactory
from tests.research.insights_data import seed

pytestmark = pytest.mark.django_db


def u(name, *args):
    return reverse(f"research:{name}", args=["acme", *args])


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


# --- The coding page lists only posts that can be coded ---


def test_a_reply_under_a_hidden_or_removed_post_is_not_offered_for_coding(client, community, alice):
    discussion, posts, _ = seed(community, n=3)
    Code.objects.create(community=community, name="Checkout trouble")
    hidden_reply = PostFactory(
        discussion=discussion, author=posts[0].author, parent=posts[0], body="The card reader froze again."
    )
    removed_reply = PostFactory(
        discussion=discussion, author=posts[1].author, parent=posts[1], body="My transfer took three days."
    )
    open_reply = PostFactory(
        discussion=discussion, author=posts[2].author, parent=posts[2], body="The app logged me out twice."
    )
    posts[0].status = PostStatus.HIDDEN
    posts[0].save(update_fields=["status"])
    posts[1].status = PostStatus.REMOVED
    posts[1].save(update_fields=["status"])
    client.force_login(alice)
    page = client.get(u("coding")).content.decode()
    for gone in (posts[0], posts[1], hidden_reply, removed_reply):
        assert f'data-post="{gone.pk}"' not in page
    assert "card reader froze" not in page and "transfer took three days" not in page
    assert f'data-post="{open_reply.pk}"' in page and "The app logged me out twice." in page
    assert f'data-post="{posts[2].pk}"' in page
    # What is offered can be coded.
    start = open_reply.body.index("logged")
    response = client.post(
        u("excerpt_create"),
        {"post": open_reply.pk, "code": Code.objects.get().pk, "start": start, "end": start + 6},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 201


def test_the_coding_page_keeps_constant_queries_with_replies_under_hidden_posts(client, community, alice):
    discussion, posts, _ = seed(community, n=2)
    Code.objects.create(community=community, name="x")
    client.force_login(alice)
    few = _queries(client, u("coding"))
    more_discussion, more, _ = seed(community, n=5, key="more")
    for parent in more:
        PostFactory(discussion=more_discussion, author=parent.author, parent=parent, body="Same again here.")
    more[0].status = PostStatus.HIDDEN
    more[0].save(update_fields=["status"])
    assert _queries(client, u("coding")) == few
    assert _queries(client, u("coding") + f"?discussion={more_discussion.pk}") == few


def test_a_participant_cannot_open_the_coding_page(client, community, bob):
    seed(community, n=1)
    client.force_login(bob)
    assert client.get(u("coding")).status_code == 404


# --- Codebook fields: the server's error, never a silent cut ---


def test_the_codebook_form_sets_no_browser_limit_and_names_the_limits(client, community, alice):
    client.force_login(alice)
    page = client.get(u("codebook")).content.decode()
    assert "maxlength" not in page
    assert "At most 120 characters." in page and "At most 2000 characters." in page
    assert "at most 50, each at most 300 characters" in page


def test_a_long_code_name_is_refused_naming_the_limit_and_kept_as_typed(client, community, alice):
    client.force_login(alice)
    typed = "Overdraft fees charged " + "again " * 20  # 143 characters, 142 trimmed
    response = client.post(u("codebook"), {"name": typed, "description": "Fees", "examples": "fee"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Name: at most 120 characters; this one has 142." in html
    assert f'value="{typed}"' in html
    assert not Code.objects.exists()


def test_a_long_description_or_example_is_refused_on_edit_with_the_text_kept(client, community, alice):
    code = Code.objects.create(community=community, name="Returns", description="Sending items back")
    client.force_login(alice)
    description = "Customers describe the returns desk. " * 60  # 2220 characters, 2219 trimmed
    response = client.post(u("code_edit", code.pk), {"name": "Returns", "description": description})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Description: at most 2000 characters; this one has 2219." in html
    assert escape(description.strip()) in html
    examples = "refund took ages\n\n" + "the app crashed " * 20 + "\nno receipt"
    response = client.post(u("code_edit", code.pk), {"name": "Returns", "examples": examples})
    assert response.status_code == 400
    assert "Examples: each phrase at most 300 characters; line 3 has 319." in response.content.decode()
    many = "\n".join(f"phrase {n}" for n in range(51))
    response = client.post(u("code_edit", code.pk), {"name": "Returns", "examples": many})
    assert "Examples: at most 50 phrases; this list has 51." in response.content.decode()
    code.refresh_from_db()
    assert (code.description, code.examples) == ("Sending items back", [])


def test_a_code_at_the_limits_is_saved_whole(client, community, alice):
    client.force_login(alice)
    name = "n" * 120
    response = client.post(
        u("codebook"), {"name": name, "description": "d" * 2000, "examples": "e" * 300 + "\nshort"}
    )
    assert response.status_code == 302
    code = Code.objects.get()
    assert (code.name, len(code.description), code.examples) == (name, 2000, ["e" * 300, "short"])


def test_a_duplicate_code_name_is_refused_beside_the_name_with_the_text_kept(client, community, alice):
    Code.objects.create(community=community, name="Overdraft fees")
    other = Code.objects.create(community=community, name="Card declined")
    client.force_login(alice)

    response = client.post(u("codebook"), {"name": "overdraft FEES", "description": "Charges"})

    assert response.status_code == 400
    html = response.content.decode()
    name_field = html.split('for="id_name"')[1].split("<input")[0]
    assert "Name: a code called “overdraft FEES” already exists." in name_field
    assert 'value="overdraft FEES"' in html and "Charges</textarea>" in html
    assert "form-errors" not in html
    # Renaming another code to a name in use is refused the same way, on its edit form.
    response = client.post(u("code_edit", other.pk), {"name": "Overdraft Fees"})
    assert response.status_code == 400
    assert 'value="Overdraft Fees"' in response.content.decode()
    assert "Name: a code called “Overdraft Fees” already exists." in response.content.decode()
    assert sorted(Code.objects.values_list("name", flat=True)) == ["Card declined", "Overdraft fees"]


def test_a_client_cannot_add_a_code(client, community, carol):
    client.force_login(carol)
    assert client.post(u("codebook"), {"name": "Fees"}).status_code == 404
    assert not Code.objects.exists() and not CodedExcerpt.objects.exists()


# --- The theme summary: a field error with the text kept ---


def test_a_long_theme_summary_is_refused_beside_the_field_with_the_text_kept(client, community, alice):
    _, _, t = seed(community)
    client.force_login(alice)
    url = u("theme_detail", t.pk)
    page = client.get(url).content.decode()
    assert 'name="summary" rows="5" maxlength' not in page and "maxlength" not in page
    assert "At most 4000 characters." in page
    typed = "Savers say the interest rate page is confusing. " * 90  # 4320 characters, 4319 trimmed
    response = client.post(u("theme_action", t.pk), {"action": "summary", "summary": typed})
    assert response.status_code == 400
    html = response.content.decode()
    assert '<ul class="errorlist" id="summary-error" role="alert">' in html
    assert "<li>Summary: at most 4000 characters; this one has 4319.</li>" in html
    assert f'aria-describedby="summary-error" autofocus>{typed}</textarea>' in html
    t.refresh_from_db()
    assert t.researcher_summary == ""
    # A summary within the limit is saved as before.
    response = client.post(u("theme_action", t.pk), {"action": "summary", "summary": "Rates confuse savers."})
    assert response.status_code == 302
    t.refresh_from_db()
    assert t.researcher_summary == "Rates confuse savers."


def test_a_client_cannot_set_a_theme_summary(client, community, carol):
    _, _, t = seed(community)
    client.force_login(carol)
    response = client.post(u("theme_action", t.pk), {"action": "summary", "summary": "x"})
    assert response.status_code == 404
    t.refresh_from_db()
    assert t.researcher_summary == ""
