from django.apps import AppConfig


class ReflectivePracticeConfig(AppConfig):
    name = "reflective_practice"
    verbose_name = "Reflective practice"
