"""Scorecards: participants and clients answer; moderators set dimensions; staff read results."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from community.access import get_community_for_member, get_discussion_for_member
from community.forms.scorecards import ScorecardAnswerForm, ScorecardDimensionsForm
from community.models import DiscussionKind, Role
from community.selectors_engagement import (
    scorecard_former_respondents,
    scorecard_response_for,
    scorecard_summary,
)
from community.services.scorecards import scorecard_ensure, scorecard_set_dimensions, scorecard_submit


def _scorecard_discussion(membership, discussion_id: int):
    discussion = get_discussion_for_member(membership, discussion_id)
    if discussion.kind != DiscussionKind.SCORECARD:
        raise Http404("No such scorecard.")
    return discussion


def _apply_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@login_required
@require_http_methods(["GET", "POST"])
def scorecard_answer_view(request: HttpRequest, slug: str, discussion_id: int) -> HttpResponse:
    community, membership = get_community_for_member(request.user, slug)
    discussion = _scorecard_discussion(membership, discussion_id)
    if membership.is_moderator:
        return redirect("scorecard_results", slug=community.slug, discussion_id=discussion.pk)
    scorecard = scorecard_ensure(discussion=discussion)
    dimensions = list(scorecard.dimensions.all())
    current = scorecard_response_for(scorecard=scorecard, membership=membership)
    initial = {f"dimension_{k}": v for k, v in current.items()}
    is_open = discussion.is_open()
    form = ScorecardAnswerForm(request.POST or None, dimensions=dimensions, initial=initial)
    if request.method == "POST":
        if not is_open:
            form.add_error(None, "This scorecard is not open for answers.")
        elif form.is_valid():
            try:
                scorecard_submit(scorecard=scorecard, member=membership, ratings=form.ratings())
            except ValidationError as exc:
                _apply_errors(form, exc)
            except PermissionDenied as exc:
                raise Http404("No such scorecard.") from exc
            else:
                messages.success(
                    request, "Thank you, your ratings are saved. You can change them while it is open."
                )
                return redirect("scorecard_answer", slug=community.slug, discussion_id=discussion.pk)
    return render(
        request,
        "community/scorecard_answer.html",
        {
            "community": community,
            "membership": membership,
            "discussion": discussion,
            "form": form,
            "answered": bool(current),
            "is_open": is_open,
            "self_assessment": membership.is_client,
        },
        # A refused answer is a 400, as on every other form: nothing was saved.
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def scorecard_setup_view(request: HttpRequest, slug: str, discussion_id: int) -> HttpResponse:
    community, membership = get_community_for_member(request.user, slug, roles=[Role.MODERATOR])
    discussion = _scorecard_discussion(membership, discussion_id)
    scorecard = scorecard_ensure(discussion=discussion)
    dimensions = list(scorecard.dimensions.all())
    form = ScorecardDimensionsForm(
        request.POST or None, initial={"dimensions": ScorecardDimensionsForm.initial_for(dimensions)}
    )
    if request.method == "POST" and form.is_valid():
        try:
            scorecard_set_dimensions(
                scorecard=scorecard, actor=membership, dimensions=form.cleaned_data["dimensions"]
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "Dimensions saved.")
            return redirect("scorecard_results", slug=community.slug, discussion_id=discussion.pk)
    return render(
        request,
        "community/scorecard_setup.html",
        {"community": community, "membership": membership, "discussion": discussion, "form": form},
    )


@login_required
def scorecard_results_view(request: HttpRequest, slug: str, discussion_id: int) -> HttpResponse:
    community, membership = get_community_for_member(request.user, slug, roles=[Role.MODERATOR, Role.CLIENT])
    discussion = _scorecard_discussion(membership, discussion_id)
    return render(
        request,
        "community/scorecard_results.html",
        {
            "community": community,
            "membership": membership,
            "discussion": discussion,
            "rows": scorecard_summary(community=community, discussion=discussion),
            "former_respondents": scorecard_former_respondents(discussion=discussion),
        },
    )
