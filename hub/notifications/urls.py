from django.urls import path

from hub.notifications import views

urlpatterns = [
    path("", views.notification_list, name="notification_list"),
    path("read/", views.notification_read, name="notification_read"),
    path("<int:pk>/open/", views.notification_open, name="notification_open"),
]
