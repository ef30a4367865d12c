"""In-app notifications: the list, the unread count, opening and marking read, the email copy."""

from unittest import mock

from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from community.models import Notification, NotificationKind
from community.selectors_engagement import notification_unread_count
from community.services.notifications import notification_create, notification_email_send
from tests.conftest import membership_of


def _notify(user, community, title="A moderator asked you a follow-up", **extra):
    return notification_create(
        membership=membership_of(user, community), kind=NotificationKind.PROBE, title=title, **extra
    )


def test_it_lists_only_my_own_notifications_with_the_unread_count(bob, carol, community, client):
    _notify(bob, community, title="For Bob")
    _notify(carol, community, title="For Carol")
    client.force_login(bob)
    page = client.get(reverse("notification_list")).content.decode()
    assert "For Bob" in page and "For Carol" not in page
    assert "1 unread" in page
    assert notification_unread_count(user=bob) == 1


def test_it_marks_a_notification_read_when_opened_and_goes_to_its_page(bob, community, client):
    notification = _notify(bob, community, url=reverse("community_home", args=["acme"]))
    client.force_login(bob)
    response = client.post(reverse("notification_open", args=[notification.pk]))
    assert response.status_code == 302
    assert response["Location"] == "/c/acme/"
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert notification_unread_count(user=bob) == 0


def test_it_never_follows_a_link_off_the_site(bob, community, client):
    notification = _notify(bob, community, url="https://evil.example/phish")
    client.force_login(bob)
    response = client.post(reverse("notification_open", args=[notification.pk]))
    assert response["Location"] == reverse("notification_list")


def test_it_answers_not_found_for_someone_elses_notification(bob, carol, community, client):
    notification = _notify(bob, community)
    client.force_login(carol)
    assert client.post(reverse("notification_open", args=[notification.pk])).status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_it_marks_everything_read_at_once(bob, community, client):
    for i in range(3):
        _notify(bob, community, title=f"n{i}")
    client.force_login(bob)
    client.post(reverse("notifications_read_all"))
    assert notification_unread_count(user=bob) == 0


def test_it_hides_notifications_of_communities_i_left(bob, community, client):
    _notify(bob, community)
    membership = membership_of(bob, community)
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    assert notification_unread_count(user=bob) == 0


def test_it_emails_a_notification_once_even_if_the_task_runs_twice(bob, community, mailoutbox):
    notification = _notify(bob, community)
    assert notification_email_send(notification_id=notification.pk) is True
    assert notification_email_send(notification_id=notification.pk) is False
    assert len(mailoutbox) == 1
    assert "[Acme Listening Lab]" in mailoutbox[0].subject


def test_it_queues_the_email_only_after_commit(
    bob, community, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _notify(bob, community, email=True)
    assert mailoutbox == []
    for callback in callbacks:
        callback()
    assert len(mailoutbox) == 1


def test_it_does_not_email_a_deactivated_account(bob, community, mailoutbox):
    notification = _notify(bob, community)
    bob.is_active = False
    bob.save(update_fields=["is_active"])
    assert notification_email_send(notification_id=notification.pk) is False
    assert mailoutbox == []


def test_it_gives_the_navigation_the_unread_count(bob, community):
    _notify(bob, community)
    _notify(bob, community)
    request = RequestFactory().get("/")
    request.user = bob
    rendered = Template("{% load engagement %}{% unread_notifications_count as n %}[{{ n }}]").render(
        Context({"request": request})
    )
    assert rendered == "[2]"


def test_it_lists_notifications_in_a_constant_number_of_queries(
    bob, community, other_community, client, django_assert_max_num_queries
):
    client.force_login(bob)
    url = reverse("notification_list")
    _notify(bob, community)
    client.get(url)
    with django_assert_max_num_queries(8) as few:
        client.get(url)
    for i in range(15):
        n = _notify(bob, community, title=f"t{i}")
        if i % 2:
            Notification.objects.filter(pk=n.pk).update(read_at=timezone.now())
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert "t14" in response.content.decode()


def test_it_shows_outsiders_nothing_of_another_community(eve, bob, community, client):
    _notify(bob, community, title="Secret activity")
    client.force_login(eve)
    assert "Secret activity" not in client.get(reverse("notification_list")).content.decode()


def test_it_pushes_a_new_notification_to_the_users_open_tabs(
    bob, community, django_capture_on_commit_callbacks
):
    with (
        mock.patch("community.realtime.push_to_user") as push,
        django_capture_on_commit_callbacks(execute=True),
    ):
        notification = _notify(bob, community, title="Live now")
    push.assert_called_once_with(
        user_id=bob.pk, kind="notification", data={"id": notification.pk, "title": "Live now", "url": ""}
    )


def test_it_shows_the_unread_count_in_the_navigation_without_costing_the_page_a_query(bob, community, client):
    _notify(bob, community)
    client.force_login(bob)
    page = client.get(reverse("home")).content.decode()
    assert reverse("notification_badge") in page
    badge = client.get(reverse("notification_badge")).content.decode()
    assert '<span class="badge">1<span class="visually-hidden"> unread</span></span>' in badge
    Notification.objects.update(read_at=timezone.now())
    assert "badge" not in client.get(reverse("notification_badge")).content.decode()
