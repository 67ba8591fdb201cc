from django.apps import AppConfig


class RecruitmentConfig(AppConfig):
    name = "hub.recruitment"
    label = "recruitment"
    verbose_name = "Recruitment and randomisation"
