from django.contrib import admin

from champions.models import Activity, FoundationAward, Nomination


@admin.register(Nomination)
class NominationAdmin(admin.ModelAdmin):
    """Read-only: nominations change through the services, which apply the 10–20% rule."""

    list_display = ["user", "la", "status", "approved_on", "withdrawn_on"]
    list_filter = ["status", "la"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(FoundationAward)
class FoundationAwardAdmin(admin.ModelAdmin):
    list_display = ["user", "awarded_on", "certificate"]


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ["date", "champion", "la", "kind", "colleagues"]
    list_filter = ["kind", "la"]
