from django.contrib import admin

from research.models import AnalysisRun, Code, CodedExcerpt, PostAnalysis, Theme


@admin.register(PostAnalysis)
class PostAnalysisAdmin(admin.ModelAdmin):
    list_display = (
        "post",
        "community",
        "analyzer_version",
        "analysable",
        "sentiment",
        "relevance",
        "analysed_at",
    )
    list_filter = ("analysable", "sentiment", "relevance", "analyzer_version")
    raw_id_fields = ("post", "community")
    list_select_related = ("post", "community")


@admin.register(AnalysisRun)
class AnalysisRunAdmin(admin.ModelAdmin):
    list_display = ("community", "kind", "state", "done", "total", "started_at", "finished_at")
    list_filter = ("kind", "state")
    list_select_related = ("community",)


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = (
        "label",
        "researcher_label",
        "community",
        "scope_key",
        "post_count",
        "participant_count",
        "is_hidden",
    )
    list_filter = ("is_hidden", "scope")
    search_fields = ("label", "researcher_label")
    raw_id_fields = ("community", "discussion", "merged_into", "split_from", "code")
    list_select_related = ("community",)
    # No inline of the theme's posts: a theme can hold thousands; researchers read and curate
    # them on the theme page, a page at a time.


@admin.register(Code)
class CodeAdmin(admin.ModelAdmin):
    list_display = ("name", "community", "created_at")
    search_fields = ("name", "description")
    list_select_related = ("community",)


@admin.register(CodedExcerpt)
class CodedExcerptAdmin(admin.ModelAdmin):
    list_display = ("code", "post", "start", "end", "coder")
    raw_id_fields = ("post", "code", "coder")
    list_select_related = ("code", "post", "coder")
