from django.core.management.base import BaseCommand

from hub.demo import DEMO_PASSWORD, seed


class Command(BaseCommand):
    help = "Load the fictional demo data (safe to run again: nothing is duplicated)."

    def handle(self, *args, **options):
        demo = seed()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {len(demo.treatment)} treatment and {len(demo.control)} control LAs; "
                f"pilot {demo.pilot.starts_on:%-d %b %Y} to {demo.pilot.ends_on:%-d %b %Y}."
            )
        )
        self.stdout.write(f"\nDemo sign-ins (password for all: {DEMO_PASSWORD}):")
        for email, what in demo.sign_ins:
            self.stdout.write(f"  {email:<36} {what}")
        self.stdout.write(
            "Staff roles (hub admin, delivery lead, tutors, evaluator, LA leads, content editor) set up "
            "two-factor sign-in with an authenticator app at their first sign-in.\n"
        )
