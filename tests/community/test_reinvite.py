"""Inviting someone who already has a pending invitation replaces it, and the moderator is told so.

alice moderates acme, bob participates, carol is a client (tests/conftest.py).
"""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from community.models import AuditEntry, Invitation


def _invite(client, email: str, segments: str, role: str = "participant"):
    return client.post(
        reverse("member_invite", args=["acme"]),
        {"email": email, "role": role, "segments": segments},
        follow=True,
    )


def test_a_second_invitation_says_the_first_was_withdrawn_and_names_the_segments_now(
    client, alice, community, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        first = _invite(client, "sam@example.com", "app users, London")
    assert "Invitation sent to sam@example.com as participant." in first.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        second = _invite(client, "sam@example.com", "")
    page = second.content.decode()
    assert (
        "An earlier invitation to sam@example.com (as participant; segments: app users, London)"
        " was withdrawn and replaced" in page
    )
    assert "segments now: none." in page
    # Only the newest invitation stands, with what the moderator asked for this time.
    pending = Invitation.objects.get(community=community, revoked_at__isnull=True)
    assert pending.segments == []
    assert Invitation.objects.filter(community=community, revoked_at__isnull=False).count() == 1
    entry = AuditEntry.objects.filter(action="membership.invited").latest("pk")
    assert entry.details["replaced"][0]["segments"] == ["app users", "London"]


def test_a_first_invitation_to_someone_mentions_no_withdrawal(client, alice):
    client.force_login(alice)
    page = _invite(client, "new@example.com", "app users").content.decode()
    assert "Invitation sent to new@example.com as participant." in page
    assert "withdrawn" not in page


def test_a_csv_names_the_people_whose_earlier_invitation_it_replaced(client, alice, community):
    client.force_login(alice)
    _invite(client, "a@example.com", "app users")
    text = "email,role,segments\na@example.com,client,\nb@example.com,participant,London\n"
    upload = SimpleUploadedFile("people.csv", text.encode(), content_type="text/csv")
    page = client.post(reverse("member_invite_csv", args=["acme"]), {"file": upload}, follow=True)
    body = page.content.decode()
    assert "2 invitations sent." in body
    assert "1 of them replaced an earlier invitation" in body
    assert "a@example.com." in body and "b@example.com." not in body
    assert Invitation.objects.get(email="a@example.com", revoked_at__isnull=True).role == "client"


def test_participants_and_clients_cannot_invite_at_all(client, bob, carol, community):
    for user in (bob, carol):
        client.force_login(user)
        response = client.post(
            reverse("member_invite", args=["acme"]), {"email": "x@example.com", "role": "participant"}
        )
        assert response.status_code == 404
    assert not Invitation.objects.filter(community=community).exists()
