"""The fidelity indicators of the pilot: what each measures, its unit, and the
default red/amber/green bounds (from the design). Bounds are stored as data
(`Threshold`) so the delivery lead can change them; these are only the defaults."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Indicator:
    key: str
    label: str
    definition: str
    #: "percent", "count" or "days_late".
    unit: str
    #: Which app records the data; None for the hub's core.
    source_app: str | None
    green_low: float | None
    green_high: float | None
    amber_low: float | None
    amber_high: float | None


INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "practitioner",
        "Practitioner in post",
        "An active systemic practitioner membership; green when in post by the pilot's start "
        "(the figure is how many days after the start they took up post).",
        "days_late",
        None,
        None,
        0,
        None,
        60,
    ),
    Indicator(
        "cpd_completion",
        "CPD completion",
        "Keyworkers who attended all five CPD days (catch-ups count), out of all keyworkers.",
        "percent",
        "training",
        90,
        None,
        75,
        None,
    ),
    Indicator(
        "cpd_attendance",
        "CPD attendance",
        "CPD days attended, out of CPD days scheduled so far for the LA's keyworkers.",
        "percent",
        "training",
        85,
        None,
        70,
        None,
    ),
    Indicator(
        "champions_ratio",
        "Champions ratio",
        "Approved champions, out of keyworkers.",
        "percent",
        "champions",
        10,
        20,
        5,
        25,
    ),
    Indicator(
        "champions_course",
        "Champions course",
        "Champion-days attended, out of champion-days scheduled so far.",
        "percent",
        "champions",
        85,
        None,
        70,
        None,
    ),
    Indicator(
        "leaders_day",
        "Leaders' day",
        "Senior leaders of the LA who attended the leaders' day.",
        "count",
        "training",
        1,
        None,
        None,
        None,
    ),
    Indicator(
        "reflective_sessions",
        "Reflective sessions",
        "Team-months with at least one group reflective session held, out of team-months "
        "of the pilot so far.",
        "percent",
        "reflective_practice",
        100,
        None,
        80,
        None,
    ),
    Indicator(
        "reflective_attendance",
        "Reflective attendance",
        "Keyworker attendances at reflective sessions, out of keyworker invitations.",
        "percent",
        "reflective_practice",
        60,
        None,
        45,
        None,
    ),
    Indicator(
        "consultations",
        "Consultations",
        "Keyworkers with at least one consultation in the last quarter, out of keyworkers.",
        "percent",
        "reflective_practice",
        50,
        None,
        35,
        None,
    ),
    Indicator(
        "engagement",
        "Hub engagement",
        "Keyworkers active in the hub in the 30 days before the month's end, out of keyworkers.",
        "percent",
        None,
        70,
        None,
        50,
        None,
    ),
    Indicator(
        "contamination",
        "Contamination",
        "Refusals of treatment content to control-arm people during the month (should be none).",
        "count",
        None,
        None,
        0,
        None,
        2,
    ),
)

BY_KEY: dict[str, Indicator] = {i.key: i for i in INDICATORS}
