from __future__ import annotations

from django.contrib import admin

from reflective_practice.models import Booking, Session, SessionSeries, Slot


@admin.register(SessionSeries)
class SessionSeriesAdmin(admin.ModelAdmin):
    list_display = ["title", "organisation", "practitioner", "rule_text"]
    list_filter = ["organisation"]
    list_select_related = ["organisation", "practitioner"]


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["series", "starts_at", "status", "attendance_marked_at"]
    list_filter = ["status", "series__organisation"]
    list_select_related = ["series"]
    readonly_fields = ["theme"]


@admin.register(Slot)
class SlotAdmin(admin.ModelAdmin):
    list_display = ["starts_at", "ends_at", "practitioner", "organisation", "mode", "withdrawn_at"]
    list_filter = ["organisation", "mode"]
    list_select_related = ["practitioner", "organisation"]


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    # The practitioner's private note is for them alone: never shown here.
    list_display = ["slot", "keyworker", "status"]
    list_filter = ["status"]
    list_select_related = ["slot", "keyworker"]
    exclude = ["private_note"]
