"""Send the reminder emails due for sessions and consultations in the next 24 hours,
and tell people on the waiting list of consultation times that have come into their
booking window.

Run it every few minutes (cron or a systemd timer); each reminder is recorded, so a
run never repeats one. With --queue it hands the work to the task queue instead."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from reflective_practice import services
from reflective_practice.tasks import send_reminders


class Command(BaseCommand):
    help = "Send the reminders due for group sessions and consultations in the next 24 hours."

    def add_arguments(self, parser):
        parser.add_argument("--queue", action="store_true", help="Queue the work as a background task.")

    def handle(self, *args, queue: bool = False, **options):
        if queue:
            send_reminders.enqueue()
            self.stdout.write("Reminders queued.")
            return
        sent = services.reminders_send()
        self.stdout.write(f"{sent} reminder{'' if sent == 1 else 's'} sent.")
        told = services.waitlist_tell_newly_open()
        if told:
            self.stdout.write(f"{told} on the waiting list told of times now open to booking.")
