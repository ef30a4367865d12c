"""The erasure confirmation: the member re-enters their password and ticks a box."""

from __future__ import annotations

from django import forms


class EraseForm(forms.Form):
    password = forms.CharField(widget=forms.PasswordInput, label="Your password", strip=False)
    confirm = forms.BooleanField(
        label="I understand this erases my account and cannot be undone.",
        error_messages={"required": "Tick the box to confirm the erasure."},
    )
