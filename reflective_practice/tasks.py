"""Background tasks of reflective practice."""

from __future__ import annotations

from django_tasks import task

from reflective_practice import services


@task()
def send_reminders() -> int:
    """Send the reminders now due and tell the waiting list of times newly open to
    booking; safe to run as often as wanted (each is sent once). Returns how many
    people were told something."""
    return services.reminders_send() + services.waitlist_tell_newly_open()
