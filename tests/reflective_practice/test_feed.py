from __future__ import annotations

import datetime as dt

from django.urls import reverse

from hub.models import AccessRefusal, Arm, Role
from reflective_practice import ics, services
from reflective_practice.models import Ordinal, Weekday
from tests.factories import make_la, make_user
from tests.reflective_practice.conftest import slot_at


def parse(text: str) -> tuple[dict, list[dict]]:
    """A strict reading of RFC 5545 content lines: CRLF only, folded at 75 octets."""
    assert text.endswith("\r\n")
    physical = text[:-2].split("\r\n")
    assert all("\n" not in line and "\r" not in line for line in physical)
    assert all(len(line.encode()) <= 75 for line in physical)
    lines: list[str] = []
    for line in physical:
        if line.startswith(" "):
            lines[-1] += line[1:]
        else:
            lines.append(line)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    header, events, current, depth = {}, [], None, []
    for line in lines:
        name, _, value = line.partition(":")
        if name == "BEGIN":
            depth.append(value)
            if value == "VEVENT":
                current = {}
        elif name == "END":
            assert depth.pop() == value
            if value == "VEVENT":
                events.append(current)
                current = None
        elif current is not None:
            current[name] = value
        elif depth == ["VCALENDAR"]:
            header[name] = value
    assert depth == []
    return header, events


def unescape(value: str) -> str:
    return value.replace("\\n", "\n").replace("\\,", ",").replace("\\;", ";").replace("\\\\", "\\")


def test_text_is_escaped_and_long_lines_are_folded_without_splitting_characters():
    now = dt.datetime(2025, 3, 1, tzinfo=dt.UTC)
    summary = "Reflective practice; fathers, families \\ and “systems” " * 4
    event = ics.Event(
        uid="x@hub", starts_at=now, ends_at=now + dt.timedelta(hours=1), summary=summary, description="a\nb"
    )
    header, events = parse(ics.calendar([event], name="Mine", now=now))
    assert header["VERSION"] == "2.0"
    assert unescape(events[0]["SUMMARY"]) == summary
    assert unescape(events[0]["DESCRIPTION"]) == "a\nb"
    assert events[0]["DTSTART"] == "20250301T000000Z"


def _setup(place):
    team = place.kw1.memberships.get().team
    series = services.series_create(
        actor=place.practitioner,
        teams=[team],
        ordinal=Ordinal.SECOND,
        weekday=Weekday.TUESDAY,
        start_time=dt.time(10, 0),
        end_time=dt.time(11, 30),
        venue="Town Hall",
    )
    return series


def test_a_keyworkers_feed_lists_sessions_and_consultations_with_cancellations(place, client):
    series = _setup(place)
    sessions = list(series.sessions.order_by("starts_at"))
    services.session_cancel(actor=place.practitioner, session=sessions[-1], reason="Holiday")
    now = dt.datetime.now(dt.UTC)
    slot = slot_at(place.practitioner, now + dt.timedelta(days=3))
    booking = services.booking_create(actor=place.kw1, slot=slot, purpose="Help", now=now)
    feed = services.feed_get_or_create(user=place.kw1)
    response = client.get(reverse("reflective_feed", args=[feed.token]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    _header, events = parse(response.content.decode())
    by_uid = {e["UID"]: e for e in events}
    assert len(by_uid) == len(events)
    assert by_uid[sessions[-1].uid]["STATUS"] == "CANCELLED"
    consultation = by_uid[booking.uid]
    assert consultation["STATUS"] == "CONFIRMED"
    assert consultation["DTSTART"] == slot.starts_at.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    assert unescape(consultation["SUMMARY"]) == "Consultation with Pat Practitioner"
    for event in events:
        assert event["DTSTART"].endswith("Z") and event["DTEND"].endswith("Z") and "DTSTAMP" in event
    # A keyworker of another team is not invited: their feed has no sessions.
    other = services.feed_get_or_create(user=place.kw_other_team)
    _h, other_events = parse(client.get(reverse("reflective_feed", args=[other.token])).content.decode())
    assert other_events == []


def test_a_regenerated_token_stops_the_old_url_at_once(place, client):
    old = services.feed_get_or_create(user=place.kw1).token
    new = services.feed_regenerate(user=place.kw1).token
    assert new != old
    assert client.get(reverse("reflective_feed", args=[old])).status_code == 404
    assert client.get(reverse("reflective_feed", args=[new])).status_code == 200


def test_a_feed_address_with_characters_no_token_has_is_not_found(place, client):
    # None of these reaches the database (PostgreSQL refuses a NUL in a query): a NUL
    # gets the hub's "could not be read" page, other characters no token has a 404.
    answers = {"ab%00cd": 400, "ab%20cd": 404, "%C3%A9t%C3%A9": 404, "ab.cd": 404}
    assert {token: client.get(f"/reflective/feed/{token}.ics").status_code for token in answers} == answers


def test_a_control_arm_persons_feed_has_nothing_treatment_related_and_polling_it_counts_no_refusal(
    place, client
):
    """Calendar apps poll a feed every few minutes: the feed leaves treatment events
    out, but the polls are not attempts on treatment content, so the contamination
    indicator does not count them. The same person opening a page is counted."""
    series = _setup(place)
    control = make_la("Feedless Council", Arm.CONTROL)
    person = make_user(Role.KEYWORKER, control)
    feed = services.feed_get_or_create(user=person)
    for _ in range(3):
        _h, events = parse(client.get(reverse("reflective_feed", args=[feed.token])).content.decode())
        assert events == []
    assert not AccessRefusal.objects.filter(user=person).exists()
    client.force_login(person)
    assert (
        client.get(reverse("reflective_session_detail", args=[series.sessions.first().pk])).status_code == 403
    )
    assert AccessRefusal.objects.filter(user=person).count() == 1


def test_a_single_session_downloads_as_ics(place, client):
    series = _setup(place)
    session = series.sessions.first()
    client.force_login(place.kw1)
    response = client.get(reverse("reflective_session_ics", args=[session.pk]))
    _h, events = parse(response.content.decode())
    assert [e["UID"] for e in events] == [session.uid]


def test_a_single_consultation_downloads_as_ics(place, client):
    now = dt.datetime.now(dt.UTC)
    slot = slot_at(place.practitioner, now + dt.timedelta(days=3))
    booking = services.booking_create(actor=place.kw1, slot=slot, purpose="Help", now=now)
    client.force_login(place.kw1)
    _h, events = parse(client.get(reverse("reflective_booking_ics", args=[booking.pk])).content.decode())
    assert [(e["UID"], e["STATUS"]) for e in events] == [(booking.uid, "CONFIRMED")]


def test_a_consultation_downloaded_by_either_person_is_named_after_the_other(place, client):
    now = dt.datetime.now(dt.UTC)
    slot = slot_at(place.practitioner, now + dt.timedelta(days=3))
    booking = services.booking_create(actor=place.kw1, slot=slot, purpose="Help", now=now)
    url = reverse("reflective_booking_ics", args=[booking.pk])
    for person, other in ((place.kw1, "Pat Practitioner"), (place.practitioner, "Kay One")):
        client.force_login(person)
        _h, events = parse(client.get(url).content.decode())
        assert [unescape(e["SUMMARY"]) for e in events] == [f"Consultation with {other}"]
