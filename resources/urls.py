from django.urls import path

from resources import views

urlpatterns = [
    path("saved/", views.saved_list, name="resources_saved"),
    path("saved/<int:page_id>/", views.saved_toggle, name="resources_save"),
    path("images/<int:image_id>/<str:spec>/", views.image_serve, name="resources_image"),
]
