"""Read-only API views. Thin: the access helper decides who may read (outsiders get 404 on
analysis endpoints, the community's participants 403 saying the API is for moderators and
clients, anonymous callers 401), the exports' filter parser reads the
dashboard's filters from the query string (400 naming each bad one, a bad `limit`, `offset` or
`format`, or any parameter the endpoint does not read: every list endpoint, the communities one
too), selectors read, serializers render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import APIException
from rest_framework.exceptions import PermissionDenied as APIPermissionDenied
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings

from community.access import get_community_for_member
from community.models import Membership, Role
from research.api.serializers import (
    CommunitySerializer,
    GapDimensionSerializer,
    PostSerializer,
    ThemeSerializer,
)
from research.dashboard_selectors import DashboardFilters
from research.exports.filters import (
    AUTHOR_ROLES,
    FILTER_FIELDS,
    POST_FILTER_FIELDS,
    FilterError,
    UnknownParameters,
    author_role_errors,
    filters_from_query,
    refuse_unknown_parameters,
)
from research.exports.selectors import (
    export_posts,
    gap_dimensions,
    post_theme_labels,
    report_themes,
    report_themes_qs,
)

READERS = [Role.MODERATOR, Role.CLIENT]
NOT_A_READER = (
    "The API is for the community's moderators and clients; as a participant you have no API access."
)
SLUG = OpenApiParameter("slug", str, OpenApiParameter.PATH, description="The community's slug.")
# The dashboard's filters, under the dashboard form's names, so a dashboard URL's query string works here.
FILTERS = [
    OpenApiParameter(
        "discussion",
        int,
        description="Only posts of this discussion (its id; drafts cannot be filtered on).",
    ),
    OpenApiParameter(
        "segment", str, description="Only posts by participants in this segment (its exact name)."
    ),
    OpenApiParameter(
        "date_from",
        OpenApiTypes.DATE,
        description="Only posts from this day on (YYYY-MM-DD, in the site's time zone).",
    ),
    OpenApiParameter(
        "date_to",
        OpenApiTypes.DATE,
        description="Only posts up to and including this day (YYYY-MM-DD); not before date_from.",
    ),
    OpenApiParameter(
        "brand",
        str,
        description="Only posts that mention this brand or competitor, as the community names it; "
        "typed in any case, it is read as the community spells it (acme finds Acme).",
    ),
]

# DRF's own: `?format=api` shows the browsable page, `?format=json` the JSON (the default).
FORMAT_PARAM = api_settings.URL_FORMAT_OVERRIDE or "format"
FORMATS = ("json", "api")
FORMAT = OpenApiParameter(
    FORMAT_PARAM,
    str,
    enum=list(FORMATS),
    description="The response's format: json (the default) or api (a browsable page); "
    "any other is refused with 400.",
)


class FilterErrorSerializer(serializers.Serializer):
    """A 400 for bad filters (one line naming them all, and why per parameter) or for unknown
    parameters (named, with those the endpoint accepts)."""

    detail = serializers.CharField(
        help_text="Every bad parameter and why, e.g. \"date_from: 'yesterday' ...\", or the unknown ones."
    )
    unknown = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="Query parameters this endpoint does not read (a typo, e.g. `segmnet`).",
    )
    accepted = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="The query parameters this endpoint reads: its filters, paging and `format`.",
    )
    discussion = serializers.ListField(child=serializers.CharField(), required=False)
    segment = serializers.ListField(child=serializers.CharField(), required=False)
    date_from = serializers.ListField(child=serializers.CharField(), required=False)
    date_to = serializers.ListField(child=serializers.CharField(), required=False)
    brand = serializers.ListField(child=serializers.CharField(), required=False)
    format = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="An unknown format, and the accepted ones."
    )


class PagedFilterErrorSerializer(FilterErrorSerializer):
    """The same, for endpoints that page: a bad `limit` or `offset` is named too."""

    limit = serializers.ListField(child=serializers.CharField(), required=False)
    offset = serializers.ListField(child=serializers.CharField(), required=False)


class PagingErrorSerializer(serializers.Serializer):
    """A 400 for a bad `limit`, `offset` or `format` (each named, and why) or for unknown
    parameters (named, with those the endpoint accepts)."""

    detail = serializers.CharField(
        help_text='Every bad parameter and why, e.g. "limit: -1 is not ...", or the unknown ones.'
    )
    unknown = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="Query parameters this endpoint does not read (a typo, e.g. `limt`).",
    )
    accepted = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="The query parameters this endpoint reads: paging and `format`.",
    )
    limit = serializers.ListField(child=serializers.CharField(), required=False)
    offset = serializers.ListField(child=serializers.CharField(), required=False)
    format = serializers.ListField(child=serializers.CharField(), required=False)


BAD_FILTERS = OpenApiResponse(
    FilterErrorSerializer,
    description="A filter or the format could not be applied, or a parameter is unknown.",
)
BAD_PAGED_FILTERS = OpenApiResponse(
    PagedFilterErrorSerializer,
    description="A filter, the paging or the format could not be applied, or a parameter is unknown.",
)
BAD_PAGING = OpenApiResponse(
    PagingErrorSerializer,
    description="The paging or the format could not be applied, or a parameter is unknown.",
)


class RefusedSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="Why: " + NOT_A_READER)


NOT_A_READER_RESPONSE = OpenApiResponse(
    RefusedSerializer,
    description="The caller is a participant of this community: the API is for its moderators and "
    "clients. A community the caller does not belong to answers 404.",
)


class BadFilters(APIException):
    status_code = 400
    default_code = "invalid_filters"

    def __init__(self, error: FilterError):
        super().__init__(
            {
                "detail": "; ".join(f"{name}: {why}" for name, why in error.errors.items()),
                **{name: [why] for name, why in error.errors.items()},
            }
        )


class BadParameters(APIException):
    status_code = 400
    default_code = "unknown_parameters"

    def __init__(self, error: UnknownParameters):
        super().__init__({"detail": str(error), "unknown": error.unknown, "accepted": error.accepted})


class ListPagination(LimitOffsetPagination):
    # A page is built in memory; without a ceiling one request could ask for every row at once.
    max_limit = 500

    def parameter_errors(self, query) -> dict[str, str]:
        """Why `limit` or `offset` cannot be read, per parameter (empty when both are fine or
        absent). DRF would quietly page by its defaults instead, answering a typo with a page
        that looks asked for."""
        errors = {}
        for name, least in ((self.limit_query_param, 1), (self.offset_query_param, 0)):
            if name not in query:
                continue
            raw = query[name].strip()
            shown = raw if len(raw) <= 40 else raw[:40] + "…"
            if not (raw.isascii() and raw.lstrip("-").isdigit()):
                errors[name] = f"'{shown}' is not a whole number"
            elif int(raw) < least:
                errors[name] = f"{shown} is less than {least}"
        return errors

    def get_limit(self, request):
        self._refuse_bad(request)
        return super().get_limit(request)

    def get_offset(self, request):
        self._refuse_bad(request)
        return super().get_offset(request)

    def _refuse_bad(self, request) -> None:
        errors = self.parameter_errors(request.query_params)
        if errors:
            raise BadFilters(FilterError(errors))

    def get_schema_operation_parameters(self, view):
        limit, offset = super().get_schema_operation_parameters(view)
        limit["schema"] = {"type": "integer", "minimum": 1}
        limit["description"] = (
            f"How many results a page holds (1 or more; {self.default_limit} by default, "
            f"at most {self.max_limit}: a larger limit is read as {self.max_limit}). "
            "Anything else is refused with 400."
        )
        offset["schema"] = {"type": "integer", "minimum": 0}
        offset["description"] = (
            "How many results to skip (0 or more; 0 by default). Anything else is refused with 400."
        )
        return [limit, offset]


class PostPagination(ListPagination):
    pass


class UnknownFormat(APIException):
    status_code = 400
    default_code = "unknown_format"

    def __init__(self, value: str):
        shown = value if len(value) <= 40 else value[:40] + "…"
        why = f"'{shown}' is not a format of this API (formats: {', '.join(FORMATS)})"
        super().__init__({"detail": f"{FORMAT_PARAM}: {why}", FORMAT_PARAM: [why]})


class ContentNegotiation(DefaultContentNegotiation):
    """DRF answers an unknown `?format=` with 404 before anyone is signed in, as if the page did
    not exist. Here negotiation falls back to JSON, and `_FormatCheck` refuses the format with
    400 naming the formats once the caller is known to be allowed in, so outsiders still get 404
    and anonymous callers 401."""

    def filter_renderers(self, renderers, format):
        found = [renderer for renderer in renderers if renderer.format == format]
        return found or [renderer for renderer in renderers if renderer.format == "json"]


class _FormatCheck:
    """What every list endpoint checks of its query string: no parameter it does not read (400
    naming them and the accepted ones), a known format."""

    content_negotiation_class = ContentNegotiation
    # The filters this endpoint reads, besides its paginator's parameters and `format`.
    filter_parameters: tuple[str, ...] = ()

    def refuse_unknown_format(self) -> None:
        value = self.request.query_params.get(FORMAT_PARAM)
        if value and value not in FORMATS:
            raise UnknownFormat(value)

    def accepted_parameters(self) -> list[str]:
        """The query parameters this endpoint reads: its filters, its paginator's and `format`."""
        paging = (
            "limit_query_param",
            "offset_query_param",
            "page_query_param",
            "page_size_query_param",
            "cursor_query_param",
        )
        paginator = self.paginator
        names = [getattr(paginator, p, None) for p in paging] if paginator is not None else []
        return [*self.filter_parameters, *[n for n in (*names, api_settings.URL_FORMAT_OVERRIDE) if n]]

    def refuse_unknown_parameters(self) -> None:
        query = self.request.query_params
        try:
            refuse_unknown_parameters(query, accepted=self.accepted_parameters())
        except UnknownParameters as error:
            raise BadParameters(error) from error
        # Only the last of a repeated parameter would be read (`?segment=a&segment=b` is segment b).
        repeated = {name: len(query.getlist(name)) for name in query if len(query.getlist(name)) > 1}
        if repeated:
            raise BadFilters(
                FilterError({name: f"given {n} times; give it once" for name, n in repeated.items()})
            )


class _ReaderMixin(_FormatCheck):
    """Resolves the community, the caller's membership and the filters once per request. The
    access helper runs first, so outsiders get 404 before any filter is read and learn nothing
    from its validation."""

    roles: list[str] | None = READERS
    filter_parameters = FILTER_FIELDS

    def reader(self) -> Membership:
        if not hasattr(self, "_membership"):
            # Outsiders get 404 (the helper); a member in another role knows the community exists,
            # so a 404 saying "No such community." would only mislead them.
            community, membership = get_community_for_member(
                self.request.user, self.kwargs["slug"], roles=None, require_consent=False
            )
            if self.roles is not None and membership.role not in self.roles:
                raise APIPermissionDenied(NOT_A_READER)
            self._membership = membership
        return self._membership

    def filters(self) -> DashboardFilters:
        if not hasattr(self, "_filters"):
            community = self.reader().community
            query = self.request.query_params
            self.refuse_unknown_parameters()
            self.refuse_unknown_format()
            # Every bad filter and paging parameter named at once.
            errors = self.paginator.parameter_errors(query) if self.paginator is not None else {}
            errors.update(self.own_filter_errors(query))
            try:
                self._filters = filters_from_query(community=community, query=query)
            except FilterError as error:
                raise BadFilters(FilterError({**error.errors, **errors})) from error
            if errors:
                raise BadFilters(FilterError(errors))
        return self._filters

    def own_filter_errors(self, query) -> dict[str, str]:
        """Why this endpoint's own filters (beyond the dashboard's) cannot be applied."""
        return {}

    def get_serializer_context(self) -> dict:
        context = super().get_serializer_context()
        if "slug" in self.kwargs:
            context["reader"] = self.reader()
        return context


@extend_schema(
    summary="Communities you belong to, with your role in each.",
    parameters=[FORMAT],
    responses={200: CommunitySerializer(many=True), 400: BAD_PAGING},
)
class CommunityListView(_FormatCheck, generics.ListAPIView):
    serializer_class = CommunitySerializer
    pagination_class = ListPagination

    def initial(self, request, *args, **kwargs):
        # After authentication: a caller without a token learns nothing from the checks (401).
        super().initial(request, *args, **kwargs)
        self.refuse_unknown_parameters()
        self.refuse_unknown_format()

    def get_queryset(self):
        return (
            Membership.objects.filter(user=self.request.user, is_active=True)
            .select_related("community")
            .order_by("community__name", "community_id")
        )


@extend_schema(
    summary="Themes of a community with their quotes (moderators and clients).",
    description="Largest first. With filters, each theme's counts, sentiment mix and quotes are "
    "those of its posts within them, and themes with none are left out.",
    parameters=[SLUG, *FILTERS, FORMAT],
    responses={200: ThemeSerializer(many=True), 400: BAD_PAGED_FILTERS, 403: NOT_A_READER_RESPONSE},
)
class ThemeListView(_ReaderMixin, generics.ListAPIView):
    serializer_class = ThemeSerializer
    pagination_class = ListPagination

    def get_queryset(self):
        community, filters = self.reader().community, self.filters()
        if filters.active:
            return report_themes(community=community, filters=filters)
        return report_themes_qs(community=community)


@extend_schema(
    summary="The perception gap: self-assessment, customers' ratings and the evidence in posts, per dimension.",
    description="With filters, the evidence counts and quotes come from the posts within them; "
    "ratings are not posts, so only `discussion` narrows them (to that discussion's scorecard).",
    parameters=[SLUG, *FILTERS, FORMAT],
    responses={200: GapDimensionSerializer(many=True), 400: BAD_FILTERS, 403: NOT_A_READER_RESPONSE},
)
class PerceptionGapView(_ReaderMixin, generics.GenericAPIView):
    serializer_class = GapDimensionSerializer
    # One row per perception dimension: a short list with a fixed ceiling, never paged.
    pagination_class = None

    def get_queryset(self):
        # Rows, not a queryset; the browsable page (`?format=api`) asks for one to draw its filter
        # forms, and had a 500 without it.
        return []

    def get(self, request: Request, slug: str) -> Response:
        rows = gap_dimensions(community=self.reader().community, filters=self.filters())
        return Response(self.get_serializer(rows, many=True).data)


AUTHOR_ROLE = OpenApiParameter(
    "author_role",
    str,
    enum=list(AUTHOR_ROLES),
    description="Only posts by participants, or only moderators' (their questions and replies); "
    "`participant` gives the posts insights count from. Any other value is refused with 400.",
)


@extend_schema(
    summary="Published posts with their analysis and themes, oldest first (moderators and clients).",
    description="Every published post, moderators' included: `author_role` tells them apart. "
    "Insights (the dashboard's post count, themes, the perception gap) count participants' posts "
    "only, and of those the analysed ones (`analysis.analysable` true; a post of an activity left "
    "out of analysis, such as a warm-up, has none, and `analysis.not_analysed_reason` says why), so "
    "`count` here is larger than the dashboard's. "
    "Filter with `author_role=participant` to leave moderators' posts out.",
    parameters=[SLUG, *FILTERS, AUTHOR_ROLE, FORMAT],
    responses={200: PostSerializer(many=True), 400: BAD_PAGED_FILTERS, 403: NOT_A_READER_RESPONSE},
)
class PostListView(_ReaderMixin, generics.ListAPIView):
    serializer_class = PostSerializer
    pagination_class = PostPagination
    filter_parameters = POST_FILTER_FIELDS

    def own_filter_errors(self, query) -> dict[str, str]:
        return author_role_errors(query)

    def get_queryset(self):
        return export_posts(
            community=self.reader().community,
            filters=self.filters(),
            author_role=self.request.query_params.get("author_role", ""),
        )

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
        # Shown once, on the page this redirects to: afterwards only its last characters, so a
        # glance at an open screen (or a shared one) never gives the token away.
        request.session[_NEW_TOKEN_KEY] = token.key
        return redirect(request.path)
    new_key = request.session.pop(_NEW_TOKEN_KEY, None)
    return render(
        request,
        "research/exports_api_token.html",
        {"token": token, "show_key": token is not None and new_key == token.key},
    )


_NEW_TOKEN_KEY = "vb_new_api_token"


def api_root_view(request: HttpRequest) -> JsonResponse:
    """/api/: where the API's parts are, so the bare address answers instead of a 404 page."""
    if request.method not in ("GET", "HEAD"):
        return JsonResponse({"detail": f'Method "{request.method}" not allowed.'}, status=405)
    return JsonResponse(
        {
            "communities": request.build_absolute_uri(reverse("api:communities")),
            "schema": request.build_absolute_uri(reverse("api:schema")),
            "docs": request.build_absolute_uri(reverse("api:docs")),
            "token": request.build_absolute_uri(reverse("api:token")),
            "detail": "Read-only API for a community's moderators and clients. Send "
            '"Authorization: Token <key>" (get one at the token page); the docs page lists every endpoint.',
        }
    )
