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
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from community.forms.privacy import EraseForm
from community.membership_selectors import memberships_for_user
from community.models import ErasurePolicy
from community.selectors_engagement import member_data_export
from community.services.privacy import user_erase

# Session key: why the last erasure attempt was refused, shown once on the account page.
_ERASE_REFUSED = "my_data_erase_refused"


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
    form = EraseForm()
    refused = request.session.pop(_ERASE_REFUSED, None)
    if refused:
        # The refused attempt, back on the page it came from: its reasons under their fields and
        # the box ticked as it was. Never the password.
        form = EraseForm({"confirm": "on"} if refused.get("confirm") else {})
        form.errors.clear()
        for name, reasons in refused["errors"].items():
            form.errors[name] = form.error_class(reasons)
    return render(request, "community/my_data.html", _my_data_context(request, form))


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
    # Back to the page with the form (POST/redirect/GET): the address bar never keeps the
    # POST-only erase address, which a reload or a bookmark would open as a dead end.
    request.session[_ERASE_REFUSED] = {
        "errors": {name: list(reasons) for name, reasons in form.errors.items()},
        "confirm": bool(request.POST.get("confirm")),
    }
    return redirect(f"{reverse('my_data')}#erase-heading")


@login_required
def my_data_export_archive_view(request: HttpRequest) -> HttpResponse:
    """The member's own data as one ZIP: my-data.json, the photos they uploaded, and a README."""
    import tempfile

    from django.http import FileResponse

    from community.selectors_engagement import member_data_archive

    # Kept open for the response, which closes it once sent; past 16 MB (many photos) it goes to disk.
    archive = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # noqa: SIM115
    member_data_archive(user=request.user, into=archive)
    archive.seek(0)
    filename = f"verbatim-my-data-{timezone.now():%Y%m%d}.zip"
    response = FileResponse(archive, as_attachment=True, filename=filename, content_type="application/zip")
    response["Cache-Control"] = "no-store"
    return response
