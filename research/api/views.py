"""Read-only API views. Thin: the access helper decides who may read (outsiders and participants
get 404 on analysis endpoints, anonymous callers 401), selectors read, serializers render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request
from rest_framework.response import Response

from community.access import get_community_for_member, get_discussion_for_member
from community.models import Membership, Role
from research.api.serializers import (
    CommunitySerializer,
    GapDimensionSerializer,
    PostSerializer,
    ThemeSerializer,
)
from research.exports.selectors import export_posts, perception_gap, post_theme_labels, report_themes_qs

READERS = [Role.MODERATOR, Role.CLIENT]
SLUG = OpenApiParameter("slug", str, OpenApiParameter.PATH, description="The community's slug.")


class PostPagination(LimitOffsetPagination):
    # A page is built in memory; without a ceiling one request could ask for every post at once.
    max_limit = 500


class _ReaderMixin:
    """Resolves the community and the caller's membership once per request, through the access helper."""

    roles: list[str] | None = READERS

    def reader(self) -> Membership:
        if not hasattr(self, "_membership"):
            community, membership = get_community_for_member(
                self.request.user, self.kwargs["slug"], roles=self.roles, require_consent=False
            )
            self._membership = membership
        return self._membership

    def get_serializer_context(self) -> dict:
        context = super().get_serializer_context()
        if "slug" in self.kwargs:
            context["reader"] = self.reader()
        return context


@extend_schema(summary="Communities you belong to, with your role in each.")
class CommunityListView(generics.ListAPIView):
    serializer_class = CommunitySerializer

    def get_queryset(self):
        return (
            Membership.objects.filter(user=self.request.user, is_active=True)
            .select_related("community")
            .order_by("community__name", "community_id")
        )


@extend_schema(
    summary="Themes of a community with their quotes (moderators and clients).",
    parameters=[SLUG],
)
class ThemeListView(_ReaderMixin, generics.ListAPIView):
    serializer_class = ThemeSerializer

    def get_queryset(self):
        return report_themes_qs(community=self.reader().community)


@extend_schema(
    summary="The perception gap: self-assessment, customers' ratings and the evidence in posts, per dimension.",
    parameters=[SLUG],
    responses=GapDimensionSerializer(many=True),
)
class PerceptionGapView(_ReaderMixin, generics.GenericAPIView):
    serializer_class = GapDimensionSerializer
    pagination_class = None

    def get(self, request: Request, slug: str) -> Response:
        rows = perception_gap(community=self.reader().community)
        return Response(self.get_serializer(rows, many=True).data)


class _PostFilter(serializers.Serializer):
    discussion = serializers.IntegerField(
        required=False, min_value=1, help_text="Only posts of this discussion."
    )


@extend_schema(
    summary="Published posts with their analysis and themes, oldest first (moderators and clients).",
    parameters=[SLUG, _PostFilter],
)
class PostListView(_ReaderMixin, generics.ListAPIView):
    serializer_class = PostSerializer
    pagination_class = PostPagination

    def get_queryset(self):
        membership = self.reader()
        params = _PostFilter(data=self.request.query_params)
        if not params.is_valid():
            raise ValidationError(params.errors)
        discussion = None
        if "discussion" in params.validated_data:
            discussion = get_discussion_for_member(membership, params.validated_data["discussion"])
        return export_posts(community=membership.community, discussion=discussion)

    def list(self, request: Request, *args, **kwargs) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        # Theme labels for this page only: one query however long the page.
        context = self.get_serializer_context()
        context["theme_labels"] = post_theme_labels(
            community=self.reader().community, post_ids=[p.pk for p in page]
        )
        data = PostSerializer(page, many=True, context=context).data
        return self.get_paginated_response(data)


@login_required
@require_http_methods(["GET", "POST"])
def api_token_view(request: HttpRequest) -> HttpResponse:
    """Shows the signed-in user's API token; POST creates one or replaces it (revoking the old).

    Only research teams and the brand's team read the API (participants have no endpoint), so
    nobody else is handed a token that would answer 404 everywhere.
    """
    if not (
        request.user.is_staff
        or Membership.objects.filter(
            user=request.user, role__in=[Role.MODERATOR, Role.CLIENT], is_active=True
        ).exists()
    ):
        raise PermissionDenied(
            "The API is for research teams and the brand's team; as a participant you have no API access."
        )
    token = Token.objects.filter(user=request.user).first()
    if request.method == "POST":
        if token is not None:
            token.delete()
        token = Token.objects.create(user=request.user)
    return render(request, "research/exports_api_token.html", {"token": token})
