from __future__ import annotations

import datetime as dt

import pytest

from hub import privacy
from hub.fidelity import selectors, services
from hub.fidelity.models import Status, Threshold
from hub.models import AccessRefusal, Arm, Role
from tests.factories import make_la, make_user
from tests.hub.fidelity.helpers import APRIL, MARCH, PILOT_START, active_on, at, joined, keyworkers, pilot

pytestmark = pytest.mark.django_db


def _cell(la, key: str, month: dt.date):
    data = selectors.fidelity_dashboard(month=month, pilot=pilot(), las=[la])
    return next(c for c in data.rows[0].cells if c.indicator.key == key)


# --- practitioner in post ---------------------------------------------------------


def test_a_practitioner_in_post_before_the_pilot_starts_is_green():
    la = make_la(arm=Arm.TREATMENT)
    joined(make_user(Role.PRACTITIONER, la), PILOT_START - dt.timedelta(days=10))
    cell = _cell(la, "practitioner", MARCH)
    assert cell.status == Status.GREEN
    assert cell.figure.text == "Yes, by the pilot's start"


def test_a_practitioner_who_started_on_the_first_day_is_green_and_a_day_later_is_amber():
    la, other = make_la(arm=Arm.TREATMENT), make_la(arm=Arm.TREATMENT)
    joined(make_user(Role.PRACTITIONER, la), PILOT_START)
    joined(make_user(Role.PRACTITIONER, other), PILOT_START + dt.timedelta(days=1))
    assert _cell(la, "practitioner", MARCH).status == Status.GREEN
    late = _cell(other, "practitioner", MARCH)
    assert late.status == Status.AMBER
    assert late.figure.value == 1


def test_a_practitioner_sixty_one_days_late_is_red_and_none_in_post_is_red():
    la, empty = make_la(arm=Arm.TREATMENT), make_la(arm=Arm.TREATMENT)
    joined(make_user(Role.PRACTITIONER, la), PILOT_START + dt.timedelta(days=61))
    assert _cell(la, "practitioner", APRIL).status == Status.RED
    none = _cell(empty, "practitioner", APRIL)
    assert none.status == Status.RED
    assert none.figure.text == "No practitioner in post"


def test_a_practitioner_not_yet_started_in_a_month_is_not_in_post_that_month():
    la = make_la(arm=Arm.TREATMENT)
    joined(make_user(Role.PRACTITIONER, la), dt.date(2025, 4, 10))
    assert _cell(la, "practitioner", MARCH).figure.text == "No practitioner in post"
    assert _cell(la, "practitioner", APRIL).figure.value == 99


# --- hub engagement --------------------------------------------------------------------


def _engaged(la, active: int, total: int, month: dt.date):
    people = keyworkers(la, total)
    end = selectors.month_end(month).date()
    for n, person in enumerate(people):
        # Active on the last day of the month, or 31 days before its end (just outside).
        active_on(person, end - dt.timedelta(days=1) if n < active else end - dt.timedelta(days=31))
    return people


def test_engagement_of_seven_in_ten_is_green_at_the_edge():
    la = make_la(arm=Arm.TREATMENT)
    _engaged(la, 7, 10, MARCH)
    cell = _cell(la, "engagement", MARCH)
    assert (cell.figure.numerator, cell.figure.denominator, cell.status) == (7, 10, Status.GREEN)


def test_engagement_of_sixty_nine_percent_is_amber_and_below_half_is_red():
    amber, red = make_la(arm=Arm.TREATMENT), make_la(arm=Arm.TREATMENT)
    _engaged(amber, 69, 100, MARCH)
    _engaged(red, 4, 10, MARCH)
    assert _cell(amber, "engagement", MARCH).status == Status.AMBER
    assert _cell(red, "engagement", MARCH).status == Status.RED


def test_engagement_counts_only_keyworkers_in_post_at_the_months_end():
    la = make_la(arm=Arm.TREATMENT)
    people = _engaged(la, 2, 2, MARCH)
    joined(people[1], dt.date(2025, 4, 2))  # joined after March
    cell = _cell(la, "engagement", MARCH)
    assert (cell.figure.numerator, cell.figure.denominator) == (1, 1)


def test_an_anonymised_keyworker_is_in_no_indicators_denominator():
    la = make_la(arm=Arm.TREATMENT)
    people = _engaged(la, 2, 2, MARCH)
    privacy.person_anonymise(actor=None, person=people[1], reason="Erasure request")
    engagement = _cell(la, "engagement", MARCH)
    assert (engagement.figure.numerator, engagement.figure.denominator) == (1, 1)
    for key in ("consultations", "cpd_completion", "champions_ratio"):
        assert _cell(la, key, MARCH).figure.denominator == 1, key
    assert len(selectors.fidelity_for(la, MARCH, pilot()).keyworkers) == 1


def test_an_la_without_keyworkers_has_nothing_to_count():
    la = make_la(arm=Arm.TREATMENT)
    cell = _cell(la, "engagement", MARCH)
    assert cell.status == Status.NONE
    assert cell.figure.text == "No one to count yet"


# --- thresholds ----------------------------------------------------------------------


def test_status_comes_from_the_stored_thresholds():
    la = make_la(arm=Arm.TREATMENT)
    _engaged(la, 6, 10, MARCH)
    assert _cell(la, "engagement", MARCH).status == Status.AMBER
    lead = make_user()
    services.threshold_update(
        actor=lead,
        threshold=Threshold.objects.get(indicator="engagement"),
        green_low=60,
        green_high=None,
        amber_low=40,
        amber_high=None,
    )
    assert _cell(la, "engagement", MARCH).status == Status.GREEN


def test_the_champions_band_is_green_inside_ten_to_twenty_and_amber_just_outside():
    band = Threshold.objects.get(indicator="champions_ratio")
    assert [band.status_of(v) for v in (10, 20, 15)] == [Status.GREEN] * 3
    assert [band.status_of(v) for v in (9.9, 20.1, 5, 25)] == [Status.AMBER] * 4
    assert [band.status_of(v) for v in (4.9, 25.1)] == [Status.RED] * 2


def test_defaults_come_from_the_design():
    assert Threshold.objects.count() == 11
    assert Threshold.objects.get(indicator="cpd_completion").green_text == "≥ 90%"
    assert Threshold.objects.get(indicator="contamination").green_text == "≤ 0"
    assert Threshold.objects.get(indicator="leaders_day").amber_text == "none"


def test_bands_out_of_order_are_refused_next_to_the_field():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        services.threshold_update(
            actor=make_user(),
            threshold=Threshold.objects.get(indicator="engagement"),
            green_low=80,
            green_high=70,
            amber_low=None,
            amber_high=None,
        )
    assert "green_high" in exc.value.message_dict


# --- contamination ----------------------------------------------------------------------


def test_contamination_counts_refusals_in_the_month_for_the_trial_and_per_control_la():
    control, quiet = make_la(arm=Arm.CONTROL), make_la(arm=Arm.CONTROL)
    person = make_user(Role.KEYWORKER, control)
    for day in (dt.date(2025, 3, 1), dt.date(2025, 3, 31), dt.date(2025, 4, 1)):
        AccessRefusal.objects.create(user=person, organisation=control, what="the forum", at=at(day, 0))
    march = selectors.contamination(MARCH)
    assert march.total == 2
    assert dict((la.pk, n) for la, n in march.per_la) == {control.pk: 2, quiet.pk: 0}
    assert march.cell.status == Status.AMBER
    assert selectors.contamination(dt.date(2025, 2, 1)).cell.status == Status.GREEN


# --- the dashboard ---------------------------------------------------------------------


def test_indicators_of_apps_not_recording_yet_say_so_in_words():
    la = make_la(arm=Arm.TREATMENT)
    data = selectors.fidelity_dashboard(month=MARCH, pilot=pilot(), las=[la])
    for cell in data.rows[0].cells:
        if cell.indicator.key not in selectors.COMPUTE:
            assert cell.status == Status.NONE
            assert cell.figure.text == "Not yet recorded"


def test_needs_attention_lists_what_turned_red_this_month_only():
    la = make_la(arm=Arm.TREATMENT)
    # Engagement: green in March (active late March), red in April (not active since).
    people = keyworkers(la, 2)
    for person in people:
        active_on(person, dt.date(2025, 3, 30))
    joined(make_user(Role.PRACTITIONER, la), PILOT_START)
    april = selectors.fidelity_dashboard(month=APRIL, pilot=pilot(), las=[la])
    assert [(a.la, a.cell.indicator.key) for a in april.attention] == [(la, "engagement")]
    may = selectors.fidelity_dashboard(month=dt.date(2025, 5, 1), pilot=pilot(), las=[la])
    assert may.attention == []  # still red, but it did not turn red in May


def _las(n: int):
    las = []
    for i in range(n):
        la = make_la(arm=Arm.TREATMENT, teams=2)
        joined(make_user(Role.PRACTITIONER, la), PILOT_START)
        for person in keyworkers(la, 3):
            active_on(person, dt.date(2025, 3, 20 + i % 5))
        las.append(la)
    AccessRefusal.objects.create(
        user=make_user(Role.KEYWORKER, make_la(arm=Arm.CONTROL)),
        organisation=las[0],
        what="the forum",
        at=at(dt.date(2025, 3, 3)),
    )
    return las


def test_the_dashboards_query_count_does_not_grow_with_the_number_of_las(django_assert_num_queries):
    p = pilot()
    small = _las(2)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        selectors.fidelity_dashboard(month=MARCH, pilot=p, las=small)
    count = len(captured.captured_queries)
    large = small + _las(6)
    with django_assert_num_queries(count):
        data = selectors.fidelity_dashboard(month=MARCH, pilot=p, las=large)
    assert len(data.rows) == 8


def test_the_drill_down_computes_every_month_so_far():
    la = make_la(arm=Arm.TREATMENT)
    joined(make_user(Role.PRACTITIONER, la), PILOT_START)
    detail = selectors.fidelity_for(la, APRIL, pilot())
    engagement = next(t for t in detail.trends if t.indicator.key == "engagement")
    assert [m for m, _ in engagement.points] == [dt.date(2025, m, 1) for m in (1, 2, 3, 4)]
    assert detail.cells[0].status == Status.GREEN
