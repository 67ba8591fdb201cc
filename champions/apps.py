from django.apps import AppConfig


class ChampionsConfig(AppConfig):
    name = "champions"
    verbose_name = "Systemic champions"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from champions.models import Nomination
        from champions.selectors import CHAMPIONS_VERSION, nominations_changed
        from hub.cache import renew_on_migrate
        from training.signals import attendance_changed

        attendance_changed.connect(_grant_award_on_completion, dispatch_uid="champions_award")
        for signal in (post_save, post_delete):
            signal.connect(nominations_changed, sender=Nomination, dispatch_uid=f"champions_cache_{signal}")
        renew_on_migrate(self, CHAMPIONS_VERSION, "the cached champions")


def _grant_award_on_completion(sender, attendance, **kwargs):
    """The foundation award follows the tenth day of the champions' course."""
    if attendance.day.cohort.course.code != "champions":
        return
    from champions.services import award_grant

    award_grant(user=attendance.user)
