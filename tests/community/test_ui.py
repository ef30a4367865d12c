"""Base UI: layout, navigation by role, accessibility basics, no assets from the internet."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]


def test_it_offers_a_skip_link_to_the_main_content(client, bob, community):
    client.force_login(bob)
    body = client.get(reverse("home")).content.decode()
    assert '<a class="skip-link" href="#main">' in body
    assert '<main id="main"' in body
    assert '<html lang="en"' in body


@pytest.mark.parametrize(
    ("persona", "badge"), [("alice", "Moderator"), ("bob", "Participant"), ("carol", "Client")]
)
def test_it_shows_the_current_community_and_role_in_the_header(client, request, community, persona, badge):
    client.force_login(request.getfixturevalue(persona))
    body = client.get(reverse("community_home", args=["acme"])).content.decode()
    header = body[body.index('<header class="site-header">') : body.index("</header>")]
    assert "Acme Listening Lab" in header
    assert f'<span class="badge badge-{badge.lower()}">{badge}</span>' in header


def test_it_shows_the_members_tab_only_to_moderators(client, alice, bob, community):
    members_url = reverse("member_list", args=["acme"])
    client.force_login(alice)
    assert f'href="{members_url}"' in client.get(reverse("community_home", args=["acme"])).content.decode()
    client.force_login(bob)
    assert (
        f'href="{members_url}"' not in client.get(reverse("community_home", args=["acme"])).content.decode()
    )


def test_it_marks_the_current_tab_for_screen_readers(client, alice, community):
    client.force_login(alice)
    body = client.get(reverse("member_list", args=["acme"])).content.decode()
    assert re.search(r'<a href="/c/acme/members/"\s+aria-current="page">Members</a>', body)


def test_it_shows_flash_messages_after_an_action(client, alice, community):
    client.force_login(alice)
    response = client.post(
        reverse("member_invite", args=["acme"]),
        {"email": "flash@example.com", "role": "participant"},
        follow=True,
    )
    body = response.content.decode()
    assert 'class="messages" role="status"' in body
    assert "Invitation sent to flash@example.com" in body


def test_it_signs_out_with_a_post_form_in_the_nav(client, bob, community):
    client.force_login(bob)
    body = client.get(reverse("home")).content.decode()
    assert re.search(
        r'<form method="post" action="/logout/"[^>]*>\s*<input type="hidden" name="csrfmiddlewaretoken"', body
    )


def test_it_labels_every_form_field_and_ties_errors_to_it(client):
    body = client.post(reverse("login"), {"username": "", "password": ""}).content.decode()
    assert '<label for="id_username">' in body
    assert '<label for="id_password">' in body
    assert 'id="id_username_error"' in body
    assert 'aria-describedby="id_username_error"' in body
    assert 'aria-invalid="true"' in body


def test_it_serves_its_own_stylesheet_script_and_htmx():
    assert finders.find("css/verbatim.css")
    assert finders.find("js/verbatim.js")
    assert finders.find("django_htmx/htmx-2.min.js")


def test_it_loads_nothing_from_another_site(client, alice, community):
    client.force_login(alice)
    for url in [
        reverse("home"),
        reverse("community_home", args=["acme"]),
        reverse("member_list", args=["acme"]),
    ]:
        body = client.get(url).content.decode()
        assets = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', body)
        assert assets, url
        assert all(not a.startswith(("http:", "https:", "//")) for a in assets), assets


def test_it_documents_the_shared_css_classes_at_the_top_of_the_stylesheet():
    head = (ROOT / "static/css/verbatim.css").read_text()[:3000]
    for name in [
        ".card",
        ".btn-primary",
        ".btn-danger",
        ".table",
        ".badge",
        ".empty-state",
        ".chart",
        ".form",
    ]:
        assert name in head, name


def test_it_provides_the_template_blocks_other_pages_use():
    base = (ROOT / "templates/base.html").read_text()
    for block in ["title", "content", "page_actions", "scripts", "heading"]:
        assert f"{{% block {block} %}}" in base, block


def test_it_shows_a_friendly_not_found_page(client, eve, community, settings):
    settings.DEBUG = False
    client.force_login(eve)
    response = client.get(reverse("community_home", args=["acme"]))
    assert response.status_code == 404
    assert "We couldn't find that page" in response.content.decode()
    assert "Acme" not in response.content.decode()  # outsiders learn nothing about the community


def test_it_links_coding_for_moderators_and_exports_for_staff_but_neither_for_participants(
    client, alice, bob, carol, community
):
    from django.urls import reverse

    home = reverse("community_home", kwargs={"slug": community.slug})
    coding = reverse("research:coding", kwargs={"slug": community.slug})
    exports = reverse("research:exports", kwargs={"slug": community.slug})
    seen = {}
    for user in (alice, bob, carol):
        client.force_login(user)
        seen[user.username] = client.get(home).content.decode()
    assert f'href="{coding}"' in seen["alice"] and f'href="{exports}"' in seen["alice"]
    assert f'href="{coding}"' not in seen["carol"] and f'href="{exports}"' in seen["carol"]
    assert f'href="{coding}"' not in seen["bob"] and f'href="{exports}"' not in seen["bob"]


# --- One current tab; plain words for participants; the coding pages' empty states --------------


def current_tabs(html: str) -> list[str]:
    nav = html[html.index('<nav class="community-nav"') :]
    nav = nav[: nav.index("</nav>")]
    return re.findall(r'aria-current="page">([^<]+)</a>', nav)


@pytest.mark.parametrize(
    ("url_name", "tab"),
    [
        ("research:coding", "Coding"),
        ("research:codebook", "Coding"),
        ("research:themes", "Themes"),
        ("research:dashboard", "Insights"),
        ("research:gap", "Insights"),
        ("research:exports", "Exports"),
        ("member_list", "Members"),
        ("discussion_list", "Guide"),
        ("community_home", "Overview"),
    ],
)
def test_it_marks_exactly_one_tab_as_the_current_page(client, alice, community, url_name, tab):
    client.force_login(alice)
    html = client.get(reverse(url_name, args=["acme"])).content.decode()
    assert current_tabs(html) == [tab]


def visible_text(html: str) -> str:
    """What a reader sees: the page without tags, scripts, styles or comments."""
    html = re.sub(r"<(script|style)\b.*?</\1>|<!--.*?-->", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_it_speaks_plainly_to_participants_about_posting_and_hidden_answers(client, alice, bob, community):
    from community.models import Visibility
    from community.services.probes import probe_create
    from tests.conftest import membership_of
    from tests.factories import DiscussionFactory, PostFactory

    board = DiscussionFactory(community=community, title="Your emails", visibility=Visibility.UNINFLUENCED)
    own = PostFactory(discussion=board, author=membership_of(bob, community), body="I open the sale ones.")
    probe = probe_create(
        author=membership_of(alice, community), discussion=board, question="Which sale?", post=own
    )
    client.force_login(bob)
    pages = {
        "guide": reverse("discussion_list", args=["acme"]),
        "activity": reverse("discussion_detail", args=["acme", board.pk]),
        "edit": reverse("post_edit", args=["acme", own.pk]),
        "follow-up": reverse("probe_detail", args=["acme", probe.pk]),
    }
    for name, url in pages.items():
        text = visible_text(client.get(url).content.decode())
        for jargon in ("uninfluenced", "markdown", "probe"):
            assert jargon not in text.lower(), (name, jargon, text)
    # Pages inside an activity keep the participant's "Activities" tab marked.
    for name in ("activity", "edit", "follow-up"):
        assert current_tabs(client.get(pages[name]).content.decode()) == ["Activities"], name
    guide = visible_text(client.get(pages["guide"]).content.decode())
    assert "you see others' answers after posting yours" in guide
    for name in ("activity", "edit", "follow-up"):
        text = visible_text(client.get(pages[name]).content.decode())
        assert "Formatting: **bold**, *italic*, and start a line with - for a list." in text, name


def test_it_keeps_the_precise_word_for_moderators_planning_the_guide(client, alice, community):
    from community.models import Visibility
    from tests.factories import DiscussionFactory

    DiscussionFactory(community=community, title="Your emails", visibility=Visibility.UNINFLUENCED)
    client.force_login(alice)
    assert "· uninfluenced" in visible_text(
        client.get(reverse("discussion_list", args=["acme"])).content.decode()
    )


def test_it_ties_the_formatting_help_to_the_box_it_describes(client, bob, community):
    from tests.factories import DiscussionFactory

    board = DiscussionFactory(community=community)
    client.force_login(bob)
    html = client.get(reverse("discussion_detail", args=["acme", board.pk])).content.decode()
    assert '<div class="helptext" id="id_body_helptext">Formatting:' in html
    assert re.search(r'<textarea[^>]*aria-describedby="id_body_helptext"', html)


def test_it_asks_for_codes_before_offering_to_apply_one(client, alice, community):
    from research.models import Code
    from tests.factories import DiscussionFactory, PostFactory

    PostFactory(discussion=DiscussionFactory(community=community), body="The app forgets my size.")
    client.force_login(alice)
    coding = reverse("research:coding", args=["acme"])
    html = client.get(coding).content.decode()
    assert "The codebook is empty" in html and "Apply code" not in html
    assert "No codes yet" in client.get(reverse("research:codebook", args=["acme"])).content.decode()
    Code.objects.create(community=community, name="Sizing")
    html = client.get(coding).content.decode()
    assert "The codebook is empty" not in html and "Apply code" in html


def test_it_shows_every_time_in_one_named_time_zone(client, alice, bob, community, settings):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from tests.factories import DiscussionFactory

    settings.TIME_ZONE = "Europe/London"
    opens = datetime(2031, 11, 26, 19, 0, tzinfo=ZoneInfo("Europe/London"))
    board = DiscussionFactory(community=community, title="Gifts", opens_at=opens)
    client.force_login(bob)
    guide = client.get(reverse("discussion_list", args=["acme"])).content.decode()
    assert "opens 26 Nov 19:00 GMT" in guide
    page = client.get(reverse("discussion_detail", args=["acme", board.pk])).content.decode()
    assert "until 26 Nov 2031 19:00 GMT" in page
    # The moderator's live-session form names the same zone; no page says "your time".
    live = DiscussionFactory(community=community, title="Evening chat", kind="live", opens_at=opens)
    client.force_login(alice)
    room = client.get(reverse("live_session", args=["acme", live.pk])).content.decode()
    assert (
        "your time" not in room
        and "In Europe/London, the time zone every time on this site is shown in" in room
    )
    assert "your time" not in (ROOT / "static" / "js" / "live.js").read_text()
