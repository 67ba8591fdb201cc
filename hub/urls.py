from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from django.views.generic import RedirectView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from hub import views
from resources import views as resources_views

# The Django admin signs in through the hub's own sign-in (rate-limited, two-factor).
admin.site.login = login_required(admin.site.login)
admin.site.site_header = "Systemic Practice Hub administration"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("invite/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("manage/organisations/", views.organisation_list, name="organisation_list"),
    path("manage/organisations/<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("manage/people/", views.people_index, name="people_index"),
    path("manage/people/<int:pk>/", views.people, name="people"),
    path("manage/memberships/<int:pk>/", views.membership_edit, name="membership_edit"),
    path("manage/invitations/<int:pk>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    path("manage/audit/", views.audit_log, name="audit_log"),
    path("manage/people/anonymise/<int:pk>/", views.person_anonymise, name="person_anonymise"),
    path("accessibility/", views.accessibility_statement, name="accessibility"),
    path("privacy/", views.privacy_notice, name="privacy"),
    path("my-data/", views.my_data, name="my_data"),
    path("my-data/download/", views.my_data_download, name="my_data_download"),
    path("notifications/", include("hub.notifications.urls")),
    path("training/", include("training.urls")),
    path("champions/", include("champions.urls")),
    path("reflective/", include("reflective_practice.urls")),
    path("forum/", include("hub.forum.urls")),
    path("fidelity/", include("hub.fidelity.urls")),
    path("library/", include("resources.urls")),
    path("eoi/", include("hub.recruitment.urls")),
    path("accounts/", include("allauth.urls")),
    path("django-admin/", admin.site.urls),
    # The Wagtail admin's own sign-in form, like Wagtail's front-end one below, takes a
    # password alone: send it to the hub's sign-in too.
    path(
        "cms/login/",
        RedirectView.as_view(pattern_name="account_login", query_string=True),
        name="cms_login",
    ),
    path("cms/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # The sizes Wagtail makes of images are served at their own addresses through the
    # access policy (the admin shows them); nothing else under MEDIA_URL is served.
    path(
        f"{settings.MEDIA_URL.strip('/')}/images/<str:name>",
        resources_views.rendition_serve,
        name="resources_rendition",
    ),
    # Wagtail's own front-end sign-in form takes a password alone: send it to the hub's
    # sign-in (rate-limited, two-factor) instead.
    path(
        "_util/login/",
        RedirectView.as_view(pattern_name="account_login", query_string=True),
        name="frontend_login",
    ),
    # Wagtail serves the resource pages; keep this last.
    path("", include(wagtail_urls)),
]
