"""A member's own data: download it as JSON, or erase it."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from community.forms.privacy import EraseForm
from community.membership_selectors import memberships_for_user
from community.models import ErasurePolicy
from community.selectors_engagement import member_data_export
from community.services.privacy import user_erase


def _my_data_context(request: HttpRequest, form: EraseForm) -> dict:
    memberships = memberships_for_user(request.user)
    return {
        "form": form,
        "memberships": memberships,
        "removes": [
            m for m in memberships if m.is_participant and m.community.erasure_policy == ErasurePolicy.REMOVE
        ],
    }


@login_required
def my_data_view(request: HttpRequest) -> HttpResponse:
    return render(request, "community/my_data.html", _my_data_context(request, EraseForm()))


@login_required
def my_data_export_view(request: HttpRequest) -> HttpResponse:
    data = member_data_export(user=request.user)
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    filename = f"verbatim-my-data-{timezone.now():%Y%m%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["POST"])
def my_data_erase_view(request: HttpRequest) -> HttpResponse:
    form = EraseForm(request.POST)
    if form.is_valid():
        try:
            user_erase(user=request.user, password=form.cleaned_data["password"])
        except ValidationError as exc:
            form.add_error("password", exc.message_dict.get("password", exc.messages))
        else:
            logout(request)
            messages.success(request, "Your account and personal data are erased. Goodbye, and thank you.")
            return redirect("login")
    return render(request, "community/my_data.html", _my_data_context(request, form), status=400)
