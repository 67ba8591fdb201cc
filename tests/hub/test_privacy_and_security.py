from __future__ import annotations

import datetime as dt
import json

from django.core.management import call_command

from hub import privacy
from hub.models import AuditEvent, ErasureRequest, Membership
from hub.notifications.services import notify
from tests.factories import set_pilot


def test_a_person_downloads_their_own_data_as_json(world, client):
    person = world["t_keyworker"]
    notify(person, title="Welcome", email=False)
    client.force_login(person)
    response = client.get("/my-data/download/")
    assert response["Content-Disposition"] == 'attachment; filename="my-hub-data.json"'
    data = json.loads(response.content)
    assert data["account"]["email"] == person.email
    assert data["memberships"][0]["organisation"] == "Treatville Council"
    assert data["notifications"][0]["title"] == "Welcome"


def test_an_erasure_request_reaches_the_hub_admins(world, client):
    client.force_login(world["t_keyworker"])
    client.post("/my-data/", {"reason": "I have left the council"})
    request = ErasureRequest.objects.get()
    assert request.email == world["t_keyworker"].email
    assert world["hub_admin"].notifications.filter(title__contains="erased").exists()


def test_a_hub_admin_anonymises_a_person_and_the_research_record_stays(world, client):
    person = world["t_keyworker"]
    pseudonym = person.pseudonym
    client.force_login(world["hub_admin"])
    response = client.post(f"/manage/people/anonymise/{person.pk}/", {"reason": ""})
    assert "Give the reason for anonymising this person." in response.content.decode()
    client.post(f"/manage/people/anonymise/{person.pk}/", {"reason": "erasure request"})
    person.refresh_from_db()
    assert person.full_name == pseudonym and not person.is_active
    assert "@anonymised.invalid" in person.email and not person.has_usable_password()
    assert Membership.objects.filter(user=person, organisation=world.treatment).exists()
    assert AuditEvent.objects.filter(action="privacy.anonymise", detail__startswith=pseudonym).exists()


def test_retention_anonymises_la_people_only_after_the_period(world, settings):
    settings.RETENTION_DAYS_AFTER_PILOT = 30
    set_pilot(starts_on=dt.date(2024, 9, 1), ends_on=dt.date(2025, 12, 31))
    assert privacy.retention_apply(today=dt.date(2026, 1, 30)) == 0
    count = privacy.retention_apply(today=dt.date(2026, 2, 1))
    world["t_keyworker"].refresh_from_db()
    world["tutor"].refresh_from_db()
    assert count > 0
    assert not world["t_keyworker"].is_active and world["tutor"].is_active
    call_command("apply_retention", stdout=open("/dev/null", "w"))


def test_sign_ins_and_failures_are_in_the_audit_log(world, client):
    from tests.factories import PASSWORD

    client.post("/accounts/login/", {"login": world["t_keyworker"].email, "password": "wrong"})
    client.post("/accounts/login/", {"login": world["t_keyworker"].email, "password": PASSWORD})
    actions = list(AuditEvent.objects.filter(action__startswith="sign_in").values_list("action", flat=True))
    assert sorted(actions) == ["sign_in", "sign_in.failed"]


def test_every_page_carries_the_security_headers(world, client):
    client.force_login(world["t_keyworker"])
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    script_src = next(d for d in csp.split("; ") if d.startswith("script-src"))
    assert script_src == "script-src 'self'"
    assert "frame-ancestors 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]


def test_the_wagtail_admin_allows_only_its_own_inline_scripts_by_hash(world, client):
    client.force_login(world["hub_admin"])
    response = client.get("/cms/")
    csp = response["Content-Security-Policy"]
    assert "'unsafe-inline'" not in next(d for d in csp.split("; ") if d.startswith("script-src"))
