from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from hub.fidelity import selectors, services
from hub.models import Pilot


class Command(BaseCommand):
    help = "Email the delivery lead(s) the indicators that turned red in a month (default: the current one)."

    def add_arguments(self, parser):
        parser.add_argument("--month", help="The pilot month, as YYYY-MM.")

    def handle(self, *args, month=None, **options):
        pilot = Pilot.current()
        chosen = selectors.parse_month(month, pilot) if month else selectors.default_month(pilot)
        if chosen is None:
            raise CommandError(f"{month} is not a month of the pilot; give it as YYYY-MM.")
        sent = services.attention_email_send(month=chosen, pilot=pilot)
        self.stdout.write(f"Sent the needs-attention email for {chosen:%B %Y} to {sent} people.")
