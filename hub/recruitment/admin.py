from django.contrib import admin

from hub.admin import ReadOnlyMixin
from hub.recruitment.models import (
    Assessment,
    ClarificationCall,
    CriterionMark,
    ExpressionOfInterest,
    OutcomeEmailTemplate,
    Randomisation,
    RecruitmentRound,
)
from hub.services import audit


@admin.register(RecruitmentRound)
class RecruitmentRoundAdmin(admin.ModelAdmin):
    list_display = ["name", "is_open", "target", "created_at"]

    def save_model(self, request, obj, form, change):
        """Opening or closing a round here is recorded in the audit log, as closing it
        on the hub's randomisation page is."""
        super().save_model(request, obj, form, change)
        if not change or "is_open" in form.changed_data:
            state = "opened" if obj.is_open else "closed"
            audit(
                actor=request.user,
                action="recruitment.open" if obj.is_open else "recruitment.close",
                detail=f"{obj.name} {'created and ' if not change else ''}{state} in the Django admin",
            )


@admin.register(ExpressionOfInterest)
class ExpressionOfInterestAdmin(admin.ModelAdmin):
    list_display = ["local_authority", "round", "status", "submitted_at"]
    list_filter = ["round", "status"]
    search_fields = ["local_authority", "lead_email"]
    exclude = ["resume_token_hash"]


class CriterionMarkInline(admin.TabularInline):
    """Marks are shown, not edited, here: the assessment screen recomputes the outcome."""

    model = CriterionMark
    extra = 0
    readonly_fields = ["criterion", "value", "comment"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    list_display = ["eoi", "assessor", "eligible", "updated_at"]
    # The outcome is worked out from the marks by the hub, never typed in.
    readonly_fields = ["eligible", "reasons"]
    inlines = [CriterionMarkInline]


@admin.register(ClarificationCall)
class ClarificationCallAdmin(admin.ModelAdmin):
    list_display = ["eoi", "called_on", "spoke_with", "logged_by"]


@admin.register(Randomisation)
class RandomisationAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Runs are a record: they are read here, never changed or deleted."""

    list_display = ["round", "sequence", "run_by", "run_at", "algorithm_version"]


@admin.register(OutcomeEmailTemplate)
class OutcomeEmailTemplateAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Shown here, edited on the hub's outcome emails page (/eoi/emails/), which tries
    each email with sample values before saving it and records the change."""

    list_display = ["outcome", "subject", "updated_at"]
    fieldsets = [
        (
            None,
            {
                "description": "Edit these emails on the hub's outcome emails page (/eoi/emails/), "
                "which checks they can be filled in for every LA before saving them.",
                "fields": ["outcome", "subject", "body", "updated_at"],
            },
        )
    ]
