"""Invitations: single and CSV, signed expiring single-use links, accepting them."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import signing
from django.urls import reverse

from community.invitations import InvitationError, invitation_from_signed, invitation_path
from community.models import AuditEntry, Invitation, Membership, Role
from community.services.memberships import (
    CsvInviteError,
    MembershipError,
    invitation_accept,
    invitation_create,
    invitation_revoke,
    invitations_create_from_csv,
)
from tests.factories import MembershipFactory, UserFactory

User = get_user_model()


def _invite(community, alice, email="new.person@example.com", role=Role.PARTICIPANT, segments=("app users",)):
    return invitation_create(
        community=community, email=email, role=role, segments=list(segments), invited_by=alice
    )


# --- Sending invitations -------------------------------------------------------------------


def test_it_lets_a_moderator_invite_one_person_by_email(
    client, alice, community, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("member_invite", args=["acme"]),
            {"email": "Sam@Example.com", "role": "participant", "segments": "app users, London"},
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get(community=community)
    assert invitation.email == "sam@example.com"
    assert invitation.segments == ["app users", "London"]
    assert invitation.invited_by == alice
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["sam@example.com"]
    assert f"/c/acme/join/{invitation.token}:" in mailoutbox[0].body
    assert AuditEntry.objects.filter(action="membership.invited", target_id=invitation.pk).exists()


def test_it_sends_no_email_when_the_invitation_is_rolled_back(
    alice, community, mailoutbox, django_capture_on_commit_callbacks
):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):  # noqa: SIM117
        with transaction.atomic():
            _invite(community, alice)
            raise RuntimeError("boom")
    assert mailoutbox == []
    assert not Invitation.objects.exists()


def test_it_refuses_to_invite_an_existing_member(alice, bob, community):
    with pytest.raises(Exception, match="already a member"):
        _invite(community, alice, email=bob.email)


def test_it_shows_the_invite_form_error_next_to_the_field(client, alice, community):
    client.force_login(alice)
    response = client.post(
        reverse("member_invite", args=["acme"]), {"email": "not-an-email", "role": "participant"}
    )
    assert response.status_code == 200
    assert 'aria-describedby="id_email_error"' in response.content.decode()
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("persona", ["bob", "carol", "eve"])
def test_it_refuses_invitations_from_anyone_but_a_moderator(client, request, community, persona):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    assert client.get(reverse("member_invite", args=["acme"])).status_code == 404
    response = client.post(
        reverse("member_invite", args=["acme"]), {"email": "x@example.com", "role": "moderator"}
    )
    assert response.status_code == 404
    csv = _upload("x@example.com,moderator,\n")
    assert client.post(reverse("member_invite_csv", args=["acme"]), {"file": csv}).status_code == 404
    assert not Invitation.objects.exists()


def test_it_sends_anonymous_visitors_to_sign_in_before_inviting(client, community):
    response = client.get(reverse("member_invite", args=["acme"]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_it_replaces_an_earlier_link_when_inviting_the_same_person_again(alice, community):
    first = _invite(community, alice)
    second = _invite(community, alice)
    first.refresh_from_db()
    assert first.revoked_at is not None
    with pytest.raises(InvitationError) as caught:
        invitation_from_signed(signed=_signed(first), community_slug="acme")
    assert caught.value.reason == InvitationError.REVOKED
    assert invitation_from_signed(signed=_signed(second), community_slug="acme") == second


# --- CSV --------------------------------------------------------------------------------------


def _upload(text: str, name: str = "people.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def test_it_invites_everyone_in_a_csv_file(
    client, alice, community, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    text = (
        "email,role,segments\n"
        "a@example.com,participant,app users;London\n"
        "b@example.com,,\n"
        "c@example.com,client,\n"
        '"d@example.com",moderator,"north, south"\n'
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("member_invite_csv", args=["acme"]), {"file": _upload(text)})
    assert response.status_code == 302
    invitations = {i.email: i for i in Invitation.objects.filter(community=community)}
    assert set(invitations) == {"a@example.com", "b@example.com", "c@example.com", "d@example.com"}
    assert invitations["a@example.com"].segments == ["app users", "London"]
    assert invitations["b@example.com"].role == Role.PARTICIPANT
    assert invitations["c@example.com"].role == Role.CLIENT
    assert invitations["d@example.com"].segments == ["north", "south"]
    assert len(mailoutbox) == 4
    assert AuditEntry.objects.filter(action="membership.invited").count() == 4


def test_it_lists_every_bad_csv_row_by_line_and_saves_nothing(client, alice, bob, community, mailoutbox):
    client.force_login(alice)
    text = (
        "email,role,segments\n"
        "ok@example.com,participant,\n"
        "not-an-email,participant,\n"
        "ok2@example.com,boss,\n"
        "ok@example.com,client,\n"
        f"{bob.email},participant,\n"
    )
    response = client.post(reverse("member_invite_csv", args=["acme"]), {"file": _upload(text)})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Line 3: “not-an-email” is not a valid email address." in body
    assert "Line 4: Role “boss” is not one of participant, moderator, client." in body
    assert "Line 5: ok@example.com is already on line 2." in body
    assert f"Line 6: {bob.email} is already a member" in body
    assert "Nobody was invited" in body
    assert not Invitation.objects.exists()
    assert mailoutbox == []


def test_it_refuses_a_csv_longer_than_the_limit(alice, community, settings):
    settings.VERBATIM = {**settings.VERBATIM, "CSV_INVITE_MAX_ROWS": 3}
    text = "".join(f"p{i}@example.com,participant,\n" for i in range(4))
    with pytest.raises(CsvInviteError) as caught:
        invitations_create_from_csv(community=community, data=text.encode(), invited_by=alice)
    assert caught.value.errors == ["The file has more than 3 rows; the limit is 3."]
    assert not Invitation.objects.exists()
    text = "".join(f"p{i}@example.com,participant,\n" for i in range(3))
    assert len(invitations_create_from_csv(community=community, data=text.encode(), invited_by=alice)) == 3


def test_it_refuses_a_csv_that_is_not_utf8_or_is_empty(alice, community):
    with pytest.raises(CsvInviteError, match="not UTF-8"):
        invitations_create_from_csv(community=community, data="é@x.com".encode("utf-16"), invited_by=alice)
    with pytest.raises(CsvInviteError, match="no invitations"):
        invitations_create_from_csv(community=community, data=b"email,role,segments\n\n", invited_by=alice)


def test_it_names_the_segment_limit_in_a_csv_error(alice, community, settings):
    long_segment = "x" * (settings.VERBATIM["SEGMENT_MAX_CHARS"] + 1)
    with pytest.raises(CsvInviteError) as caught:
        invitations_create_from_csv(
            community=community, data=f"a@example.com,participant,{long_segment}\n".encode(), invited_by=alice
        )
    assert caught.value.errors[0].startswith("Line 1: Segment")
    assert f"the limit is {settings.VERBATIM['SEGMENT_MAX_CHARS']}" in caught.value.errors[0]


# --- Links: signed, expiring, single use ------------------------------------------------------


def _signed(invitation: Invitation) -> str:
    return invitation_path(invitation).rstrip("/").rsplit("/", 1)[-1]


def _signed_days_ago(invitation: Invitation, days: float, monkeypatch) -> str:
    real = time.time()
    with monkeypatch.context() as patch:
        patch.setattr(signing.time, "time", lambda: real - days * 86400)
        return _signed(invitation)


def test_it_expires_links_after_the_configured_number_of_days(
    client, alice, community, monkeypatch, settings
):
    invitation = _invite(community, alice)
    max_days = settings.VERBATIM["INVITATION_MAX_AGE_DAYS"]
    fresh = _signed_days_ago(invitation, max_days - 0.5, monkeypatch)
    stale = _signed_days_ago(invitation, max_days + 0.5, monkeypatch)
    assert client.get(reverse("invitation_accept", args=["acme", fresh])).status_code == 200
    response = client.get(reverse("invitation_accept", args=["acme", stale]))
    assert response.status_code == 410
    assert "This invitation has expired" in response.content.decode()
    assert not User.objects.filter(email=invitation.email).exists()


def test_it_refuses_a_link_used_a_second_time(client, alice, community):
    invitation = _invite(community, alice)
    url = invitation_path(invitation)
    data = {
        "first_name": "Sam",
        "last_name": "Lee",
        "password1": "a-long-pass-phrase",
        "password2": "a-long-pass-phrase",
    }
    assert client.post(url, data).status_code == 302
    client.logout()
    response = client.post(url, {**data, "first_name": "Mallory"})
    assert response.status_code == 410
    assert "already been used" in response.content.decode()
    assert User.objects.filter(email=invitation.email).count() == 1


def test_it_refuses_a_withdrawn_link(client, alice, community):
    invitation = _invite(community, alice)
    invitation_revoke(invitation=invitation, actor=alice)
    response = client.get(invitation_path(invitation))
    assert response.status_code == 410
    assert "withdrawn" in response.content.decode()


def test_it_refuses_a_link_used_in_another_community(client, alice, community, other_community):
    invitation = _invite(community, alice)
    response = client.get(reverse("invitation_accept", args=["other", _signed(invitation)]))
    assert response.status_code == 404
    assert "not for this community" in response.content.decode()


def test_it_refuses_a_tampered_link(client, alice, community):
    invitation = _invite(community, alice)
    signed = _signed(invitation)
    response = client.get(reverse("invitation_accept", args=["acme", signed[:-2] + "xx"]))
    assert response.status_code == 404
    assert "not valid" in response.content.decode()
    other_token = signing.TimestampSigner(salt="something-else").sign(invitation.token)
    assert client.get(reverse("invitation_accept", args=["acme", other_token])).status_code == 404


def test_it_lets_a_moderator_withdraw_an_invitation_but_not_a_participant(client, alice, bob, community):
    invitation = _invite(community, alice)
    client.force_login(bob)
    assert client.post(reverse("invitation_revoke", args=["acme", invitation.pk])).status_code == 404
    invitation.refresh_from_db()
    assert invitation.revoked_at is None
    client.force_login(alice)
    assert client.post(reverse("invitation_revoke", args=["acme", invitation.pk])).status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert AuditEntry.objects.filter(action="membership.invitation_revoked", target_id=invitation.pk).exists()


def test_it_resends_a_fresh_link_and_kills_the_old_one(
    client, alice, community, mailoutbox, django_capture_on_commit_callbacks
):
    invitation = _invite(community, alice)
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("invitation_resend", args=["acme", invitation.pk]))
    assert len(mailoutbox) == 1
    client.logout()
    assert client.get(invitation_path(invitation)).status_code == 410


# --- Accepting ---------------------------------------------------------------------------------


def test_it_creates_an_account_with_a_pseudonym_when_a_new_person_accepts(client, alice, community):
    invitation = _invite(community, alice, email="sam@example.com")
    response = client.post(
        invitation_path(invitation),
        {
            "first_name": "Sam",
            "last_name": "Lee",
            "password1": "a-long-pass-phrase",
            "password2": "a-long-pass-phrase",
        },
    )
    assert response.status_code == 302
    assert response.url == reverse("consent", args=["acme"])  # participants consent before anything else
    user = User.objects.get(email="sam@example.com")
    assert user.check_password("a-long-pass-phrase")
    membership = Membership.objects.get(user=user, community=community)
    assert membership.role == Role.PARTICIPANT
    assert membership.segments == ["app users"]
    assert membership.pseudonym and "Sam" not in membership.pseudonym
    assert membership.consent_version is None
    assert int(client.session["_auth_user_id"]) == user.pk
    invitation.refresh_from_db()
    assert invitation.accepted_by == user
    assert AuditEntry.objects.filter(action="membership.joined", target_id=membership.pk).exists()


def test_it_explains_bad_passwords_without_creating_anything(client, alice, community):
    invitation = _invite(community, alice)
    response = client.post(
        invitation_path(invitation), {"first_name": "Sam", "password1": "short", "password2": "short"}
    )
    assert response.status_code == 200
    assert "too short" in response.content.decode()
    assert not User.objects.filter(email=invitation.email).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_it_lets_a_signed_in_person_join_with_their_existing_account(client, alice, eve, community):
    invitation = _invite(community, alice, email=eve.email, role=Role.CLIENT, segments=())
    client.force_login(eve)
    assert "Join Acme Listening Lab" in client.get(invitation_path(invitation)).content.decode()
    response = client.post(invitation_path(invitation))
    assert response.status_code == 302
    assert response.url == reverse("community_home", args=["acme"])
    assert Membership.objects.get(user=eve, community=community).role == Role.CLIENT
    # Eve keeps her other community, under a different role.
    assert eve.memberships.count() == 2


def test_it_asks_an_existing_account_holder_to_sign_in_first(client, alice, eve, community):
    invitation = _invite(community, alice, email=eve.email)
    response = client.get(invitation_path(invitation))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Sign in to join" in body
    assert f"{reverse('login')}?next=" in body
    response = client.post(
        invitation_path(invitation),
        {"first_name": "X", "password1": "a-long-pass-phrase", "password2": "a-long-pass-phrase"},
    )
    assert not Membership.objects.filter(user=eve, community=community).exists()


def test_it_refuses_an_invitation_meant_for_someone_else(client, alice, eve, carol, community):
    invitation = _invite(community, alice, email="someone.else@example.com")
    client.force_login(eve)
    response = client.post(invitation_path(invitation))
    assert response.status_code == 403
    assert "for another account" in response.content.decode()
    assert not Membership.objects.filter(user=eve, community=community).exists()
    with pytest.raises(MembershipError):
        invitation_accept(invitation=invitation, user=eve)


def test_it_uses_an_invitation_only_once_even_when_accepted_twice(alice, eve, community):
    invitation = _invite(community, alice, email=eve.email)
    stale_copy = Invitation.objects.get(pk=invitation.pk)
    invitation_accept(invitation=invitation, user=eve)
    with pytest.raises(MembershipError, match="already been used"):
        invitation_accept(invitation=stale_copy, user=eve)


def test_it_gives_every_participant_a_distinct_pseudonym(alice, community):
    pseudonyms = set()
    for number in range(60):
        user = UserFactory(username=f"p{number}")
        invitation = _invite(community, alice, email=user.email, segments=())
        pseudonyms.add(invitation_accept(invitation=invitation, user=user).pseudonym)
    assert len(pseudonyms) == 60
    assert not any("p1" in p for p in pseudonyms)


def test_it_gives_staff_a_recognisable_name_instead_of_a_pseudonym(alice, community):
    user = UserFactory(username="rita", first_name="Rita")
    invitation = _invite(community, alice, email=user.email, role=Role.MODERATOR, segments=())
    assert invitation_accept(invitation=invitation, user=user).pseudonym == "Moderator Rita"


def test_it_brings_a_deactivated_member_back_through_a_new_invitation(alice, community):
    member = MembershipFactory(community=community, is_active=False, pseudonym="Old Owl")
    invitation = _invite(community, alice, email=member.user.email)
    joined = invitation_accept(invitation=invitation, user=member.user)
    assert joined.pk == member.pk
    assert joined.is_active
    assert joined.pseudonym == "Old Owl"


def test_it_signs_links_with_the_configured_age(settings):
    from community.invitations import max_age

    settings.VERBATIM = {**settings.VERBATIM, "INVITATION_MAX_AGE_DAYS": 3}
    assert max_age() == timedelta(days=3)


def test_it_asks_to_sign_in_when_the_email_is_already_someones_username(client, alice, community):
    UserFactory(username="taken@example.com", email="")
    invitation = _invite(community, alice, email="taken@example.com")
    response = client.post(
        invitation_path(invitation),
        {"first_name": "T", "password1": "a-long-pass-phrase", "password2": "a-long-pass-phrase"},
    )
    assert response.status_code == 200
    assert "Sign in to join" in response.content.decode()
    assert User.objects.filter(username="taken@example.com").count() == 1
