"""Writes of the fidelity app: the delivery lead's thresholds and the export log."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from hub.fidelity.models import ExportLog, Threshold
from hub.models import User
from hub.services import audit


def threshold_update(
    *,
    actor: User,
    threshold: Threshold,
    green_low: float | None,
    green_high: float | None,
    amber_low: float | None,
    amber_high: float | None,
) -> Threshold:
    """Store new bands for an indicator; the bands must be in order and green must
    have at least one limit. The change is audited."""
    errors = {}
    if green_low is None and green_high is None:
        errors["green_low"] = "Give the green band at least one limit."
    if green_low is not None and green_high is not None and green_low > green_high:
        errors["green_high"] = "The green band must end at or above where it starts."
    if amber_low is not None and amber_high is not None and amber_low > amber_high:
        errors["amber_high"] = "The amber band must end at or above where it starts."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        threshold.green_low, threshold.green_high = green_low, green_high
        threshold.amber_low, threshold.amber_high = amber_low, amber_high
        threshold.updated_by = actor
        threshold.save()
        audit(
            actor=actor,
            action="fidelity.threshold",
            detail=f"{threshold.label}: green {threshold.band_text('green')}, "
            f"amber {threshold.band_text('amber')}",
        )
    return threshold


def export_log_record(*, user: User, what: str, file_format: str) -> ExportLog:
    """Record one download of evaluation data (who, when, what)."""
    return ExportLog.objects.create(user=user, what=what[:100], file_format=file_format[:8])
