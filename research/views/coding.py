"""Coding of excerpts and the codebook (moderators only; everyone else gets 404)."""

from __future__ import annotations

import csv
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from community.access import get_community_for_member
from community.models import Discussion, Post, Role
from research.coding_text import coding_text
from research.curation_services import (
    CODEBOOK_COLUMNS,
    EXAMPLE_SEPARATOR,
    CurationError,
    code_add,
    code_delete,
    code_update,
    codebook_import_csv,
    excerpt_create,
    excerpt_delete,
)
from research.forms import CodebookImportForm, CodeForm, discussion_choice_label
from research.models import Code, CodedExcerpt
from research.selectors import published_q

MODERATORS = [Role.MODERATOR]
POSTS_PER_PAGE = 20


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@login_required
@require_GET
def coding_view(request: HttpRequest, slug: str) -> HttpResponse:
    community, membership = get_community_for_member(request.user, slug, roles=MODERATORS)
    discussions = list(
        Discussion.objects.filter(community=community)
        .order_by("position", "pk")
        .only("pk", "title", "kind", "in_analysis")
    )
    for discussion in discussions:
        discussion.label = discussion_choice_label(discussion)
    # Only posts that can be coded: a reply under a hidden or removed post is hidden with it
    # (`excerpt_create` refuses it), so it is not offered here either.
    posts = (
        Post.objects.filter(published_q(), community=community)
        .select_related("author", "discussion")
        .prefetch_related(
            Prefetch(
                "coded_excerpts", queryset=CodedExcerpt.objects.select_related("code").order_by("start", "pk")
            )
        )
        .order_by("-created_at", "-pk")
    )
    raw = request.GET.get("discussion", "")
    current = None
    if raw.isdigit():
        current = next((d for d in discussions if d.pk == int(raw)), None)
        if current is not None:
            posts = posts.filter(discussion=current)
    page = Paginator(posts, POSTS_PER_PAGE).get_page(request.GET.get("page"))
    for post in page:
        # Shown rendered, as everywhere else; selections are turned back into source offsets.
        post.coding = coding_text(post.body, post.body_html)
        post.coding_source = {"source": post.body, "runs": post.coding.runs}
        for excerpt in post.coded_excerpts.all():
            excerpt.shown = post.coding.shown(excerpt.start, excerpt.end)
    return render(
        request,
        "research/coding.html",
        {
            "community": community,
            "membership": membership,
            "nav_section": "coding",
            "page": page,
            "codes": list(Code.objects.filter(community=community)),
            "discussions": discussions,
            "current": current,
        },
    )


@login_required
@require_POST
def excerpt_create_view(request: HttpRequest, slug: str) -> HttpResponse:
    community, membership = get_community_for_member(request.user, slug, roles=MODERATORS)
    post = Post.objects.filter(community=community, pk=_int(request.POST.get("post"))).first()
    code = Code.objects.filter(community=community, pk=_int(request.POST.get("code"))).first()
    try:
        if post is None:
            raise CurationError("post: no such post in this community.")
        if code is None:
            raise CurationError("code: choose a code from the codebook.")
        start, end = _int(request.POST.get("start")), _int(request.POST.get("end"))
        if start is None or end is None:
            raise CurationError("start/end: whole numbers are required.")
        # The page's script sends the selected source text (checked against the post, so a stale
        # page is refused); typed From/to without the script send it empty: nothing to check.
        excerpt = excerpt_create(
            post=post,
            code=code,
            start=start,
            end=end,
            text=request.POST.get("text") or None,
            coder=request.user,
        )
    except CurationError as exc:
        if _wants_json(request):
            return JsonResponse({"error": str(exc)}, status=400)
        messages.error(request, str(exc))
        return redirect("research:coding", slug=community.slug)
    if _wants_json(request):
        return JsonResponse(
            {
                "id": excerpt.pk,
                "code": code.name,
                "start": excerpt.start,
                "end": excerpt.end,
                "text": excerpt.text,
            },
            status=201,
        )
    messages.success(request, f"Coded as “{code.name}”.")
    return redirect("research:coding", slug=community.slug)


@login_required
@require_POST
def excerpt_delete_view(request: HttpRequest, slug: str, excerpt_id: int) -> HttpResponse:
    community, membership = get_community_for_member(request.user, slug, roles=MODERATORS)
    excerpt = CodedExcerpt.objects.filter(post__community=community, pk=excerpt_id).first()
    if excerpt is None:
        raise Http404("No such excerpt.")
    excerpt_delete(excerpt=excerpt)
    messages.success(request, "Excerpt uncoded.")
    return redirect("research:coding", slug=community.slug)


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@login_required
@require_http_methods(["GET", "POST"])
def codebook_view(request: HttpRequest, slug: str) -> HttpResponse:
    community, membership = get_community_for_member(request.user, slug, roles=MODERATORS)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            code_add(
                community=community,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                examples=form.example_list(),
                created_by=request.user,
            )
        except CurationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, "Code added to the codebook.")
            return redirect("research:codebook", slug=community.slug)
    # A refused code comes back with what was typed and the errors beside the fields.
    return _codebook_page(
        request,
        community,
        membership,
        form=form,
        import_form=CodebookImportForm(),
        status=400 if form.is_bound else 200,
    )


def _codebook_page(
    request, community, membership, *, form, import_form, edit=None, status=200
) -> HttpResponse:
    from research.selectors import codes_with_excerpt_counts

    codes = codes_with_excerpt_counts(community=community)  # published posts only, as in the .qdpx
    return render(
        request,
        "research/codebook.html",
        {
            "community": community,
            "membership": membership,
            "nav_section": "coding",
            "codes": codes,
            "form": form,
            "import_form": import_form,
            "edit": edit,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def code_edit_view(request: HttpRequest, slug: str, code_id: int) -> HttpResponse:
    community, membership = get_community_for_member(request.user, slug, roles=MODERATORS)
    code = Code.objects.filter(community=community, pk=code_id).first()
    if code is None:
        raise Http404("No such code.")
    initial = {"name": code.name, "description": code.description, "examples": "\n".join(code.examples or [])}
    form = CodeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            code_update(
                code=code,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                examples=form.example_list(),
            )
        except CurationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, "Code saved.")
            return redirect("research:codebook", slug=community.slug)
    return _codebook_page(
        request,
        community,
        membership,
        form=form,
        import_form=CodebookImportForm(),
        edit=code,
        status=400 if form.is_bound else 200,
    )


@login_required
@require_POST
def code_delete_view(request: HttpRequest, slug: str, code_id: int) -> HttpResponse:
    community, membership = get_community_for_member(request.user, slug, roles=MODERATORS)
    code = Code.objects.filter(community=community, pk=code_id).first()
    if code is None:
        raise Http404("No such code.")
    code_delete(code=code)
    messages.success(request, f"Code “{code.name}” deleted with its excerpts.")
    return redirect("research:codebook", slug=community.slug)


@login_required
@require_POST
def codebook_import_view(request: HttpRequest, slug: str) -> HttpResponse:
    community, membership = get_community_for_member(request.user, slug, roles=MODERATORS)
    import_form = CodebookImportForm(request.POST, request.FILES)
    if import_form.is_valid():
        try:
            result = codebook_import_csv(
                community=community, data=import_form.cleaned_data["file"].read(), created_by=request.user
            )
        except CurationError as exc:
            for line in str(exc).splitlines():
                import_form.add_error("file", line)
        else:
            messages.success(request, f"Codebook imported: {result.created} new, {result.updated} updated.")
            return redirect("research:codebook", slug=community.slug)
    return _codebook_page(
        request, community, membership, form=CodeForm(), import_form=import_form, status=400
    )


@login_required
@require_GET
def codebook_export_view(request: HttpRequest, slug: str) -> HttpResponse:
    community, membership = get_community_for_member(request.user, slug, roles=MODERATORS)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CODEBOOK_COLUMNS)
    for code in Code.objects.filter(community=community).order_by("name", "pk"):
        writer.writerow([code.name, code.description, EXAMPLE_SEPARATOR.join(code.examples or [])])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{community.slug}-codebook-{timezone.now():%Y%m%d}.csv"'
    )
    response["Cache-Control"] = "private, no-store"
    return response
