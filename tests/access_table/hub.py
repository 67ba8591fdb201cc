from __future__ import annotations

from tests.access_table import EVERYONE, ROLES, SIGNED_IN, Mount, Url

ADMINS = {"hub_admin"}
LEADS = {"t_la_lead", "c_la_lead"}

RULES = [
    Url("home", "/", SIGNED_IN),
    Url("healthz", "/healthz", EVERYONE),
    Url(
        "invitation_accept",
        "/invite/not-a-real-token/",
        set(),
        status={r: 410 for r in ["anon"]},
        denied_status=400,
    ),
    Url("organisation_list", "/manage/organisations/", ADMINS),
    Url("organisation_detail", lambda w: f"/manage/organisations/{w.treatment.pk}/", ADMINS | {"t_la_lead"}),
    Url("people_index", "/manage/people/", ADMINS | LEADS, status={"t_la_lead": 302, "c_la_lead": 302}),
    Url("people", lambda w: f"/manage/people/{w.treatment.pk}/", ADMINS | {"t_la_lead"}),
    Url(
        "membership_edit",
        lambda w: f"/manage/memberships/{w['t_keyworker'].memberships.get().pk}/",
        ADMINS | {"t_la_lead"},
    ),
    Url(
        "invitation_revoke",
        lambda w: f"/manage/invitations/{w.extra['invitation'].pk}/revoke/",
        ADMINS | {"t_la_lead"},
        ok_status=405,
    ),
    Url("audit_log", "/manage/audit/", ADMINS),
    Url("person_anonymise", lambda w: f"/manage/people/anonymise/{w['t_keyworker'].pk}/", ADMINS),
    Url("accessibility", "/accessibility/", EVERYONE),
    Url("privacy", "/privacy/", EVERYONE),
    Url("my_data", "/my-data/", SIGNED_IN),
    Url("my_data_download", "/my-data/download/", SIGNED_IN),
    Url("notification_list", "/notifications/", SIGNED_IN),
    Url("notification_read", "/notifications/read/", SIGNED_IN, ok_status=405),
    # Only the person's own notifications open; there is no notification 999999.
    Url("notification_open", "/notifications/999999/open/", SIGNED_IN, ok_status=404),
    # Wagtail's pages and documents are declared in tests/access_table/resources.py.
]

_signed_out_pages = {r: 302 for r in ROLES if r != "anon"}

MOUNTS = [
    Mount(
        "accounts/",
        [
            # Signed-in people are sent on from the sign-in page.
            Url("account_login", "/accounts/login/", {"anon"}, status=_signed_out_pages),
            Url("account_signup", "/accounts/signup/", EVERYONE, status=_signed_out_pages),
            Url("account_reset_password", "/accounts/password/reset/", EVERYONE),
            Url("account_email", "/accounts/email/", SIGNED_IN),
            Url("mfa_index", "/accounts/2fa/", SIGNED_IN),
        ],
    ),
    # The Django admin is for hub admins; everyone else is sent to sign in.
    Mount(
        "django-admin/",
        [
            Url("admin:index", "/django-admin/", ADMINS, denied_status=302),
            Url(
                "admin:hub_organisation_changelist",
                "/django-admin/hub/organisation/",
                ADMINS,
                denied_status=302,
            ),
        ],
    ),
    # The Wagtail admin is for content editors and hub admins.
    Mount(
        "cms/",
        [
            Url("wagtailadmin_home", "/cms/", ADMINS | {"content_editor"}, denied_status=302),
            Url("wagtailadmin_pages:index", "/cms/pages/", ADMINS | {"content_editor"}, denied_status=302),
            # Its password-only sign-in form is replaced by a redirect to the hub's.
            Url("cms_login", "/cms/login/", EVERYONE, ok_status=302),
            Url(
                "wagtailadmin_password_reset",
                "/cms/password_reset/",
                set(),
                denied_status=404,
                anon_status=404,
            ),
        ],
    ),
]


def build(world):
    from hub import services
    from hub.models import Role

    invitation, _token = services.invitation_create(
        actor=world["hub_admin"],
        email="newcomer@example.org",
        full_name="New Comer",
        organisation=world.treatment,
        role=Role.KEYWORKER,
        team=world.treatment.teams.first(),
    )
    world.extra["invitation"] = invitation
