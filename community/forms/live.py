"""Forms of the live-session pages: the moderator's start time and withholding a line from the evidence."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from community.forms.discussions import DateTimeLocalInput
from community.models import LiveSession, LiveState


class LiveScheduleForm(forms.Form):
    scheduled_start = forms.DateTimeField(
        required=False,
        label="Starts at",
        widget=DateTimeLocalInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"],
        error_messages={"invalid": "Enter the start as a date and time, e.g. 2026-06-01 18:30."},
    )

    def __init__(self, *args, session: LiveSession, **kwargs):
        super().__init__(*args, **kwargs)
        self.session = session
        self.fields["scheduled_start"].help_text = (
            f"In {timezone.get_current_timezone_name()}, the time zone every time on this site is shown in. "
            "Leave empty for no announced time."
        )

    def clean_scheduled_start(self):
        start = self.cleaned_data.get("scheduled_start")
        if self.session.state != LiveState.SCHEDULED:
            raise forms.ValidationError("The session has already started, so its start time cannot change.")
        if start is not None and start <= timezone.now():
            raise forms.ValidationError(
                f"{start:%Y-%m-%d %H:%M} is in the past; choose a start time that is still to come."
            )
        return start


class LiveWithholdForm(forms.Form):
    seq = forms.IntegerField(min_value=1, error_messages={"required": "Say which message (its number)."})
    reason = forms.CharField(required=False)
