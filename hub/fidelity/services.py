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


def attention_email_send(*, month, pilot) -> int:
    """Email each delivery lead the indicators that turned red in `month`, with links to
    the drill-downs. Returns how many people were sent it."""
    from django.conf import settings
    from django.core.mail import send_mail
    from django.urls import reverse

    from hub.fidelity import selectors
    from hub.models import Role

    data = selectors.fidelity_dashboard(month=month, pilot=pilot, las=selectors.treatment_las())
    if data.attention:
        lines = [
            f"- {item.la.name}: {item.cell.indicator.label} is off track ({item.cell.figure.text}; "
            f"target {item.cell.target}). {settings.SITE_URL}{reverse('fidelity_la', args=[item.la.pk])}"
            f"?month={month:%Y-%m}"
            for item in data.attention
        ]
        body = f"These indicators turned off track in {month:%B %Y}:\n\n" + "\n".join(lines)
    else:
        body = f"Nothing turned off track in {month:%B %Y}."
    leads = User.objects.filter(
        memberships__role=Role.DELIVERY_LEAD, memberships__ended_at__isnull=True, is_active=True
    ).distinct()
    emails = [lead.email for lead in leads]
    for email in emails:
        send_mail(f"Fidelity: needs attention, {month:%B %Y}", body, None, [email])
    return len(emails)
