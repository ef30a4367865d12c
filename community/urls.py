"""Community URLs: one flat list. Other areas append their own lines at the end.

URL names are global (no app namespace) so templates can `{% url 'member_list' community.slug %}`.
"""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from community.forms.accounts import SignInForm
from community.views import accounts, discussions, home, live, members, moderation

urlpatterns = [
    # --- Home and communities (foundation) ---
    path("", home.home, name="home"),
    path("communities/new/", home.community_create_view, name="community_create"),
    path("c/<slug:slug>/", home.community_home, name="community_home"),
    # --- Accounts (foundation) ---
    path(
        "login/",
        accounts.SignInView.as_view(redirect_authenticated_user=True, authentication_form=SignInForm),
        name="login",
    ),
    path("logout/", accounts.SignOutView.as_view(), name="logout"),
    path("password/reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path("password/reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("password/change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password/change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("c/<slug:slug>/join/<str:signed>/", accounts.invitation_accept_view, name="invitation_accept"),
    path("c/<slug:slug>/consent/", accounts.consent_view, name="consent"),
    # --- Members and invitations (foundation; moderators only) ---
    path("c/<slug:slug>/members/", members.member_list_view, name="member_list"),
    path("c/<slug:slug>/members/invite/", members.member_invite_view, name="member_invite"),
    path("c/<slug:slug>/members/invite/csv/", members.member_invite_csv_view, name="member_invite_csv"),
    path("c/<slug:slug>/members/<int:member_id>/", members.member_edit_view, name="member_edit"),
    path(
        "c/<slug:slug>/members/<int:member_id>/deactivate/",
        members.member_deactivate_view,
        name="member_deactivate",
    ),
    path(
        "c/<slug:slug>/members/<int:member_id>/reactivate/",
        members.member_reactivate_view,
        name="member_reactivate",
    ),
    path(
        "c/<slug:slug>/invitations/<int:invitation_id>/revoke/",
        members.invitation_revoke_view,
        name="invitation_revoke",
    ),
    path(
        "c/<slug:slug>/invitations/<int:invitation_id>/resend/",
        members.invitation_resend_view,
        name="invitation_resend",
    ),
    # --- Other areas: append your paths below (discussions, moderation, live, probes, ...) ---
    # --- Discussion guide, posts and moderation (discussions) ---
    path("c/<slug:slug>/guide/", discussions.discussion_list_view, name="discussion_list"),
    path("c/<slug:slug>/guide/new/", discussions.discussion_create_view, name="discussion_create"),
    path(
        "c/<slug:slug>/d/<int:discussion_id>/", discussions.discussion_detail_view, name="discussion_detail"
    ),
    path(
        "c/<slug:slug>/d/<int:discussion_id>/edit/", discussions.discussion_edit_view, name="discussion_edit"
    ),
    path(
        "c/<slug:slug>/d/<int:discussion_id>/move/", discussions.discussion_move_view, name="discussion_move"
    ),
    path("c/<slug:slug>/d/<int:discussion_id>/post/", discussions.post_create_view, name="post_create"),
    path("c/<slug:slug>/posts/<int:post_id>/edit/", discussions.post_edit_view, name="post_edit"),
    path("c/<slug:slug>/posts/<int:post_id>/delete/", discussions.post_delete_view, name="post_delete"),
    path("c/<slug:slug>/posts/<int:post_id>/history/", discussions.post_history_view, name="post_history"),
    path("c/<slug:slug>/posts/<int:post_id>/flag/", discussions.post_flag_view, name="post_flag"),
    path("c/<slug:slug>/posts/<int:post_id>/moderate/", moderation.post_moderate_view, name="post_moderate"),
    path("c/<slug:slug>/images/<int:image_id>/", discussions.post_image_view, name="post_image"),
    path("c/<slug:slug>/moderation/", moderation.moderation_queue_view, name="moderation_queue"),
    path("c/<slug:slug>/audit/", moderation.audit_log_view, name="audit_log"),
    path("c/<slug:slug>/audit.csv", moderation.audit_csv_view, name="audit_csv"),
    # --- Live sessions ---
    path("c/<slug:slug>/live/", live.live_session_list_view, name="live_session_list"),
    path("c/<slug:slug>/live/<int:discussion_id>/", live.live_session_view, name="live_session"),
    path(
        "c/<slug:slug>/live/<int:discussion_id>/transcript/",
        live.live_transcript_view,
        name="live_transcript",
    ),
    path("c/<slug:slug>/live/<int:discussion_id>/schedule/", live.live_schedule_view, name="live_schedule"),
    path("c/<slug:slug>/live/<int:discussion_id>/withhold/", live.live_withhold_view, name="live_withhold"),
    path("c/<slug:slug>/live/<int:discussion_id>/restore/", live.live_restore_view, name="live_restore"),
    path("c/<slug:slug>/live/<int:discussion_id>/archive/", live.live_archive_view, name="live_archive"),
    # --- Engagement (probes, scorecards, notifications, completion, own data) ---
    path("", include("community.urls_engagement")),
]
