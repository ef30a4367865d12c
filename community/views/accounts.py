"""Signing in, joining by invitation and accepting consent. Logout and password reset are
Django's own views wired in community/urls.py with templates in templates/registration/."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView, LogoutView
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from community.access import get_community_for_member
from community.forms.accounts import ConsentForm, JoinForm, SignInForm
from community.invitations import InvitationError, invitation_from_signed
from community.services.memberships import (
    MembershipError,
    invitation_accept,
    membership_consent,
    user_create_from_invitation,
)


class SignOutView(LogoutView):
    """Signing out is a POST (a link can't sign anyone out); someone who types /logout/ gets a
    page with the button instead of an error."""

    http_method_names = ["get", "post", "options"]

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        return render(request, "registration/sign_out.html")


class SignInView(LoginView):
    """Django's sign-in with password guessing throttled (community.login_throttle): a locked
    username or address is answered 429 with Retry-After, the form saying until when."""

    authentication_form = SignInForm
    redirect_authenticated_user = True

    def form_invalid(self, form) -> HttpResponse:
        response = super().form_invalid(form)
        lock = getattr(form, "lock", None)
        if lock is not None:
            response.status_code = 429
            response["Retry-After"] = str(lock.seconds_left)
        return response


_PROBLEM_STATUS = {
    InvitationError.INVALID: 404,
    InvitationError.WRONG_COMMUNITY: 404,
    InvitationError.EXPIRED: 410,
    InvitationError.USED: 410,
    InvitationError.REVOKED: 410,
}


def _after_joining(membership) -> HttpResponse:
    if membership.is_participant and not membership.has_current_consent:
        return redirect("consent", slug=membership.community.slug)
    return redirect("community_home", slug=membership.community.slug)


@require_http_methods(["GET", "POST"])
def invitation_accept_view(request: HttpRequest, slug: str, signed: str) -> HttpResponse:
    try:
        invitation = invitation_from_signed(signed=signed, community_slug=slug)
    except InvitationError as exc:
        used_by_me = (
            exc.reason == InvitationError.USED
            and request.user.is_authenticated
            and exc.invitation.accepted_by_id == request.user.pk
        )
        if used_by_me:
            return redirect("community_home", slug=exc.invitation.community.slug)
        return render(
            request,
            "community/invitation_problem.html",
            {"reason": exc.reason, "invitation": exc.invitation},
            status=_PROBLEM_STATUS[exc.reason],
        )
    context = {"invitation": invitation, "invited_community": invitation.community}

    if request.user.is_authenticated:
        if (request.user.email or "").lower() != invitation.email.lower():
            return render(request, "community/invitation_wrong_user.html", context, status=403)
        if request.method == "POST":
            try:
                membership = invitation_accept(invitation=invitation, user=request.user)
            except MembershipError as exc:
                messages.error(request, str(exc))
                return redirect("home")
            messages.success(request, f"Welcome to {invitation.community.name}.")
            return _after_joining(membership)
        return render(request, "community/invitation_join_existing.html", context)

    if (
        get_user_model()
        .objects.filter(Q(email__iexact=invitation.email) | Q(username__iexact=invitation.email))
        .exists()
    ):
        return render(request, "community/invitation_sign_in.html", context)

    form = JoinForm(request.POST if request.method == "POST" else None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user, membership = user_create_from_invitation(
                invitation=invitation,
                first_name=data["first_name"],
                last_name=data["last_name"],
                password=data["password1"],
            )
        except ValidationError as exc:
            form.add_error("password1", exc)
        except MembershipError as exc:
            form.add_error(None, str(exc))
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, f"Welcome to {invitation.community.name}, {user.first_name}.")
            return _after_joining(membership)
    context["form"] = form
    return render(request, "community/invitation_join_new.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def consent_view(request: HttpRequest, slug: str) -> HttpResponse:
    community, membership = get_community_for_member(request.user, slug, require_consent=False)
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    if not membership.is_participant or membership.has_current_consent:
        if request.method == "GET" and membership.is_participant:
            # Already agreed: show the text they agreed to, read-only.
            return render(
                request,
                "community/consent.html",
                {"community": community, "membership": membership, "already": True, "next": next_url},
            )
        return redirect(next_url or "community_home", **({} if next_url else {"slug": slug}))
    form = ConsentForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        membership_consent(membership=membership)
        messages.success(request, "Thank you. You can take part now.")
        return redirect(next_url or "community_home", **({} if next_url else {"slug": slug}))
    return render(
        request,
        "community/consent.html",
        {
            "community": community,
            "membership": membership,
            "form": form,
            "next": next_url,
            "renewed": membership.consent_version is not None,
        },
    )
