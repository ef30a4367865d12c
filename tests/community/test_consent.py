"""Consent: participants accept the community's consent text before taking part."""

from __future__ import annotations

import pytest
from django.urls import reverse

from community.models import AuditEntry
from community.services.memberships import community_update_consent
from tests.conftest import membership_of


def test_it_sends_a_participant_without_consent_to_the_consent_page(client, dave, community):
    client.force_login(dave)
    response = client.get(reverse("community_home", args=["acme"]))
    assert response.status_code == 302
    assert response.url == reverse("consent", args=["acme"]) + "?next=%2Fc%2Facme%2F"


def test_it_blocks_every_community_page_until_consent_is_given(client, dave, community):
    client.force_login(dave)
    for name in ["discussion_list", "community_home"]:
        response = client.get(reverse(name, args=["acme"]))
        assert response.status_code == 302, name
        assert response.url.startswith(reverse("consent", args=["acme"]))


def test_it_records_the_version_and_time_when_a_participant_agrees(client, dave, community):
    client.force_login(dave)
    page = client.get(reverse("consent", args=["acme"]))
    assert "read by the research team" in page.content.decode()
    response = client.post(reverse("consent", args=["acme"]), {"agree": "on", "next": "/c/acme/"})
    assert response.status_code == 302
    assert response.url == "/c/acme/"
    membership = membership_of(dave, community)
    assert membership.consent_version == community.consent_version
    assert membership.consented_at is not None
    assert AuditEntry.objects.filter(action="membership.consented", target_id=membership.pk).exists()
    assert client.get(reverse("community_home", args=["acme"])).status_code == 200


def test_it_does_not_record_consent_unless_the_box_is_ticked(client, dave, community):
    client.force_login(dave)
    response = client.post(reverse("consent", args=["acme"]), {})
    assert response.status_code == 200
    assert "Tick the box to agree" in response.content.decode()
    assert 'aria-describedby="id_agree_error"' in response.content.decode()
    assert membership_of(dave, community).consent_version is None


def test_it_asks_again_when_the_consent_version_is_bumped(client, alice, bob, community):
    client.force_login(bob)
    assert client.get(reverse("community_home", args=["acme"])).status_code == 200
    community_update_consent(community=community, consent_text="New terms: we also quote you.", actor=alice)
    response = client.get(reverse("community_home", args=["acme"]))
    assert response.status_code == 302
    page = client.get(response.url)
    assert "The terms have changed" in page.content.decode()
    assert "New terms: we also quote you." in page.content.decode()
    client.post(reverse("consent", args=["acme"]), {"agree": "on"})
    assert membership_of(bob, community).consent_version == 2
    assert client.get(reverse("community_home", args=["acme"])).status_code == 200


@pytest.mark.parametrize("persona", ["alice", "carol"])
def test_it_never_asks_moderators_or_clients_for_consent(client, request, community, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("community_home", args=["acme"])).status_code == 200
    response = client.get(reverse("consent", args=["acme"]))
    assert response.status_code == 302
    assert response.url == reverse("community_home", args=["acme"])


def test_it_hides_the_consent_page_from_outsiders(client, eve, community):
    client.force_login(eve)
    assert client.get(reverse("consent", args=["acme"])).status_code == 404
    assert client.post(reverse("consent", args=["acme"]), {"agree": "on"}).status_code == 404


def test_it_ignores_a_next_address_on_another_site(client, dave, community):
    client.force_login(dave)
    response = client.post(
        reverse("consent", args=["acme"]), {"agree": "on", "next": "https://evil.example/"}
    )
    assert response.url == reverse("community_home", args=["acme"])


def test_it_redirects_htmx_requests_with_a_header(client, dave, community):
    client.force_login(dave)
    response = client.get(reverse("community_home", args=["acme"]), headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith(reverse("consent", args=["acme"]))


def test_it_shows_a_participant_what_they_already_agreed_to(client, bob, community):
    client.force_login(bob)
    response = client.get(reverse("consent", args=["acme"]))
    assert response.status_code == 200
    assert "What you agreed to" in response.content.decode()


def test_it_keeps_a_participant_from_posting_until_they_consent(client, dave, community):
    from community.models import Post
    from tests.factories import DiscussionFactory

    discussion = DiscussionFactory(community=community)
    client.force_login(dave)
    url = reverse("post_create", args=["acme", discussion.pk])
    response = client.post(url, {"body": "My first thoughts on the app."})
    assert response.status_code == 302
    assert response.url == reverse("consent", args=["acme"])  # a POST is not replayed, so no ?next
    assert not Post.objects.filter(discussion=discussion).exists()
    client.post(reverse("consent", args=["acme"]), {"agree": "on"})
    client.post(url, {"body": "My first thoughts on the app."})
    assert Post.objects.filter(discussion=discussion, author__user=dave).count() == 1
