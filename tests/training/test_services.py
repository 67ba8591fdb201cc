from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from hub.models import Arm, Role
from tests.factories import make_la, make_user, set_pilot
from tests.training.helpers import MONDAY, course, cpd_cohort, tutor
from training import selectors, services
from training.models import Attendance, AttendanceChange, Status


def test_a_five_day_cpd_cohort_cannot_be_created_for_a_control_la(db):
    control = make_la(arm=Arm.CONTROL)
    with pytest.raises(ValidationError) as exc:
        services.cohort_create(actor=tutor(), course=course("cpd5"), name="X", local_authorities=[control])
    assert "not a treatment local authority" in str(exc.value)


def test_a_champions_cohort_cannot_be_created_for_a_control_la(db):
    control = make_la(arm=Arm.CONTROL)
    with pytest.raises(ValidationError):
        services.cohort_create(
            actor=tutor(), course=course("champions"), name="X", local_authorities=[control]
        )


def test_a_keyworker_cannot_create_a_cohort(db):
    la = make_la()
    with pytest.raises(PermissionDenied):
        services.cohort_create(
            actor=make_user(Role.KEYWORKER, la), course=course("cpd5"), name="X", local_authorities=[la]
        )


def test_a_practitioner_creates_a_targeted_day_in_their_own_la_only(db):
    la, other = make_la(), make_la()
    practitioner = make_user(Role.PRACTITIONER, la)
    cohort = services.cohort_create(
        actor=practitioner, course=course("targeted"), name="Genograms", local_authorities=[la]
    )
    assert list(cohort.tutors.all()) == [practitioner]
    with pytest.raises(PermissionDenied):
        services.cohort_create(
            actor=practitioner, course=course("targeted"), name="X", local_authorities=[other]
        )
    with pytest.raises(PermissionDenied):
        services.cohort_create(actor=practitioner, course=course("cpd5"), name="X", local_authorities=[la])


def test_the_cohort_form_offers_a_practitioner_targeted_days_in_their_own_la_only(db, client):
    la, other = make_la(), make_la()
    practitioner = make_user(Role.PRACTITIONER, la)
    client.force_login(practitioner)
    form = client.get("/training/cohorts/new/").context["form"]
    assert [c.code for c in form.fields["course"].queryset] == ["targeted"]
    assert list(form.fields["local_authorities"].queryset) == [la]
    client.force_login(tutor())
    form = client.get("/training/cohorts/new/").context["form"]
    assert {c.code for c in form.fields["course"].queryset} >= {"cpd5", "champions", "targeted"}
    assert {la.pk, other.pk} <= {o.pk for o in form.fields["local_authorities"].queryset}


def test_cpd_days_must_fall_within_ten_weeks_of_the_first_day(db):
    cohort, actor, *_ = cpd_cohort(days=1)
    services.day_schedule(actor=actor, cohort=cohort, date=MONDAY + dt.timedelta(days=70))
    with pytest.raises(ValidationError) as exc:
        services.day_schedule(actor=actor, cohort=cohort, date=MONDAY + dt.timedelta(days=71))
    assert "within 10 weeks" in str(exc.value)


def test_a_course_cannot_have_more_days_than_it_has(db):
    cohort, actor, *_ = cpd_cohort()
    with pytest.raises(ValidationError) as exc:
        services.day_schedule(actor=actor, cohort=cohort, date=MONDAY)
    assert "All 5 days" in str(exc.value)


def test_the_leaders_day_is_one_day(db):
    la = make_la()
    actor = tutor()
    cohort = services.cohort_create(actor=actor, course=course("leaders"), name="L", local_authorities=[la])
    services.day_schedule(actor=actor, cohort=cohort, date=MONDAY)
    with pytest.raises(ValidationError):
        services.day_schedule(actor=actor, cohort=cohort, date=MONDAY + dt.timedelta(days=1))


def test_a_post_pilot_cohort_has_no_day_before_the_pilot_ends(db):
    set_pilot(starts_on=dt.date(2024, 9, 1), ends_on=dt.date(2025, 12, 31))
    control = make_la(arm=Arm.CONTROL)
    actor = tutor()
    cohort = services.cohort_create(
        actor=actor, course=course("postpilot"), name="P", local_authorities=[control]
    )
    with pytest.raises(ValidationError) as exc:
        services.day_schedule(actor=actor, cohort=cohort, date=dt.date(2025, 12, 31))
    assert "after the pilot ends on 31 December 2025" in str(exc.value)
    day = services.day_schedule(actor=actor, cohort=cohort, date=dt.date(2026, 1, 5))
    assert day.number == 1


def test_a_post_pilot_cohort_is_refused_for_a_treatment_la(db):
    with pytest.raises(ValidationError):
        services.cohort_create(
            actor=tutor(), course=course("postpilot"), name="P", local_authorities=[make_la()]
        )


def test_a_day_with_marks_keeps_its_date_but_an_unmarked_day_can_move(db):
    cohort, actor, la, (person,) = cpd_cohort(keyworkers=1)
    held = cohort.days.get(number=1)
    services.attendance_mark(actor=actor, day=held, user=person, status="present", today=MONDAY)
    with pytest.raises(ValidationError) as exc:
        services.day_schedule(actor=actor, cohort=cohort, number=1, date=MONDAY + dt.timedelta(days=2))
    assert "has attendance marks" in exc.value.message_dict["date"][0]
    held.refresh_from_db()
    assert held.date == MONDAY
    # The same date with new times is not a move; an unmarked day still moves.
    services.day_schedule(actor=actor, cohort=cohort, number=1, date=MONDAY, starts_at=dt.time(10, 0))
    moved = services.day_schedule(
        actor=actor, cohort=cohort, number=2, date=MONDAY + dt.timedelta(weeks=1, days=1)
    )
    assert moved.date == MONDAY + dt.timedelta(weeks=1, days=1)


def test_the_people_enrolled_are_told_when_a_day_moves_or_changes_and_no_one_else(
    db, mailoutbox, django_capture_on_commit_callbacks
):
    from hub.notifications.models import Notification

    cohort, actor, la, (stays, leaves) = cpd_cohort(keyworkers=2)
    services.enrolment_remove(actor=actor, enrolment=cohort.enrolments.get(user=leaves), reason="Left the LA")
    day = cohort.days.get(number=2)
    services.day_schedule(
        actor=actor, cohort=cohort, number=2, date=day.date, starts_at=day.starts_at, ends_at=day.ends_at
    )
    assert not Notification.objects.exists()  # nothing changed

    def move_to(venue):
        services.day_schedule(
            actor=actor,
            cohort=cohort,
            number=2,
            date=MONDAY + dt.timedelta(weeks=1, days=2),
            starts_at=dt.time(10),
            ends_at=dt.time(15, 30),
            venue=venue,
        )

    with django_capture_on_commit_callbacks(execute=True):
        move_to("Hall B")
    note = Notification.objects.get()
    assert note.user == stays
    assert note.title == "Five-day CPD in systemic practice, day 2, has moved to Wednesday 12 March 2025"
    assert note.body == (
        "Day 2 is now on Wednesday 12 March 2025, 10:00 to 15:30, at Hall B. "
        "It was on Monday 10 March 2025, 09:30 to 16:00."
    )
    assert note.url == "/training/"
    assert [m.to for m in mailoutbox] == [[stays.email]]

    move_to("Hall C")
    assert Notification.objects.latest("pk").title == "Five-day CPD in systemic practice, day 2, has changed"


def test_bulk_enrolment_by_la_team_and_emails_reports_what_matched_nobody(db):
    la = make_la(teams=2)
    team1, team2 = la.teams.all()
    a = make_user(Role.KEYWORKER, la, team=team1, email="a@example.org")
    b = make_user(Role.KEYWORKER, la, team=team2, email="b@example.org")
    lead = make_user(Role.LA_LEAD, la, email="lead@example.org")
    actor = tutor()
    cohort = services.cohort_create(actor=actor, course=course("cpd5"), name="C", local_authorities=[la])
    result = services.enrolment_add_bulk(actor=actor, cohort=cohort, team=team1)
    assert result.added == [a]
    result = services.enrolment_add_bulk(
        actor=actor,
        cohort=cohort,
        emails="A@example.org, b@example.org\nnobody@example.org; lead@example.org",
    )
    assert result.added == [b]
    assert result.already == [a]
    assert result.unmatched == ["nobody@example.org"]
    assert [p for p, _ in result.refused] == [lead]


def test_a_pasted_email_of_someone_in_another_la_is_refused_without_their_name(db):
    la, other, control = make_la(), make_la(), make_la(arm=Arm.CONTROL)
    make_user(Role.KEYWORKER, other, email="olga@example.org", name="Olga Otherla")
    make_user(Role.KEYWORKER, control, email="carla@example.org", name="Carla Controlarm")
    actor = tutor()
    cohort = services.cohort_create(actor=actor, course=course("cpd5"), name="C", local_authorities=[la])
    result = services.enrolment_add_bulk(
        actor=actor, cohort=cohort, emails="Olga@Example.org carla@example.org"
    )
    assert result.added == []
    assert [why for _, why in result.refused] == [
        "Olga@Example.org is not a keyworker of this cohort's local authorities.",
        "carla@example.org is not a keyworker of this cohort's local authorities.",
    ]
    assert not cohort.enrolments.exists()


def test_a_switched_off_account_is_not_enrolled_by_email_or_given_directly(db):
    cohort, actor, la, _ = cpd_cohort(keyworkers=0)
    gone = make_user(Role.KEYWORKER, la, email="gone@example.org", name="Gwen Gone")
    gone.is_active = False
    gone.save()
    result = services.enrolment_add_bulk(actor=actor, cohort=cohort, emails="gone@example.org")
    assert result.added == []
    assert result.refused == [(gone, "Gwen Gone's account is switched off, so they cannot be enrolled.")]
    result = services.enrolment_add_bulk(actor=actor, cohort=cohort, users=[gone])
    assert result.added == [] and not cohort.enrolments.filter(user=gone).exists()


def test_removing_someone_needs_a_reason_and_keeps_the_record(db):
    cohort, actor, la, people = cpd_cohort(keyworkers=1)
    enrolment = cohort.enrolments.get()
    with pytest.raises(ValidationError):
        services.enrolment_remove(actor=actor, enrolment=enrolment, reason="  ")
    services.enrolment_remove(actor=actor, enrolment=enrolment, reason="Left the service")
    enrolment.refresh_from_db()
    assert enrolment.removed_at and enrolment.removal_reason == "Left the service"
    assert not cohort.enrolments.active().exists()


def test_marks_cannot_be_taken_before_the_day(db):
    cohort, actor, la, people = cpd_cohort(keyworkers=1)
    day = cohort.days.get(number=1)
    with pytest.raises(ValidationError) as exc:
        services.attendance_mark(
            actor=actor, day=day, user=people[0], status=Status.PRESENT, today=MONDAY - dt.timedelta(days=1)
        )
    assert "on or after the day" in str(exc.value)
    services.attendance_mark(actor=actor, day=day, user=people[0], status=Status.PRESENT, today=MONDAY)


def test_a_person_not_enrolled_cannot_be_marked(db):
    cohort, actor, la, people = cpd_cohort(keyworkers=1)
    stranger = make_user(Role.KEYWORKER, la)
    with pytest.raises(ValidationError):
        services.attendance_mark(
            actor=actor, day=cohort.days.get(number=1), user=stranger, status="present", today=MONDAY
        )


def test_changing_a_mark_keeps_one_mark_and_the_history(db):
    cohort, actor, la, people = cpd_cohort(keyworkers=1)
    day = cohort.days.get(number=1)
    other_tutor = tutor()
    services.attendance_mark(actor=actor, day=day, user=people[0], status="absent", today=MONDAY)
    services.attendance_mark(actor=other_tutor, day=day, user=people[0], status="late", today=MONDAY)
    assert Attendance.objects.filter(day=day, user=people[0]).count() == 1
    history = list(selectors.day_history(day))
    assert [(h.previous_status, h.new_status, h.changed_by) for h in history] == [
        ("absent", "late", other_tutor),
        ("", "absent", actor),
    ]


def test_only_the_cohorts_manager_marks(db):
    cohort, actor, la, people = cpd_cohort(keyworkers=1)
    with pytest.raises(PermissionDenied):
        services.attendance_mark(
            actor=people[0], day=cohort.days.get(number=1), user=people[0], status="present", today=MONDAY
        )


def test_mark_everyone_present_keeps_existing_marks(db):
    cohort, actor, la, people = cpd_cohort(keyworkers=4)
    day = cohort.days.get(number=1)
    services.attendance_mark(actor=actor, day=day, user=people[0], status="absent", today=MONDAY)
    assert services.attendance_mark_all_present(actor=actor, day=day, today=MONDAY) == 3
    statuses = dict(Attendance.objects.filter(day=day).values_list("user_id", "status"))
    assert statuses[people[0].pk] == "absent"
    assert sorted(statuses.values()) == ["absent", "present", "present", "present"]
    assert AttendanceChange.objects.filter(attendance__day=day).count() == 4


def _mark_all(cohort, actor, person, statuses):
    for number, status in enumerate(statuses, start=1):
        day = cohort.days.get(number=number)
        services.attendance_mark(actor=actor, day=day, user=person, status=status, today=dt.date(2030, 1, 1))


def test_completion_counts_present_late_and_catch_up_but_not_left_early(db):
    cohort, actor, la, (done, early) = cpd_cohort(keyworkers=2)
    _mark_all(cohort, actor, done, ["present", "late", "caught_up", "present", "present"])
    _mark_all(cohort, actor, early, ["present", "present", "left_early", "present", "present"])
    rows = {r.user: r for r in selectors.cohort_completion(cohort)}
    assert rows[done].complete and rows[done].attended == 5
    assert not rows[early].complete and rows[early].attended == 4
    assert selectors.progress_for(early, course("cpd5")).percent == 80


def test_a_course_setting_lets_left_early_count(db):
    cpd = course("cpd5")
    cpd.left_early_counts = True
    cpd.save()
    cohort, actor, la, (person,) = cpd_cohort(keyworkers=1)
    _mark_all(cohort, actor, person, ["present", "present", "left_early", "present", "present"])
    assert selectors.progress_for(person, cpd).complete


def test_a_day_attended_in_another_cohort_counts_towards_completion(db):
    cohort, actor, la, (person,) = cpd_cohort(keyworkers=1)
    other, *_ = cpd_cohort(keyworkers=0, la=la, actor=actor)
    services.enrolment_add_bulk(actor=actor, cohort=other, users=[person])
    _mark_all(cohort, actor, person, ["present", "present", "absent", "present", "present"])
    assert not selectors.progress_for(person, course("cpd5")).complete
    services.attendance_mark(
        actor=actor, day=other.days.get(number=3), user=person, status="present", today=dt.date(2030, 1, 1)
    )
    assert selectors.progress_for(person, course("cpd5")).complete
    assert {r.user: r.complete for r in selectors.cohort_completion(cohort)}[person]


def test_a_certificate_is_refused_before_completion_and_issued_once_after(db):
    cohort, actor, la, (person,) = cpd_cohort(keyworkers=1)
    _mark_all(cohort, actor, person, ["present"] * 4)
    with pytest.raises(ValidationError):
        services.certificate_issue(user=person, course=course("cpd5"))
    _mark_all(cohort, actor, person, ["present"] * 5)
    first = services.certificate_issue(user=person, course=course("cpd5"))
    assert first.hours == 30 and first.first_day == MONDAY
    assert services.certificate_issue(user=person, course=course("cpd5")) == first


def test_no_certificate_is_issued_for_a_course_that_carries_none(db):
    la = make_la()
    practitioner = make_user(Role.PRACTITIONER, la)
    person = make_user(Role.KEYWORKER, la)
    targeted = course("targeted")
    assert not targeted.cpd_certified
    cohort = services.cohort_create(actor=practitioner, course=targeted, name="T", local_authorities=[la])
    day = services.day_schedule(actor=practitioner, cohort=cohort, date=MONDAY)
    services.enrolment_add_bulk(actor=practitioner, cohort=cohort, users=[person])
    services.attendance_mark(actor=practitioner, day=day, user=person, status="present", today=MONDAY)
    assert selectors.progress_for(person, targeted).complete
    with pytest.raises(ValidationError, match="does not come with a certificate"):
        services.certificate_issue(user=person, course=targeted)
    assert not person.certificates.exists()


def test_cpd_completion_by_la_counts_by_month_end(db):
    cohort, actor, la, (a, b) = cpd_cohort(keyworkers=2)
    _mark_all(cohort, actor, a, ["present"] * 5)
    last_day = MONDAY + dt.timedelta(weeks=4)
    assert selectors.cpd_completion_by_la(last_day)[la.pk]["completed"] == 1
    assert selectors.cpd_completion_by_la(last_day)[la.pk]["percent"] == 50
    assert selectors.cpd_completion_by_la(last_day - dt.timedelta(days=1))[la.pk]["completed"] == 0
    counts = selectors.attendance_counts("cpd5", MONDAY + dt.timedelta(weeks=1))
    assert counts[la.pk] == {"scheduled": 4, "attended": 2, "percent": 50}
