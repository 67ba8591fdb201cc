from django.urls import path

from champions import views

urlpatterns = [
    path("", views.index, name="champions_index"),
    path("directory/", views.directory, name="champions_directory"),
    path("nominate/", views.nominate, name="champions_nominate"),
    path("nominations/<int:pk>/decide/", views.decide, name="champions_decide"),
    path("nominations/<int:pk>/withdraw/", views.withdraw, name="champions_withdraw"),
    path("activities/", views.activities, name="champions_activities"),
    path("activities/new/", views.activity_new, name="champions_activity_new"),
    path("award.pdf", views.award, name="champions_award"),
]
