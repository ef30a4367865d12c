"""Accounts and homes: login, logout, password reset, each role's home, creating communities."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from community.models import AuditEntry, Community, Membership, Role
from tests.factories import CommunityFactory, MembershipFactory, UserFactory


def test_it_signs_a_member_in_and_shows_their_communities(client, bob, community):
    response = client.post(reverse("login"), {"username": "bob", "password": "correct horse battery"})
    assert response.status_code == 302
    assert response.url == reverse("home")
    body = client.get(reverse("home")).content.decode()
    assert "Acme Listening Lab" in body
    assert "badge-participant" in body


def test_it_refuses_a_wrong_password_with_a_message(client, bob):
    response = client.post(reverse("login"), {"username": "bob", "password": "nope"})
    assert response.status_code == 200
    assert "That email or username and password do not match an account." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_it_signs_out_only_on_post_and_asks_someone_who_types_the_address(client, bob):
    client.force_login(bob)
    page = client.get(reverse("logout"))
    assert page.status_code == 200 and "Sign out?" in page.content.decode()
    assert 'action="/logout/"' in page.content.decode()
    assert "_auth_user_id" in client.session
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_it_resets_a_forgotten_password_by_email(client, bob, mailoutbox):
    response = client.post(reverse("password_reset"), {"email": bob.email})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    link = re.search(r"https?://[^/]+(/password/reset/\S+/)", mailoutbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0]
    response = client.post(
        set_url, {"new_password1": "a-brand-new-phrase", "new_password2": "a-brand-new-phrase"}
    )
    assert response.status_code == 302
    bob.refresh_from_db()
    assert bob.check_password("a-brand-new-phrase")


def test_it_uses_the_console_email_backend_by_default():
    from config.env import env_str

    assert env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend").endswith(
        "console.EmailBackend"
    )


@pytest.mark.parametrize(
    ("persona", "expected", "absent"),
    [
        ("bob", ["What's new for you", "Swift Heron"], ["Invite people", "Run the community"]),
        (
            "alice",
            ["Run the community", "Invite people", reverse("member_list", args=["acme"])],
            ["What's new"],
        ),
        ("carol", ["What customers are saying"], ["Invite people", "What's new"]),
    ],
)
def test_it_shows_each_role_its_own_community_home(client, request, community, persona, expected, absent):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse("community_home", args=["acme"]))
    assert response.status_code == 200
    body = response.content.decode()
    for text in expected:
        assert text in body, text
    for text in absent:
        assert text not in body, text


def test_it_answers_not_found_to_outsiders_and_anonymous_gets_sign_in(client, eve, community):
    client.force_login(eve)
    assert client.get(reverse("community_home", args=["acme"])).status_code == 404
    assert client.get(reverse("community_home", args=["no-such-place"])).status_code == 404
    client.logout()
    response = client.get(reverse("community_home", args=["acme"]))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_it_shows_one_person_different_roles_in_different_communities(client, bob, other_community):
    MembershipFactory(user=bob, community=other_community, role=Role.CLIENT, pseudonym="Client Bob")
    client.force_login(bob)
    body = client.get(reverse("home")).content.decode()
    assert "badge-participant" in body and "badge-client" in body
    assert client.get(reverse("community_home", args=["other"])).context["membership"].role == Role.CLIENT


def test_it_keeps_the_home_page_to_a_fixed_number_of_queries(
    client, bob, community, django_assert_max_num_queries
):
    client.force_login(bob)
    with django_assert_max_num_queries(8) as few:
        client.get(reverse("home"))
    for number in range(12):
        MembershipFactory(user=bob, community=CommunityFactory(slug=f"c{number}"))
    with django_assert_max_num_queries(8) as many:
        response = client.get(reverse("home"))
    assert len(response.context["memberships"]) == 13
    assert len(many.captured_queries) == len(few.captured_queries)


def test_it_keeps_the_moderator_community_home_to_a_fixed_number_of_queries(
    client, alice, community, django_assert_max_num_queries
):
    client.force_login(alice)
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("community_home", args=["acme"]))
    for _ in range(20):
        MembershipFactory(community=community)
    with django_assert_max_num_queries(12) as many:
        response = client.get(reverse("community_home", args=["acme"]))
    assert response.context["counts"].participants == 20
    assert len(many.captured_queries) == len(few.captured_queries)


def test_it_lets_staff_create_a_community_and_moderate_it(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        reverse("community_create"),
        {
            "name": "Northwind Voices",
            "slug": "northwind",
            "brand_name": "Northwind",
            "brand_aliases": "NW, North Wind",
            "competitor_brands": "Southgate",
            "description": "",
            "consent_text": "You agree.",
        },
    )
    assert response.status_code == 302
    assert response.url == reverse("member_invite", args=["northwind"])
    created = Community.objects.get(slug="northwind")
    assert created.brand_aliases == ["NW", "North Wind"]
    assert Membership.objects.get(user=admin_user, community=created).role == Role.MODERATOR
    assert AuditEntry.objects.filter(action="community.created", community=created).exists()


def test_it_names_the_field_when_a_community_address_is_taken(client, admin_user, community):
    client.force_login(admin_user)
    response = client.post(
        reverse("community_create"),
        {"name": "Dup", "slug": "acme", "brand_name": "X", "consent_text": "ok"},
    )
    assert response.status_code == 200
    assert 'aria-describedby="id_slug_helptext id_slug_error"' in response.content.decode()
    assert Community.objects.filter(slug="acme").count() == 1


@pytest.mark.parametrize("persona", ["alice", "bob", "carol", "eve"])
def test_it_refuses_community_creation_to_non_staff(client, request, community, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("community_create")).status_code == 404
    response = client.post(
        reverse("community_create"), {"name": "X", "slug": "x", "brand_name": "X", "consent_text": "ok"}
    )
    assert response.status_code == 404
    assert not Community.objects.filter(slug="x").exists()


def test_it_shows_an_empty_state_to_someone_without_communities(client, db):
    client.force_login(UserFactory(username="newcomer"))
    body = client.get(reverse("home")).content.decode()
    assert "You are not in any community yet" in body
    assert "Create a community" not in body


def test_it_shows_a_site_administrator_where_to_start(client, admin_user):
    client.force_login(admin_user)
    body = client.get(reverse("home")).content.decode()
    assert "You administer this site" in body and "You are not in any community yet" not in body
    assert "Create a community" in body and reverse("admin:index") in body
