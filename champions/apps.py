import logging

from django.apps import AppConfig


class ChampionsConfig(AppConfig):
    name = "champions"
    verbose_name = "Systemic champions"

    def ready(self):
        from django.db.models.signals import post_delete, post_migrate, post_save

        from champions.models import Nomination
        from champions.selectors import nominations_changed
        from training.signals import attendance_changed

        attendance_changed.connect(_grant_award_on_completion, dispatch_uid="champions_award")
        for signal in (post_save, post_delete):
            signal.connect(nominations_changed, sender=Nomination, dispatch_uid=f"champions_cache_{signal}")
        post_migrate.connect(_after_migrate, sender=self, dispatch_uid="champions_cache_migrate")


def _grant_award_on_completion(sender, attendance, **kwargs):
    """The foundation award follows the tenth day of the champions' course."""
    if attendance.day.cohort.course.code != "champions":
        return
    from champions.services import award_grant

    award_grant(user=attendance.user)


def _after_migrate(sender, **kwargs):
    """After `migrate` (every deploy runs it) no set kept under an older schema is used.
    A cache that cannot be reached then holds nothing anyone can read: migrate goes on."""
    from champions.selectors import nominations_changed

    try:
        nominations_changed()
    except Exception as exc:  # a cache that cannot be reached holds nothing to renew
        logging.getLogger("hub").warning("After migrate, the cached champions could not be renewed: %s", exc)
