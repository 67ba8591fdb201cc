from django.urls import path

from hub.fidelity import views

urlpatterns = [
    path("", views.dashboard, name="fidelity_dashboard"),
    path("la/<int:pk>/", views.la_detail, name="fidelity_la"),
    path("thresholds/", views.thresholds, name="fidelity_thresholds"),
    path("export/", views.export_index, name="fidelity_export"),
    path("export/all.xlsx", views.export_xlsx, name="fidelity_export_xlsx"),
    path("export/<slug:table>.csv", views.export_csv, name="fidelity_export_csv"),
    path("export/log/", views.export_log, name="fidelity_export_log"),
]
