from django.apps import AppConfig


class ForumConfig(AppConfig):
    name = "hub.forum"
    label = "forum"
    verbose_name = "Forum"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from hub.models import Membership

        def _membership_changed(sender, instance, **kwargs):
            from hub.forum.services import membership_changed

            membership_changed(user_id=instance.user_id)

        # A person removed from an LA (or given another role) is re-checked on open sockets.
        post_save.connect(_membership_changed, sender=Membership, dispatch_uid="forum_membership_saved")
        post_delete.connect(_membership_changed, sender=Membership, dispatch_uid="forum_membership_deleted")
