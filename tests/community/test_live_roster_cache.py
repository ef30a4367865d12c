"""The cached roster (`roster_for`, kept up to an hour) never outlives a change of who is in the
community or what they are called: live sockets load it at connect and on every action, so a stale
copy would put an old name or pseudonym in front of observers and participants."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from community.models import Membership
from community.roster import _CACHE_KEY, roster_build, roster_for
from community.services.memberships import membership_create, membership_deactivate, membership_set_role
from community.services.privacy import user_erase
from tests.conftest import membership_of
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct horse battery"  # tests.factories.UserFactory


@pytest.fixture
def primed(community, alice, bob, carol):
    """The roster as sockets would have cached it before the change."""
    cache.clear()
    roster = roster_for(community.pk)
    assert cache.get(_CACHE_KEY.format(community.pk)) is not None
    assert roster.pseudonymise("Thanks Bob") == "Thanks Swift Heron"
    yield community
    cache.clear()


def test_a_member_who_joins_is_redacted_at_once(primed):
    priya = UserFactory(username="priya", first_name="Priya", last_name="Sandhu")
    membership_create(user=priya, community=primed, role="participant")
    assert roster_for(primed.pk).redact("Thanks Priya Sandhu") == "Thanks [NAME]"


def test_a_pseudonym_change_shows_at_once(primed, bob):
    member = membership_of(bob, primed)
    member.pseudonym = "Quiet Lark"
    member.save(update_fields=["pseudonym", "updated_at"])
    assert roster_for(primed.pk).pseudonymise("Thanks Bob") == "Thanks Quiet Lark"


def test_a_name_change_shows_at_once(primed, bob):
    bob.first_name = "Roberto"
    bob.save(update_fields=["first_name"])
    roster = roster_for(primed.pk)
    assert roster.redact("Thanks Roberto") == "Thanks [NAME]"
    assert roster.pseudonymise("Thanks Roberto") == "Thanks Swift Heron"


def test_an_erasure_shows_at_once(primed, bob):
    user_erase(user=bob, password=PASSWORD)
    roster = roster_for(primed.pk)
    # The erased name is hidden for everyone, and no longer leads to the old pseudonym.
    assert roster.pseudonymise("Thanks Bob") == "Thanks [NAME]"
    assert roster.redact("Thanks Bob") == "Thanks [NAME]"


@pytest.mark.parametrize("change", ["leave", "role", "removal"])
def test_after_leaving_a_role_change_or_removal_the_cached_roster_is_the_databases(
    primed, alice, bob, change
):
    member = membership_of(bob, primed)
    if change == "leave":
        membership_deactivate(membership=member, actor=alice, reason="Left the panel")
    elif change == "role":
        membership_set_role(membership=member, role="client", actor=alice)
    else:
        Membership.objects.filter(pk=member.pk).get().delete()
    roster = roster_for(primed.pk)
    assert roster.fingerprint == roster_build(primed.pk).fingerprint
    if change == "removal":
        assert roster.pseudonymise("Thanks Bob") != "Thanks Swift Heron"
    else:  # former and re-roled members' names stay hidden from others
        assert roster.redact("Thanks Bob") == "Thanks [NAME]"
