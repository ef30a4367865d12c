"""Forms for the insights pages: dashboard filters and the codebook."""

from __future__ import annotations

from datetime import date

from django import forms

from community.models import DiscussionKind
from research.dashboard_selectors import DashboardFilters

# Dates outside this range mean nothing for a community and overflow datetime arithmetic
# (the day after 9999-12-31 does not exist), so they are refused by name.
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2999, 12, 31)


# Activities that are not answered with posts, named as such in the discussion filter: a scorecard
# holds ratings (the perception gap reads them), a live session's lines become posts once archived.
KIND_NOTES = {DiscussionKind.SCORECARD: "scorecard: ratings", DiscussionKind.LIVE: "live session"}


def discussion_choice_label(discussion) -> str:
    """The discussion filter's label for an activity: its title, and what it is unless a board or
    journal ("Rate us (scorecard: ratings)") or when left out of analysis ("Introductions
    (warm-up: not analysed)"), so choosing one is not a surprise."""
    note = KIND_NOTES.get(discussion.kind)
    if note is None and not discussion.in_analysis:
        note = "warm-up: not analysed"
    return f"{discussion.title} ({note})" if note else discussion.title


class DashboardFilterForm(forms.Form):
    discussion = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, label="Discussion")
    segment = forms.ChoiceField(required=False, label="Segment")
    date_from = forms.DateField(required=False, label="From", widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(required=False, label="To", widget=forms.DateInput(attrs={"type": "date"}))
    brand = forms.ChoiceField(required=False, label="Brand mentioned")

    def __init__(self, *args, choices: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self._discussions = {d.pk: d for d in choices["discussions"]}
        self.fields["discussion"].choices = [("", "All discussions")] + [
            (d.pk, discussion_choice_label(d)) for d in choices["discussions"]
        ]
        self.fields["segment"].choices = [("", "All segments")] + [(s, s) for s in choices["segments"]]
        self.fields["brand"].choices = [("", "Any or none")] + [(b, b) for b in choices["brands"]]

    def _clean_date(self, name: str) -> date | None:
        value = self.cleaned_data.get(name)
        if value is not None and not EARLIEST_DATE <= value <= LATEST_DATE:
            raise forms.ValidationError(
                f"{self.fields[name].label}: {value.isoformat()} is out of range; "
                f"use a date between {EARLIEST_DATE.isoformat()} and {LATEST_DATE.isoformat()}.",
                code="out_of_range",
            )
        return value

    def clean_date_from(self):
        return self._clean_date("date_from")

    def clean_date_to(self):
        return self._clean_date("date_to")

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", "To: must be on or after From.")
        return data

    def filters(self) -> DashboardFilters:
        """The valid filters; an invalid form filters nothing (its errors are shown)."""
        if not self.is_valid():
            return DashboardFilters()
        d = self.cleaned_data
        return DashboardFilters(
            discussion=self._discussions.get(d.get("discussion")),
            segment=d.get("segment") or "",
            date_from=d.get("date_from"),
            date_to=d.get("date_to"),
            brand=d.get("brand") or "",
        )


class CodeForm(forms.Form):
    name = forms.CharField(max_length=120)
    description = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    examples = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Example phrases, one per line; they guide theming.",
    )

    def example_list(self) -> list[str]:
        return [line for line in self.cleaned_data.get("examples", "").splitlines() if line.strip()]


class CodebookImportForm(forms.Form):
    file = forms.FileField(
        help_text="CSV with a header: name, description, examples (examples separated by ';')."
    )
