"""Exports as files: posts (CSV, XLSX), the themes report (XLSX) and discussion transcripts, per role."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from research.exports.common import PENDING_REDACTION
from tests.factories import DiscussionFactory
from tests.research.exports_helpers import (
    CHECKOUT_BODY,
    CHECKOUT_REDACTED,
    EMAIL_BODY,
    EMAIL_REDACTED,
    FORMULA_BODY,
    PHONE_BODY,
    add_posts,
    build_checkout,
    build_corpus,
)

SECRETS = ("SECRET-HIDDEN", "SECRET-REMOVED", "SECRET-UNDER-HIDDEN", "SECRET-THEME")


@pytest.fixture
def corpus(community, alice, bob, carol):
    return build_corpus(community, alice=alice, bob=bob)


def _body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.getvalue() if hasattr(response, "getvalue") else response.content


def _csv(client, user) -> list[dict]:
    client.force_login(user)
    response = client.get(reverse("research:export_posts_csv", args=["acme"]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = _body(response).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def _xlsx(client, user, name: str):
    client.force_login(user)
    response = client.get(reverse(name, args=["acme"]))
    assert response.status_code == 200
    return load_workbook(io.BytesIO(_body(response)))


def _transcript(client, user, discussion) -> str:
    client.force_login(user)
    response = client.get(reverse("research:export_transcript", args=["acme", discussion.pk]))
    assert response.status_code == 200
    return _body(response).decode("utf-8")


# --- Posts CSV ---


def test_it_gives_moderators_real_names_and_the_original_text_in_the_csv(client, corpus, alice):
    rows = _csv(client, alice)
    by_id = {int(r["post_id"]): r for r in rows}
    row = by_id[corpus.email_post.pk]
    assert row["author"] == "Bob Participant (Swift Heron)"
    assert row["text"] == EMAIL_BODY
    assert row["sentiment"] == "negative"
    assert row["relevance"] == "relevant"
    assert row["dimensions"] == "trust:negative"
    assert row["themes"] == "The app"
    assert by_id[corpus.unanalysed_post.pk]["text"] == PHONE_BODY


def test_it_gives_clients_pseudonyms_and_redacted_text_in_the_csv(client, corpus, carol):
    rows = _csv(client, carol)
    raw = repr(rows)
    assert "Bob Participant" not in raw and "Zoe Real" not in raw
    assert "bob@example.com" not in raw
    by_id = {int(r["post_id"]): r for r in rows}
    assert by_id[corpus.email_post.pk]["author"] == "Swift Heron"
    # Insights count participants' posts; the role lets a reader match them.
    assert by_id[corpus.email_post.pk]["author_role"] == "participant"
    assert by_id[corpus.email_post.pk]["text"] == EMAIL_REDACTED
    assert by_id[corpus.reply.pk]["author"] == "Misty Fox"


def test_it_withholds_from_clients_the_text_of_posts_not_yet_redacted(client, corpus, carol):
    by_id = {int(r["post_id"]): r for r in _csv(client, carol)}
    # Never analysed: the phone number must not reach the client.
    assert by_id[corpus.unanalysed_post.pk]["text"] == PENDING_REDACTION
    # Edited since it was analysed: the stored redaction is of older words, the new ones are raw.
    assert by_id[corpus.stale_post.pk]["text"] == PENDING_REDACTION
    assert "555 123 4567" not in repr(by_id) and "07700" not in repr(by_id) and "Robert" not in repr(by_id)


def test_it_leaves_hidden_removed_and_orphaned_posts_and_hidden_themes_out_of_the_csv(client, corpus, alice):
    rows = _csv(client, alice)
    ids = {int(r["post_id"]) for r in rows}
    assert corpus.hidden_post.pk not in ids
    assert corpus.removed_post.pk not in ids
    assert corpus.reply_under_hidden.pk not in ids
    assert not any(secret in repr(rows) for secret in SECRETS)
    assert len(rows) == 5


def test_it_neutralises_spreadsheet_formulas_in_the_csv(client, corpus, alice):
    by_id = {int(r["post_id"]): r for r in _csv(client, alice)}
    assert by_id[corpus.formula_post.pk]["text"] == "'" + FORMULA_BODY


def test_it_exports_the_csv_in_the_same_number_of_queries_for_three_times_the_posts(
    client, corpus, alice, django_assert_num_queries
):
    client.force_login(alice)
    url = reverse("research:export_posts_csv", args=["acme"])
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert len(_body(client.get(url)).splitlines()) == 6
    add_posts(corpus.discussion.community, corpus.discussion, 10, theme=corpus.theme)
    with django_assert_num_queries(len(small.captured_queries)):
        assert len(_body(client.get(url)).splitlines()) == 16


def _imported_post(corpus, imported_id: str):
    from tests.factories import PostFactory
    from tests.research.exports_helpers import analyse

    post = PostFactory(
        discussion=corpus.discussion,
        author=corpus.email_post.author,
        body="Imported words.",
        imported_id=imported_id,
    )
    analyse(post)
    return post


def test_researchers_get_a_posts_id_in_its_source_file_and_clients_do_not(client, corpus, alice, carol):
    imported = _imported_post(corpus, "review-site-5521")
    by_id = {int(r["post_id"]): r for r in _csv(client, alice)}
    assert by_id[imported.pk]["imported_id"] == "review-site-5521"
    assert by_id[corpus.email_post.pk]["imported_id"] == ""
    header = next(_xlsx(client, alice, "research:export_posts_xlsx")["Posts"].iter_rows(values_only=True))
    assert "imported_id" in header

    rows = _csv(client, carol)
    assert "imported_id" not in rows[0] and "review-site-5521" not in repr(rows)
    assert {int(r["post_id"]) for r in rows} >= {imported.pk}
    client_rows = list(
        _xlsx(client, carol, "research:export_posts_xlsx")["Posts"].iter_rows(values_only=True)
    )
    assert "imported_id" not in client_rows[0] and "review-site-5521" not in repr(client_rows)
    # Every other column is still there, each value under its own heading.
    row = dict(zip(client_rows[0], next(r for r in client_rows[1:] if r[0] == imported.pk), strict=True))
    assert row["author"] == "Swift Heron" and row["text"] == "Imported words." and row["themes"] is None


# --- Posts XLSX ---


def test_it_gives_clients_pseudonyms_and_redacted_text_in_the_xlsx(client, corpus, carol):
    sheet = _xlsx(client, carol, "research:export_posts_xlsx")["Posts"]
    rows = list(sheet.iter_rows(values_only=True))
    header, data = rows[0], rows[1:]
    assert header[0] == "post_id"
    by_id = {r[0]: dict(zip(header, r, strict=True)) for r in data}
    assert by_id[corpus.email_post.pk]["text"] == EMAIL_REDACTED
    assert by_id[corpus.email_post.pk]["author"] == "Swift Heron"
    assert by_id[corpus.unanalysed_post.pk]["text"] == PENDING_REDACTION
    assert corpus.hidden_post.pk not in by_id
    assert "bob@example.com" not in repr(rows) and "Bob Participant" not in repr(rows)


def test_it_stores_formula_looking_text_as_text_in_the_xlsx(client, corpus, alice):
    sheet = _xlsx(client, alice, "research:export_posts_xlsx")["Posts"]
    cells = [row for row in sheet.iter_rows() if row[0].value == corpus.formula_post.pk][0]
    text_cell = cells[8]
    assert text_cell.data_type == "s"
    assert text_cell.value == "'" + FORMULA_BODY
    assert cells[5].value == "Bob Participant (Swift Heron)"
    assert cells[6].value == "participant"


def test_it_exports_the_xlsx_in_the_same_number_of_queries_for_more_posts(
    client, corpus, alice, django_assert_max_num_queries
):
    client.force_login(alice)
    url = reverse("research:export_posts_xlsx", args=["acme"])
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        _body(client.get(url))
    add_posts(corpus.discussion.community, corpus.discussion, 10)
    with django_assert_max_num_queries(len(small.captured_queries)):
        _body(client.get(url))


# --- Themes report ---


def test_it_reports_visible_themes_with_summary_counts_and_sentiment(client, corpus, alice):
    workbook = _xlsx(client, alice, "research:export_themes_xlsx")
    rows = list(workbook["Themes"].iter_rows(values_only=True))
    assert rows[0][:4] == ("theme", "summary", "participants", "posts")
    assert rows[1][:7] == ("The app", "People find the app slow.", 2, 3, 1, 2, 0)
    assert len(rows) == 2, "the hidden theme is not reported"


def test_the_themes_report_gives_the_researchers_summary_for_clients(client, corpus, carol):
    corpus.theme.researcher_summary = "Customers find the app slow at checkout."
    corpus.theme.save(update_fields=["researcher_summary"])
    rows = list(_xlsx(client, carol, "research:export_themes_xlsx")["Themes"].iter_rows(values_only=True))
    assert rows[1][:2] == ("The app", "Customers find the app slow at checkout.")


def test_it_gives_clients_pseudonymous_redacted_quotes_in_the_themes_report(client, corpus, carol):
    quotes = list(_xlsx(client, carol, "research:export_themes_xlsx")["Quotes"].iter_rows(values_only=True))
    assert quotes[0] == ("theme", "rank", "post_id", "author", "quote")
    assert quotes[1] == ("The app", 1, corpus.email_post.pk, "Swift Heron", EMAIL_REDACTED)
    assert quotes[2][4] == PENDING_REDACTION
    # The hidden post is a quote in the database but never in the report.
    assert len(quotes) == 3
    assert not any(secret in repr(quotes) for secret in SECRETS)


def test_it_gives_moderators_real_names_in_the_themes_report(client, corpus, alice):
    quotes = list(_xlsx(client, alice, "research:export_themes_xlsx")["Quotes"].iter_rows(values_only=True))
    assert quotes[1][3:] == ("Bob Participant (Swift Heron)", EMAIL_BODY)


def test_it_builds_the_themes_report_in_the_same_number_of_queries_for_more_quotes(
    client, corpus, alice, django_assert_max_num_queries
):
    client.force_login(alice)
    url = reverse("research:export_themes_xlsx", args=["acme"])
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        _body(client.get(url))
    add_posts(corpus.discussion.community, corpus.discussion, 8, theme=corpus.theme)
    with django_assert_max_num_queries(len(small.captured_queries)):
        body = _body(client.get(url))
    quotes = list(load_workbook(io.BytesIO(body))["Quotes"].iter_rows(values_only=True))
    assert len(quotes) == 11


def test_the_themes_report_numbers_each_themes_quotes_from_one_in_their_order(client, corpus, alice):
    from research.models import ThemePost

    add_posts(corpus.discussion.community, corpus.discussion, 3, theme=corpus.theme)
    # Stored ranks start at 0 (the theme's best quote); the report counts from 1 without repeats.
    quoted = ThemePost.objects.filter(theme=corpus.theme, is_quote=True).order_by("quote_rank", "post_id")
    for stored_rank, membership in enumerate(quoted):
        ThemePost.objects.filter(pk=membership.pk).update(quote_rank=stored_rank)
    client.force_login(alice)
    quotes = list(_xlsx(client, alice, "research:export_themes_xlsx")["Quotes"].iter_rows(values_only=True))
    ranks = [row[1] for row in quotes[1:] if row[0] == quotes[1][0]]
    assert ranks == list(range(1, len(ranks) + 1)) and len(ranks) >= 3


# --- Transcript ---


def test_it_writes_a_moderator_transcript_with_real_names_and_replies_under_their_post(client, corpus, alice):
    text = _transcript(client, alice, corpus.discussion)
    assert text.startswith("Acme Listening Lab: Your last visit\n")
    assert "\n4 responses, 1 reply\n" in text
    assert "Bob Participant (Swift Heron)" in text and EMAIL_BODY in text
    parent_at = text.index(EMAIL_BODY)
    reply_at = text.index("I agree about the app.")
    assert parent_at < reply_at
    assert "    [" in text[parent_at:reply_at], "the reply is indented under its post"
    assert not any(secret in text for secret in SECRETS)


def test_it_writes_a_client_transcript_with_pseudonyms_and_redacted_text(client, corpus, carol):
    text = _transcript(client, carol, corpus.discussion)
    assert "Swift Heron" in text and EMAIL_REDACTED in text
    assert "Bob Participant" not in text and "bob@example.com" not in text
    assert "555 123 4567" not in text and PENDING_REDACTION in text
    assert not any(secret in text for secret in SECRETS)


def test_it_refuses_clients_the_transcript_of_a_draft_discussion(client, corpus, carol, alice):
    draft = DiscussionFactory(community=corpus.discussion.community, is_draft=True)
    client.force_login(carol)
    assert client.get(reverse("research:export_transcript", args=["acme", draft.pk])).status_code == 404
    client.force_login(alice)
    assert client.get(reverse("research:export_transcript", args=["acme", draft.pk])).status_code == 200


def test_it_refuses_the_transcript_of_another_communitys_discussion(client, corpus, alice, other_community):
    foreign = DiscussionFactory(community=other_community)
    client.force_login(alice)
    assert client.get(reverse("research:export_transcript", args=["acme", foreign.pk])).status_code == 404


def test_it_writes_the_transcript_in_the_same_number_of_queries_for_more_posts(
    client, corpus, alice, django_assert_max_num_queries
):
    client.force_login(alice)
    url = reverse("research:export_transcript", args=["acme", corpus.discussion.pk])
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        _body(client.get(url))
    add_posts(corpus.discussion.community, corpus.discussion, 10)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert _body(client.get(url)).count(b"Extra post") == 10


# --- Who may export ---

EXPORT_URLS = [
    ("research:exports", []),
    ("research:export_posts_csv", []),
    ("research:export_posts_xlsx", []),
    ("research:export_themes_xlsx", []),
    ("research:export_qdpx", []),
    ("research:export_transcript", ["discussion"]),
]


def _url(corpus, name, extra):
    args = ["acme"] + [corpus.discussion.pk for _ in extra]
    return reverse(name, args=args)


@pytest.mark.parametrize(("name", "extra"), EXPORT_URLS)
def test_it_refuses_every_export_to_participants_and_outsiders_with_404(
    client, corpus, bob, dave, eve, name, extra
):
    for user in (bob, dave, eve):
        client.force_login(user)
        response = client.get(_url(corpus, name, extra))
        assert response.status_code == 404, (user.username, name)


@pytest.mark.parametrize(("name", "extra"), EXPORT_URLS)
def test_it_sends_anonymous_visitors_to_sign_in_for_every_export(client, corpus, name, extra):
    response = client.get(_url(corpus, name, extra))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(("name", "extra"), EXPORT_URLS)
def test_it_serves_every_export_to_moderators_and_clients(client, corpus, alice, carol, name, extra):
    for user in (alice, carol):
        client.force_login(user)
        response = client.get(_url(corpus, name, extra))
        assert response.status_code == 200, (user.username, name)
        if name != "research:exports":
            assert response["Cache-Control"] == "private, no-store"


def test_it_lists_the_exports_and_transcripts_on_the_exports_page(client, corpus, carol):
    client.force_login(carol)
    page = client.get(reverse("research:exports", args=["acme"])).content.decode()
    assert reverse("research:export_qdpx", args=["acme"]) in page
    assert reverse("research:export_transcript", args=["acme", corpus.discussion.pk]) in page
    assert "pseudonyms" in page


def test_it_streams_the_csv_without_buffering_it_under_asgi(corpus, alice):
    import warnings

    from asgiref.sync import async_to_sync
    from django.test import AsyncClient

    add_posts(corpus.discussion.community, corpus.discussion, 3)
    client = AsyncClient()

    async def fetch():
        await client.aforce_login(alice)
        response = await client.get(reverse("research:export_posts_csv", args=["acme"]))
        assert response.is_async, "an async iterator, so Django does not read it all into memory first"
        return b"".join([chunk async for chunk in response.streaming_content])

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        body = async_to_sync(fetch)()
    # Django warns when it has to read a synchronous iterator whole before serving it.
    assert not [w for w in caught if "synchronous iterators" in str(w.message)]
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert len(rows) == 8
    assert EMAIL_BODY in {r["text"] for r in rows}


# --- Exports hold what the filtered dashboard shows, and say so ---


@pytest.fixture
def checkout(corpus):
    return build_checkout(corpus)


def _get(client, user, name, **params):
    client.force_login(user)
    return client.get(reverse(name, args=["acme"]), params)


def _attachment_name(response) -> str:
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="') and disposition.endswith('"')
    return disposition.removeprefix('attachment; filename="').removesuffix('"')


def test_a_filtered_csv_is_a_plain_table_whose_file_name_says_the_filters(client, corpus, checkout, alice):
    discussion, post = checkout
    response = _get(client, alice, "research:export_posts_csv", discussion=discussion.pk)
    assert response.status_code == 200
    # The name says what the file holds; a download keeps it on disk.
    assert re.fullmatch(
        r"acme-posts-filtered-discussion-checkout-\d{8}-\d{4}\.csv", _attachment_name(response)
    )
    text = _body(response).decode("utf-8-sig")
    # Header first, as pandas.read_csv and a spreadsheet read it with no rows to skip.
    assert text.startswith("post_id,") and "# Filters" not in text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [int(r["post_id"]) for r in rows] == [post.pk]
    assert rows[0]["text"] == CHECKOUT_BODY and rows[0]["author"] == "Kim Shop (Steady Wren)"
    assert rows[0]["themes"] == "The app; till queues"


def test_a_csv_filtered_every_way_keeps_a_short_file_name_naming_each_filter(client, corpus, checkout, alice):
    discussion, _ = checkout
    discussion.title = "Checkout, queues & the self-service tills: what would you change about them?"
    discussion.save(update_fields=["title"])
    params = {
        "discussion": discussion.pk,
        "segment": "in-store",
        "date_from": "2026-01-01",
        "date_to": "2026-12-31",
        "brand": "Acme",
    }
    name = _attachment_name(_get(client, alice, "research:export_posts_csv", **params))
    slug = re.fullmatch(r"acme-posts-filtered-(.+)-\d{8}-\d{4}\.csv", name).group(1)
    # Whole words only, cut at a hyphen, within the limit; the filters come in the form's order.
    assert slug.startswith("discussion-checkout-queues-the-self-service-tills") and len(slug) <= 60
    assert not slug.endswith("-")
    short = _attachment_name(
        _get(
            client,
            alice,
            "research:export_posts_csv",
            segment="in-store",
            date_from="2026-01-01",
            brand="Acme",
        )
    )
    assert "-posts-filtered-segment-in-store-from-2026-01-01-brand-acme-" in short


def test_a_filtered_csv_keeps_clients_to_pseudonyms_and_redacted_text(client, corpus, checkout, carol):
    response = _get(client, carol, "research:export_posts_csv", segment="in-store")
    assert "-posts-filtered-segment-in-store-" in _attachment_name(response)
    text = _body(response).decode("utf-8-sig")
    assert text.startswith("post_id,")
    assert CHECKOUT_REDACTED in text and "Steady Wren" in text
    assert "Kim" not in text and "020 7946" not in text
    assert not any(secret in text for secret in SECRETS)


def test_an_unfiltered_csv_keeps_the_plain_layout_and_a_plain_name(client, corpus, checkout, alice):
    response = _get(client, alice, "research:export_posts_csv")
    assert re.fullmatch(r"acme-posts-\d{8}-\d{4}\.csv", _attachment_name(response))
    assert _body(response).decode("utf-8-sig").startswith("post_id,")


def test_every_filtered_export_names_its_filters_in_its_file_name(client, corpus, checkout, carol):
    discussion, _ = checkout
    for name, what in (
        ("research:export_posts_xlsx", "posts"),
        ("research:export_themes_xlsx", "themes"),
        ("research:export_qdpx", "codebook"),
    ):
        response = _get(client, carol, name, discussion=discussion.pk)
        assert f"acme-{what}-filtered-discussion-checkout-" in _attachment_name(response), name


def test_a_date_range_leaves_out_posts_outside_it(client, corpus, checkout, alice):
    from datetime import timedelta

    from django.utils import timezone

    _, post = checkout
    today = timezone.localdate()
    recent = _get(
        client, alice, "research:export_posts_csv", date_from=(today - timedelta(days=2)).isoformat()
    )
    ids = {r["post_id"] for r in csv.DictReader(io.StringIO(_body(recent).decode("utf-8-sig")))}
    assert str(post.pk) not in ids and str(corpus.email_post.pk) in ids
    older = _get(
        client,
        alice,
        "research:export_posts_csv",
        date_from=(today - timedelta(days=11)).isoformat(),
        date_to=(today - timedelta(days=9)).isoformat(),
    )
    body = _body(older).decode("utf-8-sig")
    assert [r["post_id"] for r in csv.DictReader(io.StringIO(body))] == [str(post.pk)]


def test_a_filtered_posts_workbook_has_a_filters_sheet_naming_filters_and_reader(
    client, corpus, checkout, carol
):
    discussion, post = checkout
    response = _get(client, carol, "research:export_posts_xlsx", discussion=discussion.pk, brand="Acme")
    workbook = load_workbook(io.BytesIO(_body(response)))
    assert workbook.sheetnames == ["Posts", "Filters"]
    filters = {row[0]: row[1] for row in workbook["Filters"].iter_rows(values_only=True)}
    assert filters["Discussion"] == "Checkout" and filters["Brand mentioned"] == "Acme"
    assert filters["Exported for"].startswith("a client")
    posts = list(workbook["Posts"].iter_rows(values_only=True))
    assert [r[0] for r in posts[1:]] == [post.pk]
    assert dict(zip(posts[0], posts[1], strict=True))["text"] == CHECKOUT_REDACTED


def test_an_unfiltered_posts_workbook_says_it_holds_every_post(client, corpus, alice):
    workbook = _xlsx(client, alice, "research:export_posts_xlsx")
    filters = {row[0]: row[1] for row in workbook["Filters"].iter_rows(values_only=True)}
    assert filters["Filters"] == "none: every published post"
    assert filters["Exported for"].startswith("a researcher")


def test_a_filtered_themes_report_counts_and_quotes_within_the_filters(client, corpus, checkout, carol):
    discussion, _ = checkout
    response = _get(client, carol, "research:export_themes_xlsx", discussion=discussion.pk)
    workbook = load_workbook(io.BytesIO(_body(response)))
    themes = list(workbook["Themes"].iter_rows(values_only=True))
    # Both themes hold the checkout post; within the filter each has that one post only.
    assert sorted(r[:4] for r in themes[1:]) == [
        ("The app", "1 post from 1 participant; 100% negative.", 1, 1),
        ("till queues", "1 post from 1 participant; 100% negative.", 1, 1),
    ]
    quotes = list(workbook["Quotes"].iter_rows(values_only=True))
    assert [q[2:] for q in quotes[1:]] == [(checkout[1].pk, "Steady Wren", CHECKOUT_REDACTED)]
    filters = {row[0]: row[1] for row in workbook["Filters"].iter_rows(values_only=True)}
    assert filters["Discussion"] == "Checkout"
    assert not any(secret in repr(themes + quotes) for secret in SECRETS)


def test_a_themes_report_leaves_out_themes_with_no_post_inside_the_filters(client, corpus, checkout, alice):
    workbook = load_workbook(
        io.BytesIO(_body(_get(client, alice, "research:export_themes_xlsx", segment="app users")))
    )
    themes = list(workbook["Themes"].iter_rows(values_only=True))
    assert [r[0] for r in themes[1:]] == ["The app"]
    assert themes[1][2:4] == (1, 2)  # bob's two published posts in the theme (the hidden one never counts)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"segment": "nobody"}, "Filters: segment: 'nobody' is not a segment of this community"),
        ({"discussion": "999999"}, "Filters: discussion: 999999 is not a published discussion"),
        (
            {"date_from": "2026-02-10", "date_to": "2026-02-01"},
            "Filters: date_to: 2026-02-01 is before date_from (2026-02-10)",
        ),
        ({"date_from": "yesterday"}, "Filters: date_from: 'yesterday' is not a date (YYYY-MM-DD)"),
        ({"date_to": "9999-12-31"}, "Filters: date_to: 9999-12-31 is out of range"),
    ],
)
def test_an_export_with_a_bad_filter_is_refused_naming_the_filter(client, corpus, alice, params, message):
    for name in (
        "research:export_posts_csv",
        "research:export_posts_xlsx",
        "research:export_themes_xlsx",
        "research:export_qdpx",
    ):
        response = _get(client, alice, name, **params)
        assert response.status_code == 400, name
        assert message in response.content.decode()


FILTERED_EXPORTS = (
    "research:export_posts_csv",
    "research:export_posts_xlsx",
    "research:export_themes_xlsx",
    "research:export_qdpx",
)


def test_an_export_with_a_misspelt_parameter_is_refused_naming_it_and_the_accepted_ones(
    client, corpus, carol
):
    for name in FILTERED_EXPORTS:
        response = _get(client, carol, name, segmnet="app users")
        assert response.status_code == 400, name
        # The posts files also read whose posts they hold (`author_role`).
        posts = ", author_role" if "posts" in name else ""
        assert response.content.decode() == (
            f"Unknown parameter 'segmnet'; accepted: discussion, segment, date_from, date_to, brand{posts}."
        )
    response = _get(client, carol, "research:export_posts_csv", brand="Acme", sgement="", Segment="x")
    assert response.status_code == 400
    assert response.content.decode().startswith("Unknown parameters 'sgement', 'Segment'; accepted: ")


def test_a_transcript_takes_no_parameters(client, corpus, carol):
    client.force_login(carol)
    url = reverse("research:export_transcript", args=["acme", corpus.discussion.pk])
    response = client.get(url, {"segment": "app users"})
    assert response.status_code == 400
    assert response.content.decode() == "Unknown parameter 'segment'; this takes no parameters."
    assert client.get(url).status_code == 200


def test_an_unknown_parameter_from_a_participant_or_outsider_still_gets_404(client, corpus, bob, eve):
    for user in (bob, eve):
        for name in FILTERED_EXPORTS:
            assert _get(client, user, name, segmnet="x").status_code == 404, (user, name)
        client.force_login(user)
        url = reverse("research:export_transcript", args=["acme", corpus.discussion.pk])
        assert client.get(url, {"segmnet": "x"}).status_code == 404


def test_a_client_cannot_filter_by_a_draft_discussion(client, corpus, carol):
    draft = DiscussionFactory(community=corpus.discussion.community, is_draft=True, title="Draft")
    response = _get(client, carol, "research:export_posts_csv", discussion=draft.pk)
    assert response.status_code == 400
    assert f"discussion: {draft.pk} is not a published discussion" in response.content.decode()


@pytest.mark.parametrize(
    "name", ["research:export_posts_csv", "research:export_themes_xlsx", "research:export_qdpx"]
)
def test_filtered_exports_are_refused_to_participants_and_outsiders(client, corpus, checkout, bob, eve, name):
    discussion, _ = checkout
    for user in (bob, eve):
        assert _get(client, user, name, discussion=discussion.pk).status_code == 404
        assert _get(client, user, name, segment="nobody").status_code == 404, "no hint from validation"


def test_a_filtered_csv_takes_the_same_number_of_queries_for_more_posts(
    client, corpus, checkout, alice, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(alice)
    url = reverse("research:export_posts_csv", args=["acme"])
    params = {"discussion": corpus.discussion.pk, "brand": "Acme"}
    with CaptureQueriesContext(connection) as small:
        _body(client.get(url, params))
    add_posts(corpus.discussion.community, corpus.discussion, 10, theme=corpus.theme)
    with django_assert_max_num_queries(len(small.captured_queries)):
        body = _body(client.get(url, params))
    assert body.count(b"Extra post") == 10


def test_the_exports_page_carries_the_filters_into_every_link(client, corpus, checkout, carol):
    discussion, _ = checkout
    client.force_login(carol)
    page = client.get(
        reverse("research:exports", args=["acme"]), {"discussion": discussion.pk}
    ).content.decode()
    query = f"?discussion={discussion.pk}"
    for name in ("export_posts_csv", "export_posts_xlsx", "export_themes_xlsx", "export_qdpx"):
        assert reverse(f"research:{name}", args=["acme"]) + query in page, name
    assert "These files hold only the posts matching" in page and "Checkout" in page
    assert reverse("api:posts", args=["acme"]) + query in page, "the API link takes the same filters"


def test_the_dashboard_links_to_the_exports_with_its_filters(client, corpus, checkout, carol):
    discussion, _ = checkout
    client.force_login(carol)
    page = client.get(
        reverse("research:dashboard", args=["acme"]), {"discussion": discussion.pk, "segment": "in-store"}
    ).content.decode()
    assert (
        reverse("research:exports", args=["acme"]) + f"?discussion={discussion.pk}&amp;segment=in-store"
        in page
    )


# --- Privacy: nothing a client can download names a person or holds unredacted words ---


def _everything_a_client_downloads(client, carol, corpus) -> str:
    """Every export and API answer open to a client, as one text (workbooks' cells, the
    project's XML and sources, transcripts of every discussion, JSON)."""
    import json
    import zipfile

    from tests.research.test_api import api_for

    client.force_login(carol)
    parts: list[str] = []
    for name in ("research:export_posts_csv", "research:export_posts_xlsx", "research:export_themes_xlsx"):
        body = _body(client.get(reverse(name, args=["acme"])))
        if name.endswith("xlsx"):
            workbook = load_workbook(io.BytesIO(body))
            body = repr([list(sheet.iter_rows(values_only=True)) for sheet in workbook]).encode()
        parts.append(body.decode("utf-8-sig"))
    archive = zipfile.ZipFile(io.BytesIO(_body(client.get(reverse("research:export_qdpx", args=["acme"])))))
    parts += [archive.read(n).decode("utf-8") for n in archive.namelist()]
    for discussion in corpus.discussion.community.discussions.all():
        response = client.get(reverse("research:export_transcript", args=["acme", discussion.pk]))
        parts.append(_body(response).decode("utf-8"))
    api = api_for(carol)
    for name, args in (
        ("api:communities", []),
        *((n, ["acme"]) for n in ("api:themes", "api:gap", "api:posts")),
    ):
        response = api.get(reverse(name, args=args))
        assert response.status_code == 200, name
        parts.append(json.dumps(response.json()))
    parts.append(client.get(reverse("research:exports", args=["acme"])).content.decode())
    # The pages a client reads the same results on: dashboard, perception gap, themes and quotes.
    for name in ("research:dashboard", "research:gap", "research:themes"):
        response = client.get(reverse(name, args=["acme"]))
        assert response.status_code == 200, name
        parts.append(response.content.decode())
    for theme in corpus.discussion.community.themes.filter(is_hidden=False):
        response = client.get(reverse("research:theme_detail", args=["acme", theme.pk]))
        assert response.status_code == 200, theme
        parts.append(response.content.decode())
    return "\n".join(parts)


def test_no_export_api_answer_or_insights_page_gives_a_client_a_name_an_email_an_imported_id_or_raw_words(
    client, corpus, checkout, alice, carol
):
    from research.models import CodedExcerpt, ThemePost
    from tests.conftest import membership_of
    from tests.factories import MembershipFactory, PostFactory, UserFactory
    from tests.research.exports_helpers import analyse

    community = corpus.discussion.community
    # A researcher's reply (staff are named to researchers only), coded by the researcher.
    staff_reply = PostFactory(
        discussion=corpus.discussion,
        author=membership_of(alice, community),
        parent=corpus.email_post,
        body="Thanks, we will look at the app.",
    )
    analyse(staff_reply)
    CodedExcerpt.objects.create(
        post=checkout[1], code=corpus.code, start=0, end=13, text="Call Kim Shop", coder=alice
    )
    # An imported post whose author column held a real name and an email (kept as the account's
    # first name, as `posts_import` does), and whose id in its source (a public forum's post id)
    # would lead back to the post and its author's account there.
    imported_author = MembershipFactory(
        community=community,
        user=UserFactory(username="imported-priya", first_name="Priya Sharma <priya@example.com>"),
        pseudonym="Bright Finch",
        is_imported=True,
    )
    imported = PostFactory(
        discussion=DiscussionFactory(community=community, title="Forum"),
        author=imported_author,
        body="Priya here, the app crashed twice.",
        imported_id="forum-post-88213",
    )
    analyse(imported, redacted="[NAME] here, the app crashed twice.")
    ThemePost.objects.create(theme=corpus.theme, post=imported, is_quote=True, quote_rank=4)

    text = _everything_a_client_downloads(client, carol, corpus)

    assert EMAIL_REDACTED in text and CHECKOUT_REDACTED in text and "Bright Finch" in text
    assert "[NAME] here, the app crashed twice." in text
    for secret in (
        "Bob Participant",
        "Zoe Real",
        "Kim Shop",
        "Alice Moderator",
        "Priya",
        "@example.com",
        "555 123",
        "020 7946",
        "07700",
        "Robert",
        "forum-post-88213",
        "imported_id",
        *SECRETS,
    ):
        assert secret not in text, secret


# --- Brands: one match for the dashboard, the exports and the API ---


def test_a_brand_typed_in_another_case_exports_the_same_posts_under_the_communitys_spelling(
    client, corpus, checkout, alice
):
    exact = _body(_get(client, alice, "research:export_posts_csv", brand="Southgate")).decode("utf-8-sig")
    typed = _body(_get(client, alice, "research:export_posts_csv", brand="southGATE")).decode("utf-8-sig")
    assert typed == exact and typed.startswith("post_id,")
    rows = list(csv.DictReader(io.StringIO(typed)))
    assert [int(r["post_id"]) for r in rows] == [checkout[1].pk]


def test_the_exports_page_reads_a_brand_in_another_case_as_the_communitys_spelling(client, corpus, carol):
    client.force_login(carol)
    page = client.get(reverse("research:exports", args=["acme"]), {"brand": "acme"}).content.decode()
    assert reverse("research:export_posts_csv", args=["acme"]) + "?brand=Acme" in page
    assert "Select a valid choice" not in page


def test_the_brand_match_is_exact_and_the_same_in_sql_and_in_python(corpus):
    from research.models import PostAnalysis, summary_columns
    from research.selectors import brand_mentioned, mentions_brand_q

    analysis = PostAnalysis.objects.get(post=corpus.email_post)
    for stored in ("Acme", "ACME", "acme", "ACME Stores", "Acmeish"):
        mentions = [{"brand": stored}, {"brand": "Southgate"}]
        analysis.mentioned_brands = summary_columns(dimensions=[], mentions=mentions)["mentioned_brands"]
        analysis.save(update_fields=["mentioned_brands"])
        in_sql = PostAnalysis.objects.filter(mentions_brand_q("Acme"), pk=analysis.pk).exists()
        in_python = brand_mentioned("Acme", analysis.mentioned_brands)
        assert in_sql == in_python == (stored == "Acme"), stored


def test_one_published_rule_for_the_discussion_page_exports_and_insights(corpus, alice):
    from community.models import Post
    from community.selectors import published_posts
    from research.models import ThemePost
    from research.selectors import evidence_q, published_q
    from tests.conftest import membership_of
    from tests.factories import PostFactory

    community = corpus.discussion.community
    staff_reply = PostFactory(
        discussion=corpus.discussion, author=membership_of(alice, community), parent=corpus.email_post
    )
    said = set(published_posts(community).values_list("pk", flat=True))
    assert corpus.reply_under_hidden.pk not in said and staff_reply.pk in said
    assert set(Post.objects.filter(published_q(), community=community).values_list("pk", flat=True)) == said
    # Evidence: the same posts, less researchers' words.
    for post in (corpus.email_post, corpus.reply_under_hidden, staff_reply, corpus.hidden_post):
        ThemePost.objects.get_or_create(theme=corpus.theme, post=post)
    in_theme = ThemePost.objects.filter(theme=corpus.theme)
    evidence = set(in_theme.filter(evidence_q(published=True)).values_list("post_id", flat=True))
    said_in_theme = set(in_theme.filter(post_id__in=said).values_list("post_id", flat=True))
    assert evidence == said_in_theme - {staff_reply.pk}
    assert corpus.email_post.pk in evidence


def test_exports_and_the_dashboard_find_the_same_posts_for_every_brand(client, corpus, checkout, alice):
    from research.dashboard_selectors import DashboardFilters, filtered_analyses
    from research.selectors import published_q
    from tests.conftest import membership_of
    from tests.factories import PostFactory
    from tests.research.exports_helpers import analyse

    community = corpus.discussion.community
    for stored in ("ACME Stores", "acme", "Southgate"):
        post = PostFactory(
            discussion=corpus.discussion, author=membership_of(corpus.email_post.author.user, community)
        )
        analyse(post, mentions=[{"brand": stored, "is_competitor": False, "sentiment": "neutral"}])
    # The dashboard counts customers' words only; the posts export also keeps researchers' posts.
    # (It also still counts replies under a hidden post, which exports leave out: not a brand
    # matter, so those are set aside here with `published_q`.)
    participants = {corpus.email_post.author.pseudonym, corpus.reply.author.pseudonym, "Steady Wren"}
    for brand in ("Acme", "Southgate"):
        on_dashboard = set(
            filtered_analyses(community=community, filters=DashboardFilters(brand=brand))
            .filter(published_q("post__"))
            .values_list("post_id", flat=True)
        )
        text = _body(_get(client, alice, "research:export_posts_csv", brand=brand.lower()))
        rows = csv.DictReader(io.StringIO(text.decode("utf-8-sig")))
        exported = {int(r["post_id"]) for r in rows if r["author"].split("(")[-1].rstrip(")") in participants}
        assert exported == on_dashboard and exported, brand


def test_a_browser_following_an_export_link_with_a_bad_filter_gets_the_sites_page_and_a_way_back(
    client, corpus, alice
):
    client.force_login(alice)
    response = client.get(
        reverse("research:export_posts_csv", args=["acme"]),
        {"segment": "nobody"},
        HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8",
    )
    page = response.content.decode()
    assert response.status_code == 400 and response["Content-Type"].startswith("text/html")
    assert "&#x27;nobody&#x27; is not a segment of this community" in page
    assert 'href="/c/acme/exports/?segment=nobody"' in page
