"""Charts are accessible SVG pictures with the numbers behind them."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

import pytest

from research import charts
from research.dashboard_selectors import ThemeRow


class FakeTheme:
    pk = 1
    display_label = "<script>alert(1)</script> delivery"
    researcher_summary = ""
    summary = ""


def test_it_draws_theme_shares_as_labelled_accessible_svg():
    row = ThemeRow(
        theme=FakeTheme(),
        participants=3,
        posts=5,
        share=60.0,
        sentiment={"positive": 1, "neutral": 1, "negative": 3},
    )
    chart = charts.theme_share_chart([row], total_participants=5)
    svg = str(chart.svg)
    assert svg.startswith("<svg") and 'role="img"' in svg and "<title id=" in svg and "<desc id=" in svg
    assert "60%" in svg and "<script>" not in svg and "&lt;script&gt;" in svg
    assert chart.rows[0][1:] == ["60%", 3, 5, 1, 1, 3]


def test_it_scales_the_dumbbell_to_the_scorecard_range():
    rows = [
        {"dimension": "Privacy", "client_mean": 20.0, "participant_mean": 8.0, "gap": 12.0, "evidence": None}
    ]
    chart = charts.gap_dumbbell(rows, scale_min=0, scale_max=25)
    svg = str(chart.svg)
    # Dots in percent of the width (3% margins each side), so they stretch with the screen.
    assert 'cx="33.08%"' in svg  # 3 + 94 * 8/25: the customers' dot
    assert 'cx="78.20%"' in svg  # 3 + 94 * 20/25: the team's dot
    assert "gap +12.0" in svg
    assert chart.rows == [["Privacy", "20.0", "8.0", "+12.0", "–", "–"]]


def test_it_draws_a_trend_line_and_describes_it_in_words():
    chart = charts.sparkline([(date(2026, 1, 5), 2), (date(2026, 1, 12), 4)], label="delivery")
    assert "<polyline" in str(chart.svg)
    assert "from 05 Jan: 2" in chart.description


def test_it_says_so_when_there_is_nothing_to_draw():
    assert "No perception signals yet." in str(charts.dimension_chart([]).svg)
    assert "No themes for these filters." in str(charts.theme_share_chart([], total_participants=0).svg)


SVG = "{http://www.w3.org/2000/svg}"
LONG = "Delivery slots that never match when I am actually at home on a weekday"


def every_chart() -> dict[str, charts.Chart]:
    """Each builder with labels as long as real ones get."""
    theme_row = ThemeRow(
        theme=type("T", (), {"pk": 2, "display_label": LONG, "researcher_summary": "", "summary": ""})(),
        participants=39,
        posts=138,
        share=97.5,
        sentiment={"positive": 71, "neutral": 35, "negative": 32},
    )
    dims = [
        {
            "key": "consistency",
            "label": "Consistency across channels",
            "posts": 46,
            "positive_pct": 37.0,
            "negative_pct": 17.4,
        }
    ]
    mentions = [
        {"brand": "Hearth & Loom Home and Garden", "is_own": True, "participant_pct": 37.5, "posts": 23}
    ]
    gap_rows = [
        {
            "dimension": "Relevance of communications",
            "client_mean": 14.5,
            "participant_mean": 9.78,
            "gap": 4.72,
            "evidence": {"positive_pct": 20.0, "negative_pct": 80.0},
        }
    ]
    return {
        "themes": charts.theme_share_chart([theme_row], total_participants=40),
        "relevance": charts.relevance_chart(relevant_pct=20, irrelevant_pct=22.5, participants=40),
        "dimensions": charts.dimension_chart(dims),
        "mentions": charts.mentions_chart(mentions),
        "gap": charts.gap_dumbbell(gap_rows, scale_min=0, scale_max=25),
        "sparkline": charts.sparkline([(date(2026, 1, 5), 2)], label="delivery"),
    }


@pytest.mark.parametrize("name", ["themes", "relevance", "dimensions", "mentions", "gap", "sparkline"])
def test_it_draws_chart_text_at_12_css_pixels_or_more_at_any_screen_width(name):
    # A viewBox wider than the screen scales the text down with the picture (6 px on a 390 px
    # phone). Charts with words have none, so their font sizes are CSS pixels; the sparkline keeps
    # a viewBox exactly its own size, so it is never scaled either.
    svg = ET.fromstring(str(every_chart()[name].svg))
    if "viewBox" in svg.attrib:
        assert svg.attrib["viewBox"] == f"0 0 {svg.attrib['width']} {svg.attrib['height']}"
    else:
        assert svg.attrib["width"] == "100%"
        assert svg.attrib["style"] == f"height: {svg.attrib['height']}px"
    texts = list(svg.iter(f"{SVG}text"))
    assert texts
    for text in texts:
        assert float(text.get("font-size", svg.get("font-size"))) >= 12, ET.tostring(text)


@pytest.mark.parametrize("name", ["themes", "dimensions", "mentions", "gap"])
def test_it_puts_each_label_on_its_own_line_above_its_bar(name):
    # Labels start at the left edge and figures end at the right edge of their own line; nothing
    # else is drawn at the label's height, so neither is squeezed on a narrow screen.
    svg = ET.fromstring(str(every_chart()[name].svg))
    labels = [t for t in svg.iter(f"{SVG}text") if t.get("x") == "0"]
    assert labels
    for label in labels:
        line = [t for t in svg.iter(f"{SVG}text") if t.get("y") == label.get("y") and t is not label]
        assert all(t.get("x") == "100%" and t.get("text-anchor") == "end" for t in line)
        shapes = [e for e in svg.iter() if e.tag in (f"{SVG}rect", f"{SVG}circle")]
        top = float(label.get("y"))
        assert all(float(e.get("y", e.get("cy", 1e9))) > top for e in shapes if e.get("y") or e.get("cy"))


def test_it_keeps_the_full_label_when_it_shortens_one_to_fit_a_phone():
    chart = every_chart()["themes"]
    label = next(t for t in ET.fromstring(str(chart.svg)).iter(f"{SVG}text") if t.get("x") == "0")
    assert label.text == LONG[: charts.LABEL_CHARS - 1] + "…"  # the drawn text is shortened…
    assert label.find(f"{SVG}title").text == LONG  # …its tooltip holds the whole label…
    assert chart.rows[0][0] == LONG  # …and so does the table behind the chart.
