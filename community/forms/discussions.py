"""Forms for the discussion guide and for posting. Business rules live in the services;
these only shape the input (the services give the limit-naming messages)."""

from __future__ import annotations

from django import forms
from django.conf import settings

from community.models import Discussion, DiscussionKind, Visibility
from community.services.discussions import PROMPT_MAX_CHARS, TITLE_MAX_CHARS

# Shown to participants under every box they write in: what the formatting marks do, in plain
# words (they never need to know the syntax is called Markdown).
FORMATTING_HELP = "Formatting: **bold**, *italic*, and start a line with - for a list."


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        kwargs.setdefault("format", "%Y-%m-%dT%H:%M")
        super().__init__(**kwargs)


class DiscussionForm(forms.Form):
    title = forms.CharField(max_length=TITLE_MAX_CHARS)
    prompt = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        max_length=PROMPT_MAX_CHARS,
        help_text="Markdown: **bold**, *italic*, lists, links.",
    )
    kind = forms.ChoiceField(choices=DiscussionKind.choices, initial=DiscussionKind.BOARD)
    visibility = forms.ChoiceField(choices=Visibility.choices, initial=Visibility.OPEN)
    target_segments = forms.CharField(
        required=False,
        max_length=600,
        help_text="Only participants in one of these segments (comma-separated) see it; blank for everyone.",
    )
    opens_at = forms.DateTimeField(required=False, widget=DateTimeLocalInput())
    closes_at = forms.DateTimeField(required=False, widget=DateTimeLocalInput())
    is_required = forms.BooleanField(required=False, label="Required")
    media_allowed = forms.BooleanField(required=False, label="Participants may attach images")
    is_draft = forms.BooleanField(
        required=False, initial=True, label="Draft (invisible to participants and clients)"
    )
    in_analysis = forms.BooleanField(
        required=False,
        initial=True,
        label=Discussion._meta.get_field("in_analysis").verbose_name.capitalize(),
        help_text=Discussion._meta.get_field("in_analysis").help_text,
    )

    @classmethod
    def for_discussion(cls, discussion: Discussion, data=None) -> DiscussionForm:
        initial = {name: getattr(discussion, name) for name in cls.base_fields}
        initial["target_segments"] = ", ".join(discussion.target_segments or [])
        return cls(data, initial=initial)

    def clean_target_segments(self) -> list[str]:
        raw = self.cleaned_data.get("target_segments") or ""
        return [s.strip() for s in raw.split(",") if s.strip()]


class PostForm(forms.Form):
    body = forms.CharField(
        label="Your response",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=FORMATTING_HELP,
        # The service enforces POST_MAX_CHARS with the exact count; the browser gets a hint.
        required=False,
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput())
    # A plain FileField: the image checks (type, size, pixel bomb) happen in community.uploads.
    image = forms.FileField(
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/gif,image/webp"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].widget.attrs["maxlength"] = settings.VERBATIM["POST_MAX_CHARS"]


class PostEditForm(forms.Form):
    body = forms.CharField(
        label="Your post", widget=forms.Textarea(attrs={"rows": 6}), required=False, help_text=FORMATTING_HELP
    )
