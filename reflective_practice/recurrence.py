"""Monthly and weekly rules, computed in Europe/London local time and returned in UTC.

A session at 10:00 stays at 10:00 local time across the clock changes; its UTC time
shifts by an hour between GMT and BST."""

from __future__ import annotations

import calendar
import datetime as dt
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")
UTC = dt.UTC


def nth_weekday(year: int, month: int, weekday: int, ordinal: int) -> dt.date | None:
    """The `ordinal`-th `weekday` (0 = Monday) of a month; ordinal -1 is the last.
    None when the month has no such day (a fifth Monday, say)."""
    days = [
        dt.date(year, month, d)
        for d in range(1, calendar.monthrange(year, month)[1] + 1)
        if dt.date(year, month, d).weekday() == weekday
    ]
    if ordinal == -1:
        return days[-1]
    return days[ordinal - 1] if 1 <= ordinal <= len(days) else None


def local_to_utc(day: dt.date, time: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, time, tzinfo=LONDON).astimezone(UTC)


def months_between(first_day: dt.date, last_day: dt.date) -> list[dt.date]:
    out, cursor = [], first_day.replace(day=1)
    while cursor <= last_day:
        out.append(cursor)
        cursor = (cursor + dt.timedelta(days=32)).replace(day=1)
    return out


def monthly(
    *,
    ordinal: int,
    weekday: int,
    start_time: dt.time,
    end_time: dt.time,
    first_day: dt.date,
    last_day: dt.date,
) -> list[tuple[dt.date, dt.datetime, dt.datetime]]:
    """(local date, start in UTC, end in UTC) for each month from first_day to last_day."""
    out = []
    for month in months_between(first_day, last_day):
        day = nth_weekday(month.year, month.month, weekday, ordinal)
        if day is not None and first_day <= day <= last_day:
            out.append((day, local_to_utc(day, start_time), local_to_utc(day, end_time)))
    return out


def weekly_slots(
    *,
    weekday: int,
    start_time: dt.time,
    end_time: dt.time,
    slot_minutes: int,
    buffer_minutes: int,
    first_day: dt.date,
    last_day: dt.date,
) -> list[tuple[dt.datetime, dt.datetime]]:
    """(start, end) in UTC of each slot that fits in the window on each `weekday`."""
    length = dt.timedelta(minutes=slot_minutes)
    step = dt.timedelta(minutes=slot_minutes + buffer_minutes)
    out = []
    day = first_day + dt.timedelta(days=(weekday - first_day.weekday()) % 7)
    while day <= last_day:
        cursor = dt.datetime.combine(day, start_time)
        stop = dt.datetime.combine(day, end_time)
        while cursor + length <= stop:
            out.append(
                (
                    cursor.replace(tzinfo=LONDON).astimezone(UTC),
                    (cursor + length).replace(tzinfo=LONDON).astimezone(UTC),
                )
            )
            cursor += step
        day += dt.timedelta(days=7)
    return out


def week_start(day: dt.date) -> dt.date:
    """The Monday of the week holding `day`."""
    return day - dt.timedelta(days=day.weekday())


def local_week(moment: dt.datetime) -> dt.date:
    """The Monday of the Europe/London week in which `moment` falls."""
    return week_start(moment.astimezone(LONDON).date())
