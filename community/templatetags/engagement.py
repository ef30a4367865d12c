"""`{% load engagement %}{% unread_notifications_count as n %}` for the navigation bar."""

from __future__ import annotations

from django import template

from community.selectors_engagement import notification_unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications_count(context) -> int:
    request = context.get("request")
    user = getattr(request, "user", None)
    return notification_unread_count(user=user) if user is not None else 0


@register.simple_tag
def participant_home_for(membership) -> dict:
    """`{% participant_home_for membership as home %}`: what is due and new (see participant_home)."""
    from community.selectors_engagement import participant_home

    if membership is None or not membership.is_participant:
        return {}
    return participant_home(membership)


@register.simple_tag
def probes_in(discussion, membership) -> list:
    """`{% probes_in discussion membership as probes %}`: the probes this member may see, one query."""
    from community.selectors_engagement import probes_for_discussion

    if discussion is None or membership is None:
        return []
    probes = probes_for_discussion(discussion=discussion, membership=membership)
    for probe in probes:
        probe.mine = probe.is_addressed_to(membership)
        probe.addressee_name = probe.addressee.display_name_for(membership) if probe.addressee else ""
    return probes


@register.filter
def question_for(probe, membership) -> str:
    """`{{ probe|question_for:membership }}`: the question with members' names as this viewer may read them."""
    from community.selectors_engagement import probe_question_for

    return probe_question_for(probe, membership)


@register.simple_tag
def has_rated(discussion, membership) -> bool:
    """`{% has_rated discussion membership as rated %}`: whether this member has answered the
    activity's scorecard (one query), so the way in says "change" rather than "rate"."""
    from community.models import ScorecardResponse

    if discussion is None or membership is None:
        return False
    return ScorecardResponse.objects.filter(scorecard__discussion=discussion, member=membership).exists()
