"""Probes: moderators ask, addressees answer in place, others see them as the activity allows."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods

from community.access import get_community_for_member, get_discussion_for_member, get_post_for_member
from community.forms.probes import ProbeAnswerForm, ProbeForm
from community.models import Membership, Notification, Role
from community.selectors import post_html_for, post_text_for, post_visible_to
from community.selectors_engagement import (
    get_probe_for_member,
    probe_answers_for,
    probes_for_discussion,
)
from community.services.probes import probe_answer, probe_create


def _apply_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _probe_targets(community_id: int, discussion) -> tuple[list[Membership], list[str]]:
    participants = [
        m
        for m in Membership.objects.filter(
            community_id=community_id, role=Role.PARTICIPANT, is_active=True, is_imported=False
        ).select_related("user")
        if discussion.targets(m)
    ]
    segments = sorted({s for m in participants for s in (m.segments or [])})
    return participants, segments


def _sent_message(probe) -> str:
    """Says how many were told, in the right number ("the participant was", "3 participants were")."""
    notified = Notification.objects.filter(probe=probe).count()
    if notified == 1:
        return "Probe sent; the participant was notified."
    if notified == 0:
        return (
            "Probe sent; no participant was notified (nobody it is addressed to can see this activity yet)."
        )
    return f"Probe sent; {notified} participants were notified."


@login_required
@require_http_methods(["GET", "POST"])
def probe_create_view(request: HttpRequest, slug: str, discussion_id: int) -> HttpResponse:
    community, membership = get_community_for_member(request.user, slug, roles=[Role.MODERATOR])
    discussion = get_discussion_for_member(membership, discussion_id)
    post_id = request.POST.get("post") or request.GET.get("post")
    post = None
    if post_id:
        if not str(post_id).isdigit():
            raise Http404("No such post.")
        post = get_post_for_member(membership, int(post_id))
    participants, segments = _probe_targets(community.pk, discussion)
    initial = {"addressee": post.author_id} if post is not None and post.author.is_participant else {}
    form = ProbeForm(request.POST or None, participants=participants, segments=segments, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            probe = probe_create(
                author=membership,
                discussion=discussion,
                question=form.cleaned_data["question"],
                addressee=form.cleaned_data["addressee"],
                segment=form.cleaned_data["segment"],
                post=post,
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _sent_message(probe))
            return redirect("probe_detail", slug=community.slug, probe_id=probe.pk)
    return render(
        request,
        "community/probe_form.html",
        {
            "community": community,
            "membership": membership,
            "discussion": discussion,
            "post": post,
            "form": form,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def probe_detail_view(request: HttpRequest, slug: str, probe_id: int) -> HttpResponse:
    community, membership = get_community_for_member(request.user, slug)
    probe = get_probe_for_member(membership, probe_id)
    can_answer = probe.is_addressed_to(membership) and probe.discussion.is_open()
    form = ProbeAnswerForm(request.POST or None) if can_answer else None
    if request.method == "POST":
        if membership.is_client:
            # A client reads the probe and its answers; answering is refused as posting is (403).
            raise PermissionDenied("Client members read probes and their answers; they do not answer them.")
        if form is None:
            raise Http404("No such probe.")
        if form.is_valid():
            try:
                probe_answer(probe=probe, member=membership, body=form.cleaned_data["body"])
            except ValidationError as exc:
                _apply_errors(form, exc)
            except PermissionDenied as exc:
                raise Http404("No such probe.") from exc
            else:
                messages.success(request, "Thank you, your answer is in.")
                return redirect("probe_detail", slug=community.slug, probe_id=probe.pk)
    answers = probe_answers_for(probe=probe, membership=membership)
    for answer in answers:
        answer.author_name = answer.author.display_name_for(membership)
        answer.html = mark_safe(post_html_for(answer, membership))  # sanitised by nh3; redacted for clients
    probed_post = probe.post if probe.post and post_visible_to(probe.post, membership) else None
    return render(
        request,
        "community/probe_detail.html",
        {
            "community": community,
            "membership": membership,
            "probe": probe,
            "answers": answers,
            "form": form,
            "addressee_name": probe.addressee.display_name_for(membership) if probe.addressee else "",
            # The probed post shows only to those who could read it anyway (journals stay private).
            "probed_post": probed_post,
            "probed_text": post_text_for(probed_post, membership) if probed_post else "",
        },
    )


@login_required
def probe_list_view(request: HttpRequest, slug: str, discussion_id: int) -> HttpResponse:
    community, membership = get_community_for_member(request.user, slug)
    discussion = get_discussion_for_member(membership, discussion_id)
    probes = probes_for_discussion(discussion=discussion, membership=membership)
    for probe in probes:
        probe.addressee_name = probe.addressee.display_name_for(membership) if probe.addressee else ""
        probe.mine = probe.is_addressed_to(membership)
    return render(
        request,
        "community/probe_list.html",
        {"community": community, "membership": membership, "discussion": discussion, "probes": probes},
    )
