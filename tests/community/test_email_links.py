"""Links in every email are absolute, also when SITE_URL is unset and a worker sends the mail."""

from __future__ import annotations

import logging
import re

import pytest
from django.urls import reverse

from community.invitations import invitation_path, invitation_url
from community.models import NotificationKind, Role
from community.services import memberships
from community.services.memberships import invitation_create
from community.services.notifications import notification_create, notification_email_send
from tests.conftest import membership_of

pytestmark = pytest.mark.django_db

LINK = re.compile(r"(\S+/c/acme/\S*)")


@pytest.fixture(autouse=True)
def _warn_afresh(monkeypatch):
    # The fallback is warned about once per process; each test starts as a fresh process would.
    monkeypatch.setattr(memberships, "_fallback_warned", False)


@pytest.fixture
def deployed(settings):
    """A production deploy that set ALLOWED_HOSTS (required) but forgot SITE_URL."""
    settings.SITE_URL = ""
    settings.PRODUCTION = True
    settings.ALLOWED_HOSTS = [".research.example.org", "10.0.0.5"]
    return settings


def _emailed_link(bob, community, mailoutbox) -> str:
    notification = notification_create(
        membership=membership_of(bob, community),
        kind=NotificationKind.PROBE,
        title="A moderator asked you a follow-up",
        url=reverse("community_home", args=["acme"]),
    )
    assert notification_email_send(notification_id=notification.pk)
    return LINK.search(mailoutbox[-1].body).group(1)


def test_a_workers_notification_email_links_to_the_deployed_host_when_site_url_is_unset(
    deployed, bob, community, mailoutbox
):
    assert _emailed_link(bob, community, mailoutbox) == "https://research.example.org/c/acme/"


def test_the_missing_site_url_is_warned_about_once_not_on_every_email(
    deployed, bob, community, mailoutbox, caplog
):
    with caplog.at_level(logging.WARNING, logger="community.services.memberships"):
        _emailed_link(bob, community, mailoutbox)
        _emailed_link(bob, community, mailoutbox)
    warnings = [r for r in caplog.records if "SITE_URL is not set" in r.getMessage()]
    assert len(warnings) == 1
    assert "https://research.example.org" in warnings[0].getMessage()


def test_a_configured_site_url_is_used_as_is(deployed, bob, community, mailoutbox, caplog):
    deployed.SITE_URL = "https://panel.example.com"
    with caplog.at_level(logging.WARNING, logger="community.services.memberships"):
        assert _emailed_link(bob, community, mailoutbox) == "https://panel.example.com/c/acme/"
    assert not [r for r in caplog.records if "SITE_URL" in r.getMessage()]


def test_on_a_developers_machine_links_point_at_the_local_server(settings, bob, community, mailoutbox):
    settings.SITE_URL = ""
    settings.PRODUCTION = False
    settings.ALLOWED_HOSTS = ["localhost", "127.0.0.1", "*"]
    assert _emailed_link(bob, community, mailoutbox) == "http://127.0.0.1:8000/c/acme/"


def test_invitation_links_built_outside_a_request_are_absolute(deployed, alice, community, mailoutbox):
    invitation = invitation_create(
        community=community, email="sam@example.com", role=Role.PARTICIPANT, invited_by=alice
    )
    assert invitation_url(invitation) == f"https://research.example.org{invitation_path(invitation)}"
