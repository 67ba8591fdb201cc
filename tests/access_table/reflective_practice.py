from __future__ import annotations

from tests.access_table import IFT, SIGNED_IN, TREATMENT, Url

PRACTITIONER = {"t_practitioner"}
#: Who sees one of the treatment LA's sessions or bookings: invitees or the booker,
#: the LA's practitioner, leads and senior leaders, the delivery lead and hub admins.
LA_VIEW = {"t_keyworker", "t_practitioner", "t_la_lead", "t_senior", "delivery_lead", "hub_admin"}
SURFACE = TREATMENT | IFT


def _session(w) -> int:
    return w.extra["rp_session"].pk


RULES = [
    Url("reflective_home", "/reflective/", SURFACE, treatment=True),
    Url("reflective_series_create", "/reflective/series/new/", PRACTITIONER, treatment=True),
    Url(
        "reflective_session_detail", lambda w: f"/reflective/sessions/{_session(w)}/", LA_VIEW, treatment=True
    ),
    Url(
        "reflective_session_ics", lambda w: f"/reflective/sessions/{_session(w)}.ics", LA_VIEW, treatment=True
    ),
    Url(
        "reflective_session_rsvp",
        lambda w: f"/reflective/sessions/{_session(w)}/rsvp/",
        LA_VIEW,
        ok_status=405,
        treatment=True,
    ),
    Url(
        "reflective_session_change",
        lambda w: f"/reflective/sessions/{_session(w)}/change/",
        PRACTITIONER,
        treatment=True,
    ),
    Url(
        "reflective_session_attendance",
        lambda w: f"/reflective/sessions/{_session(w)}/attendance/",
        PRACTITIONER,
        treatment=True,
    ),
    Url("reflective_consultations", "/reflective/consultations/", SURFACE, treatment=True),
    Url("reflective_slot_create", "/reflective/consultations/times/new/", PRACTITIONER, treatment=True),
    Url(
        "reflective_availability_create",
        "/reflective/consultations/pattern/new/",
        PRACTITIONER,
        treatment=True,
    ),
    Url(
        "reflective_slot_book",
        lambda w: f"/reflective/consultations/times/{w.extra['rp_free_slot'].pk}/book/",
        {"t_keyworker"},
        treatment=True,
    ),
    Url(
        "reflective_booking_detail",
        lambda w: f"/reflective/consultations/bookings/{w.extra['rp_booking'].pk}/",
        LA_VIEW,
        treatment=True,
    ),
    Url(
        "reflective_booking_ics",
        lambda w: f"/reflective/consultations/bookings/{w.extra['rp_booking'].pk}.ics",
        LA_VIEW,
        treatment=True,
    ),
    Url(
        "reflective_waitlist_join", "/reflective/consultations/waiting-list/", {"t_keyworker"}, treatment=True
    ),
    Url(
        "reflective_waitlist_leave",
        lambda w: f"/reflective/consultations/waiting-list/{w.extra['rp_waiting'].pk}/leave/",
        {"t_keyworker"},
        ok_status=405,
        treatment=True,
    ),
    Url("reflective_feed_settings", "/reflective/feed/", SIGNED_IN),
    # The feed's token is its only credential: anyone holding it gets the feed; the
    # events in it are filtered by the access policy for the feed's owner.
    Url(
        "reflective_feed",
        lambda w: f"/reflective/feed/{w.extra['rp_feed'].token}.ics",
        SIGNED_IN | {"anon"},
    ),
]


def build(world):
    import datetime as dt

    from django.utils import timezone

    from reflective_practice import services
    from reflective_practice.models import Ordinal, Weekday

    practitioner = world["t_practitioner"]
    series = services.series_create(
        actor=practitioner,
        teams=[world.treatment.teams.order_by("pk").first()],
        ordinal=Ordinal.SECOND,
        weekday=Weekday.TUESDAY,
        start_time=dt.time(10, 0),
        end_time=dt.time(11, 30),
        venue="Town Hall",
    )
    world.extra["rp_session"] = series.sessions.order_by("starts_at").first()
    start = timezone.now() + dt.timedelta(days=3)
    booked = services.slot_create(
        actor=practitioner, starts_at=start, ends_at=start + dt.timedelta(minutes=45)
    )
    free = services.slot_create(
        actor=practitioner, starts_at=start + dt.timedelta(hours=1), ends_at=start + dt.timedelta(hours=2)
    )
    world.extra["rp_free_slot"] = free
    world.extra["rp_booking"] = services.booking_create(
        actor=world["t_keyworker"], slot=booked, purpose="Help"
    )
    world.extra["rp_feed"] = services.feed_get_or_create(user=world["t_keyworker"])
    world.extra["rp_waiting"] = services.waitlist_join(
        actor=world["t_keyworker"], day=timezone.localdate() + dt.timedelta(weeks=1)
    )
