from django.core.management.base import BaseCommand

from resources import services


class Command(BaseCommand):
    help = (
        "Set up the resource library (safe to run again): the index page at /resources/, the "
        "delivery lead's moderation group and workflow, and editors' upload rights."
    )

    def handle(self, *args, **options):
        index = services.library_setup()
        self.stdout.write(self.style.SUCCESS(f"The resource library is at {index.url}."))
