from django.apps import AppConfig


class ForumConfig(AppConfig):
    name = "hub.forum"
    label = "forum"
    verbose_name = "Forum"

    def ready(self):
        from django.db.models.signals import post_delete, post_save, pre_save

        from hub.models import Membership, Organisation, User

        # Whatever decides who reads a board, however it is changed (service, admin,
        # shell), makes that person's open sockets check their access again on commit.
        for signal, name in ((post_save, "saved"), (post_delete, "deleted")):
            # A person removed from an LA, or given another role.
            signal.connect(_person_changed, sender=Membership, dispatch_uid=f"forum_membership_{name}")
            # A champion approved, withdrawn or removed (the champions board). By label:
            # the forum does not import the champions app.
            signal.connect(
                _person_changed, sender="champions.Nomination", dispatch_uid=f"forum_nomination_{name}"
            )
        post_save.connect(_user_saved, sender=User, dispatch_uid="forum_user_saved")
        pre_save.connect(_organisation_saving, sender=Organisation, dispatch_uid="forum_organisation_saving")
        post_save.connect(_organisation_saved, sender=Organisation, dispatch_uid="forum_organisation_saved")


def _person_changed(sender, instance, **kwargs):
    from hub.forum.services import membership_changed

    membership_changed(user_id=instance.user_id)


def _user_saved(sender, instance, created, **kwargs):
    # A deactivated account is closed out of every board it has open.
    if not created and not instance.is_active:
        from hub.forum.services import membership_changed

        membership_changed(user_id=instance.pk)


def _organisation_saving(sender, instance, update_fields=None, **kwargs):
    # Note the stored arm, to tell after saving whether it moved.
    if instance.pk is None or (update_fields is not None and "arm" not in update_fields):
        instance._forum_arm_before = None
        return
    instance._forum_arm_before = sender.objects.filter(pk=instance.pk).values_list("arm", flat=True).first()


def _organisation_saved(sender, instance, created, **kwargs):
    before = getattr(instance, "_forum_arm_before", None)
    if not created and before is not None and before != instance.arm:
        from hub.forum.services import organisation_arm_changed

        organisation_arm_changed(organisation_id=instance.pk)
