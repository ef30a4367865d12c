"""Forms for moderation decisions, flags and the queue's filters."""

from __future__ import annotations

from django import forms

from community.models import PostStatus
from community.services.moderation import FLAG_REASON_MAX_CHARS, REASON_MAX_CHARS, ModerationAction


class ModerateForm(forms.Form):
    action = forms.ChoiceField(
        choices=ModerationAction.CHOICES, error_messages={"required": "Choose what to do with the post."}
    )
    reason = forms.CharField(
        max_length=REASON_MAX_CHARS,
        widget=forms.TextInput(attrs={"placeholder": "Reason (required)"}),
        error_messages={"required": "A reason is required for every moderation action."},
    )


class FlagForm(forms.Form):
    reason = forms.CharField(
        required=False,
        max_length=FLAG_REASON_MAX_CHARS,
        widget=forms.TextInput(attrs={"placeholder": "What is wrong with this post? (optional)"}),
    )


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(choices=[("", "Needs a decision")] + list(PostStatus.choices), required=False)
    discussion = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, choices=[])
    flagged = forms.BooleanField(required=False, label="Flagged only")

    def __init__(self, *args, discussions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["discussion"].choices = [("", "All activities")] + [(d.pk, d.title) for d in discussions]
