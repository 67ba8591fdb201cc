"""Send the daily forum digest. Run once a day (for example from cron at 07:00)."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction

from hub.forum.services import digest_send


class Command(BaseCommand):
    help = "Email each person who chose the daily digest the new posts in what they follow."

    def handle(self, *args, **options):
        with transaction.atomic():
            sent = digest_send()
        self.stdout.write(f"Sent {sent} forum digest email{'s' if sent != 1 else ''}.")
