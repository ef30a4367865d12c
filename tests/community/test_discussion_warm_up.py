"""Moderators can leave a warm-up activity (introductions, a tech check) out of analysis: the
checkbox on the activity form, who may tick it, the audit log, the badge and the announcement
research acts on."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from community.events import discussion_changed
from community.models import AuditEntry, Discussion
from community.services.discussions import discussion_create, discussion_update
from tests.conftest import membership_of
from tests.factories import DiscussionFactory

pytestmark = pytest.mark.django_db

NOT_ANALYSED = "Not analysed"


def _checkbox(page: str) -> str:
    return re.search(r'<input[^>]*name="in_analysis"[^>]*>', page).group(0)


def _edit_form(discussion: Discussion, **changes) -> dict:
    """The edit form as the browser posts it: an unticked checkbox is simply absent."""
    data = {
        "title": discussion.title,
        "prompt": discussion.prompt,
        "kind": discussion.kind,
        "visibility": discussion.visibility,
        "target_segments": "",
    }
    ticked = {"in_analysis": discussion.in_analysis, "is_draft": discussion.is_draft, **changes}
    data.update({name: "on" for name, on in ticked.items() if on})
    return data


@pytest.fixture
def announced():
    """The discussion events sent (after commit), as (discussion_id, community_id, kind)."""
    sent: list[tuple[int, int, str]] = []

    def receiver(sender, *, discussion_id, community_id, kind, **kwargs):
        sent.append((discussion_id, community_id, kind))

    discussion_changed.connect(receiver, dispatch_uid="test.warm_up.announced")
    yield sent
    discussion_changed.disconnect(dispatch_uid="test.warm_up.announced")


def test_a_new_activity_is_included_in_analysis_and_the_form_offers_the_checkbox_ticked(
    client, alice, community
):
    client.force_login(alice)

    page = client.get(reverse("discussion_create", args=["acme"])).content.decode()

    assert "Include in analysis" in page
    assert "Untick for warm-ups and tech checks" in page
    assert "checked" in _checkbox(page)
    created = discussion_create(moderator=membership_of(alice, community), community=community, title="Hello")
    assert created.in_analysis is True


def test_the_edit_form_shows_the_box_unticked_for_a_warm_up(client, alice, community):
    warm_up = DiscussionFactory(community=community, in_analysis=False)
    client.force_login(alice)

    page = client.get(reverse("discussion_edit", args=["acme", warm_up.pk])).content.decode()

    assert "checked" not in _checkbox(page)


def test_a_moderator_leaves_an_activity_out_of_analysis_and_takes_it_back_audited_and_announced(
    client, alice, community, announced, django_capture_on_commit_callbacks
):
    discussion = DiscussionFactory(community=community, title="Introduce yourself")
    client.force_login(alice)
    url = reverse("discussion_edit", args=["acme", discussion.pk])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, _edit_form(discussion, in_analysis=False))

    assert response.status_code == 302
    discussion.refresh_from_db()
    assert discussion.in_analysis is False
    assert announced == [(discussion.pk, community.pk, "analysis")]
    entry = AuditEntry.objects.get(action="discussion.analysis_excluded")
    assert (entry.target_type, entry.target_id, entry.details) == (
        "discussion",
        discussion.pk,
        {"in_analysis": False},
    )
    assert entry.actor_id == alice.pk
    # Only the analysis changed: no second, vaguer entry beside it.
    assert not AuditEntry.objects.filter(action="discussion.update").exists()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, _edit_form(discussion, in_analysis=True))

    discussion.refresh_from_db()
    assert discussion.in_analysis is True
    assert announced[-1] == (discussion.pk, community.pk, "analysis") and len(announced) == 2
    assert AuditEntry.objects.get(action="discussion.analysis_included").details == {"in_analysis": True}


def test_editing_other_fields_announces_nothing_and_is_audited_as_before(
    alice, community, announced, django_capture_on_commit_callbacks
):
    discussion = DiscussionFactory(community=community, in_analysis=False)

    with django_capture_on_commit_callbacks(execute=True):
        discussion_update(moderator=membership_of(alice, community), discussion=discussion, title="Say hello")

    assert announced == []
    assert AuditEntry.objects.get(action="discussion.update").details == {"changed": ["title"]}
    discussion.refresh_from_db()
    assert discussion.in_analysis is False


def test_creating_a_warm_up_is_audited_with_it_and_announces_nothing(
    alice, community, announced, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        created = discussion_create(
            moderator=membership_of(alice, community),
            community=community,
            title="Tech check",
            in_analysis=False,
        )

    assert created.in_analysis is False
    assert AuditEntry.objects.get(action="discussion.create").details["in_analysis"] is False
    assert announced == []


def test_participants_clients_and_outsiders_cannot_change_whether_an_activity_is_analysed(
    client, bob, carol, eve, community, announced, django_capture_on_commit_callbacks
):
    discussion = DiscussionFactory(community=community)
    url = reverse("discussion_edit", args=["acme", discussion.pk])
    for user in (bob, carol, eve):
        client.force_login(user)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, _edit_form(discussion, in_analysis=False))
        # Not theirs to edit (participants, clients) or not theirs to know of (outsiders): 404.
        assert response.status_code == 404, user.username
    with pytest.raises(PermissionDenied):
        discussion_update(moderator=membership_of(bob, community), discussion=discussion, in_analysis=False)
    discussion.refresh_from_db()
    assert discussion.in_analysis is True
    assert announced == []
    assert not AuditEntry.objects.filter(action__startswith="discussion.analysis").exists()


def test_moderators_see_a_not_analysed_badge_on_the_guide_and_the_discussion_page(client, alice, community):
    warm_up = DiscussionFactory(community=community, title="Introduce yourself", in_analysis=False)
    DiscussionFactory(community=community, title="Store visits")
    client.force_login(alice)

    guide = client.get(reverse("discussion_list", args=["acme"])).content.decode()
    page = client.get(reverse("discussion_detail", args=["acme", warm_up.pk])).content.decode()

    assert guide.count(NOT_ANALYSED) == 1
    assert guide.index("Introduce yourself") < guide.index(NOT_ANALYSED) < guide.index("Store visits")
    assert NOT_ANALYSED in page


@pytest.mark.parametrize("viewer", ["bob", "carol"])
def test_participants_and_clients_see_no_badge(request, client, community, viewer):
    warm_up = DiscussionFactory(community=community, in_analysis=False)
    client.force_login(request.getfixturevalue(viewer))

    guide = client.get(reverse("discussion_list", args=["acme"])).content.decode()
    page = client.get(reverse("discussion_detail", args=["acme", warm_up.pk])).content.decode()

    assert warm_up.title in guide
    assert NOT_ANALYSED not in guide and NOT_ANALYSED not in page


def test_the_guide_with_warm_ups_costs_the_same_queries_as_it_grows(client, alice, community):
    client.force_login(alice)
    url = reverse("discussion_list", args=["acme"])

    def grow(n: int) -> None:
        for i in range(n):
            DiscussionFactory(community=community, in_analysis=bool(i % 2))

    def count() -> tuple[int, str]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        return len(queries), response.content.decode()

    grow(2)
    small, _ = count()
    grow(20)
    large, page = count()
    assert small == large
    assert page.count(NOT_ANALYSED) == 11
