"""Forms for probes. They shape input; the probe services give the rule-naming messages."""

from __future__ import annotations

from django import forms

from community.forms.discussions import FORMATTING_HELP
from community.models import Membership


class ProbeForm(forms.Form):
    question = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False)
    addressee = forms.ModelChoiceField(
        queryset=Membership.objects.none(),
        required=False,
        empty_label="— one participant —",
        help_text="Ask one participant…",
    )
    segment = forms.ChoiceField(required=False, help_text="…or everyone in one segment.")

    def __init__(self, *args, participants=(), segments=(), **kwargs):
        super().__init__(*args, **kwargs)
        ids = [m.pk for m in participants]
        self.fields["addressee"].queryset = (
            Membership.objects.filter(pk__in=ids).select_related("user").order_by("pseudonym")
        )
        self.fields["addressee"].label_from_instance = lambda m: (
            f"{m.pseudonym} ({m.user.get_full_name() or m.user.username})"
        )
        self.fields["segment"].choices = [("", "— or a segment —"), *[(s, s) for s in segments]]


class ProbeAnswerForm(forms.Form):
    body = forms.CharField(
        label="Your answer",
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        help_text=FORMATTING_HELP,
    )
