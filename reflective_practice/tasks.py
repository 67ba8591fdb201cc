"""Background tasks of reflective practice."""

from __future__ import annotations

from django_tasks import task

from reflective_practice import services


@task()
def send_reminders() -> int:
    """Send the reminders now due; safe to run as often as wanted (each is sent once)."""
    return services.reminders_send()
