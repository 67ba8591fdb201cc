from django.urls import path

from hub.recruitment import views

urlpatterns = [
    path("", views.eoi_start, name="eoi_start"),
    path("resume/<str:token>/", views.eoi_resume, name="eoi_resume"),
    path("assess/", views.assess_list, name="eoi_assess_list"),
    path("assess/<int:pk>/", views.assess_eoi, name="eoi_assess"),
    path("assess/<int:pk>/letter/", views.eoi_letter, name="eoi_letter"),
    path("rounds/<int:pk>/randomise/", views.round_randomise, name="round_randomise"),
    path("randomisations/<int:pk>/", views.randomisation_detail, name="randomisation_detail"),
    path(
        "randomisations/<int:pk>/emails/", views.randomisation_send_emails, name="randomisation_send_emails"
    ),
    path("emails/", views.outcome_templates, name="outcome_templates"),
]
