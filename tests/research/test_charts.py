"""Charts are accessible SVG pictures with the numbers behind them."""

from __future__ import annotations

from datetime import date

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
    svg = str(charts.gap_dumbbell(rows, scale_min=0, scale_max=25).svg)
    assert 'cx="338.0"' in svg  # 210 + 400 * 8/25: the customers' dot
    assert 'cx="530.0"' in svg  # 210 + 400 * 20/25: the team's dot
    assert "gap +12" in svg


def test_it_draws_a_trend_line_and_describes_it_in_words():
    chart = charts.sparkline([(date(2026, 1, 5), 2), (date(2026, 1, 12), 4)], label="delivery")
    assert "<polyline" in str(chart.svg)
    assert "from 05 Jan: 2" in chart.description


def test_it_says_so_when_there_is_nothing_to_draw():
    assert "No perception signals yet." in str(charts.dimension_chart([]).svg)
    assert "No themes for these filters." in str(charts.theme_share_chart([], total_participants=0).svg)
