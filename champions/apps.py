from django.apps import AppConfig


class ChampionsConfig(AppConfig):
    name = "champions"
    verbose_name = "Systemic champions"

    def ready(self):
        from training.signals import attendance_changed

        attendance_changed.connect(_grant_award_on_completion, dispatch_uid="champions_award")


def _grant_award_on_completion(sender, attendance, **kwargs):
    """The foundation award follows the tenth day of the champions' course."""
    if attendance.day.cohort.course.code != "champions":
        return
    from champions.services import award_grant

    award_grant(user=attendance.user)
