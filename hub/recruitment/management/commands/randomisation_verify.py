from django.core.management.base import BaseCommand, CommandError

from hub.recruitment import selectors
from hub.recruitment.models import Randomisation


class Command(BaseCommand):
    help = "Reproduce a recorded randomisation from its seed and eligible list, and compare."

    def add_arguments(self, parser):
        parser.add_argument("run_id", type=int, help="The randomisation run's id (shown on its page).")

    def handle(self, *args, run_id: int, **options):
        run = Randomisation.objects.filter(pk=run_id).first()
        if run is None:
            raise CommandError(f"There is no randomisation run {run_id}.")
        check = selectors.randomisation_check(run)
        self.stdout.write(f"{run} — algorithm {run.algorithm_version}, seed {run.seed}")
        self.stdout.write(f"Eligible ({len(run.eligible)}): {', '.join(run.eligible)}")
        self.stdout.write(f"Reproduced treatment: {', '.join(check.reproduced.treatment)}")
        self.stdout.write(f"Reproduced control:   {', '.join(check.reproduced.control)}")
        if not check.matches:
            raise CommandError("The recorded result does NOT match the reproduction.")
        self.stdout.write(self.style.SUCCESS("The recorded result matches the reproduction."))
