from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader

from hub.models import AccessRefusal, Arm, OrganisationKind, Role
from tests.factories import make_la, make_org, make_user, set_pilot
from tests.training.helpers import course, cpd_cohort
from training import services
from training.ics import escape, fold
from training.models import Attendance

PAST = dt.date(2025, 1, 6)


@pytest.fixture
def pilot_2025(db):
    return set_pilot(starts_on=dt.date(2024, 9, 1), ends_on=dt.date(2030, 12, 31))


def _register(client, n: int) -> tuple[str, int]:
    cohort, tutor, la, people = cpd_cohort(keyworkers=n, first=PAST)
    day = cohort.days.get(number=1)
    for person in people[: n // 2]:
        services.attendance_mark(actor=tutor, day=day, user=person, status="late", today=PAST)
    client.force_login(tutor)
    return f"/training/days/{day.pk}/register/", n


def test_the_register_page_makes_the_same_number_of_queries_for_5_and_40_people(
    client, django_assert_num_queries, pilot_2025
):
    url, n = _register(client, 5)
    with CaptureQueriesContext(connection) as few:
        response = client.get(url)
    assert response.content.decode().count('class="register-row"') == 5
    url, n = _register(client, 40)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count('class="register-row"') == 40


def test_one_tap_marks_a_person_and_a_second_tap_changes_the_mark(client, pilot_2025):
    cohort, tutor, la, (person,) = cpd_cohort(keyworkers=1, first=PAST)
    day = cohort.days.get(number=1)
    client.force_login(tutor)
    url = f"/training/days/{day.pk}/register/"
    client.post(url, {"person": person.pk, "status": "present"})
    response = client.post(
        url, {"person": person.pk, "status": "late"}, headers={"X-Requested-With": "fetch"}
    )
    assert response.json() == {"person": person.pk, "status": "late", "label": "Late"}
    assert Attendance.objects.get(day=day, user=person).status == "late"
    history = client.get(f"/training/days/{day.pk}/history/").content.decode()
    assert "Present" in history and "Late" in history


def test_mark_everyone_present_from_the_register(client, pilot_2025):
    cohort, tutor, la, people = cpd_cohort(keyworkers=6, first=PAST)
    day = cohort.days.get(number=1)
    client.force_login(tutor)
    client.post(f"/training/days/{day.pk}/register/", {"action": "all_present"})
    assert day.marks.filter(status="present").count() == 6


def test_a_register_for_a_future_day_takes_no_marks(client):
    future = dt.date.today() + dt.timedelta(days=30)
    cohort, tutor, la, (person,) = cpd_cohort(keyworkers=1, first=future)
    day = cohort.days.get(number=1)
    client.force_login(tutor)
    response = client.get(f"/training/days/{day.pk}/register/")
    assert "The register opens on" in response.content.decode()
    client.post(f"/training/days/{day.pk}/register/", {"person": person.pk, "status": "present"})
    assert not Attendance.objects.exists()


def _complete(cohort, tutor, person):
    for day in cohort.days.all():
        services.attendance_mark(
            actor=tutor, day=day, user=person, status="present", today=dt.date(2030, 1, 1)
        )


def test_a_completed_keyworker_downloads_a_certificate_that_can_be_verified(client, pilot_2025):
    cohort, tutor, la, (person,) = cpd_cohort(keyworkers=1, first=PAST)
    person.full_name = "Ada O'Brien (Lovelace)"
    person.save()
    _complete(cohort, tutor, person)
    client.force_login(person)
    response = client.get("/training/certificates/cpd5.pdf")
    assert response["Content-Type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Ada O'Brien (Lovelace)" in text
    assert "30.0 CPD hours" in text
    number = person.certificates.get().number
    assert number in text
    client.logout()
    page = client.get(f"/training/verify/{number}/").content.decode()
    assert "Ada O&#x27;Brien (Lovelace)" in page and "Five-day CPD" in page
    assert person.email not in page
    assert client.get("/training/verify/SPH-NOPE/").status_code == 404


def test_a_name_outside_windows_1252_is_written_on_the_certificate_as_it_is_spelt(client, pilot_2025):
    cohort, tutor, la, (person,) = cpd_cohort(keyworkers=1, first=PAST)
    person.full_name = "Łucja Żak"
    person.save()
    _complete(cohort, tutor, person)
    client.force_login(person)
    response = client.get("/training/certificates/cpd5.pdf")
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = reader.pages[0].extract_text()
    assert "Łucja Żak" in text and "Five-day CPD in systemic practice" in text
    assert reader.metadata.title == "Certificate of completion: Łucja Żak"


def test_no_certificate_before_completion(client, pilot_2025):
    cohort, tutor, la, (person,) = cpd_cohort(keyworkers=1, first=PAST)
    client.force_login(person)
    response = client.get("/training/certificates/cpd5.pdf", follow=True)
    assert "not complete yet: 0 of 5 days attended" in response.content.decode()


def test_typing_the_certificate_address_of_a_course_without_certificates_finds_nothing(client, pilot_2025):
    la = make_la(arm=Arm.TREATMENT)
    practitioner = make_user(Role.PRACTITIONER, la)
    person = make_user(Role.KEYWORKER, la)
    cohort = services.cohort_create(
        actor=practitioner, course=course("targeted"), name="T", local_authorities=[la]
    )
    day = services.day_schedule(actor=practitioner, cohort=cohort, date=PAST)
    services.enrolment_add_bulk(actor=practitioner, cohort=cohort, users=[person])
    services.attendance_mark(actor=practitioner, day=day, user=person, status="present", today=PAST)
    client.force_login(person)
    response = client.get("/training/certificates/targeted.pdf")
    assert response.status_code == 404
    assert response["Content-Type"] != "application/pdf"
    assert not person.certificates.exists()


def test_the_keyworker_home_page_shows_progress_and_the_next_day(client):
    today = dt.date.today()
    cohort, tutor, la, (person,) = cpd_cohort(keyworkers=1, first=today - dt.timedelta(weeks=2))
    for day in cohort.days.filter(date__lte=today - dt.timedelta(days=1)):
        services.attendance_mark(actor=tutor, day=day, user=person, status="present", today=today)
    client.force_login(person)
    page = client.get("/").content.decode()
    assert '<progress class="course-progress" max="5" value="2"' in page
    assert "Next: day 3" in page


def test_the_cohort_calendar_is_valid_icalendar(client, pilot_2025):
    cohort, tutor, la, (person,) = cpd_cohort(keyworkers=1, first=dt.date(2025, 3, 24))
    client.force_login(person)
    body = client.get(f"/training/cohorts/{cohort.pk}/calendar.ics").content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\n") and body.endswith("END:VCALENDAR\r\n")
    assert body.count("BEGIN:VEVENT") == 5
    # 24 March 2025 is GMT (09:30 UTC); 31 March is BST (08:30 UTC).
    assert "DTSTART:20250324T093000Z" in body
    assert "DTSTART:20250331T083000Z" in body
    assert "\n" not in body.replace("\r\n", "")


def test_icalendar_text_is_escaped_and_folded():
    assert escape("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    long = "SUMMARY:" + "é" * 80
    folded = fold(long)
    assert all(len(part.encode()) <= 75 for part in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == long


def test_tutors_download_the_register_as_csv_and_la_leads_cannot(client, pilot_2025):
    cohort, tutor, la, people = cpd_cohort(keyworkers=2, first=PAST)
    services.attendance_mark(
        actor=tutor, day=cohort.days.get(number=1), user=people[0], status="late", today=PAST
    )
    client.force_login(tutor)
    body = client.get(f"/training/cohorts/{cohort.pk}/register.csv").content.decode()
    lines = body.strip().splitlines()
    assert lines[0].startswith("Name,Email,Day 1 (2025-01-06)")
    assert len(lines) == 3 and "Late" in body
    lead = make_user(Role.LA_LEAD, la)
    client.force_login(lead)
    assert client.get(f"/training/cohorts/{cohort.pk}/register.csv").status_code == 403
    page = client.get(f"/training/cohorts/{cohort.pk}/").content.decode()
    assert "Take the register" not in page and people[0].get_full_name() in page


def test_an_la_lead_does_not_see_another_las_cohort(client, pilot_2025):
    cohort, *_ = cpd_cohort(keyworkers=1, first=PAST)
    lead = make_user(Role.LA_LEAD, make_la())
    client.force_login(lead)
    assert client.get(f"/training/cohorts/{cohort.pk}/").status_code == 403


def test_on_a_cohort_shared_by_two_las_only_its_managers_see_everyone(client, pilot_2025):
    a, b = make_la(arm=Arm.TREATMENT), make_la(arm=Arm.TREATMENT)
    tutor = make_user(Role.TUTOR, make_org(OrganisationKind.IFT))
    lead_a = make_user(Role.LA_LEAD, a)
    kw_a = make_user(Role.KEYWORKER, a, name="Amira From-A")
    make_user(Role.KEYWORKER, a, name="Arthur From-A")
    make_user(Role.KEYWORKER, b, name="Bertha From-B")
    cohort = services.cohort_create(
        actor=tutor, course=course("cpd5"), name="Shared", local_authorities=[a, b]
    )
    day = services.day_schedule(actor=tutor, cohort=cohort, date=PAST)
    services.enrolment_add_bulk(actor=tutor, cohort=cohort, la=a)
    services.enrolment_add_bulk(actor=tutor, cohort=cohort, la=b)
    services.attendance_mark(actor=tutor, day=day, user=kw_a, status="late", today=PAST)
    url = f"/training/cohorts/{cohort.pk}/"

    client.force_login(lead_a)
    page = client.get(url).content.decode()
    assert "Amira From-A" in page and "Arthur From-A" in page and "Late" in page
    assert "Bertha From-B" not in page

    client.force_login(kw_a)
    page = client.get(url).content.decode()
    assert "Amira From-A" in page
    assert "Arthur From-A" not in page and "Bertha From-B" not in page

    client.force_login(tutor)
    page = client.get(url).content.decode()
    assert all(name in page for name in ("Amira From-A", "Arthur From-A", "Bertha From-B"))


def test_a_control_keyworker_is_refused_training_during_the_pilot_and_it_is_recorded(client):
    control = make_la(arm=Arm.CONTROL)
    person = make_user(Role.KEYWORKER, control)
    client.force_login(person)
    assert client.get("/training/").status_code == 403
    assert AccessRefusal.objects.filter(user=person).exists()


def test_a_control_keyworker_sees_the_post_pilot_cpd_after_the_pilot(client):
    set_pilot(starts_on=dt.date(2024, 9, 1), ends_on=dt.date(2025, 1, 31))
    control = make_la(arm=Arm.CONTROL)
    person = make_user(Role.KEYWORKER, control)
    tutor = make_user(Role.TUTOR, make_org(OrganisationKind.IFT))
    cohort = services.cohort_create(
        actor=tutor, course=course("postpilot"), name="Post", local_authorities=[control]
    )
    services.day_schedule(actor=tutor, cohort=cohort, date=dt.date(2025, 2, 10))
    services.enrolment_add_bulk(actor=tutor, cohort=cohort, la=control)
    client.force_login(person)
    page = client.get("/training/").content.decode()
    assert "Two-day post-pilot CPD" in page


def test_bulk_enrolment_page_lists_emails_that_matched_nobody(client, pilot_2025):
    cohort, tutor, la, people = cpd_cohort(keyworkers=0, first=PAST)
    person = make_user(Role.KEYWORKER, la, email="kw@example.org")
    client.force_login(tutor)
    response = client.post(
        f"/training/cohorts/{cohort.pk}/enrol/", {"emails": "kw@example.org\nghost@example.org"}
    )
    page = response.content.decode()
    assert "ghost@example.org" in page and "matched no one" in page
    assert cohort.enrolments.filter(user=person).exists()


def test_a_practitioner_pasting_an_outsiders_email_learns_no_name(client, pilot_2025):
    la, control = make_la(arm=Arm.TREATMENT), make_la(arm=Arm.CONTROL)
    practitioner = make_user(Role.PRACTITIONER, la)
    make_user(Role.KEYWORKER, control, email="c@example.org", name="Carla Controlarm")
    cohort = services.cohort_create(
        actor=practitioner, course=course("targeted"), name="T", local_authorities=[la]
    )
    client.force_login(practitioner)
    page = client.post(f"/training/cohorts/{cohort.pk}/enrol/", {"emails": "c@example.org"}).content.decode()
    assert "c@example.org is not a keyworker of this cohort&#x27;s local authorities." in page
    assert "Carla" not in page and "Controlarm" not in page


def test_the_register_csv_keeps_formulas_out_of_names_and_email_addresses(client, pilot_2025):
    cohort, tutor, la, _ = cpd_cohort(keyworkers=0, first=PAST)
    make_user(Role.KEYWORKER, la, email="=1+2@example.org", name="@SUM(A1)")
    services.enrolment_add_bulk(actor=tutor, cohort=cohort, la=la)
    client.force_login(tutor)
    body = client.get(f"/training/cohorts/{cohort.pk}/register.csv").content.decode()
    header, row = list(csv.reader(io.StringIO(body)))
    assert row[:2] == ["'@SUM(A1)", "'=1+2@example.org"]


def test_creating_a_cpd_cohort_for_a_control_la_says_why_next_to_the_field(client, pilot_2025):
    control = make_la(arm=Arm.CONTROL)
    tutor = make_user(Role.TUTOR, make_org(OrganisationKind.IFT))
    client.force_login(tutor)
    response = client.post(
        "/training/cohorts/new/",
        {"course": course("cpd5").pk, "name": "Mine", "local_authorities": [control.pk]},
    )
    page = response.content.decode()
    assert "is not a treatment local authority" in page
    assert 'value="Mine"' in page


def test_moving_a_held_day_is_refused_next_to_the_date_and_what_was_typed_stays(client, pilot_2025):
    la = make_la(arm=Arm.TREATMENT)
    tutor = make_user(Role.TUTOR, make_org(OrganisationKind.IFT))
    lead = make_user(Role.LA_LEAD, la)
    cohort = services.cohort_create(actor=tutor, course=course("leaders"), name="L", local_authorities=[la])
    day = services.day_schedule(actor=tutor, cohort=cohort, date=PAST)
    services.enrolment_add_bulk(actor=tutor, cohort=cohort, users=[lead])
    services.attendance_mark(actor=tutor, day=day, user=lead, status="present", today=PAST)
    future = dt.date.today() + dt.timedelta(days=20)
    client.force_login(tutor)
    response = client.post(
        f"/training/cohorts/{cohort.pk}/days/",
        {
            "number": 1,
            "date": future.isoformat(),
            "starts_at": "10:15",
            "ends_at": "15:45",
            "venue": "Town Hall",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert '<p class="error-message" id="id_date_error">Day 1 was held on 6 January 2025' in page
    assert f'value="{future.isoformat()}"' in page
    assert 'value="10:15"' in page and 'value="Town Hall"' in page
    day.refresh_from_db()
    assert day.date == PAST


def test_a_pdf_has_a_correct_cross_reference_table():
    from training.pdf import Line, render

    data = render([Line("Hello (world) \\ £5")])
    xref_at = int(data.rsplit(b"startxref\n", 1)[1].split(b"\n")[0])
    assert data[xref_at : xref_at + 4] == b"xref"
    entries = data[xref_at:].split(b"\n")[3:10]
    for number, entry in enumerate(entries, start=1):
        offset = int(entry[:10])
        assert data[offset:].startswith(b"%d 0 obj" % number)
    assert "Hello (world) \\ £5" in PdfReader(io.BytesIO(data)).pages[0].extract_text()


def test_a_pdf_embeds_a_font_only_for_lines_helvetica_cannot_show():
    from training.pdf import Line, render

    plain = render([Line("Ada O'Brien – £5", bold=True)])
    assert b"FontFile2" not in plain and len(plain) < 5_000
    data = render([Line("Ярослава Ковальчук", bold=True), Line("Zoe\u0308 Ṣàngó"), Line("Plain")])
    reader = PdfReader(io.BytesIO(data))
    assert sorted(reader.pages[0]["/Resources"]["/Font"]) == ["/F1", "/F2", "/F3", "/F4"]
    assert reader.pages[0].extract_text().splitlines() == ["Ярослава Ковальчук", "Zoë Ṣàngó", "Plain"]
