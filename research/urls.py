"""Research URLs: one flat list. Each area appends its own lines under its own heading."""

from django.urls import path

from research.views import analysis, coding, dashboard, exports, themes

app_name = "research"
urlpatterns: list = [
    # --- Exports (moderators and clients) ---
    path("c/<slug:slug>/exports/", exports.exports_index_view, name="exports"),
    path("c/<slug:slug>/exports/posts.csv", exports.export_posts_csv_view, name="export_posts_csv"),
    path("c/<slug:slug>/exports/posts.xlsx", exports.export_posts_xlsx_view, name="export_posts_xlsx"),
    path("c/<slug:slug>/exports/themes.xlsx", exports.export_themes_xlsx_view, name="export_themes_xlsx"),
    path("c/<slug:slug>/exports/codebook.qdpx", exports.export_qdpx_view, name="export_qdpx"),
    path(
        "c/<slug:slug>/exports/discussions/<int:discussion_id>/transcript.txt",
        exports.export_transcript_view,
        name="export_transcript",
    ),
    # --- Insights: dashboard, perception gap, themes and curation (moderators and clients) ---
    path("c/<slug:slug>/insights/", dashboard.dashboard_view, name="dashboard"),
    path("c/<slug:slug>/insights/gap/", dashboard.gap_view, name="gap"),
    path("c/<slug:slug>/themes/", themes.themes_view, name="themes"),
    path("c/<slug:slug>/themes/<int:theme_id>/", themes.theme_detail_view, name="theme_detail"),
    path("c/<slug:slug>/themes/<int:theme_id>/curate/", themes.theme_action_view, name="theme_action"),
    # --- Coding and the codebook (moderators only) ---
    path("c/<slug:slug>/coding/", coding.coding_view, name="coding"),
    path("c/<slug:slug>/coding/excerpts/", coding.excerpt_create_view, name="excerpt_create"),
    path(
        "c/<slug:slug>/coding/excerpts/<int:excerpt_id>/delete/",
        coding.excerpt_delete_view,
        name="excerpt_delete",
    ),
    path("c/<slug:slug>/codebook/", coding.codebook_view, name="codebook"),
    path("c/<slug:slug>/codebook/<int:code_id>/", coding.code_edit_view, name="code_edit"),
    path("c/<slug:slug>/codebook/<int:code_id>/delete/", coding.code_delete_view, name="code_delete"),
    path("c/<slug:slug>/codebook/import/", coding.codebook_import_view, name="codebook_import"),
    path("c/<slug:slug>/codebook/export.csv", coding.codebook_export_view, name="codebook_export"),
    # --- Analysis runs, progress and refresh on demand (moderators only) ---
    path("c/<slug:slug>/analysis/", analysis.analysis_view, name="analysis"),
    path("c/<slug:slug>/analysis/refresh/", analysis.analysis_refresh_view, name="analysis_refresh"),
    path("c/<slug:slug>/analysis/progress/", analysis.analysis_progress_view, name="analysis_progress"),
]
