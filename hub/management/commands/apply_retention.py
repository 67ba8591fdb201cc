from django.core.management.base import BaseCommand

from hub.privacy import retention_apply, retention_cutoff


class Command(BaseCommand):
    help = "Anonymise personal data kept longer than the retention period after the pilot's end."

    def handle(self, *args, **options):
        count = retention_apply()
        self.stdout.write(
            f"Retention cut-off: {retention_cutoff():%-d %B %Y}. People anonymised now: {count}."
        )
