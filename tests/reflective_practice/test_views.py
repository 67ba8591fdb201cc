from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from hub.models import Role
from hub.notifications.models import Notification
from reflective_practice import services
from reflective_practice.models import Booking, Ordinal, Weekday
from tests.factories import make_user
from tests.reflective_practice.conftest import slot_at


def _monthly(place, n: int):
    team = place.kw1.memberships.get().team
    today = timezone.localdate()
    for i in range(n):
        services.series_create(
            actor=place.practitioner,
            teams=[team],
            title=f"Series {i}",
            ordinal=Ordinal.FIRST,
            weekday=i % 7,
            start_time=dt.time(8 + i % 10, 0),
            end_time=dt.time(8 + i % 10, 30),
            venue="Room",
            first_day=today,
            last_day=today + dt.timedelta(days=27),
        )


@pytest.mark.parametrize("who", ["practitioner", "kw1"])
def test_the_sessions_page_uses_the_same_number_of_queries_for_1_and_50_sessions(place, client, who):
    client.force_login(getattr(place, who))
    _monthly(place, 1)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # Each count is of a second look, after what a page keeps between requests (the
    # unread count, which new sessions' notifications change) has been read afresh.
    client.get(reverse("reflective_home"))
    with CaptureQueriesContext(connection) as one:
        assert client.get(reverse("reflective_home")).status_code == 200
    baseline = len(one.captured_queries)  # at once: the next request empties the query log
    _monthly(place, 49)
    client.get(reverse("reflective_home"))
    with CaptureQueriesContext(connection) as fifty:
        response = client.get(reverse("reflective_home"))
    assert response.content.decode().count("Series ") >= 50
    assert len(fifty.captured_queries) == baseline


def test_the_consultations_page_uses_the_same_number_of_queries_for_1_and_50_slots(place, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    start = timezone.now() + dt.timedelta(days=2)
    slot = slot_at(place.practitioner, start)
    services.booking_create(actor=place.kw1, slot=slot, purpose="Help")
    counts = {}
    # Each count is of a second look (bookings notify people, which renews their kept
    # unread count), taken at once: the next request empties the query log.
    for who in (place.practitioner, place.kw1):
        client.force_login(who)
        client.get(reverse("reflective_consultations"))
        with CaptureQueriesContext(connection) as ctx:
            client.get(reverse("reflective_consultations"))
        counts[who.pk] = len(ctx.captured_queries)
    for i in range(1, 50):
        s = slot_at(place.practitioner, start + dt.timedelta(hours=i))
        if i % 2:
            services.booking_create(actor=place.kw2 if i % 4 == 1 else place.kw1, slot=s, purpose="Help")
    for who in (place.practitioner, place.kw1):
        client.force_login(who)
        client.get(reverse("reflective_consultations"))
        with CaptureQueriesContext(connection) as ctx:
            client.get(reverse("reflective_consultations"))
        assert len(ctx.captured_queries) == counts[who.pk]


def test_a_keyworker_books_through_the_page_and_a_second_attempt_is_refused_with_next_times(place, client):
    start = timezone.now() + dt.timedelta(days=2)
    slot = slot_at(place.practitioner, start)
    slot_at(place.practitioner, start + dt.timedelta(hours=1))
    client.force_login(place.kw1)
    url = reverse("reflective_slot_book", args=[slot.pk])
    response = client.post(url, {"purpose": "Thinking about a stuck case"})
    assert response.status_code == 302
    client.force_login(place.kw2)
    response = client.post(url, {"purpose": "Me too"})
    page = response.content.decode()
    assert "That time has just been taken." in page
    assert "The next free times" in page
    assert "Me too" in page  # what they typed stays


def test_an_empty_purpose_is_explained_next_to_the_field(place, client):
    slot = slot_at(place.practitioner, timezone.now() + dt.timedelta(days=2))
    client.force_login(place.kw1)
    response = client.post(reverse("reflective_slot_book", args=[slot.pk]), {"purpose": ""})
    assert "Say briefly what you would like to talk about." in response.content.decode()
    assert not Booking.objects.exists()


def test_the_private_note_is_shown_to_the_practitioner_only(place, client):
    slot = slot_at(place.practitioner, timezone.now() + dt.timedelta(days=2))
    booking = services.booking_create(actor=place.kw1, slot=slot, purpose="Help")
    services.booking_note_set(actor=place.practitioner, booking=booking, note="Secret supervision note")
    url = reverse("reflective_booking_detail", args=[booking.pk])
    client.force_login(place.practitioner)
    assert "Secret supervision note" in client.get(url).content.decode()
    lead = make_user(Role.LA_LEAD, place.la)
    for person in (place.kw1, lead):
        client.force_login(person)
        response = client.get(url)
        assert response.status_code == 200
        assert "Secret supervision note" not in response.content.decode()


def test_a_practitioner_sets_up_a_series_from_the_form(place, client):
    client.force_login(place.practitioner)
    team = place.kw1.memberships.get().team
    response = client.post(
        reverse("reflective_series_create"),
        {
            "title": "Group reflective practice",
            "teams": [team.pk],
            "ordinal": "2",
            "weekday": str(Weekday.TUESDAY),
            "start_time": "10:00",
            "end_time": "09:00",
            "venue": "",
            "online_link": "",
            "capacity": "12",
        },
    )
    assert "The session must end after it starts." in response.content.decode()
    response = client.post(
        reverse("reflective_series_create"),
        {
            "title": "Group reflective practice",
            "teams": [team.pk],
            "ordinal": "2",
            "weekday": str(Weekday.TUESDAY),
            "start_time": "10:00",
            "end_time": "11:30",
            "venue": "Civic Centre",
            "capacity": "12",
        },
    )
    assert response.status_code == 302
    sessions = place.la.session_series.get().sessions
    assert sessions.count() >= 1
    # The pilot began 100 days ago; the series starts from now.
    assert not sessions.filter(starts_at__lt=timezone.now()).exists()


def _last_session_of_a_new_series(place):
    series = services.series_create(
        actor=place.practitioner,
        teams=[place.kw1.memberships.get().team],
        ordinal=Ordinal.LAST,
        weekday=Weekday.THURSDAY,
        start_time=dt.time(10, 0),
        end_time=dt.time(11, 0),
        venue="Hall",
    )
    return series.sessions.order_by("starts_at").last()


def test_cancelling_a_session_twice_from_the_page_says_it_is_already_cancelled(place, client):
    session = _last_session_of_a_new_series(place)
    client.force_login(place.practitioner)
    url = reverse("reflective_session_change", args=[session.pk])
    first = client.post(url, {"action": "cancel", "cancel-reason": "Ill"})
    assert first.status_code == 302
    # A double-submitted form, or the page left open in another tab.
    second = client.post(url, {"action": "cancel", "cancel-reason": "Ill"})
    assert second.status_code == 200
    assert "This session is already cancelled." in second.content.decode()
    assert Notification.objects.filter(user=place.kw1, title__contains="is cancelled").count() == 1
    session.refresh_from_db()
    assert session.sequence == 1


def test_moving_a_session_to_a_day_that_has_passed_says_so_beside_the_date_and_keeps_the_reason(
    place, client
):
    session = _last_session_of_a_new_series(place)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    client.force_login(place.practitioner)
    response = client.post(
        reverse("reflective_session_change", args=[session.pk]),
        {
            "action": "move",
            "move-day": yesterday.isoformat(),
            "move-start_time": "10:00",
            "move-end_time": "11:00",
            "move-reason": "The hall is being painted",
        },
    )
    assert response.status_code == 200
    form = response.context["move_form"]
    assert form.errors["day"] == [
        f"{yesterday.day} {yesterday:%B %Y} has passed. Choose a day still to come."
    ]
    assert "The hall is being painted" in response.content.decode()
    session.refresh_from_db()
    assert session.sequence == 0
    assert not Notification.objects.filter(user=place.kw1, title__contains="has moved").exists()
