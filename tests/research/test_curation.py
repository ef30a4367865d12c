"""Theme curation: moderators rename, summarise, hide, merge and split; clients see the result."""

from __future__ import annotations

import pytest
from django.urls import reverse

from research.curation_services import CurationError, theme_split, theme_summary_set
from research.models import Theme, ThemePost
from tests.research.insights_data import seed, theme

pytestmark = pytest.mark.django_db


def act(client, t, **data):
    return client.post(reverse("research:theme_action", args=["acme", t.pk]), data)


def test_it_lets_a_moderator_rename_and_summarise_a_theme_that_clients_then_read(
    client, community, alice, carol
):
    _, _, t = seed(community)
    client.force_login(alice)
    act(client, t, action="rename", label="Deliveries arrive late")
    act(client, t, action="summary", summary="Customers in every segment wait days for parcels.")
    client.force_login(carol)
    html = client.get(reverse("research:themes", args=["acme"])).content.decode()
    assert "Deliveries arrive late" in html
    assert "Customers in every segment wait days for parcels." in html
    assert (
        "Deliveries arrive late" in client.get(reverse("research:dashboard", args=["acme"])).content.decode()
    )


def test_it_keeps_the_researchers_summary_when_counts_are_recomputed(community):
    from research.services import themes_recount

    _, _, t = seed(community)
    theme_summary_set(theme=t, summary="Written by a researcher.")
    themes_recount(theme_ids=[t.pk])
    t.refresh_from_db()
    assert t.researcher_summary == "Written by a researcher."


def test_it_hides_a_theme_from_clients_but_not_from_moderators(client, community, alice, carol):
    _, _, t = seed(community)
    client.force_login(alice)
    act(client, t, action="hide")
    assert "late delivery" in client.get(reverse("research:themes", args=["acme"])).content.decode()
    client.force_login(carol)
    assert "late delivery" not in client.get(reverse("research:dashboard", args=["acme"])).content.decode()
    assert client.get(reverse("research:theme_detail", args=["acme", t.pk])).status_code == 404


def test_it_merges_one_theme_into_another(client, community, alice, carol):
    _, posts, t = seed(community)
    other = theme(community, "parcels", "parcels", posts[:1])
    client.force_login(alice)
    response = act(client, other, action="merge", into=t.pk)
    assert response.url == reverse("research:theme_detail", args=["acme", t.pk])
    other.refresh_from_db()
    assert other.merged_into_id == t.pk
    client.force_login(carol)
    assert "parcels" not in client.get(reverse("research:themes", args=["acme"])).content.decode()


def test_it_splits_selected_posts_into_a_new_theme(client, community, alice):
    _, posts, t = seed(community, n=4)
    client.force_login(alice)
    act(client, t, action="split", label="Rude couriers", posts=[posts[0].pk, posts[1].pk])
    new = Theme.objects.get(researcher_label="Rude couriers")
    assert set(ThemePost.objects.filter(theme=new).values_list("post_id", flat=True)) == {
        posts[0].pk,
        posts[1].pk,
    }
    t.refresh_from_db()
    assert (t.post_count, new.post_count) == (2, 2)


def test_it_refuses_a_split_that_would_empty_the_theme_or_names_nothing(community):
    _, posts, t = seed(community, n=2)
    with pytest.raises(CurationError, match="leave at least one"):
        theme_split(theme=t, post_ids=[p.pk for p in posts], label="All of it")
    with pytest.raises(CurationError, match="label"):
        theme_split(theme=t, post_ids=[posts[0].pk], label=" ")
    assert Theme.objects.count() == 1


def test_it_shows_a_rejected_edit_as_an_error_naming_the_field(client, community, alice):
    _, _, t = seed(community)
    client.force_login(alice)
    response = act(client, t, action="summary", summary="x" * 4001)
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "summary: at most 4000 characters" in page


def test_it_refuses_curation_by_clients_participants_and_outsiders(client, community, carol, bob, eve):
    _, _, t = seed(community)
    for user in (carol, bob, eve):
        client.force_login(user)
        assert act(client, t, action="hide").status_code == 404
    t.refresh_from_db()
    assert not t.is_hidden


def test_it_shows_theme_pages_to_readers_only(client, community, alice, carol, bob, eve):
    _, _, t = seed(community)
    for user, status in ((alice, 200), (carol, 200), (bob, 404), (eve, 404)):
        client.force_login(user)
        assert client.get(reverse("research:themes", args=["acme"])).status_code == status
        assert client.get(reverse("research:theme_detail", args=["acme", t.pk])).status_code == status


def test_it_shows_clients_redacted_posts_on_a_theme_and_moderators_the_original(
    client, community, alice, carol
):
    _, _, t = seed(community)
    client.force_login(carol)
    html = client.get(reverse("research:theme_detail", args=["acme", t.pk])).content.decode()
    assert "bob.secret@example.com" not in html and "[EMAIL]" in html
    client.force_login(alice)
    assert (
        "bob.secret@example.com"
        in client.get(reverse("research:theme_detail", args=["acme", t.pk])).content.decode()
    )


def test_it_lists_themes_in_constant_queries(client, community, carol, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _, posts, _ = seed(community)
    client.force_login(carol)
    with CaptureQueriesContext(connection) as first:
        client.get(reverse("research:themes", args=["acme"]))
    for i in range(5):
        theme(community, f"k{i}", f"theme {i}", posts)
    with django_assert_num_queries(len(first.captured_queries)):
        client.get(reverse("research:themes", args=["acme"]))
