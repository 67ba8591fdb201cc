from django.apps import AppConfig


class FidelityConfig(AppConfig):
    name = "hub.fidelity"
    label = "fidelity"
    verbose_name = "Fidelity"
