"""Forms for the insights pages: dashboard filters and the codebook."""

from __future__ import annotations

from datetime import date

from django import forms

from community.models import DiscussionKind
from research.curation_services import (
    CODE_DESCRIPTION_MAX,
    CODE_EXAMPLE_MAX,
    CODE_EXAMPLES_MAX,
    CODE_NAME_MAX,
)
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
    """A codebook entry. The limits are checked here, not by the browser: a `maxlength` on the
    inputs would cut a long paste without a word, so a name over the limit is refused by name
    and length with what was typed kept."""

    name = forms.CharField(label="Name", help_text=f"At most {CODE_NAME_MAX} characters.")
    description = forms.CharField(
        label="Description",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=f"At most {CODE_DESCRIPTION_MAX} characters.",
    )
    examples = forms.CharField(
        label="Examples",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=(
            f"Example phrases, one per line (at most {CODE_EXAMPLES_MAX}, each at most "
            f"{CODE_EXAMPLE_MAX} characters); they guide theming."
        ),
    )

    def _at_most(self, name: str, limit: int) -> str:
        value = self.cleaned_data.get(name, "")
        if len(value) > limit:
            raise forms.ValidationError(
                f"{self.fields[name].label}: at most {limit} characters; this one has {len(value)}.",
                code="max_length",
            )
        return value

    def clean_name(self):
        return self._at_most("name", CODE_NAME_MAX)

    def clean_description(self):
        return self._at_most("description", CODE_DESCRIPTION_MAX)

    def clean_examples(self):
        value = self.cleaned_data.get("examples", "")
        lines = [(n, line.strip()) for n, line in enumerate(value.splitlines(), 1) if line.strip()]
        label = self.fields["examples"].label
        if len(lines) > CODE_EXAMPLES_MAX:
            raise forms.ValidationError(
                f"{label}: at most {CODE_EXAMPLES_MAX} phrases; this list has {len(lines)}.",
                code="max_examples",
            )
        long = [f"line {n} has {len(line)}" for n, line in lines if len(line) > CODE_EXAMPLE_MAX]
        if long:
            raise forms.ValidationError(
                f"{label}: each phrase at most {CODE_EXAMPLE_MAX} characters; {', '.join(long)}.",
                code="max_length",
            )
        return value

    def example_list(self) -> list[str]:
        return [line for line in self.cleaned_data.get("examples", "").splitlines() if line.strip()]

    def add_service_error(self, error: Exception) -> None:
        """A codebook service's refusal ("name: a code called … already exists.") shown beside the
        field it names, worded as the form's own limits are ("Name: …"); form-wide otherwise."""
        field, sep, rest = str(error).partition(": ")
        if sep and field in self.fields:
            self.add_error(field, f"{self.fields[field].label}: {rest}")
        else:
            self.add_error(None, str(error))


class CodebookImportForm(forms.Form):
    file = forms.FileField(
        help_text="CSV with a header: name, description, examples (examples separated by ';')."
    )
