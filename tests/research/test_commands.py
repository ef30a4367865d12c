"""The analyze command, with the fake and once through the real spaCy pipeline end to end."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from community.models import Post
from research.models import AnalysisRun, PostAnalysis, Theme
from tests.factories import DiscussionFactory, PostFactory
from tests.research import fakes

fake_nlp = fakes.fake_nlp


def test_analyze_shows_plain_progress_on_stderr_and_refreshes_themes(community, fake_nlp, settings):
    settings.VERBATIM = {**settings.VERBATIM, "ANALYSIS_CHUNK": 3}
    discussion = DiscussionFactory(community=community)
    for body in ["The staff were lovely.", "The app is slow.", "The staff rude.", "Good food.", "The app."]:
        PostFactory(discussion=discussion, body=body)
    out, err = io.StringIO(), io.StringIO()

    call_command("analyze", community="acme", stdout=out, stderr=err)

    progress = err.getvalue().splitlines()
    assert progress[0].startswith("analysing posts [") and "0/5 (0%)" in progress[0]
    assert "3/5 (60%)" in progress[1]
    assert "5/5 (100%)" in progress[2]
    assert "\r" not in err.getvalue()  # not a terminal: one line per step, readable in CI logs
    assert "Analysed 5 posts" in out.getvalue()
    assert "the staff: 2 posts, 2 participants" in out.getvalue()
    assert PostAnalysis.objects.count() == 5
    assert list(AnalysisRun.objects.values_list("kind", "state")) == [("themes", "done"), ("posts", "done")]


def test_analyze_a_second_time_analyses_nothing_new(community, fake_nlp):
    PostFactory(discussion=DiscussionFactory(community=community), body="The staff were lovely.")
    call_command("analyze", community="acme", stdout=io.StringIO(), stderr=io.StringIO())
    fake_nlp.enriched.clear()
    out = io.StringIO()

    call_command("analyze", community="acme", stdout=out, stderr=io.StringIO())

    assert "Analysed 0 posts" in out.getvalue()
    assert fake_nlp.enriched == []


def test_analyze_refuses_an_unknown_community(db):
    with pytest.raises(CommandError, match="no community with slug 'nope'"):
        call_command("analyze", community="nope")


REAL_POSTS = [
    ("r1", "u1", "The staff were lovely and the waiter was very friendly."),
    ("r2", "u2", "The waiter was rude and the service was terribly slow."),
    ("r3", "u3", "Our server was attentive, the service was excellent."),
    ("r4", "u1", "The pasta was delicious and the dessert was amazing."),
    ("r5", "u2", "The food was cold and the pizza tasted awful."),
    ("r6", "u3", "Great sushi, fresh fish and tasty rolls."),
    ("r7", "u4", "Prices are far too high for such small portions."),
    ("r8", "u4", "Email me at jane.doe@example.com or call 020 7946 0958 about the booking."),
    ("r9", "u5", "The staff never remember my order, which is annoying."),
    ("r10", "u5", "The food is not good at all."),
    ("r11", "u6", ""),
]
# Enough ordinary posts around the checked ones for themes to emerge.
FILLER_ASPECTS = ["staff", "waiter", "pizza", "pasta", "price", "bill", "music", "decor"]
FILLER_OPINIONS = ["was great", "was awful", "could be better", "was lovely", "felt rushed", "was fine"]
REAL_POSTS += [
    (f"f{i}", f"u{i % 9}", f"The {aspect} {opinion} tonight.")
    for i, (aspect, opinion) in enumerate((a, o) for a in FILLER_ASPECTS for o in FILLER_OPINIONS)
]


@pytest.mark.django_db
def test_the_real_pipeline_imports_analyses_and_exports_a_small_corpus(tmp_path):
    source = tmp_path / "posts.jsonl"
    source.write_text(
        "\n".join(
            json.dumps(
                {
                    "id": i,
                    "author": a,
                    "discussion": "d",
                    "text": t or "x",
                    "created_at": "2026-01-05T09:00:00Z",
                }
            )
            for i, a, t in REAL_POSTS
        )
    )
    call_command("import_posts", str(source), community="real", create=True, stdout=io.StringIO())
    # An empty post that reached the database some other way is recorded, not a crash.
    Post.objects.filter(imported_id="r11").update(body="   ")

    call_command("analyze", community="real", stdout=io.StringIO(), stderr=io.StringIO())
    out = tmp_path / "pred.jsonl"
    call_command("export_analysis", community="real", format="jsonl", output=str(out))

    rows = {r["id"]: r for r in map(json.loads, out.read_text().splitlines())}
    assert set(rows) == {i for i, _, _ in REAL_POSTS}
    assert rows["r1"]["sentiment"] == "positive"
    assert rows["r2"]["sentiment"] == "negative"
    assert rows["r5"]["sentiment"] == "negative"
    assert rows["r10"]["sentiment"] == "negative"  # negation
    assert rows["r11"]["sentiment"] is None
    empty = PostAnalysis.objects.get(post__imported_id="r11")
    assert (empty.analysable, empty.reason) == (False, "empty")
    redacted = PostAnalysis.objects.get(post__imported_id="r8").redacted_text
    assert "jane.doe@example.com" not in redacted and "7946" not in redacted
    themes = Theme.objects.filter(community__slug="real")
    assert themes.count() >= 2
    labelled = [k for k in rows if rows[k]["themes"]]
    assert len(labelled) >= len(rows) // 2
    # Same text, same analyzer version: a second run writes nothing.
    before = list(PostAnalysis.objects.order_by("pk").values_list("pk", "analysed_at"))
    call_command("analyze", community="real", stdout=io.StringIO(), stderr=io.StringIO())
    assert list(PostAnalysis.objects.order_by("pk").values_list("pk", "analysed_at")) == before
