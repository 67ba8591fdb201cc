from django.apps import AppConfig


class ResourcesConfig(AppConfig):
    name = "resources"
    verbose_name = "Resources"

    def ready(self):
        from resources import caching, sites

        caching.connect()
        sites.connect(self)
