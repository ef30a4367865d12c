"""URLs of probes, scorecards, notifications, completion and own-data pages (included by community.urls)."""

from django.urls import path

from community.views import engagement, notifications, privacy, probes, scorecards

urlpatterns = [
    # --- Probes ---
    path("c/<slug:slug>/d/<int:discussion_id>/probes/", probes.probe_list_view, name="probe_list"),
    path("c/<slug:slug>/d/<int:discussion_id>/probes/new/", probes.probe_create_view, name="probe_create"),
    path("c/<slug:slug>/probes/<int:probe_id>/", probes.probe_detail_view, name="probe_detail"),
    # --- Scorecards ---
    path(
        "c/<slug:slug>/d/<int:discussion_id>/scorecard/",
        scorecards.scorecard_answer_view,
        name="scorecard_answer",
    ),
    path(
        "c/<slug:slug>/d/<int:discussion_id>/scorecard/setup/",
        scorecards.scorecard_setup_view,
        name="scorecard_setup",
    ),
    path(
        "c/<slug:slug>/d/<int:discussion_id>/scorecard/results/",
        scorecards.scorecard_results_view,
        name="scorecard_results",
    ),
    # --- Engagement ---
    path("c/<slug:slug>/completion/", engagement.completion_view, name="completion"),
    path(
        "c/<slug:slug>/completion/<int:discussion_id>/",
        engagement.completion_detail_view,
        name="completion_detail",
    ),
    path("c/<slug:slug>/due/", engagement.participant_due_view, name="participant_due"),
    # --- Notifications (across all of a user's communities) ---
    path("notifications/", notifications.notification_list_view, name="notification_list"),
    path(
        "notifications/<int:notification_id>/open/",
        notifications.notification_open_view,
        name="notification_open",
    ),
    path("notifications/badge/", notifications.notification_badge_view, name="notification_badge"),
    path("notifications/read-all/", notifications.notifications_read_all_view, name="notifications_read_all"),
    # --- Own data ---
    path("me/data/", privacy.my_data_view, name="my_data"),
    path("me/data/export.json", privacy.my_data_export_view, name="my_data_export"),
    path("me/data/export.zip", privacy.my_data_export_archive_view, name="my_data_export_archive"),
    path("me/data/erase/", privacy.my_data_erase_view, name="my_data_erase"),
]
