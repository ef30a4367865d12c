"""Members' names never reach the brand's team: every client surface, for every member's names.

Members greet each other by name ("Welcome Priya!", "Hi I'm Leah"); the name finder misses many
of these, the community roster does not. Moderators' posts are not evidence: never a quote, never
counted.
"""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from community.models import Role
from community.services.posts import post_create
from research import selectors, services
from research.models import Code, CodedExcerpt, PostAnalysis, Theme
from tests.factories import CommunityFactory, DiscussionFactory, MembershipFactory, UserFactory
from tests.research import fakes

fake_nlp = fakes.fake_nlp

PEOPLE = {
    # username: (first, last, role, pseudonym)
    "leah": ("Leah", "Goldberg", Role.PARTICIPANT, "Eager Cedar"),
    "priya": ("Priya", "Sandhu", Role.PARTICIPANT, "Sunny Heron"),
    "tomasz": ("Tomasz", "Nowak", Role.PARTICIPANT, "Quiet Lynx"),
    "will": ("Will", "Thornton", Role.PARTICIPANT, "Brisk Falcon"),
    "maya": ("Maya", "Okafor", Role.MODERATOR, "Calm Harbour"),
    "ruth": ("Ruth", "Agarwal", Role.CLIENT, "Tidy Pebble"),
}
# "Will" is also a word: only its capitalised form is a name ("I will" must survive).
CASE_SENSITIVE = {"Will"}

BODIES = {
    "leah": "Hi I'm Leah Goldberg, 33, in Manchester. The delivery was slow and I will not wait again.",
    "priya": "Thanks tomasz and leah, the app is slow for me too. Maybe Ruth Agarwal could look at it.",
    "tomasz": "Nowak here: the app is fine, but Will said the delivery was lovely. Sandhu agreed.",
    "will": "The delivery was slow. Maya Okafor asked me about it and Priya's point is right.",
}
# "me" makes the fake analyzer call it relevant: it would count as relevance evidence if counted.
MODERATOR_BODY = "Welcome Priya! Thanks Tomasz, and Leah: tell me more about the delivery app."


def _leaks(text: str) -> list[str]:
    """Every member's first or last name found in `text`."""
    found = []
    for first, last, _, _ in PEOPLE.values():
        for name in (first, last):
            if name in CASE_SENSITIVE:
                hit = re.search(rf"(?<!\w){name}(?!\w)", text)
            else:
                hit = re.search(rf"(?<!\w){name}(?!\w)", text, flags=re.IGNORECASE)
            if hit:
                found.append(name)
    return found


def _page(response) -> str:
    assert response.status_code == 200, response.status_code
    html = response.content.decode()
    # The navigation bar greets the signed-in client by their own name; that is not a leak.
    return re.sub(r'<li class="user-name"[^>]*>.*?</li>', "", html, flags=re.DOTALL)


def _download(response) -> bytes:
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def lab(db, fake_nlp):
    community = CommunityFactory(name="Roster Lab", slug="roster-lab", brand_name="Acme")
    members = {
        key: MembershipFactory(
            community=community,
            user=UserFactory(username=key, first_name=first, last_name=last),
            role=role,
            pseudonym=pseudonym,
        )
        for key, (first, last, role, pseudonym) in PEOPLE.items()
    }
    discussion = DiscussionFactory(community=community, title="Your last delivery")
    posts = {
        key: post_create(author=members[key], discussion=discussion, body=body, rate_limit=False)
        for key, body in BODIES.items()
    }
    posts["maya"] = post_create(
        author=members["maya"], discussion=discussion, body=MODERATOR_BODY, rate_limit=False
    )
    services.posts_analyze(post_ids=[p.pk for p in posts.values()])
    services.themes_refresh(community=community)
    code = Code.objects.create(community=community, name="Delivery")
    for post in posts.values():
        CodedExcerpt.objects.create(
            post=post, code=code, start=0, end=len(post.body), text=post.body, coder=members["maya"].user
        )
    return community, members, discussion, posts


def _client_surfaces(client, community, members, discussion) -> dict[str, str]:
    ruth = members["ruth"].user
    client.force_login(ruth)
    slug = community.slug
    themes = Theme.objects.filter(community=community)
    assert themes.exists()
    out = {
        "dashboard": _page(client.get(reverse("research:dashboard", args=[slug]))),
        "themes": _page(client.get(reverse("research:themes", args=[slug]))),
        "discussion": _page(client.get(reverse("discussion_detail", args=[slug, discussion.pk]))),
        "posts.csv": _download(client.get(reverse("research:export_posts_csv", args=[slug]))).decode(
            "utf-8-sig"
        ),
        "transcript": _download(
            client.get(reverse("research:export_transcript", args=[slug, discussion.pk]))
        ).decode("utf-8"),
    }
    for theme in themes:
        out[f"theme {theme.pk}"] = _page(client.get(reverse("research:theme_detail", args=[slug, theme.pk])))
    for name in ("research:export_posts_xlsx", "research:export_themes_xlsx"):
        book = load_workbook(io.BytesIO(_download(client.get(reverse(name, args=[slug])))))
        out[name] = "\n".join(
            str(cell)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for cell in row
        )
    archive = zipfile.ZipFile(io.BytesIO(_download(client.get(reverse("research:export_qdpx", args=[slug])))))
    out["qdpx"] = "\n".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=ruth)[0].key}")
    for name in ("api:posts", "api:themes", "api:gap"):
        response = api.get(reverse(name, args=[slug]))
        assert response.status_code == 200
        out[name] = response.content.decode()
    return out


def test_it_keeps_every_members_names_out_of_every_client_surface(client, lab):
    community, members, discussion, posts = lab
    surfaces = _client_surfaces(client, community, members, discussion)
    leaks = {surface: _leaks(text) for surface, text in surfaces.items() if _leaks(text)}
    assert leaks == {}
    # Redaction took names, not the words around them: the clients still read what was said.
    assert "Hi I'm [NAME], 33, in Manchester" in surfaces["posts.csv"]
    assert "I will not wait again" in surfaces["posts.csv"]
    assert "Eager Cedar" in surfaces["posts.csv"]


def test_it_shows_moderators_the_names_clients_never_see(client, lab):
    community, members, discussion, posts = lab
    client.force_login(members["maya"].user)
    csv_text = _download(client.get(reverse("research:export_posts_csv", args=[community.slug]))).decode(
        "utf-8-sig"
    )
    assert "Hi I'm Leah Goldberg" in csv_text


def test_it_stores_the_analysis_redaction_without_members_names(lab):
    community, members, discussion, posts = lab
    for analysis in PostAnalysis.objects.filter(community=community):
        assert _leaks(analysis.redacted_text) == [], analysis.redacted_text
    for post in posts.values():
        post.refresh_from_db()
        assert _leaks(post.client_body_html) == [], post.client_body_html


def test_it_redacts_again_text_analysed_before_a_member_joined(lab, fake_nlp):
    community, members, discussion, posts = lab
    # A stored analysis from before the roster (or before this member joined): analysis is skipped
    # for unchanged text, so only `redact_again` can fix it.
    leaky = "Ask Zara Quint about it, she said the app is slow."
    priya = posts["priya"]
    PostAnalysis.objects.filter(post=priya).update(redacted_text=leaky)
    MembershipFactory(
        community=community, user=UserFactory(username="zara", first_name="Zara", last_name="Quint")
    )
    before = len(fake_nlp.enriched)
    services.posts_analyze(post_ids=[priya.pk])
    assert len(fake_nlp.enriched) == before, "unchanged text is not analysed again"

    call_command("redact_again", community=community.slug, stdout=io.StringIO())

    assert (
        PostAnalysis.objects.get(post=priya).redacted_text == "Ask [NAME] about it, she said the app is slow."
    )


def test_it_redacts_again_when_the_roster_changes_and_not_when_it_does_not(lab, django_assert_num_queries):
    from research.redaction import posts_redact_again

    community, members, discussion, posts = lab
    posts_redact_again(community_id=community.pk)
    # Unchanged roster: one cache read, no query at all.
    with django_assert_num_queries(0):
        assert posts_redact_again(community_id=community.pk) == 0
    PostAnalysis.objects.filter(post=posts["leah"]).update(redacted_text="Kit Marlowe says hi.")
    MembershipFactory(
        community=community, user=UserFactory(username="kit", first_name="Kit", last_name="Marlowe")
    )
    assert posts_redact_again(community_id=community.pk) >= 1
    assert PostAnalysis.objects.get(post=posts["leah"]).redacted_text == "[NAME] says hi.", (
        "a full name is one span"
    )


def test_it_refuses_redact_again_for_an_unknown_community(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--community: no community with slug 'nope'"):
        call_command("redact_again", community="nope", stdout=io.StringIO())


# --- Moderators' posts are not evidence ---


def test_it_never_quotes_or_counts_a_moderators_post(client, lab):
    community, members, discussion, posts = lab
    moderator_post = posts["maya"]
    themes = list(selectors.themes_for_scope(community=community))
    assert themes
    for theme in themes:
        assert moderator_post.pk not in {q.post_id for q in theme.quotes}
        assert moderator_post.pk not in {tp.post_id for tp in selectors.theme_posts(theme=theme)}
        assert not theme.memberships.filter(post=moderator_post).exists()
    delivery = next(t for t in themes if "delivery" in (t.terms or []))
    # Leah's and Will's posts lead with the delivery; so does Maya's prompt, which is not counted.
    assert (delivery.post_count, delivery.participant_count) == (2, 2)
    assert delivery.summary.startswith("2 posts from 2 participants")

    client.force_login(members["ruth"].user)
    body = _page(client.get(reverse("research:theme_detail", args=[community.slug, delivery.pk])))
    assert "Welcome" not in body and "tell me more" not in body

    gap = APIClient()
    gap.credentials(
        HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=members['ruth'].user)[0].key}"
    )
    themes_json = gap.get(reverse("api:themes", args=[community.slug])).json()
    assert "Welcome" not in str(themes_json) and "tell me more" not in str(themes_json)


def test_it_keeps_a_moderators_post_out_of_the_perception_gap_evidence(lab):
    from research.exports.selectors import gap_dimensions

    community, members, discussion, posts = lab
    relevance = next(row for row in gap_dimensions(community=community) if row["evidence_key"] == "relevance")
    # Priya ("for me too") and Will ("asked me") find it relevant; Maya's "tell me more" is not evidence.
    assert relevance["posts"]["positive"] == 2
    assert posts["maya"].pk not in {p.pk for p in relevance["quote_posts"]}


def test_it_redacts_again_once_a_new_members_joining_commits(lab, django_capture_on_commit_callbacks):
    community, members, discussion, posts = lab
    PostAnalysis.objects.filter(post=posts["leah"]).update(redacted_text="Say hi to Zara.")
    with django_capture_on_commit_callbacks(execute=True):
        MembershipFactory(
            community=community, user=UserFactory(username="zara", first_name="Zara", last_name="Quint")
        )
    assert PostAnalysis.objects.get(post=posts["leah"]).redacted_text == "Say hi to [NAME]."


def test_the_reconciler_applies_a_roster_change_whose_event_was_lost(lab):
    from research.tasks import reconcile_analysis

    community, members, discussion, posts = lab
    PostAnalysis.objects.filter(post=posts["leah"]).update(redacted_text="Say hi to Zara.")
    # No commit callbacks run here: as if the broker was down when Zara joined.
    MembershipFactory(
        community=community, user=UserFactory(username="zara", first_name="Zara", last_name="Quint")
    )
    reconcile_analysis()
    assert PostAnalysis.objects.get(post=posts["leah"]).redacted_text == "Say hi to [NAME]."


# --- A member erases their data: their name stays out of every client surface ---


def _erased_leaks(text: str) -> list[str]:
    return re.findall(r"(?i)(?<!\w)(?:tomasz|nowak)(?!\w)", text)


def test_it_keeps_an_erased_members_name_out_of_every_client_surface(
    client, lab, django_capture_on_commit_callbacks
):
    from community.services.privacy import user_erase

    community, members, discussion, posts = lab
    with django_capture_on_commit_callbacks(execute=True):
        user_erase(user=members["tomasz"].user, password="correct horse battery")
    # Priya's answer names Tomasz; it is edited after the erasure, so it is analysed afresh.
    priya = posts["priya"]
    priya.body += " Edited."
    priya.save(update_fields=["body"])
    services.posts_analyze(post_ids=[priya.pk])
    surfaces = _client_surfaces(client, community, members, discussion)
    leaks = {surface: _erased_leaks(text) for surface, text in surfaces.items() if _erased_leaks(text)}
    assert leaks == {}
    assert "Thanks [NAME] and [NAME], the app is slow for me too" in surfaces["posts.csv"]
    assert "Quiet Lynx" not in str(surfaces)


def test_it_redacts_stored_client_text_naming_the_erased_member_before_the_erasure_commits(
    lab, django_capture_on_commit_callbacks
):
    from community.services.privacy import user_erase

    community, members, discussion, posts = lab
    priya = posts["priya"]  # "Thanks tomasz and leah, ..."
    # Stored before the roster knew Tomasz (an older analysis, an older client copy).
    PostAnalysis.objects.filter(post=priya).update(redacted_text="Thanks tomasz and [NAME], it is slow.")
    type(priya).objects.filter(pk=priya.pk).update(client_body_html="<p>Thanks tomasz</p>")
    # No commit callbacks run: the after-commit redaction task never comes.
    with django_capture_on_commit_callbacks(execute=False):
        user_erase(user=members["tomasz"].user, password="correct horse battery")
    assert PostAnalysis.objects.get(post=priya).redacted_text == "Thanks [NAME] and [NAME], it is slow."
    priya.refresh_from_db()
    assert "tomasz" not in priya.client_body_html.lower() and "[NAME]" in priya.client_body_html
