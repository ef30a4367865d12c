"""Site admins create communities and grant roles here; writes still go through the services
so pseudonyms are generated and every grant is audited."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from community.models import AuditEntry, Community, Invitation, Membership
from community.services.memberships import (
    MembershipError,
    membership_create,
    membership_deactivate,
    membership_reactivate,
    membership_set_role,
    membership_update_segments,
)


@admin.register(Community)
class CommunityAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "brand_name", "consent_version", "moderation_mode", "created_at"]
    search_fields = ["name", "slug", "brand_name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "community", "role", "pseudonym", "is_active", "consent_version"]
    list_filter = ["role", "is_active", "community"]
    search_fields = ["user__username", "user__email", "pseudonym"]
    list_select_related = ["user", "community"]
    raw_id_fields = ["user"]
    readonly_fields = ["pseudonym", "consent_version", "consented_at", "joined_at"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["user", "community", "role", "segments"]
        return ["user", "community", "role", "segments", "is_active", *self.readonly_fields]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["user", "community", *self.readonly_fields]

    def save_model(self, request, obj, form, change):
        if not change:
            created = membership_create(
                user=obj.user,
                community=obj.community,
                role=obj.role,
                segments=obj.segments or [],
                actor=request.user,
            )
            obj.pk = created.pk
            obj.pseudonym = created.pseudonym
            return
        # Each change goes through its service so it is audited like the same change made in the app.
        original = Membership.objects.select_related("community").get(pk=obj.pk)
        try:
            if "role" in form.changed_data:
                membership_set_role(membership=original, role=obj.role, actor=request.user)
            if "segments" in form.changed_data:
                membership_update_segments(
                    membership=original, segments=obj.segments or [], actor=request.user
                )
            if "is_active" in form.changed_data:
                if obj.is_active:
                    membership_reactivate(membership=original, actor=request.user)
                else:
                    membership_deactivate(
                        membership=original, actor=request.user, reason="Changed in the admin"
                    )
        except (MembershipError, ValidationError) as exc:
            self.message_user(request, str(exc), level=messages.ERROR)


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "community", "role", "created_at", "accepted_at", "revoked_at"]
    list_filter = ["role", "community"]
    search_fields = ["email"]
    list_select_related = ["community"]
    readonly_fields = ["token", "created_at", "accepted_at", "accepted_by", "revoked_at", "invited_by"]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the audit log is append-only."""

    list_display = ["created_at", "community", "actor", "action", "target_type", "target_id"]
    list_filter = ["action", "community"]
    list_select_related = ["community", "actor"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
