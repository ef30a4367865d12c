"""Forms for scorecards: one 0..25 field per dimension, and the moderators' dimension list."""

from __future__ import annotations

from django import forms
from django.utils.html import format_html

from community.models import SCORE_MAX, SCORE_MIN, ScorecardDimension

# What the ends of the scale mean, said beside each rating. The scale's width (0-25) follows the
# published brand-vs-consumer studies the gap is read against (community.models.scorecards).
SCALE_LOW = "Not at all"
SCALE_HIGH = "Completely"


class ScaleInput(forms.NumberInput):
    """A whole number on the scale, with its ends named and a slider beside the box."""

    template_name = "community/widgets/scale.html"  # under the app: form widgets render with the form engine

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["low_label"] = SCALE_LOW
        context["widget"]["high_label"] = SCALE_HIGH
        return context


def dimension_field_name(dimension: ScorecardDimension) -> str:
    return f"dimension_{dimension.pk}"


class ScorecardAnswerForm(forms.Form):
    def __init__(self, *args, dimensions: list[ScorecardDimension], **kwargs):
        super().__init__(*args, **kwargs)
        self.dimensions = dimensions
        for dimension in dimensions:
            self.fields[dimension_field_name(dimension)] = forms.IntegerField(
                label=dimension.name,
                # The ends are drawn beside the slider; screen readers hear them with the field.
                help_text=format_html(
                    '{} <span class="visually-hidden">From {} ({}) to {} ({}).</span>',
                    dimension.description,
                    SCORE_MIN,
                    SCALE_LOW.lower(),
                    SCORE_MAX,
                    SCALE_HIGH.lower(),
                ),
                min_value=SCORE_MIN,
                max_value=SCORE_MAX,
                error_messages={
                    "required": f"Rate “{dimension.name}”; every dimension needs an answer.",
                    "invalid": f"Rate “{dimension.name}” with a whole number from {SCORE_MIN} to {SCORE_MAX}.",
                    "min_value": f"“{dimension.name}” goes from {SCORE_MIN} to {SCORE_MAX}.",
                    "max_value": f"“{dimension.name}” goes from {SCORE_MIN} to {SCORE_MAX}.",
                },
                widget=ScaleInput(
                    attrs={"min": SCORE_MIN, "max": SCORE_MAX, "step": 1, "class": "scale-number"}
                ),
            )

    def ratings(self) -> dict[int, int]:
        return {d.pk: self.cleaned_data[dimension_field_name(d)] for d in self.dimensions}


class ScorecardDimensionsForm(forms.Form):
    dimensions = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="One dimension per line: Name | what it means (the description is optional).",
    )

    def clean_dimensions(self) -> list[tuple[str, str]]:
        rows = []
        for line in self.cleaned_data["dimensions"].splitlines():
            if not line.strip():
                continue
            name, _, description = line.partition("|")
            rows.append((name.strip(), description.strip()))
        return rows

    @staticmethod
    def initial_for(dimensions: list[ScorecardDimension]) -> str:
        return "\n".join(f"{d.name} | {d.description}" if d.description else d.name for d in dimensions)
