"""Signing in with the invitation's email, and invitation links that point where the app is served."""

from __future__ import annotations

import pytest
from django.urls import reverse

from community.invitations import invitation_path
from community.models import Invitation, Role
from community.services.memberships import invitation_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"


def test_the_sign_in_form_asks_for_an_email_or_username(client):
    html = client.get(reverse("login")).content.decode()
    assert "Email or username" in html


def test_a_member_signs_in_with_their_email_in_any_case(client, bob):
    bob.email = "bob.participant@example.com"
    bob.save()
    response = client.post(
        reverse("login"), {"username": " Bob.Participant@Example.com ", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == bob.pk


def test_a_member_still_signs_in_with_their_username(client, bob):
    assert client.post(reverse("login"), {"username": "bob", "password": PASSWORD}).status_code == 302


def test_an_email_with_a_wrong_or_someone_elses_password_is_refused(client, bob, carol):
    bob.email, carol.email = "bob@example.com", "carol@example.com"
    bob.save()
    carol.set_password("carols own secret")
    carol.save()
    for username, password in (("bob@example.com", "wrong"), ("bob@example.com", "carols own secret")):
        response = client.post(reverse("login"), {"username": username, "password": password})
        assert response.status_code == 200
        assert "do not match an account" in response.content.decode()
        assert "_auth_user_id" not in client.session


def test_an_email_shared_by_two_accounts_signs_in_neither(client, bob):
    bob.email = "shared@example.com"
    bob.save()
    UserFactory(username="other", email="SHARED@example.com")
    response = client.post(reverse("login"), {"username": "shared@example.com", "password": PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_the_join_page_says_what_to_sign_in_with_and_that_works(client, alice, community):
    invitation = invitation_create(
        community=community, email="sam@example.com", role=Role.PARTICIPANT, invited_by=alice
    )
    html = client.get(invitation_path(invitation)).content.decode()
    assert "To sign in later, use this email address, <strong>sam@example.com</strong>" in html
    client.post(
        invitation_path(invitation),
        {"first_name": "Sam", "password1": "a-long-pass-phrase", "password2": "a-long-pass-phrase"},
    )
    client.post(reverse("logout"))
    response = client.post(
        reverse("login"), {"username": "sam@example.com", "password": "a-long-pass-phrase"}
    )
    assert response.status_code == 302
    client.post(reverse("logout"))
    # The first name is not a way in: the page never offered it.
    assert (
        client.post(reverse("login"), {"username": "Sam", "password": "a-long-pass-phrase"}).status_code
        == 200
    )


def test_invitation_links_point_at_the_host_the_app_is_served_on(
    client, alice, community, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = ""
    settings.ALLOWED_HOSTS = ["research.example.org"]
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("member_invite", args=["acme"]),
            {"email": "sam@example.com", "role": "participant", "segments": ""},
            HTTP_HOST="research.example.org",
            secure=True,
        )
    invitation = Invitation.objects.get(email="sam@example.com")
    assert f"https://research.example.org{invitation_path(invitation)}" in mailoutbox[0].body
    assert "127.0.0.1" not in mailoutbox[0].body


def test_a_configured_site_url_wins_over_the_request(
    client, alice, community, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://panel.example.com"
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("member_invite", args=["acme"]), {"email": "sam@example.com", "role": "participant"}
        )
    invitation = Invitation.objects.get(email="sam@example.com")
    assert f"https://panel.example.com{invitation_path(invitation)}" in mailoutbox[0].body


def test_a_participant_cannot_send_invitations(client, bob, community, mailoutbox):
    client.force_login(bob)
    response = client.post(
        reverse("member_invite", args=["acme"]), {"email": "sam@example.com", "role": "participant"}
    )
    assert response.status_code == 404
    assert not mailoutbox and not Invitation.objects.exists()
