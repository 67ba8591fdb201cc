from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from hub import access
from hub.models import Team
from hub.views import _apply_errors
from reflective_practice import ics, recurrence, selectors, services
from reflective_practice.forms import (
    AttendanceForm,
    BookForm,
    CancelForm,
    MoveBookingForm,
    NoteForm,
    PatternForm,
    SeriesForm,
    SessionCancelForm,
    SessionMoveForm,
    SlotForm,
    WaitlistForm,
)
from reflective_practice.models import CalendarFeed, Slot, WaitlistEntry

ICS_TYPE = "text/calendar; charset=utf-8"


# --- group sessions -----------------------------------------------------------------


@access.require(access.reflective_rule)
def home(request):
    user = request.user
    now = timezone.now()
    sessions = list(selectors.sessions_for(user, since=now - dt.timedelta(days=35))[:60])
    return render(
        request,
        "reflective_practice/home.html",
        {
            "sessions": sessions,
            "now": now,
            "is_practitioner": access.is_practitioner(user),
            "is_keyworker": access.is_keyworker(user),
        },
    )


@access.require(access.may_view_session)
def session_detail(request, pk: int):
    session = selectors.session_detail(pk)
    user = request.user
    invitees = selectors.session_invitees(session)
    is_invitee = invitees.filter(pk=user.pk).exists()
    my_rsvp = session.rsvps.filter(user=user).first()
    manages = access.can_manage_reflective(user, session.series.organisation_id)
    return render(
        request,
        "reflective_practice/session_detail.html",
        {
            "session": session,
            "is_invitee": is_invitee,
            "my_rsvp": my_rsvp,
            "manages": manages,
            "going": session.rsvps.filter(going=True).count(),
            "attendees": list(session.attendances.select_related("user")) if manages else [],
            "now": timezone.now(),
        },
    )


@access.require(access.may_view_session)
@require_POST
def session_rsvp(request, pk: int):
    session = selectors.session_detail(pk)
    going = request.POST.get("going") == "yes"
    try:
        services.rsvp_set(user=request.user, session=session, going=going)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Thanks: you are going." if going else "Thanks: you are not going.")
    return redirect("reflective_session_detail", pk=pk)


@access.require(access.may_change_session)
def session_change(request, pk: int):
    session = selectors.session_detail(pk)
    local_start = timezone.localtime(session.starts_at)
    move_form = SessionMoveForm(
        initial={
            "day": local_start.date(),
            "start_time": local_start.time(),
            "end_time": timezone.localtime(session.ends_at).time(),
            "venue": session.venue,
        },
        prefix="move",
    )
    cancel_form = SessionCancelForm(prefix="cancel")
    if request.method == "POST":
        try:
            if request.POST.get("action") == "cancel":
                cancel_form = SessionCancelForm(request.POST, prefix="cancel")
                if cancel_form.is_valid():
                    services.session_cancel(actor=request.user, session=session, **cancel_form.cleaned_data)
                    messages.success(request, "Session cancelled; the invitees have been told.")
                    return redirect("reflective_session_detail", pk=pk)
            else:
                move_form = SessionMoveForm(request.POST, prefix="move")
                if move_form.is_valid():
                    services.session_move(actor=request.user, session=session, **move_form.cleaned_data)
                    messages.success(request, "Session moved; the invitees have been told.")
                    return redirect("reflective_session_detail", pk=pk)
        except ValidationError as exc:
            _apply_errors(cancel_form if request.POST.get("action") == "cancel" else move_form, exc)
    return render(
        request,
        "reflective_practice/session_change.html",
        {"session": session, "move_form": move_form, "cancel_form": cancel_form},
    )


@access.require(access.may_change_session)
def session_attendance(request, pk: int):
    session = selectors.session_detail(pk)
    invitees = selectors.session_invitees(session)
    initial = {
        "attendees": list(session.attendances.values_list("user_id", flat=True)),
        "theme": session.theme,
    }
    form = AttendanceForm(request.POST or None, invitees=invitees, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.attendance_mark(
                actor=request.user,
                session=session,
                attendees=form.cleaned_data["attendees"],
                theme=form.cleaned_data["theme"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "Attendance saved.")
            return redirect("reflective_session_detail", pk=pk)
    return render(request, "reflective_practice/session_attendance.html", {"session": session, "form": form})


@access.require(access.may_manage_sessions)
def series_create(request):
    la = access.home_la(request.user)
    teams = Team.objects.filter(organisation=la)
    form = SeriesForm(request.POST or None, teams=teams)
    if request.method == "POST" and form.is_valid():
        try:
            series = services.series_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"Series created: {series.sessions.count()} sessions in the pilot.")
            return redirect("reflective_home")
    return render(request, "reflective_practice/series_form.html", {"form": form})


@access.require(access.may_view_session)
def session_ics(request, pk: int):
    session = selectors.session_detail(pk)
    event = ics.Event(
        uid=session.uid,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        summary=session.series.title,
        location=session.online_link or session.venue,
        cancelled=session.is_cancelled,
        sequence=session.sequence,
    )
    body = ics.calendar([event], name=session.series.title, now=timezone.now())
    response = HttpResponse(body, content_type=ICS_TYPE)
    response["Content-Disposition"] = f'attachment; filename="session-{session.pk}.ics"'
    return response


# --- consultations ---------------------------------------------------------------------


@access.require(access.consultations_rule)
def consultations(request):
    user = request.user
    now = timezone.now()
    la = access.home_la(user)
    context = {
        "now": now,
        "is_keyworker": access.is_keyworker(user),
        "is_practitioner": access.is_practitioner(user),
    }
    if context["is_keyworker"] and la is not None:
        context["free_slots"] = selectors.free_slots(organisation_id=la.pk, now=now)[:40]
        context["bookings"] = list(selectors.bookings_of(user)[:50])
        context["waitlist"] = list(selectors.waitlist_of(user, now=now))
    if context["is_practitioner"]:
        context["slots"] = list(selectors.practitioner_slots(user, since=now - dt.timedelta(days=7))[:100])
    return render(request, "reflective_practice/consultations.html", context)


@access.require(access.may_book_slot)
def slot_book(request, pk: int):
    slot = get_object_or_404(Slot.objects.select_related("practitioner"), pk=pk)
    form = BookForm(request.POST or None)
    next_free: list[Slot] = []
    if request.method == "POST" and form.is_valid():
        try:
            booking = services.booking_create(
                actor=request.user, slot=slot, purpose=form.cleaned_data["purpose"]
            )
        except services.SlotTaken as exc:
            form.add_error(None, exc.messages)
            next_free = exc.next_free
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"Booked: {slot}.")
            return redirect("reflective_booking_detail", pk=booking.pk)
    return render(
        request, "reflective_practice/slot_book.html", {"slot": slot, "form": form, "next_free": next_free}
    )


@access.require(access.may_view_booking)
def booking_detail(request, pk: int):
    booking = selectors.booking_detail(pk)
    user = request.user
    is_owner = booking.keyworker_id == user.pk
    manages = access.can_manage_booking(user, booking)
    cancel_form = CancelForm(prefix="cancel")
    move_form = None
    if is_owner and booking.status == "booked":
        move_form = MoveBookingForm(
            prefix="move", slots=selectors.free_slots(organisation_id=booking.slot.organisation_id)
        )
    note_form = (
        NoteForm(initial={"private_note": booking.private_note}, prefix="note")
        if access.can_read_private_note(user, booking)
        else None
    )
    if request.method == "POST":
        action = request.POST.get("action")
        form = None
        try:
            if action == "cancel" and (is_owner or manages):
                form = cancel_form = CancelForm(request.POST, prefix="cancel")
                if form.is_valid():
                    services.booking_cancel(actor=user, booking=booking, reason=form.cleaned_data["reason"])
                    messages.success(request, "Consultation cancelled.")
                    return redirect("reflective_booking_detail", pk=pk)
            elif action == "move" and move_form is not None:
                form = move_form = MoveBookingForm(
                    request.POST,
                    prefix="move",
                    slots=selectors.free_slots(organisation_id=booking.slot.organisation_id),
                )
                if form.is_valid():
                    new = services.booking_move(actor=user, booking=booking, **form.cleaned_data)
                    messages.success(request, f"Consultation moved to {new.slot}.")
                    return redirect("reflective_booking_detail", pk=new.pk)
            elif action in ("held", "not_attended") and manages:
                services.booking_mark(actor=user, booking=booking, held=action == "held")
                messages.success(request, "Saved.")
                return redirect("reflective_booking_detail", pk=pk)
            elif action == "note" and note_form is not None:
                form = note_form = NoteForm(request.POST, prefix="note")
                if form.is_valid():
                    services.booking_note_set(
                        actor=user, booking=booking, note=form.cleaned_data["private_note"]
                    )
                    messages.success(request, "Note saved.")
                    return redirect("reflective_booking_detail", pk=pk)
            else:
                raise PermissionDenied
        except ValidationError as exc:
            if form is None:
                messages.error(request, " ".join(exc.messages))
            else:
                _apply_errors(form, exc)
    return render(
        request,
        "reflective_practice/booking_detail.html",
        {
            "booking": booking,
            "is_owner": is_owner,
            "manages": manages,
            "cancel_form": cancel_form,
            "move_form": move_form,
            "note_form": note_form,
            "now": timezone.now(),
        },
    )


@access.require(access.may_view_booking)
def booking_ics(request, pk: int):
    booking = selectors.booking_detail(pk)
    event = selectors.booking_event(booking, user=request.user)
    body = ics.calendar([event], name="Consultation", now=timezone.now())
    response = HttpResponse(body, content_type=ICS_TYPE)
    response["Content-Disposition"] = f'attachment; filename="consultation-{booking.pk}.ics"'
    return response


@access.require(access.may_book_consultations)
def waitlist_join(request):
    now = timezone.now()
    form = WaitlistForm(request.POST or None, weeks=selectors.waitlist_weeks(now=now))
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.waitlist_join(actor=request.user, day=form.cleaned_data["week"], now=now)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(
                request, f"You are on the waiting list for the week beginning {entry.week_start:%-d %B}."
            )
            return redirect("reflective_consultations")
    return render(request, "reflective_practice/waitlist_form.html", {"form": form})


@access.require(access.may_leave_waitlist)
@require_POST
def waitlist_leave(request, pk: int):
    entry = get_object_or_404(WaitlistEntry, pk=pk)
    try:
        services.waitlist_leave(actor=request.user, entry=entry)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "You are off the waiting list for that week.")
    return redirect("reflective_consultations")


def _local_dt(day: dt.date, time: dt.time) -> dt.datetime:
    return recurrence.local_to_utc(day, time)


@access.require(access.may_manage_consultations)
def slot_create(request):
    form = SlotForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.slot_create(
                actor=request.user,
                starts_at=_local_dt(data["day"], data["start_time"]),
                ends_at=_local_dt(data["day"], data["end_time"]),
                mode=data["mode"],
                location=data["location"],
                min_hours_ahead=data["min_hours_ahead"],
                max_weeks_ahead=data["max_weeks_ahead"],
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and "ends_at" in exc.error_dict:
                form.add_error("end_time", exc.error_dict["ends_at"])
            elif hasattr(exc, "error_dict") and "starts_at" in exc.error_dict:
                form.add_error("start_time", exc.error_dict["starts_at"])
            else:
                _apply_errors(form, exc)
        else:
            messages.success(request, "Time offered.")
            return redirect("reflective_consultations")
    return render(
        request, "reflective_practice/availability_form.html", {"form": form, "title": "Offer a single time"}
    )


@access.require(access.may_manage_consultations)
def availability_create(request):
    form = PatternForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["buffer_minutes"] = data.get("buffer_minutes") or 0
        try:
            pattern = services.pattern_create(actor=request.user, **data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"{pattern.slots.count()} times offered.")
            return redirect("reflective_consultations")
    return render(
        request,
        "reflective_practice/availability_form.html",
        {"form": form, "title": "Offer a weekly pattern"},
    )


# --- calendar feed -------------------------------------------------------------------------


@access.require(access.signed_in)
def feed_settings(request):
    if request.method == "POST":
        services.feed_regenerate(user=request.user)
        messages.success(request, "Your calendar link has changed: the old link no longer works.")
        return redirect("reflective_feed_settings")
    feed = services.feed_get_or_create(user=request.user)
    url = request.build_absolute_uri(reverse("reflective_feed", args=[feed.token]))
    return render(request, "reflective_practice/feed_settings.html", {"feed_url": url})


@access.require(access.anyone)
def feed(request, token: str):
    """The private feed: the token is the only credential, and reveals nothing when wrong."""
    record = CalendarFeed.objects.select_related("user").filter(token=token).first()
    if record is None or not record.user.is_active:
        raise Http404
    now = timezone.now()
    events = selectors.feed_events(record.user, now=now, request=request)
    body = ics.calendar(events, name="Systemic Practice Hub", now=now)
    response = HttpResponse(body, content_type=ICS_TYPE)
    response["Cache-Control"] = "private, no-store"
    return response
