"""Systemic champions: nominations (with the 10–20% rule applied on approval), the
history of who was a champion when, the foundation award, and champions' activities."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class NominationStatus(models.TextChoices):
    PENDING = "pending", "Waiting for a decision"
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Nomination(models.Model):
    """A keyworker nominated by their LA lead. Once approved they are a champion from
    `approved_on` until `withdrawn_on` (kept, because the evaluation needs the history)."""

    la = models.ForeignKey("hub.Organisation", on_delete=models.PROTECT, related_name="champion_nominations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="nominations")
    reason = models.CharField(max_length=500)
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    nominated_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(
        max_length=12, choices=NominationStatus.choices, default=NominationStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=500, blank=True)
    approved_on = models.DateField(null=True, blank=True)
    withdrawn_on = models.DateField(null=True, blank=True)
    withdrawn_reason = models.CharField(max_length=500, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-nominated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(status__in=["pending", "approved"]),
                name="nomination_one_open_per_person",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True) | Q(approved_on__isnull=False),
                name="nomination_withdrawn_after_approval",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.la}): {self.get_status_display()}"


class FoundationAward(models.Model):
    """The award for a champion who completed all ten days of the champions' course."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="foundation_award"
    )
    certificate = models.OneToOneField("training.Certificate", on_delete=models.PROTECT, related_name="award")
    awarded_on = models.DateField()

    def __str__(self) -> str:
        return f"Foundation award: {self.user} ({self.awarded_on})"


class ActivityKind(models.TextChoices):
    HUDDLE = "huddle", "Team huddle"
    GENOGRAM = "genogram", "Genogram or ecomap practice"
    CO_WORKING = "co_working", "Co-working a family visit"
    CASE_DISCUSSION = "case_discussion", "Case discussion using a systemic tool"
    OTHER = "other", "Other"


class Activity(models.Model):
    """Something a champion did to embed systemic practice in a team."""

    champion = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="champion_activities"
    )
    la = models.ForeignKey("hub.Organisation", on_delete=models.PROTECT, related_name="champion_activities")
    team = models.ForeignKey("hub.Team", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    date = models.DateField()
    kind = models.CharField(max_length=20, choices=ActivityKind.choices)
    colleagues = models.PositiveSmallIntegerField()
    description = models.CharField(max_length=600)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name_plural = "activities"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} by {self.champion} on {self.date}"
