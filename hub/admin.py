from django import forms
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
from hub.services import audit

#: Roles go through hub/services.py, which keeps admin rights in step and audits each change.
ROLES_ELSEWHERE = (
    "Roles are given, changed and ended on the hub's People pages (/manage/people/), "
    "which keep admin rights in step and record each change in the audit log."
)


class ReadOnlyMixin:
    """Shown, never added, changed or deleted here: the hub's own pages make these
    changes through its services."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _changes(form) -> str:
    """What a saved admin form changed: "name A → B; ends on X → Y"."""
    parts = []
    for name in form.changed_data:
        field = form.instance._meta.get_field(name)
        before, after = form.initial.get(name), form.cleaned_data.get(name)
        parts.append(
            f"{field.verbose_name} {'' if before is None else before} → {'' if after is None else after}"
        )
    return "; ".join(parts)


def _audit_form(request, form, change: bool) -> None:
    obj = form.instance
    kind = obj._meta.model_name
    if not change:
        audit(actor=request.user, action=f"{kind}.create", detail=f"{obj} added in the Django admin")
    elif form.changed_data:
        audit(
            actor=request.user, action=f"{kind}.update", detail=f"{obj} in the Django admin: {_changes(form)}"
        )


def _audit_deleted(request, obj) -> None:
    audit(
        actor=request.user,
        action=f"{obj._meta.model_name}.delete",
        detail=f"{obj} deleted in the Django admin",
    )


class AuditedMixin:
    """Adding, changing or deleting here is recorded in the audit log, as the hub's own
    pages record it, with who did it and what changed (inline rows too)."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        _audit_form(request, form, change)

    def delete_model(self, request, obj):
        _audit_deleted(request, obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            _audit_deleted(request, obj)
        super().delete_queryset(request, queryset)

    def save_formset(self, request, form, formset, change):
        deleted = list(formset.deleted_forms) if formset.can_delete else []
        for inline in deleted:
            if inline.instance.pk:
                _audit_deleted(request, inline.instance)
        super().save_formset(request, form, formset, change)
        for inline in formset.forms:
            if inline in deleted or not inline.has_changed() or inline.instance.pk is None:
                continue
            _audit_form(request, inline, change=bool(inline.initial))


class MembershipInline(ReadOnlyMixin, admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["organisation", "role", "team", "started_at", "ended_at"]
    verbose_name_plural = "Roles (change them on the hub's People pages, not here)"


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_active", "last_active_at"]
    search_fields = ["email", "full_name"]
    fieldsets = [
        (None, {"fields": ["email", "full_name", "password"]}),
        (
            "Status",
            {
                "fields": ["is_active", "is_staff", "is_superuser", "groups"],
                "description": "Staff, superuser and the content editors' group follow the person's "
                "roles (hub admin, content editor): change roles on the hub's People pages.",
            },
        ),
        ("Dates", {"fields": ["date_joined", "last_login", "last_active_at"]}),
    ]
    readonly_fields = ["is_staff", "is_superuser", "groups", "date_joined", "last_login", "last_active_at"]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "full_name", "password1", "password2"]})
    ]
    inlines = [MembershipInline]


def _team_in_use(team: Team) -> bool:
    return team.pk is not None and team.memberships.filter(ended_at__isnull=True).exists()


def _in_use_message(team: Team) -> str:
    return (
        f"{team} still has people in it. Move them to another team on the hub's People "
        "pages before deleting it."
    )


class TeamInlineFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        for form in self.deleted_forms:
            if form.instance.pk and _team_in_use(form.instance):
                raise forms.ValidationError(_in_use_message(form.instance))


class TeamInline(admin.TabularInline):
    model = Team
    formset = TeamInlineFormSet
    extra = 1


@admin.register(Organisation)
class OrganisationAdmin(AuditedMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "arm"]
    list_filter = ["kind", "arm"]
    search_fields = ["name"]
    inlines = [TeamInline]

    def get_readonly_fields(self, request, obj=None):
        # The trial arm is set by the randomisation or on the hub's organisation page,
        # both audited; the kind is fixed once the organisation exists.
        return ["arm", "kind"] if obj is not None else ["arm"]


@admin.register(LocalAuthority)
class LocalAuthorityAdmin(OrganisationAdmin):
    exclude = ["kind"]


@admin.register(Team)
class TeamAdmin(AuditedMixin, admin.ModelAdmin):
    list_display = ["name", "organisation"]
    search_fields = ["name", "organisation__name"]

    def get_readonly_fields(self, request, obj=None):
        # A team's people belong to its LA: moving the team would put them in another LA's team.
        return ["organisation"] if obj is not None else []

    def has_delete_permission(self, request, obj=None):
        if obj is not None and _team_in_use(obj):
            return False
        return super().has_delete_permission(request, obj)

    def get_deleted_objects(self, objs, request):
        # "Delete selected" asks about the whole selection: a team with people is shown
        # as protected, and nothing is deleted.
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        in_use = [_in_use_message(t) for t in objs if _team_in_use(t)]
        if in_use and super().has_delete_permission(request):
            # Not a missing permission: the page should say why, which `protected` does.
            perms_needed = set(perms_needed) - {Team._meta.verbose_name}
        return deleted, counts, perms_needed, list(protected) + in_use


@admin.register(Membership)
class MembershipAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "team", "ended_at"]
    list_filter = ["role", "organisation"]
    search_fields = ["user__email", "user__full_name"]
    fieldsets = [
        (None, {"description": ROLES_ELSEWHERE, "fields": ["user", "organisation", "role", "team"]}),
        ("Dates", {"fields": ["started_at", "ended_at"]}),
    ]


@admin.register(Pilot)
class PilotAdmin(AuditedMixin, admin.ModelAdmin):
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
