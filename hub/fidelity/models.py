"""Stored red/amber/green bounds of the fidelity indicators, and the log of every
evaluation-export download."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from hub.fidelity.indicators import BY_KEY, INDICATORS


class Status(models.TextChoices):
    GREEN = "green", "On track"
    AMBER = "amber", "Needs watching"
    RED = "red", "Off track"
    NONE = "none", "Not yet recorded"


class Threshold(models.Model):
    """The green and amber bands of one indicator. A figure inside the green band is
    green, else inside the amber band is amber, else red. An empty bound is open;
    an indicator with both amber bounds empty has no amber band."""

    indicator = models.CharField(max_length=40, unique=True, choices=[(i.key, i.label) for i in INDICATORS])
    green_low = models.FloatField(null=True, blank=True)
    green_high = models.FloatField(null=True, blank=True)
    amber_low = models.FloatField(null=True, blank=True)
    amber_high = models.FloatField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(green_low__isnull=True)
                | Q(green_high__isnull=True)
                | Q(green_low__lte=models.F("green_high")),
                name="threshold_green_band_in_order",
            ),
            models.CheckConstraint(
                condition=Q(amber_low__isnull=True)
                | Q(amber_high__isnull=True)
                | Q(amber_low__lte=models.F("amber_high")),
                name="threshold_amber_band_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label}: green {self.band_text('green')}"

    @property
    def label(self) -> str:
        return BY_KEY[self.indicator].label

    @property
    def definition(self) -> str:
        return BY_KEY[self.indicator].definition

    @property
    def has_amber(self) -> bool:
        return self.amber_low is not None or self.amber_high is not None

    @staticmethod
    def _inside(value: float, low: float | None, high: float | None) -> bool:
        return (low is None or value >= low) and (high is None or value <= high)

    def status_of(self, value: float | None) -> Status:
        if value is None:
            return Status.RED
        if self._inside(value, self.green_low, self.green_high):
            return Status.GREEN
        if self.has_amber and self._inside(value, self.amber_low, self.amber_high):
            return Status.AMBER
        return Status.RED

    @property
    def green_text(self) -> str:
        return self.band_text("green")

    @property
    def amber_text(self) -> str:
        return self.band_text("amber") if self.has_amber else "none"

    def band_text(self, band: str) -> str:
        low, high = getattr(self, f"{band}_low"), getattr(self, f"{band}_high")
        unit = BY_KEY[self.indicator].unit
        return band_words(low, high, unit)


def _num(value: float, unit: str) -> str:
    text = f"{value:g}"
    if unit == "percent":
        return f"{text}%"
    if unit == "days_late":
        return f"{text} days late" if value else "by the start"
    return text


def band_words(low: float | None, high: float | None, unit: str) -> str:
    if low is None and high is None:
        return "none"
    if unit == "days_late":
        return "by the pilot's start" if not high else f"within {high:g} days of the start"
    if low is not None and high is not None:
        if low == high:
            return _num(low, unit)
        return f"{low:g}–{_num(high, unit)}"
    if low is not None:
        return f"≥ {_num(low, unit)}"
    return f"≤ {_num(high, unit)}"


class ExportLog(models.Model):
    """One download of evaluation data: who, when and what."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now, db_index=True)
    what = models.CharField(max_length=100, help_text="The table or workbook downloaded.")
    file_format = models.CharField(max_length=8)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.user} downloaded {self.what} ({self.file_format}) at {self.at:%Y-%m-%d %H:%M}"
