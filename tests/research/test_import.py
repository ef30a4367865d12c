"""import_posts: JSONL and CSV in the corpora's format, all-or-nothing with line-numbered errors."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from community.models import Community, Discussion, Membership, Post


def _jsonl(tmp_path, rows, name="posts.jsonl"):
    path = tmp_path / name
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n")
    return path


def _row(i, **overrides):
    row = {
        "id": f"p-{i}",
        "author": f"a{i % 3}",
        "discussion": "train",
        "text": f"The staff were lovely {i}.",
        "created_at": "2026-01-05T09:00:00Z",
    }
    row.update(overrides)
    return row


def test_it_imports_posts_members_and_discussions_from_jsonl(community, tmp_path, capsys):
    path = _jsonl(tmp_path, [_row(i) for i in range(6)] + [_row(6, discussion="test")])

    call_command("import_posts", str(path), community="acme")

    posts = Post.objects.filter(community=community)
    assert posts.count() == 7
    assert set(posts.values_list("imported_id", flat=True)) == {f"p-{i}" for i in range(7)}
    first = posts.get(imported_id="p-0")
    assert first.created_at.isoformat() == "2026-01-05T09:00:00+00:00"
    assert first.body_html.startswith("<p>")
    assert first.client_body_html.startswith("<p>")
    members = Membership.objects.filter(community=community, is_imported=True)
    assert members.count() == 3
    for member in members.select_related("user"):
        assert not member.user.is_active
        assert not member.user.has_usable_password()
        assert member.pseudonym
    assert set(Discussion.objects.filter(community=community).values_list("import_key", flat=True)) == {
        "train",
        "test",
    }
    assert "Imported 7 posts" in capsys.readouterr().out


def test_it_reuses_members_and_discussions_on_a_second_file(community, tmp_path):
    call_command("import_posts", str(_jsonl(tmp_path, [_row(i) for i in range(3)])), community="acme")
    second = _jsonl(tmp_path, [_row(i) for i in range(3, 6)], name="more.jsonl")

    call_command("import_posts", str(second), community="acme")

    assert Post.objects.filter(community=community).count() == 6
    assert Membership.objects.filter(community=community, is_imported=True).count() == 3
    assert Discussion.objects.filter(community=community).count() == 1


def test_it_reports_every_bad_row_with_its_line_number_and_imports_nothing(community, tmp_path):
    path = _jsonl(
        tmp_path,
        [
            _row(1),
            _row(2, text=""),
            "{not json",
            "",
            _row(5, created_at="yesterday"),
            _row(1, text="again"),
            _row(7, author=None),
            _row(8),
        ],
    )

    with pytest.raises(CommandError) as error:
        call_command("import_posts", str(path), community="acme")

    message = str(error.value)
    assert "5 bad row(s); nothing was imported" in message
    assert "line 2: text is missing or empty" in message
    assert "line 3: not valid JSON" in message
    assert "line 5: created_at 'yesterday' is not an ISO 8601 date-time" in message
    assert "line 6: id 'p-1' is already used on line 1" in message
    assert "line 7: author is missing or empty" in message
    assert not Post.objects.exists()
    assert not Membership.objects.filter(is_imported=True).exists()


def test_it_names_the_limit_for_a_text_that_is_too_long(community, tmp_path, settings):
    settings.VERBATIM = {**settings.VERBATIM, "POST_MAX_CHARS": 100}
    path = _jsonl(tmp_path, [_row(1, text="x" * 101)])

    with pytest.raises(CommandError, match="line 1: text is longer than 100 characters"):
        call_command("import_posts", str(path), community="acme")


def test_it_refuses_ids_already_imported_into_the_community(community, tmp_path):
    path = _jsonl(tmp_path, [_row(1), _row(2)])
    call_command("import_posts", str(path), community="acme")
    again = _jsonl(tmp_path, [_row(3), _row(2)], name="again.jsonl")

    with pytest.raises(CommandError, match="line 2: id 'p-2' was already imported"):
        call_command("import_posts", str(again), community="acme")

    assert not Post.objects.filter(imported_id="p-3").exists()


def test_it_reads_csv_with_quoted_multiline_text_and_reports_csv_lines(community, tmp_path):
    path = tmp_path / "posts.csv"
    path.write_text(
        "id,author,discussion,text,created_at\n"
        'c1,ann,d1,"First line\nsecond line",2026-01-05T09:00:00Z\n'
        "c2,ben,d1,Plain text,2026-01-05 10:00\n"
    )
    call_command("import_posts", str(path), community="acme")

    assert Post.objects.get(imported_id="c1").body == "First line\nsecond line"
    # A time with no offset is taken as UTC.
    assert Post.objects.get(imported_id="c2").created_at.isoformat() == "2026-01-05T10:00:00+00:00"

    bad = tmp_path / "bad.csv"
    bad.write_text('id,author,discussion,text,created_at\nc3,ann,d1,"multi\nline",\nc4,,d1,text,\n')
    with pytest.raises(CommandError, match="line 4: author is missing or empty"):
        call_command("import_posts", str(bad), community="acme")


def test_it_refuses_a_csv_without_the_required_columns(community, tmp_path):
    path = tmp_path / "posts.csv"
    path.write_text("id,who,text\n1,ann,hello\n")

    with pytest.raises(CommandError, match="missing author, discussion"):
        call_command("import_posts", str(path), community="acme")


def test_it_creates_the_community_with_create_and_refuses_an_unknown_one_without(db, tmp_path):
    path = _jsonl(tmp_path, [_row(1)])

    with pytest.raises(CommandError, match="no community with slug 'fresh'"):
        call_command("import_posts", str(path), community="fresh")
    call_command("import_posts", str(path), community="fresh", create=True)

    assert Community.objects.get(slug="fresh").posts.count() == 1


def test_it_imports_four_thousand_posts_in_a_bounded_number_of_queries(
    db, tmp_path, django_assert_max_num_queries
):
    rows = [_row(i, author=f"a{i % 400}", discussion=f"d{i % 4}") for i in range(4000)]
    path = _jsonl(tmp_path, rows)

    # Bulk statements, not one per row (SQLite caps parameters per statement, so inserts
    # go in batches of about 80 rows there; PostgreSQL needs a handful).
    with django_assert_max_num_queries(150):
        call_command("import_posts", str(path), community="bulk", create=True)

    assert Post.objects.count() == 4000
    assert get_user_model().objects.filter(username__startswith="imported-").count() == 400


def test_clients_never_see_contact_details_of_imported_posts_even_before_analysis(community, tmp_path):
    path = _jsonl(tmp_path, [_row(1, text="Call me on 020 7946 0958 or jo@example.com")])

    call_command("import_posts", str(path), community="acme")

    post = Post.objects.get()
    assert "jo@example.com" in post.body
    assert "jo@example.com" not in post.client_body_html
    assert "7946" not in post.client_body_html


def test_it_keeps_ids_exactly_as_written_so_the_export_matches_the_source(community, tmp_path):
    path = _jsonl(tmp_path, [_row(1, id="rest14-test-1#2 ")])

    call_command("import_posts", str(path), community="acme")

    assert Post.objects.get().imported_id == "rest14-test-1#2 "
