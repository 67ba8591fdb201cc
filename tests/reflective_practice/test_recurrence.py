from __future__ import annotations

import datetime as dt

from reflective_practice import recurrence
from reflective_practice.models import Ordinal, Weekday


def test_second_tuesday_and_last_thursday_of_a_month():
    assert recurrence.nth_weekday(2025, 3, Weekday.TUESDAY, Ordinal.SECOND) == dt.date(2025, 3, 11)
    assert recurrence.nth_weekday(2025, 10, Weekday.THURSDAY, Ordinal.LAST) == dt.date(2025, 10, 30)
    # A month with no fifth Monday has no such day, rather than an error.
    assert recurrence.nth_weekday(2025, 2, Weekday.MONDAY, 5) is None


def test_a_monthly_session_keeps_its_local_time_across_both_clock_changes():
    rows = recurrence.monthly(
        ordinal=Ordinal.LAST,
        weekday=Weekday.SUNDAY,
        start_time=dt.time(10, 0),
        end_time=dt.time(11, 30),
        first_day=dt.date(2025, 2, 1),
        last_day=dt.date(2025, 11, 30),
    )
    by_day = {day: (start, end) for day, start, end in rows}
    # The last Sunday of March 2025 (30th) is the spring change: 10:00 BST is 09:00 UTC.
    assert by_day[dt.date(2025, 2, 23)][0] == dt.datetime(2025, 2, 23, 10, 0, tzinfo=dt.UTC)
    assert by_day[dt.date(2025, 3, 30)][0] == dt.datetime(2025, 3, 30, 9, 0, tzinfo=dt.UTC)
    # The last Sunday of October 2025 (26th) is back on GMT.
    assert by_day[dt.date(2025, 9, 28)][0] == dt.datetime(2025, 9, 28, 9, 0, tzinfo=dt.UTC)
    assert by_day[dt.date(2025, 10, 26)][0] == dt.datetime(2025, 10, 26, 10, 0, tzinfo=dt.UTC)
    for _day, start, end in rows:
        assert start.astimezone(recurrence.LONDON).time() == dt.time(10, 0)
        assert end.astimezone(recurrence.LONDON).time() == dt.time(11, 30)
    assert len(rows) == 10


def test_weekly_slots_fill_the_window_with_buffers_and_drop_a_slot_that_does_not_fit():
    slots = recurrence.weekly_slots(
        weekday=Weekday.WEDNESDAY,
        start_time=dt.time(13, 0),
        end_time=dt.time(16, 0),
        slot_minutes=45,
        buffer_minutes=15,
        first_day=dt.date(2025, 3, 24),
        last_day=dt.date(2025, 4, 6),
    )
    local = [(s.astimezone(recurrence.LONDON), e.astimezone(recurrence.LONDON)) for s, e in slots]
    # 13:00, 14:00, 15:00 on each of two Wednesdays (the 26th in GMT, 2 April in BST).
    assert [(s.day, s.strftime("%H:%M"), e.strftime("%H:%M")) for s, e in local] == [
        (26, "13:00", "13:45"),
        (26, "14:00", "14:45"),
        (26, "15:00", "15:45"),
        (2, "13:00", "13:45"),
        (2, "14:00", "14:45"),
        (2, "15:00", "15:45"),
    ]
    assert slots[3][0] == dt.datetime(2025, 4, 2, 12, 0, tzinfo=dt.UTC)
