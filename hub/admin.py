from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from hub.models import (
    AccessRefusal,
    AuditEvent,
    ErasureRequest,
    Invitation,
    LocalAuthority,
    Membership,
    Organisation,
    Pilot,
    Team,
    User,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["team"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_active", "last_active_at"]
    search_fields = ["email", "full_name"]
    fieldsets = [
        (None, {"fields": ["email", "full_name", "password"]}),
        ("Status", {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        ("Dates", {"fields": ["date_joined", "last_login", "last_active_at"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "full_name", "password1", "password2"]})
    ]
    inlines = [MembershipInline]


class TeamInline(admin.TabularInline):
    model = Team
    extra = 1


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "arm"]
    list_filter = ["kind", "arm"]
    search_fields = ["name"]
    inlines = [TeamInline]


@admin.register(LocalAuthority)
class LocalAuthorityAdmin(OrganisationAdmin):
    exclude = ["kind"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation"]
    search_fields = ["name", "organisation__name"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "team", "ended_at"]
    list_filter = ["role", "organisation"]
    search_fields = ["user__email", "user__full_name"]
    autocomplete_fields = ["team"]
    raw_id_fields = ["user"]


@admin.register(Pilot)
class PilotAdmin(admin.ModelAdmin):
    list_display = ["name", "starts_on", "ends_on", "is_current"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organisation", "role", "created_at", "expires_at", "accepted_at"]
    exclude = ["token_hash"]
    readonly_fields = ["accepted_at", "accepted_by"]

    def has_add_permission(self, request):
        # Invitations are sent from the People pages, which email the single-use link.
        return False


@admin.register(AccessRefusal)
class AccessRefusalAdmin(admin.ModelAdmin):
    list_display = ["at", "user", "organisation", "what", "path"]
    list_filter = ["organisation"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "actor", "action", "detail"]
    list_filter = ["action"]


@admin.register(ErasureRequest)
class ErasureRequestAdmin(admin.ModelAdmin):
    list_display = ["email", "requested_at", "resolved_at", "resolution"]
    readonly_fields = ["user", "email", "reason", "requested_at"]
