"""Membership management: moderators list, segment, deactivate; admins grant roles."""

from __future__ import annotations

import pytest
from django.urls import reverse

from community.models import AuditEntry, Membership, Role
from tests.conftest import membership_of
from tests.factories import MembershipFactory, UserFactory


def test_it_lists_members_with_role_segments_and_consent_state_for_a_moderator(
    client, alice, bob, carol, dave, community
):
    client.force_login(alice)
    response = client.get(reverse("member_list", args=["acme"]))
    assert response.status_code == 200
    body = response.content.decode()
    for name in ["Alice Moderator", "Bob Participant", "Carol Client", "Dave Newcomer"]:
        assert name in body
    assert "Swift Heron" in body and "app users" in body
    assert "Not yet" in body  # dave has not consented
    assert "Given" in body  # bob has


def test_it_filters_members_by_role_and_segment(client, alice, bob, carol, dave, community):
    client.force_login(alice)
    body = client.get(reverse("member_list", args=["acme"]), {"role": "client"}).content.decode()
    assert "Carol Client" in body and "Bob Participant" not in body
    body = client.get(reverse("member_list", args=["acme"]), {"segment": "App Users"}).content.decode()
    assert "Bob Participant" in body and "Dave Newcomer" not in body


@pytest.mark.parametrize("persona", ["bob", "carol", "dave", "eve"])
def test_it_hides_member_management_from_everyone_but_moderators(
    client, request, alice, bob, community, persona
):
    client.force_login(request.getfixturevalue(persona))
    target = membership_of(bob, community)
    assert client.get(reverse("member_list", args=["acme"])).status_code in (404, 302)
    if persona == "dave":
        return  # dave is first sent to consent; once consented he is a participant like bob
    assert client.get(reverse("member_list", args=["acme"])).status_code == 404
    assert client.get(reverse("member_edit", args=["acme", target.pk])).status_code == 404
    assert client.post(reverse("member_edit", args=["acme", target.pk]), {"segments": "x"}).status_code == 404
    assert client.post(reverse("member_deactivate", args=["acme", target.pk])).status_code == 404
    assert client.post(reverse("member_reactivate", args=["acme", target.pk])).status_code == 404
    target.refresh_from_db()
    assert target.is_active and target.segments == ["app users"]


def test_it_sends_anonymous_visitors_to_sign_in(client, community):
    response = client.get(reverse("member_list", args=["acme"]))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_it_lets_a_moderator_edit_segments_with_an_audit_entry(client, alice, bob, community):
    client.force_login(alice)
    target = membership_of(bob, community)
    response = client.post(
        reverse("member_edit", args=["acme", target.pk]), {"segments": "London, app users, london"}
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.segments == ["London", "app users"]
    entry = AuditEntry.objects.get(action="membership.segments_changed", target_id=target.pk)
    assert entry.actor == alice
    assert entry.details == {"before": ["app users"], "after": ["London", "app users"]}


def test_it_names_the_limit_when_segments_are_too_many(client, alice, bob, community, settings):
    limit = settings.VERBATIM["SEGMENTS_PER_MEMBER_MAX"]
    client.force_login(alice)
    target = membership_of(bob, community)
    too_many = ", ".join(f"s{i}" for i in range(limit + 1))
    response = client.post(reverse("member_edit", args=["acme", target.pk]), {"segments": too_many})
    assert response.status_code == 200
    assert f"the limit is {limit} per member" in response.content.decode()
    target.refresh_from_db()
    assert target.segments == ["app users"]


def test_it_deactivates_a_member_who_then_loses_access(client, alice, bob, community):
    client.force_login(alice)
    target = membership_of(bob, community)
    response = client.post(
        reverse("member_deactivate", args=["acme", target.pk]), {"reason": "Left the panel"}
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert not target.is_active
    entry = AuditEntry.objects.get(action="membership.deactivated", target_id=target.pk)
    assert entry.reason == "Left the panel"
    client.force_login(bob)
    assert client.get(reverse("community_home", args=["acme"])).status_code == 404
    client.force_login(alice)
    client.post(reverse("member_reactivate", args=["acme", target.pk]))
    target.refresh_from_db()
    assert target.is_active
    assert AuditEntry.objects.filter(action="membership.reactivated", target_id=target.pk).exists()


def test_it_will_not_let_a_moderator_deactivate_themselves(client, alice, community):
    client.force_login(alice)
    own = membership_of(alice, community)
    response = client.post(reverse("member_deactivate", args=["acme", own.pk]), follow=True)
    assert "cannot deactivate your own membership" in response.content.decode()
    own.refresh_from_db()
    assert own.is_active


def test_it_answers_not_found_for_a_member_of_another_community(client, alice, eve, community):
    client.force_login(alice)
    foreign = membership_of(eve, eve.memberships.get().community)
    assert client.get(reverse("member_edit", args=["acme", foreign.pk])).status_code == 404
    assert client.post(reverse("member_deactivate", args=["acme", foreign.pk])).status_code == 404
    foreign.refresh_from_db()
    assert foreign.is_active


def test_it_keeps_the_members_page_to_a_fixed_number_of_queries(
    client, alice, community, django_assert_max_num_queries
):
    client.force_login(alice)
    for _ in range(3):
        MembershipFactory(community=community, segments=["a"])
    with django_assert_max_num_queries(12) as small:
        client.get(reverse("member_list", args=["acme"]))
    for _ in range(30):
        MembershipFactory(community=community, segments=["a", "b"])
    with django_assert_max_num_queries(12) as large:
        response = client.get(reverse("member_list", args=["acme"]))
    assert response.context["total"] == 34
    assert len(large.captured_queries) == len(small.captured_queries)


def test_it_lets_an_admin_grant_a_role_in_the_django_admin(client, admin_user, community):
    person = UserFactory(username="newmod", first_name="Nia")
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:community_membership_add"),
        {"user": person.pk, "community": community.pk, "role": Role.MODERATOR, "segments": "[]"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    membership = Membership.objects.get(user=person, community=community)
    assert membership.role == Role.MODERATOR
    assert membership.pseudonym == "Moderator Nia"
    assert AuditEntry.objects.filter(
        action="membership.granted", target_id=membership.pk, actor=admin_user
    ).exists()


def test_it_gives_a_participant_granted_in_the_admin_a_generated_pseudonym(client, admin_user, community):
    person = UserFactory(username="panelist", first_name="Pat")
    client.force_login(admin_user)
    client.post(
        reverse("admin:community_membership_add"),
        {"user": person.pk, "community": community.pk, "role": Role.PARTICIPANT, "segments": "[]"},
    )
    membership = Membership.objects.get(user=person, community=community)
    assert "Pat" not in membership.pseudonym and " " in membership.pseudonym


def test_it_keeps_the_audit_log_out_of_reach_of_edits_in_the_admin(client, admin_user, alice, bob, community):
    from community.services.memberships import membership_deactivate

    membership_deactivate(membership=membership_of(bob, community), actor=alice)
    entry = AuditEntry.objects.get(action="membership.deactivated")
    client.force_login(admin_user)
    assert (
        client.post(
            reverse("admin:community_auditentry_delete", args=[entry.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_it_audits_a_role_change(alice, carol, community, admin_user):
    from community.services.memberships import membership_set_role

    membership = membership_set_role(
        membership=membership_of(carol, community), role=Role.MODERATOR, actor=admin_user
    )
    assert membership_of(carol, community).role == Role.MODERATOR
    entry = AuditEntry.objects.get(action="membership.role_changed", target_id=membership.pk)
    assert entry.details == {"before": "client", "after": "moderator"}


def test_it_audits_changes_made_in_the_django_admin(client, admin_user, bob, community):
    membership = membership_of(bob, community)
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:community_membership_change", args=[membership.pk]),
        {"role": Role.CLIENT, "segments": '["vip"]', "is_active": ""},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    membership.refresh_from_db()
    assert (membership.role, membership.segments, membership.is_active) == (Role.CLIENT, ["vip"], False)
    actions = set(AuditEntry.objects.filter(target_id=membership.pk).values_list("action", flat=True))
    assert {"membership.role_changed", "membership.segments_changed", "membership.deactivated"} <= actions
