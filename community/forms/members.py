"""Forms for moderators' membership management and admins' community creation."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from community.models import Community, Role
from community.services.memberships import segments_clean

SEGMENTS_HELP = "Tags that group members, separated by commas or semicolons, e.g. “app users; London”."


class SegmentsField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", SEGMENTS_HELP)
        kwargs.setdefault("max_length", 600)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list):
            return ", ".join(value)
        return value

    def clean(self, value):
        return segments_clean(super().clean(value))


class InviteForm(forms.Form):
    email = forms.EmailField(label="Email address", widget=forms.EmailInput(attrs={"autocomplete": "off"}))
    role = forms.ChoiceField(choices=Role.choices, initial=Role.PARTICIPANT)
    segments = SegmentsField()


class CsvInviteForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="One person per line: email, role, segments. Role is participant, moderator or client "
        "(blank means participant); separate segments with semicolons. A header row is optional.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.VERBATIM["UPLOAD_MAX_BYTES"]
        if upload.size > limit:
            raise ValidationError(f"The file is {upload.size} bytes; the limit is {limit} bytes.")
        return upload


class SegmentsForm(forms.Form):
    segments = SegmentsField()


class DeactivateForm(forms.Form):
    reason = forms.CharField(
        required=False, max_length=500, widget=forms.TextInput(), help_text="Recorded in the audit log."
    )


class CommunityCreateForm(forms.ModelForm):
    brand_aliases = forms.CharField(
        required=False, help_text="Other names customers use for the brand, separated by commas."
    )
    competitor_brands = forms.CharField(
        required=False, help_text="Competitors to watch for, separated by commas."
    )

    class Meta:
        model = Community
        fields = ["name", "slug", "brand_name", "description", "consent_text"]
        help_texts = {
            "slug": "Short address, e.g. “northwind-2026”: letters, numbers and hyphens.",
            "consent_text": "Participants must accept this before taking part.",
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "consent_text": forms.Textarea(attrs={"rows": 4}),
        }

    def _split(self, name: str) -> list[str]:
        return [item.strip() for item in self.cleaned_data.get(name, "").split(",") if item.strip()]

    def clean_brand_aliases(self):
        return self._split("brand_aliases")

    def clean_competitor_brands(self):
        return self._split("competitor_brands")
