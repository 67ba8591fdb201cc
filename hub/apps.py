from django.apps import AppConfig


class HubConfig(AppConfig):
    name = "hub"
    verbose_name = "Hub"

    def ready(self):
        from hub import signals  # noqa: F401
        from hub.access import EVERYONE_VERSION
        from hub.cache import renew_on_migrate

        renew_on_migrate(self, EVERYONE_VERSION, "the cached memberships")
