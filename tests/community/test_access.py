import pytest
from django.http import Http404

from community.access import ConsentRequired, get_community_for_member
from community.models import Role


def test_it_gives_a_member_their_community_and_role(alice, community):
    found, membership = get_community_for_member(alice, "acme")
    assert found == community
    assert membership.role == Role.MODERATOR


def test_it_hides_a_community_from_outsiders_as_not_found(eve, community):
    with pytest.raises(Http404):
        get_community_for_member(eve, "acme")


def test_it_answers_not_found_when_the_role_is_not_allowed(bob, community):
    with pytest.raises(Http404):
        get_community_for_member(bob, "acme", roles=[Role.MODERATOR])


def test_it_requires_consent_from_a_participant_who_has_not_given_it(dave, community):
    with pytest.raises(ConsentRequired):
        get_community_for_member(dave, "acme")
