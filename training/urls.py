from django.urls import path

from training import views

urlpatterns = [
    path("", views.index, name="training_index"),
    path("completion/", views.completion, name="training_completion"),
    path("cohorts/new/", views.cohort_create, name="training_cohort_create"),
    path("cohorts/<int:pk>/", views.cohort_detail, name="training_cohort"),
    path("cohorts/<int:pk>/days/", views.day_schedule, name="training_day_schedule"),
    path("cohorts/<int:pk>/enrol/", views.cohort_enrol, name="training_cohort_enrol"),
    path("cohorts/<int:pk>/calendar.ics", views.cohort_ics, name="training_cohort_ics"),
    path("cohorts/<int:pk>/register.csv", views.cohort_csv, name="training_cohort_csv"),
    path("enrolments/<int:pk>/remove/", views.enrolment_remove, name="training_enrolment_remove"),
    path("days/<int:pk>/register/", views.register, name="training_register"),
    path("days/<int:pk>/history/", views.day_history, name="training_day_history"),
    path("days/<int:pk>/calendar.ics", views.day_ics, name="training_day_ics"),
    path("certificates/<slug:code>.pdf", views.certificate, name="training_certificate"),
    path("verify/<str:number>/", views.verify, name="training_verify"),
]
