"""Each app's part of a person's own data and of their anonymisation (hub/privacy.py and
the `<app>/privacy.py` modules it names), and retention."""

from __future__ import annotations

import datetime as dt
import importlib
import json

from django.test import override_settings
from django.utils import timezone

from champions.models import Activity, Nomination, NominationStatus
from hub import privacy
from hub.forum import services as forum
from hub.forum.models import Board, BoardKind, Follow, Post
from hub.models import AuditEvent, Membership, Role
from hub.notifications.models import Notification
from hub.notifications.services import notify
from hub.recruitment.models import ExpressionOfInterest
from reflective_practice.models import Booking, BookingStatus, CalendarFeed, Slot, WaitlistEntry
from tests.factories import make_user, set_pilot
from tests.hub.recruitment.helpers import make_round, submitted_eoi
from training.models import Attendance, Certificate, Cohort, Course, Enrolment, Status, TrainingDay


def _records_of(world, person):
    """Something of the person's in every app: a post, training marks and a
    certificate, a consultation, a champion nomination and an EOI naming them."""
    forum.board_ensure_all()
    board = Board.objects.get(kind=BoardKind.LA, organisation=world.treatment)
    forum.thread_create(user=person, board=board, title="Genograms", body="My family tree work, xyzzy.")
    course = Course.objects.get(code="cpd5")
    cohort = Cohort.objects.create(course=course, name="Spring CPD")
    day = TrainingDay.objects.create(cohort=cohort, number=1, date=dt.date(2025, 3, 3))
    Enrolment.objects.create(cohort=cohort, user=person, removal_reason="")
    Attendance.objects.create(day=day, user=person, status=Status.PRESENT)
    Certificate.objects.create(
        user=person,
        course=course,
        full_name=person.full_name,
        first_day=day.date,
        completed_on=day.date,
        hours=30,
    )
    practitioner = world["t_practitioner"]
    start = timezone.now() + dt.timedelta(days=3)
    slot = Slot.objects.create(
        organisation=world.treatment,
        practitioner=practitioner,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
    )
    Booking.objects.create(
        slot=slot, keyworker=person, purpose="Talk through the Smith family", private_note="x"
    )
    CalendarFeed.objects.create(user=person)
    WaitlistEntry.objects.create(
        organisation=world.treatment, keyworker=person, week_start=dt.date(2030, 1, 7)
    )
    Nomination.objects.create(
        la=world.treatment, user=person, reason="Leads huddles on Tuesdays", status=NominationStatus.PENDING
    )
    Activity.objects.create(
        champion=person,
        la=world.treatment,
        date=dt.date(2025, 4, 1),
        kind="huddle",
        colleagues=4,
        description="Ran a huddle on the Jones family",
    )
    submitted_eoi(make_round(), "Treatville", email=person.email)


def test_every_app_named_for_privacy_has_its_part(db):
    for name in privacy.APP_PRIVACY:
        module = importlib.import_module(f"{name}.privacy")
        assert callable(module.export_for), name


def test_the_download_holds_what_every_app_keeps_about_the_person(world, client):
    person = world["t_keyworker"]
    _records_of(world, person)
    client.force_login(person)
    data = json.loads(client.get("/my-data/download/").content)

    assert [p["text"] for p in data["forum"]["posts"]] == ["My family tree work, xyzzy."]
    assert data["forum"]["threads_started"][0]["title"] == "Genograms"
    assert data["training"]["enrolments"][0]["cohort"] == "Spring CPD"
    assert data["training"]["attendance"][0]["status"] == "Present"
    assert data["training"]["certificates"][0]["name_printed"] == person.full_name
    consultation = data["reflective_practice"]["consultations"][0]
    assert consultation["purpose"] == "Talk through the Smith family"
    assert "private_note" not in consultation
    assert data["reflective_practice"]["has_calendar_feed"] is True
    assert data["champions"]["nominations"][0]["reason"] == "Leads huddles on Tuesdays"
    assert data["champions"]["activities"][0]["description"] == "Ran a huddle on the Jones family"
    assert data["resources"] == {"saved": [], "opened": []}
    contact = data["recruitment"]["named_as_contact"][0]
    assert (contact["local_authority"], contact["as"], contact["email"]) == (
        "Treatville",
        "Lead contact",
        person.email,
    )
    # Nobody else's records: another keyworker's download has none of it.
    client.force_login(world["o_keyworker"])
    other = client.get("/my-data/download/").content.decode()
    assert "xyzzy" not in other and "Smith family" not in other and "Treatville" not in other


def test_anonymising_removes_what_the_person_wrote_and_frees_their_future_times(world, client):
    person = world["t_keyworker"]
    person.full_name = "Amira Adams"
    person.save(update_fields=["full_name"])
    _records_of(world, person)
    email, pseudonym = person.email, person.pseudonym
    board = Board.objects.get(kind=BoardKind.LA, organisation=world.treatment)
    forum.thread_create(user=world["t_practitioner"], board=board, title="Hello", body="Thanks @Amira Adams")
    privacy.erasure_request_create(user=person, reason="I have left")
    assert AuditEvent.objects.filter(detail__contains=email).exists()

    client.force_login(world["hub_admin"])
    client.post(f"/manage/people/anonymise/{person.pk}/", {"reason": "erasure request"})

    post = Post.objects.get(author=person)
    assert post.removed_at is not None and post.body == "" and post.html == ""
    assert not Follow.objects.filter(user=person).exists()
    assert Certificate.objects.get(user=person).full_name == pseudonym
    assert Attendance.objects.filter(user=person).exists()  # the research record stays
    assert Nomination.objects.get(user=person).reason == "Removed when the person was anonymised."
    assert Activity.objects.get(champion=person).description == "Removed when the person was anonymised."
    booking = Booking.objects.get(keyworker=person)
    assert booking.status == BookingStatus.CANCELLED and booking.purpose == "" and booking.private_note == ""
    assert (
        world["t_practitioner"]
        .notifications.filter(title__startswith="Consultation on", body="The keyworker's account was closed.")
        .exists()
    )
    assert not CalendarFeed.objects.filter(user=person).exists()
    assert not WaitlistEntry.objects.filter(keyworker=person).exists()
    eoi = ExpressionOfInterest.objects.get()
    assert eoi.lead_first_name == pseudonym and eoi.lead_surname == "" and eoi.lead_phone == ""
    assert eoi.lead_email.endswith("@anonymised.invalid")
    # The texts the hub wrote about the person (the audit log, a mention told to
    # someone else, the erasure request told to the hub admins) name the pseudonym.
    assert not AuditEvent.objects.filter(detail__contains=email).exists()
    assert AuditEvent.objects.filter(detail__contains=pseudonym).exists()
    assert not Notification.objects.filter(title__contains="Amira Adams").exists()
    assert not Notification.objects.filter(body__contains=email).exists()
    assert world["hub_admin"].notifications.filter(body__contains=pseudonym).exists()


def test_a_short_name_is_not_replaced_inside_other_peoples_texts(world):
    person = world["t_keyworker"]
    person.full_name = "Al"
    person.save(update_fields=["full_name"])
    notify(world["tutor"], title="All days are marked", email=False)
    privacy.person_anonymise(actor=None, person=person, reason="erasure")
    assert world["tutor"].notifications.filter(title="All days are marked").exists()


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_anonymising_forgets_the_email_sent_and_queued_for_the_person(
    world, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    person, other = world["t_keyworker"], world["o_keyworker"]
    with django_capture_on_commit_callbacks(execute=True):
        notify(person, title="Your certificate is ready")
        notify(other, title="Your certificate is ready")
    assert DBTaskResult.objects.count() == 2
    privacy.person_anonymise(actor=None, person=person, reason="erasure")
    left = [json.dumps(r.args_kwargs) for r in DBTaskResult.objects.all()]
    assert len(left) == 1 and other.email in left[0]


def _retention_due(settings):
    settings.RETENTION_DAYS_AFTER_PILOT = 30
    set_pilot(starts_on=dt.date(2024, 9, 1), ends_on=dt.date(2025, 12, 31))
    return dt.date(2026, 6, 1)


def test_retention_anonymises_a_switched_off_account_too(world, settings):
    today = _retention_due(settings)
    person = world["t_keyworker"]
    person.is_active = False
    person.save(update_fields=["is_active"])
    privacy.retention_apply(today=today)
    person.refresh_from_db()
    assert person.email.endswith("@anonymised.invalid")


def test_retention_keeps_only_people_who_hold_a_staff_role_now(world, settings):
    today = _retention_due(settings)
    person = world["t_keyworker"]
    Membership.objects.create(
        user=person,
        organisation=world.evaluators,
        role=Role.ASSESSOR,
        ended_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
    )
    staff = make_user(Role.EVALUATOR, world.evaluators)
    privacy.retention_apply(today=today)
    person.refresh_from_db()
    staff.refresh_from_db()
    assert person.email.endswith("@anonymised.invalid")
    assert not staff.email.endswith("@anonymised.invalid")


def test_anonymising_a_practitioner_cancels_their_future_consultations_and_tells_the_keyworkers(world):
    from reflective_practice import selectors as reflective_selectors
    from reflective_practice import services as reflective

    practitioner, keyworker = world["t_practitioner"], world["t_keyworker"]
    start = timezone.now() + dt.timedelta(days=3)
    booked, free = (
        reflective.slot_create(
            actor=practitioner,
            starts_at=start + dt.timedelta(hours=n),
            ends_at=start + dt.timedelta(hours=n, minutes=45),
        )
        for n in (0, 2)
    )
    booking = reflective.booking_create(actor=keyworker, slot=booked, purpose="Help with a genogram")

    privacy.person_anonymise(actor=world["hub_admin"], person=practitioner, reason="erasure request")

    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert keyworker.notifications.filter(
        title__startswith="Consultation on", body="The practitioner's account was closed."
    ).exists()
    # Nobody is reminded of it, and the practitioner's other times can no longer be booked.
    assert reflective.reminders_send(now=booked.starts_at - dt.timedelta(hours=20)) == 0
    assert free not in reflective_selectors.free_slots(organisation_id=world.treatment.pk)
