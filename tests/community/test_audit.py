"""The append-only audit log and its CSV export."""

import csv
import io

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from community.models import AuditEntry
from community.services.moderation import post_moderate
from community.services.posts import post_delete
from tests.conftest import membership_of
from tests.factories import DiscussionFactory, PostFactory


def _csv_rows(response) -> list[dict]:
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


def test_it_exports_every_moderation_action_as_csv(client, alice, bob, community):
    board = DiscussionFactory(community=community)
    moderator = membership_of(alice, community)
    post = PostFactory(discussion=board, author=membership_of(bob, community))
    post_moderate(moderator=moderator, post=post, action="hide", reason="Personal details")
    post_moderate(moderator=moderator, post=post, action="restore", reason="Details were fictional")
    own = PostFactory(discussion=board, author=membership_of(bob, community))
    post_delete(actor=membership_of(bob, community), post=own)

    client.force_login(alice)
    response = client.get(reverse("audit_csv", args=["acme"]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = _csv_rows(response)
    assert [(r["action"], r["actor"], r["reason"]) for r in rows] == [
        ("post.delete", "bob", "Deleted by its author"),
        ("post.restore", "alice", "Details were fictional"),
        ("post.hide", "alice", "Personal details"),
    ]
    assert rows[2]["target_id"] == str(post.pk)


def test_it_neutralises_spreadsheet_formulas_in_exported_reasons(client, alice, bob, community):
    post = PostFactory(
        discussion=DiscussionFactory(community=community), author=membership_of(bob, community)
    )
    post_moderate(
        moderator=membership_of(alice, community), post=post, action="hide", reason='=HYPERLINK("x")'
    )
    client.force_login(alice)
    rows = _csv_rows(client.get(reverse("audit_csv", args=["acme"])))
    assert rows[0]["reason"] == '\'=HYPERLINK("x")'


def test_it_keeps_other_communities_entries_out_of_the_export(client, alice, community, other_community):
    AuditEntry.objects.create(community=other_community, action="post.hide", reason="Elsewhere")
    AuditEntry.objects.create(community=community, action="post.hide", reason="Here")
    client.force_login(alice)
    rows = _csv_rows(client.get(reverse("audit_csv", args=["acme"])))
    assert [r["reason"] for r in rows] == ["Here"]


def test_it_refuses_the_audit_export_to_participants_clients_and_outsiders(
    client, bob, carol, eve, community
):
    for user in (bob, carol, eve):
        client.force_login(user)
        assert client.get(reverse("audit_csv", args=["acme"])).status_code == 404
        assert client.get(reverse("audit_log", args=["acme"])).status_code == 404


def test_it_shows_the_audit_log_in_the_same_number_of_queries_as_it_grows(client, alice, community):
    def grow(n):
        for i in range(n):
            AuditEntry.objects.create(community=community, actor=alice, action="post.hide", reason=f"r{i}")

    client.force_login(alice)
    url = reverse("audit_log", args=["acme"])
    grow(3)
    with CaptureQueriesContext(connection) as small:
        assert "r2" in client.get(url).content.decode()
    grow(40)
    with CaptureQueriesContext(connection) as large:
        assert "r39" in client.get(url).content.decode()
    assert len(small) == len(large)
