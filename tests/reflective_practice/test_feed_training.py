from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from hub.models import AccessRefusal, Arm, Role
from reflective_practice import selectors, services
from tests.factories import make_la, make_user, pilot_around_today
from tests.reflective_practice.conftest import NOW
from tests.reflective_practice.test_feed import parse, unescape
from tests.training.helpers import course, cpd_cohort, tutor
from training import services as training
from training.models import Enrolment


def _training(events) -> list:
    return [e for e in events if e.uid.startswith("training-day-")]


def test_a_keyworkers_feed_lists_the_days_of_their_cohorts_at_london_time(db):
    cohort, _tutor, _la, (person, *_others) = cpd_cohort(keyworkers=2)
    days = list(cohort.days.order_by("number"))
    events = _training(selectors.feed_events(person, now=NOW))
    assert [e.uid.split("@")[0] for e in events] == [f"training-day-{d.pk}" for d in days]
    first = events[0]
    # 3 March 2025 is in GMT; 31 March is in BST, an hour earlier in UTC.
    assert first.starts_at.astimezone(dt.UTC) == dt.datetime(2025, 3, 3, 9, 30, tzinfo=dt.UTC)
    assert events[4].starts_at.astimezone(dt.UTC) == dt.datetime(2025, 3, 31, 8, 30, tzinfo=dt.UTC)
    assert first.summary == "Five-day CPD in systemic practice: day 1"
    assert first.url.endswith(reverse("training_cohort", args=[cohort.pk]))


def test_a_person_not_enrolled_or_removed_from_the_cohort_gets_no_training_days(db):
    cohort, actor, la, (person, other, *_rest) = cpd_cohort(keyworkers=2)
    stranger = make_user(Role.KEYWORKER, la)
    enrolment = Enrolment.objects.get(cohort=cohort, user=other)
    training.enrolment_remove(actor=actor, enrolment=enrolment, reason="Left the service")
    assert len(_training(selectors.feed_events(person, now=NOW))) == 5
    assert _training(selectors.feed_events(other, now=NOW)) == []
    assert _training(selectors.feed_events(stranger, now=NOW)) == []


def test_a_control_arm_keyworker_during_the_pilot_gets_their_control_course_and_no_training_refusal(db):
    pilot = pilot_around_today()
    control = make_la("Feedwell Council", Arm.CONTROL)
    person = make_user(Role.KEYWORKER, control)
    actor = tutor()
    cohort = training.cohort_create(
        actor=actor, course=course("postpilot"), name="After", local_authorities=[control]
    )
    day = training.day_schedule(actor=actor, cohort=cohort, date=pilot.ends_on + dt.timedelta(days=7))
    training.enrolment_add_bulk(actor=actor, cohort=cohort, users=[person])
    events = _training(selectors.feed_events(person, now=timezone.now()))
    assert [e.uid.split("@")[0] for e in events] == [f"training-day-{day.pk}"]
    assert not AccessRefusal.objects.filter(user=person, what="treatment training").exists()


def test_the_feed_url_carries_the_training_days(db, client):
    today = timezone.localdate()
    monday = today + dt.timedelta(days=7 - today.weekday())
    cohort, _tutor, _la, (person, *_others) = cpd_cohort(keyworkers=1, first=monday)
    feed = services.feed_get_or_create(user=person)
    _header, events = parse(client.get(reverse("reflective_feed", args=[feed.token])).content.decode())
    days = list(cohort.days.order_by("number"))
    assert [e["UID"].split("@")[0] for e in events] == [f"training-day-{d.pk}" for d in days]
    assert unescape(events[0]["SUMMARY"]) == "Five-day CPD in systemic practice: day 1"
    assert all(e["STATUS"] == "CONFIRMED" for e in events)
