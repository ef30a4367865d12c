"""The posts exports and the API's posts hold moderators' posts too, where insights count
participants' posts only: the difference is said where a reader meets it, and
`?author_role=participant` gives back the dashboard's count."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.test import APIClient

from community.models import Role
from research.models import WARM_UP_REASON
from tests.conftest import membership_of
from tests.factories import DiscussionFactory, MembershipFactory, PostFactory
from tests.research.exports_helpers import analyse
from tests.research.test_api import api_for

pytestmark = pytest.mark.django_db


def add_participant_posts(community, discussion, n):
    for i in range(n):
        person = MembershipFactory(community=community, role=Role.PARTICIPANT, segments=["app users"])
        analyse(PostFactory(discussion=discussion, author=person, body=f"The checkout app froze {i} times."))


@pytest.fixture
def forum(community, alice):
    """Three participants' analysed posts and two of the moderator's (a question, a reply)."""
    discussion = DiscussionFactory(community=community, title="Checkout")
    add_participant_posts(community, discussion, 3)
    moderator = membership_of(alice, community)
    for body in ("What happened at checkout?", "Thanks, tell us more."):
        analyse(PostFactory(discussion=discussion, author=moderator, body=body), sentiment="neutral")
    return discussion


def dashboard_posts(client) -> int:
    heading = client.get(reverse("research:dashboard", args=["acme"])).content.decode()
    return int(re.search(r"(\d+) posts?\b", heading).group(1))


def csv_rows(client, **params) -> list[dict]:
    response = client.get(reverse("research:export_posts_csv", args=["acme"]), params)
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_the_participants_posts_export_counts_what_the_dashboard_counts(client, community, carol, forum):
    client.force_login(carol)
    assert dashboard_posts(client) == 3
    everyone = csv_rows(client)
    assert len(everyone) == 5
    assert sorted(r["author_role"] for r in everyone) == ["moderator"] * 2 + ["participant"] * 3
    participants = csv_rows(client, author_role="participant")
    assert len(participants) == dashboard_posts(client) == 3
    assert {r["author_role"] for r in participants} == {"participant"}
    assert [r["author_role"] for r in csv_rows(client, author_role="moderator")] == ["moderator"] * 2


def test_with_a_warm_up_the_participants_rows_with_a_sentiment_are_the_dashboards(
    client, community, carol, forum
):
    intros = DiscussionFactory(community=community, title="Introductions", in_analysis=False)
    person = MembershipFactory(community=community, role=Role.PARTICIPANT)
    post = PostFactory(discussion=intros, author=person, body="Hi, I shop here weekly.")
    analyse(post, analysable=False, reason=WARM_UP_REASON, sentiment="")
    client.force_login(carol)
    participants = csv_rows(client, author_role="participant")
    assert len(participants) == 4
    assert sum(1 for r in participants if r["sentiment"]) == dashboard_posts(client) == 3


def test_the_exports_page_says_the_files_hold_moderators_posts_and_links_participants_only(
    client, community, carol, forum
):
    client.force_login(carol)
    page = client.get(reverse("research:exports", args=["acme"]), {"segment": "app users"}).content.decode()
    assert "moderators’ questions and replies included" in page
    assert "The dashboard counts participants’ posts only" in page
    csv_url = reverse("research:export_posts_csv", args=["acme"])
    assert f'href="{csv_url}?segment=app+users&amp;author_role=participant"' in page
    assert "add <code>author_role=participant</code> for participants’ only" in page


def test_the_participants_files_say_so_in_their_name_and_filters_sheet(client, community, alice, forum):
    client.force_login(alice)
    response = client.get(
        reverse("research:export_posts_xlsx", args=["acme"]), {"author_role": "participant"}
    )
    assert response.status_code == 200
    assert re.search(r'filename="acme-participant-posts-\d{8}-\d{4}\.xlsx"', response["Content-Disposition"])
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert len(list(book["Posts"].values)) == 1 + 3
    sheet = {row[0]: row[1] for row in book["Filters"].values}
    assert sheet["Posts by"] == "participants only"
    assert "Filters" not in sheet
    csv_response = client.get(
        reverse("research:export_posts_csv", args=["acme"]), {"author_role": "participant"}
    )
    assert 'filename="acme-participant-posts-' in csv_response["Content-Disposition"]
    plain = client.get(reverse("research:export_posts_csv", args=["acme"]))
    assert 'filename="acme-posts-' in plain["Content-Disposition"]


@pytest.mark.parametrize("value", ["admin", "participants", "Participant"])
def test_an_unknown_author_role_is_refused_naming_the_parameter(client, community, carol, forum, value):
    client.force_login(carol)
    response = client.get(reverse("research:export_posts_csv", args=["acme"]), {"author_role": value})
    assert response.status_code == 400
    said = f"author_role: '{value}' is not an author role (use participant or moderator)"
    assert said in response.content.decode()
    answer = api_for(carol).get(reverse("api:posts", args=["acme"]), {"author_role": value})
    assert answer.status_code == 400
    assert answer.json() == {"detail": said, "author_role": [said.split(": ", 1)[1]]}


def test_a_bad_author_role_and_a_bad_segment_are_named_together(client, community, carol, forum):
    answer = api_for(carol).get(
        reverse("api:posts", args=["acme"]), {"author_role": "x", "segment": "nobody"}
    )
    assert answer.status_code == 400
    assert set(answer.json()) == {"detail", "segment", "author_role"}


def test_the_other_exports_refuse_author_role_as_a_parameter_they_do_not_read(
    client, community, carol, forum
):
    client.force_login(carol)
    for name in ("research:export_themes_xlsx", "research:export_qdpx"):
        response = client.get(reverse(name, args=["acme"]), {"author_role": "participant"})
        assert response.status_code == 400, name
        assert "Unknown parameter 'author_role'" in response.content.decode()
    themes = api_for(carol).get(reverse("api:themes", args=["acme"]), {"author_role": "participant"})
    assert themes.status_code == 400 and themes.json()["unknown"] == ["author_role"]


def test_the_api_posts_filtered_to_participants_count_what_the_dashboard_counts(
    client, community, carol, forum
):
    api = api_for(carol)
    url = reverse("api:posts", args=["acme"])
    assert api.get(url).json()["count"] == 5
    answer = api.get(url, {"author_role": "participant"}).json()
    client.force_login(carol)
    assert answer["count"] == dashboard_posts(client) == 3
    assert {p["author_role"] for p in answer["results"]} == {"participant"}


def test_the_participants_posts_list_in_constant_queries(community, carol, forum):
    api = api_for(carol)
    url = reverse("api:posts", args=["acme"])
    with CaptureQueriesContext(connection) as few:
        assert api.get(url, {"author_role": "participant"}).json()["count"] == 3
    add_participant_posts(community, forum, 6)
    with CaptureQueriesContext(connection) as many:
        assert api.get(url, {"author_role": "participant"}).json()["count"] == 9
    assert len(many.captured_queries) == len(few.captured_queries)


def test_participants_and_outsiders_cannot_read_participants_posts(client, community, bob, eve, forum):
    for user in (bob, eve):
        client.force_login(user)
        url = reverse("research:export_posts_csv", args=["acme"])
        assert client.get(url, {"author_role": "participant"}).status_code == 404
        # Refused before the filter is read: a bad value tells them nothing either.
        assert client.get(url, {"author_role": "nonsense"}).status_code == 404
        answer = api_for(user).get(reverse("api:posts", args=["acme"]), {"author_role": "participant"})
        assert answer.status_code == (403 if user == bob else 404)  # a participant is told why
    assert APIClient().get(reverse("api:posts", args=["acme"]), {"author_role": "x"}).status_code == 401


def test_the_api_schema_says_posts_include_moderators_and_offers_the_filter(db):
    schema = APIClient().get(reverse("api:schema"), {"format": "json"}).json()
    operation = schema["paths"]["/api/v1/communities/{slug}/posts/"]["get"]
    assert "moderators' included: `author_role` tells them apart" in operation["description"]
    assert "count participants' posts only" in operation["description"]
    parameter = next(p for p in operation["parameters"] if p["name"] == "author_role")
    assert parameter["in"] == "query" and set(parameter["schema"]["enum"]) == {"participant", "moderator"}
