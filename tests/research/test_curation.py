"""Theme curation: moderators rename, summarise, hide, merge and split; clients see the result."""

from __future__ import annotations

import pytest
from django.urls import reverse

from research.curation_services import CurationError, theme_split, theme_summary_set
from research.models import Theme, ThemePost
from tests.research.insights_data import seed, theme

pytestmark = pytest.mark.django_db


def act(client, t, **data):
    return client.post(reverse("research:theme_action", args=["acme", t.pk]), data)


def test_it_lets_a_moderator_rename_and_summarise_a_theme_that_clients_then_read(
    client, community, alice, carol
):
    _, _, t = seed(community)
    client.force_login(alice)
    act(client, t, action="rename", label="Deliveries arrive late")
    act(client, t, action="summary", summary="Customers in every segment wait days for parcels.")
    client.force_login(carol)
    html = client.get(reverse("research:themes", args=["acme"])).content.decode()
    assert "Deliveries arrive late" in html
    assert "Customers in every segment wait days for parcels." in html
    assert (
        "Deliveries arrive late" in client.get(reverse("research:dashboard", args=["acme"])).content.decode()
    )


def test_clients_can_tell_a_researchers_summary_from_the_analysis_counts(client, community, alice, carol):
    _, _, t = seed(community)
    t.summary = "3 posts from 2 participants; 67% negative, 33% neutral."
    t.save(update_fields=["summary"])
    client.force_login(carol)
    page = client.get(reverse("research:themes", args=["acme"])).content.decode()
    # The stored sentence (from an earlier run) is not shown: the one shown agrees with the counts.
    assert "From the analysis: 4 posts from 4 participants" in page
    assert "3 posts from 2 participants" not in page
    assert "Research team</span>" not in page
    client.force_login(alice)
    act(client, t, action="summary", summary="Parcels are late in every segment.")
    client.force_login(carol)
    page = client.get(reverse("research:themes", args=["acme"])).content.decode()
    assert "Research team</span> Parcels are late in every segment." in page
    assert "From the analysis" not in page


def test_it_keeps_the_researchers_summary_when_counts_are_recomputed(community):
    from research.services import themes_recount

    _, _, t = seed(community)
    theme_summary_set(theme=t, summary="Written by a researcher.")
    themes_recount(theme_ids=[t.pk])
    t.refresh_from_db()
    assert t.researcher_summary == "Written by a researcher."


def test_it_hides_a_theme_from_clients_but_not_from_moderators(client, community, alice, carol):
    _, _, t = seed(community)
    client.force_login(alice)
    act(client, t, action="hide")
    assert "late delivery" in client.get(reverse("research:themes", args=["acme"])).content.decode()
    client.force_login(carol)
    assert "late delivery" not in client.get(reverse("research:dashboard", args=["acme"])).content.decode()
    assert client.get(reverse("research:theme_detail", args=["acme", t.pk])).status_code == 404


def test_it_merges_one_theme_into_another(client, community, alice, carol):
    _, posts, t = seed(community)
    other = theme(community, "parcels", "parcels", posts[:1])
    client.force_login(alice)
    response = act(client, other, action="merge", into=t.pk)
    assert response.url == reverse("research:theme_detail", args=["acme", t.pk])
    other.refresh_from_db()
    assert other.merged_into_id == t.pk
    client.force_login(carol)
    assert "parcels" not in client.get(reverse("research:themes", args=["acme"])).content.decode()


def test_it_refuses_merging_a_theme_into_itself_with_the_reason_in_words(client, community, alice):
    _, _, t = seed(community)
    client.force_login(alice)
    response = act(client, t, action="merge", into=t.pk)
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "A theme can&#x27;t be merged into itself; choose another theme." in page
    assert "merged_into" not in page and "into:" not in page
    t.refresh_from_db()
    assert t.merged_into_id is None


def test_it_explains_a_merge_into_a_merged_theme_without_field_names(client, community, alice):
    _, posts, t = seed(community)
    first = theme(community, "parcels", "parcels", posts[:1])
    second = theme(community, "boxes", "boxes", posts[1:2])
    client.force_login(alice)
    act(client, first, action="merge", into=t.pk)
    page = client.get(act(client, second, action="merge", into=first.pk).url).content.decode()
    assert "That theme is itself merged; merge into its target instead." in page
    assert "merged_into" not in page


def test_a_client_following_a_bookmark_to_a_merged_theme_lands_on_the_theme_it_went_into(
    client, community, alice, carol, bob
):
    _, posts, t = seed(community)
    other = theme(community, "parcels", "parcels", posts[:1])
    client.force_login(alice)
    act(client, other, action="merge", into=t.pk)
    client.force_login(carol)
    response = client.get(reverse("research:theme_detail", args=["acme", other.pk]))
    assert response.status_code == 302
    assert response.url == reverse("research:theme_detail", args=["acme", t.pk])
    assert client.get(response.url).status_code == 200
    # Participants still get nothing, and a target hidden from clients is not revealed.
    client.force_login(bob)
    assert client.get(reverse("research:theme_detail", args=["acme", other.pk])).status_code == 404
    t.is_hidden = True
    t.save(update_fields=["is_hidden"])
    client.force_login(carol)
    assert client.get(reverse("research:theme_detail", args=["acme", other.pk])).status_code == 404
    # Moderators keep the merged theme's own page (it is where they undo the merge).
    client.force_login(alice)
    assert client.get(reverse("research:theme_detail", args=["acme", other.pk])).status_code == 200


def test_it_splits_selected_posts_into_a_new_theme(client, community, alice):
    _, posts, t = seed(community, n=4)
    client.force_login(alice)
    act(client, t, action="split", label="Rude couriers", posts=[posts[0].pk, posts[1].pk], confirm="1")
    new = Theme.objects.get(researcher_label="Rude couriers")
    assert set(ThemePost.objects.filter(theme=new).values_list("post_id", flat=True)) == {
        posts[0].pk,
        posts[1].pk,
    }
    t.refresh_from_db()
    assert (t.post_count, new.post_count) == (2, 2)
    # The list says where the new theme came from, not that the analysis found it.
    listing = client.get(reverse("research:themes", args=["acme"])).content.decode()
    assert "Split from another theme by a moderator." in listing
    assert "Found by analysis as “Rude couriers”" not in listing


def test_it_refuses_a_split_that_would_empty_the_theme_or_names_nothing(community):
    _, posts, t = seed(community, n=2)
    with pytest.raises(CurationError, match="leave at least one"):
        theme_split(theme=t, post_ids=[p.pk for p in posts], label="All of it")
    with pytest.raises(CurationError, match="Name: give the new theme a name"):
        theme_split(theme=t, post_ids=[posts[0].pk], label=" ")
    assert Theme.objects.count() == 1


def test_it_shows_a_rejected_edit_as_an_error_naming_the_field(client, community, alice):
    _, _, t = seed(community)
    client.force_login(alice)
    response = act(client, t, action="summary", summary="x" * 4001)
    assert response.status_code == 400
    assert "Summary: at most 4000 characters; this one has 4001." in response.content.decode()


def test_it_refuses_curation_by_clients_participants_and_outsiders(client, community, carol, bob, eve):
    _, _, t = seed(community)
    for user in (carol, bob, eve):
        client.force_login(user)
        assert act(client, t, action="hide").status_code == 404
    t.refresh_from_db()
    assert not t.is_hidden


def test_it_shows_theme_pages_to_readers_only(client, community, alice, carol, bob, eve):
    _, _, t = seed(community)
    for user, status in ((alice, 200), (carol, 200), (bob, 404), (eve, 404)):
        client.force_login(user)
        assert client.get(reverse("research:themes", args=["acme"])).status_code == status
        assert client.get(reverse("research:theme_detail", args=["acme", t.pk])).status_code == status


def test_it_shows_clients_redacted_posts_on_a_theme_and_moderators_the_original(
    client, community, alice, carol
):
    _, _, t = seed(community)
    client.force_login(carol)
    html = client.get(reverse("research:theme_detail", args=["acme", t.pk])).content.decode()
    assert "bob.secret@example.com" not in html and "[EMAIL]" in html
    client.force_login(alice)
    assert (
        "bob.secret@example.com"
        in client.get(reverse("research:theme_detail", args=["acme", t.pk])).content.decode()
    )


def test_it_lists_themes_in_constant_queries(client, community, carol, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _, posts, _ = seed(community)
    client.force_login(carol)
    with CaptureQueriesContext(connection) as first:
        client.get(reverse("research:themes", args=["acme"]))
    for i in range(5):
        theme(community, f"k{i}", f"theme {i}", posts)
    with django_assert_num_queries(len(first.captured_queries)):
        client.get(reverse("research:themes", args=["acme"]))


# --- Curation kept across full refreshes and incremental assignment of new posts ---

from django.db import transaction  # noqa: E402

from community.events import announce_post_event  # noqa: E402
from community.models import PostStatus  # noqa: E402
from research import services  # noqa: E402
from research.curation_services import theme_split_plan, theme_unmerge  # noqa: E402
from tests.factories import DiscussionFactory, PostFactory  # noqa: E402
from tests.research import fakes  # noqa: E402

fake_nlp = fakes.fake_nlp

APP_POSTS = [
    "The app is slow.",  # stays
    "The app delivery is slow.",  # moved
    "The app delivery forgets me.",  # moved
    "The app delivery is good.",  # left behind although it mentions delivery
]


def _publish(discussion, bodies):
    posts = [PostFactory(discussion=discussion, body=b) for b in bodies]
    services.posts_analyze(post_ids=[p.pk for p in posts])
    return posts


def _publish_live(discussion, body, django_capture_on_commit_callbacks):
    """Publish as the site does: the event analyses the post and assigns it without a refit."""
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        post = PostFactory(discussion=discussion, body=body)
        announce_post_event(
            post_id=post.pk,
            community_id=discussion.community_id,
            discussion_id=discussion.pk,
            kind="published",
        )
    return post


def _members(theme):
    return set(ThemePost.objects.filter(theme=theme).values_list("post_id", flat=True))


@pytest.fixture
def split_app(community, fake_nlp):
    discussion = DiscussionFactory(community=community)
    posts = _publish(discussion, [*APP_POSTS, "The staff were lovely."])
    services.themes_refresh(community=community)
    app = Theme.objects.get(label="the app")
    split = theme_split(theme=app, post_ids=[posts[1].pk, posts[2].pk], label="App deliveries")
    return discussion, posts, app, split


def test_a_split_records_its_rule_and_the_terms_that_set_its_posts_apart(split_app):
    _, posts, app, split = split_app
    assert split.split_from_id == app.pk
    assert split.split_post_ids == [posts[1].pk, posts[2].pk]
    assert split.split_kept_post_ids == [posts[0].pk, posts[3].pk]
    # "delivery" is in every moved post but only half of those left; "app" is shared, so it counts less.
    assert split.terms == ["delivery", "app"]


def test_it_keeps_a_split_across_a_full_refresh_and_sends_closer_new_posts_to_it(community, split_app):
    discussion, posts, app, split = split_app
    closer, farther = _publish(discussion, ["The app delivery is rude.", "The app is great."])

    services.themes_refresh(community=community)

    split.refresh_from_db()
    app.refresh_from_db()
    assert _members(split) == {posts[1].pk, posts[2].pk, closer.pk}
    # The post the researcher left in the parent stays there even though it mentions delivery.
    assert _members(app) == {posts[0].pk, posts[3].pk, farther.pk}
    assert (split.post_count, app.post_count) == (3, 3)
    assert split.display_label == "App deliveries" and split.retired_at is None
    assert Theme.objects.filter(community=community, retired_at__isnull=True).count() == 3


def test_it_keeps_a_split_across_several_refreshes_with_its_quotes(community, split_app):
    _, posts, app, split = split_app
    quotes_before = set(
        ThemePost.objects.filter(theme=split, is_quote=True).values_list("post_id", flat=True)
    )
    assert quotes_before  # the parent's quotes among the moved posts came along
    for _ in range(2):
        services.themes_refresh(community=community)
    assert _members(split) == {posts[1].pk, posts[2].pk}
    assert not _members(app) & _members(split)
    quotes_after = set(ThemePost.objects.filter(theme=split, is_quote=True).values_list("post_id", flat=True))
    assert quotes_after == quotes_before


def test_new_and_edited_posts_respect_a_split_without_a_refit(
    community, split_app, django_capture_on_commit_callbacks
):
    discussion, posts, app, split = split_app
    closer = _publish_live(discussion, "The app delivery was slow.", django_capture_on_commit_callbacks)
    farther = _publish_live(discussion, "The app is lovely.", django_capture_on_commit_callbacks)
    assert closer.pk in _members(split) and closer.pk not in _members(app)
    assert farther.pk in _members(app) and farther.pk not in _members(split)

    # A moved post the author edits stays where the researcher put it.
    moved = posts[1]
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        moved.body = "The app is great."
        moved.save(update_fields=["body"])
        announce_post_event(
            post_id=moved.pk, community_id=community.pk, discussion_id=discussion.pk, kind="edited"
        )
    assert moved.pk in _members(split) and moved.pk not in _members(app)
    split.refresh_from_db()
    assert split.post_count == 3


def test_a_split_whose_posts_are_all_gone_is_retired_and_returns_with_them(community, split_app):
    _, posts, _, split = split_app
    for post in posts[1:3]:
        post.status = PostStatus.REMOVED
        post.save(update_fields=["status"])
    services.themes_refresh(community=community)
    split.refresh_from_db()
    assert split.retired_at is not None and split.post_count == 0

    for post in posts[1:3]:
        post.status = PostStatus.PUBLISHED
        post.save(update_fields=["status"])
    services.themes_refresh(community=community)
    split.refresh_from_db()
    assert split.retired_at is None and _members(split) == {posts[1].pk, posts[2].pk}


def test_a_split_of_a_split_is_kept_too(community, split_app):
    _, posts, app, split = split_app
    deeper = theme_split(theme=split, post_ids=[posts[2].pk], label="Forgotten deliveries")
    services.themes_refresh(community=community)
    assert _members(deeper) == {posts[2].pk}
    assert _members(split) == {posts[1].pk}
    assert _members(app) == {posts[0].pk, posts[3].pk}


def test_a_renamed_and_hidden_split_stays_so_across_a_refresh(community, split_app):
    _, _, _, split = split_app
    services.theme_rename(theme=split, label="Courier app")
    services.theme_set_hidden(theme=split, hidden=True)
    services.themes_refresh(community=community)
    split.refresh_from_db()
    assert (split.display_label, split.is_hidden) == ("Courier app", True)


def test_new_posts_of_a_merged_theme_count_for_its_target_and_survive_a_refresh(
    community, fake_nlp, django_capture_on_commit_callbacks
):
    discussion = DiscussionFactory(community=community)
    _publish(discussion, ["The app is slow.", "The price is good value."])
    services.themes_refresh(community=community)
    app, price = Theme.objects.get(label="the app"), Theme.objects.get(label="the price")
    services.theme_merge(theme=price, into=app)

    new = _publish_live(discussion, "The price is bad.", django_capture_on_commit_callbacks)
    app.refresh_from_db()
    assert new.pk in _members(app) and app.post_count == 3
    assert ThemePost.objects.get(theme=app, post=new).from_merge

    services.themes_refresh(community=community)
    app.refresh_from_db()
    assert app.post_count == 3 and Theme.objects.get(pk=price.pk).merged_into_id == app.pk


def test_a_hidden_theme_stays_hidden_and_a_renamed_one_keeps_its_label_as_new_posts_arrive(
    community, fake_nlp, django_capture_on_commit_callbacks
):
    discussion = DiscussionFactory(community=community)
    _publish(discussion, ["The app is slow.", "The staff were lovely."])
    services.themes_refresh(community=community)
    app, staff = Theme.objects.get(label="the app"), Theme.objects.get(label="the staff")
    services.theme_set_hidden(theme=app, hidden=True)
    services.theme_rename(theme=staff, label="Shop floor people")

    _publish_live(discussion, "The app forgets me.", django_capture_on_commit_callbacks)
    _publish_live(discussion, "The staff are friendly.", django_capture_on_commit_callbacks)
    app.refresh_from_db()
    staff.refresh_from_db()
    assert (app.is_hidden, app.post_count) == (True, 2)
    assert (staff.display_label, staff.post_count) == ("Shop floor people", 2)

    services.themes_refresh(community=community)
    app.refresh_from_db()
    staff.refresh_from_db()
    assert app.is_hidden and staff.display_label == "Shop floor people"


def test_unmerging_takes_back_only_the_posts_the_merge_brought(community, fake_nlp):
    discussion = DiscussionFactory(community=community)
    posts = _publish(discussion, ["The app is slow.", "The price is good value.", "The app price is bad."])
    services.themes_refresh(community=community)
    app, price = Theme.objects.get(label="the app"), Theme.objects.get(label="the price")
    # The third post is the app theme's own (its first term); the merge brings in the second.
    services.theme_merge(theme=price, into=app)
    assert _members(app) == {posts[0].pk, posts[1].pk, posts[2].pk}

    theme_unmerge(theme=price)

    app.refresh_from_db()
    price.refresh_from_db()
    assert price.merged_into_id is None
    assert _members(app) == {posts[0].pk, posts[2].pk} and app.post_count == 2
    with pytest.raises(CurationError, match="not merged"):
        theme_unmerge(theme=price)


def test_a_split_plan_lists_the_posts_that_would_move_without_moving_them(community):
    _, posts, t = seed(community, n=3)
    plan = theme_split_plan(theme=t, post_ids=[posts[0].pk], label=" Rude couriers ")
    assert (plan.label, plan.moving, plan.staying) == ("Rude couriers", [posts[0].pk], 2)
    assert Theme.objects.count() == 1 and _members(t) == {p.pk for p in posts}
    with pytest.raises(CurationError, match="not in this theme"):
        theme_split_plan(theme=t, post_ids=[posts[0].pk + 1000], label="x")


def test_a_split_is_shown_for_confirmation_with_the_posts_that_move_before_anything_moves(
    client, community, alice
):
    _, posts, t = seed(community, n=3)
    posts[0].body = "The courier threw it over the fence."
    posts[0].save(update_fields=["body"])
    client.force_login(alice)
    response = act(client, t, action="split", label="Rude couriers", posts=[posts[0].pk])
    assert response.status_code == 200
    html = response.content.decode()
    assert "The courier threw it over the fence." in html
    assert "1 post moves" in html and "2 stay in" in html
    assert 'name="confirm" value="1"' in html
    assert Theme.objects.count() == 1 and _members(t) == {p.pk for p in posts}


def test_a_bad_split_request_is_refused_with_the_field_named_and_nothing_moves(client, community, alice):
    _, posts, t = seed(community, n=2)
    client.force_login(alice)
    response = act(client, t, action="split", label="", posts=[posts[0].pk])
    assert response.status_code == 400
    assert "Name: give the new theme a name." in response.content.decode()
    assert Theme.objects.count() == 1


def test_a_moderator_undoes_a_merge_from_the_theme_page(client, community, alice):
    _, posts, t = seed(community)
    other = theme(community, "parcels", "parcels", posts[:1])
    services.theme_merge(theme=other, into=t)
    client.force_login(alice)
    page = client.get(reverse("research:theme_detail", args=["acme", t.pk])).content.decode()
    assert "Merged into this theme" in page and "Unmerge" in page
    response = act(client, other, action="unmerge")
    assert response.url == reverse("research:theme_detail", args=["acme", other.pk])
    other.refresh_from_db()
    assert other.merged_into_id is None


def test_it_refuses_split_and_unmerge_by_clients_participants_and_outsiders(
    client, community, carol, bob, eve
):
    _, posts, t = seed(community)
    other = theme(community, "parcels", "parcels", posts[:1])
    services.theme_merge(theme=other, into=t)
    for user in (carol, bob, eve):
        client.force_login(user)
        assert act(client, other, action="unmerge").status_code == 404
        assert act(client, t, action="split", label="x", posts=[posts[0].pk], confirm="1").status_code == 404
    other.refresh_from_db()
    assert other.merged_into_id == t.pk and Theme.objects.count() == 2


def test_a_moderator_undoes_a_split_from_the_split_themes_page(client, community, alice, split_app):
    _, posts, app, split = split_app
    client.force_login(alice)
    page = client.get(reverse("research:theme_detail", args=["acme", split.pk])).content.decode()
    assert "Undo the split" in page
    act(client, split, action="merge", into=app.pk)
    services.themes_refresh(community=community)
    app.refresh_from_db()
    assert Theme.objects.get(pk=split.pk).merged_into_id == app.pk
    # Every post of the family counts for the parent again, and clients see one theme.
    assert {p.pk for p in posts[:4]} <= _members(app) and app.post_count == 4


def test_it_shows_a_large_theme_a_page_at_a_time_in_constant_queries(
    client, community, carol, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from research.views.themes import THEME_POSTS_PER_PAGE

    _, _, t = seed(community, n=THEME_POSTS_PER_PAGE + 5)
    url = reverse("research:theme_detail", args=["acme", t.pk])
    client.force_login(carol)
    with CaptureQueriesContext(connection) as first:
        page = client.get(url).content.decode()
    assert page.count('class="quote"') == THEME_POSTS_PER_PAGE
    assert f"Posts 1–{THEME_POSTS_PER_PAGE} of {THEME_POSTS_PER_PAGE + 5}" in page
    with django_assert_num_queries(len(first.captured_queries)):
        rest = client.get(url + "?page=2").content.decode()
    assert rest.count('class="quote"') == 5
    assert "‹ Previous" in rest and "Next ›" not in rest


def test_an_over_long_name_is_refused_naming_the_name_field_and_keeping_what_was_typed(
    client, community, alice
):
    _, _, t = seed(community)
    client.force_login(alice)
    typed = "Deliveries " + "x" * 200
    response = act(client, t, action="rename", label=typed)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Name: at most 200 characters; this one has 211." in html
    assert "label:" not in html
    assert f'value="{typed}"' in html
    t.refresh_from_db()
    assert t.display_label == "late delivery"


def test_a_name_already_used_in_the_scope_is_refused_whatever_its_case(client, community, alice):
    _, posts, t = seed(community)
    other = theme(community, "parcels", "parcels", posts[:1])
    client.force_login(alice)
    response = act(client, other, action="rename", label="Late Delivery")
    assert response.status_code == 400
    assert "another theme here is already called “late delivery”" in response.content.decode()
    assert 'value="Late Delivery"' in response.content.decode()
    act(client, t, action="rename", label="Slow parcels")
    # Once renamed, the old analysis name is free and the new one taken.
    assert act(client, other, action="rename", label="late delivery").status_code == 302
    assert act(client, other, action="rename", label="SLOW PARCELS").status_code == 400
    other.refresh_from_db()
    assert other.display_label == "late delivery"
    # A theme may keep its own name (a different case is a rename of itself).
    assert act(client, t, action="rename", label="slow Parcels").status_code == 302


def test_a_split_may_not_take_a_name_already_used_in_the_scope(client, community, alice):
    _, posts, t = seed(community)
    client.force_login(alice)
    response = act(client, t, action="split", label="LATE delivery", posts=[posts[0].pk], confirm="1")
    assert response.status_code == 400
    html = response.content.decode()
    assert "already called “late delivery”" in html
    assert f'value="{posts[0].pk}" checked' in html
    assert Theme.objects.count() == 1


def test_a_split_theme_says_it_was_split_by_a_moderator_not_found_by_analysis(client, community, alice):
    _, posts, t = seed(community)
    new = theme_split(theme=t, post_ids=[posts[0].pk], label="Rude couriers")
    client.force_login(alice)
    html = client.get(reverse("research:theme_detail", args=["acme", new.pk])).content.decode()
    assert "Split from “late delivery” by a moderator" in html
    assert "Found by analysis" not in html
    html = client.get(reverse("research:theme_detail", args=["acme", t.pk])).content.decode()
    assert "Found by analysis as “late delivery”" in html


def test_a_client_cannot_rename_a_theme(client, community, carol):
    _, _, t = seed(community)
    client.force_login(carol)
    assert act(client, t, action="rename", label="Renamed by a client").status_code in (403, 404)
    t.refresh_from_db()
    assert t.display_label == "late delivery"
