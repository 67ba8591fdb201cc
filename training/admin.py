from django.contrib import admin

from training.models import Attendance, AttendanceChange, Certificate, Cohort, Course, Enrolment, TrainingDay


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "days", "cpd_hours_per_day", "left_early_counts"]


class TrainingDayInline(admin.TabularInline):
    model = TrainingDay
    extra = 0


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = ["name", "course", "created_at"]
    list_filter = ["course"]
    filter_horizontal = ["local_authorities", "tutors"]
    inlines = [TrainingDayInline]


@admin.register(Enrolment)
class EnrolmentAdmin(admin.ModelAdmin):
    list_display = ["user", "cohort", "enrolled_at", "removed_at"]
    list_select_related = ["user", "cohort"]
    raw_id_fields = ["user", "cohort", "enrolled_by", "removed_by"]


@admin.register(Attendance)
class AttendanceAdmin(admin.ModelAdmin):
    """Read-only: marks change through the register, which keeps their history."""

    list_display = ["user", "day", "status", "marked_at"]
    list_select_related = ["user", "day__cohort"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(AttendanceChange)
class AttendanceChangeAdmin(admin.ModelAdmin):
    list_display = ["attendance", "previous_status", "new_status", "changed_by", "changed_at"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ["number", "full_name", "course", "completed_on"]
    search_fields = ["number", "full_name"]
