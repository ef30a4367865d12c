"""Forms for signing in, joining by invitation and accepting consent."""

from __future__ import annotations

from datetime import UTC, datetime

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.password_validation import password_validators_help_text_html, validate_password
from django.core.exceptions import ValidationError
from django.utils import timezone

from community import login_throttle


class SignInForm(AuthenticationForm):
    """Sign in with the email address the invitation went to, or a username where one was given
    (the demo's first names). The email is matched ignoring case."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "That email or username and password do not match an account. "
        "Check both (the password is case-sensitive) and try again.",
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = "Email or username"
        self.fields["username"].widget.attrs.update(autocomplete="username", autocapitalize="none")

    def clean(self) -> dict:
        """Refuse while the username or the address is locked (community.login_throttle), before
        the password is checked; count a failure, and forgive the username's on success."""
        self.lock = None
        username, password = self.cleaned_data.get("username"), self.cleaned_data.get("password")
        if not username or not password:
            return super().clean()
        ip = login_throttle.client_ip(self.request)
        self.lock = login_throttle.login_lock_for(username=username, ip=ip)
        if self.lock is not None:
            raise self._locked_error(self.lock)
        try:
            cleaned = super().clean()
        except ValidationError as exc:
            if exc.code != "invalid_login":
                raise
            self.lock = login_throttle.login_failed(username=username, ip=ip)
            if self.lock is None:
                raise
            login_throttle.login_lock_audit(
                username=username,
                lock=self.lock,
                failures=settings.VERBATIM["LOGIN_FAILURES_PER_USERNAME"],
            )
            raise self._locked_error(self.lock) from exc
        login_throttle.login_succeeded(username=username)
        return cleaned

    @staticmethod
    def _locked_error(lock: login_throttle.Lock) -> ValidationError:
        until = timezone.localtime(datetime.fromtimestamp(lock.until, tz=UTC))
        minutes = (lock.seconds_left + 59) // 60
        who = "this account" if lock.scope == "username" else "this network address"
        return ValidationError(
            f"Too many failed sign-ins for {who}. For your security, signing in is paused until "
            f"{until:%H:%M} {until.tzname()} (in {minutes} minute{'s' if minutes != 1 else ''}); "
            "please try again then, or reset your password.",
            code="locked",
        )

    def clean_username(self) -> str:
        typed = (self.cleaned_data.get("username") or "").strip()
        users = get_user_model().objects.filter(is_active=True)
        # An exact username first; then an email, used only when it names one account.
        match = users.filter(username__iexact=typed).values_list("username", flat=True)[:2]
        if len(match) != 1:
            match = users.filter(email__iexact=typed).values_list("username", flat=True)[:2]
        return match[0] if len(match) == 1 else typed


class JoinForm(forms.Form):
    """New account from an invitation: the email is fixed by the invitation."""

    first_name = forms.CharField(
        max_length=150, label="First name", widget=forms.TextInput(attrs={"autocomplete": "given-name"})
    )
    last_name = forms.CharField(
        max_length=150,
        label="Last name",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    password1 = forms.CharField(
        label="Choose a password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label="Repeat the password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", "The two passwords do not match.")
        elif password1:
            from django.contrib.auth import get_user_model

            probe = get_user_model()(
                username=self.email, email=self.email, first_name=cleaned.get("first_name", "")
            )
            try:
                validate_password(password1, probe)
            except ValidationError as exc:
                self.add_error("password1", exc)
        return cleaned


class ConsentForm(forms.Form):
    agree = forms.BooleanField(
        label="I have read the above and I agree to take part on these terms.",
        error_messages={
            "required": "Tick the box to agree. If you would rather not take part, you can simply close this page."
        },
    )
