from __future__ import annotations

import datetime as dt

from django import forms

from hub.models import Team, User
from reflective_practice.models import Mode, Ordinal, Weekday
from reflective_practice.services import PURPOSE_WARNING, THEME_WARNING

DATE = forms.DateInput(attrs={"type": "date"})
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def _time(label: str, **kw) -> forms.TimeField:
    return forms.TimeField(
        label=label, widget=TIME, error_messages={"required": f"Enter the {label.lower()}, like 10:00."}, **kw
    )


def _day(label: str, **kw) -> forms.DateField:
    return forms.DateField(
        label=label, widget=DATE, error_messages={"required": f"Enter the {label.lower()}."}, **kw
    )


def _reason(help_text: str) -> forms.CharField:
    return forms.CharField(
        label="Reason",
        max_length=300,
        help_text=help_text,
        error_messages={"required": "Give a reason."},
    )


class SeriesForm(forms.Form):
    title = forms.CharField(max_length=150, initial="Group reflective practice")
    teams = forms.ModelMultipleChoiceField(
        queryset=Team.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one team."},
    )
    ordinal = forms.TypedChoiceField(label="Which week", choices=Ordinal.choices, coerce=int)
    weekday = forms.TypedChoiceField(
        label="Day", choices=Weekday.choices, coerce=int, initial=Weekday.TUESDAY
    )
    start_time = _time("Start time")
    end_time = _time("End time")
    venue = forms.CharField(max_length=200, required=False, help_text="A room and building, if in person.")
    online_link = forms.URLField(
        assume_scheme="https",
        label="Online joining link",
        required=False,
        error_messages={"invalid": "Enter a full web address."},
    )
    capacity = forms.IntegerField(min_value=1, max_value=200, initial=20)

    def __init__(self, *args, teams=None, **kwargs):
        super().__init__(*args, **kwargs)
        if teams is not None:
            self.fields["teams"].queryset = teams


class SessionMoveForm(forms.Form):
    day = _day("New date")
    start_time = _time("Start time")
    end_time = _time("End time")
    venue = forms.CharField(max_length=200, required=False)
    reason = _reason("The invitees will see this.")


class SessionCancelForm(forms.Form):
    reason = _reason("The invitees will see this.")


class AttendanceForm(forms.Form):
    attendees = forms.ModelMultipleChoiceField(
        label="Who attended",
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    theme = forms.CharField(label="Theme", max_length=120, required=False, help_text=THEME_WARNING)

    def __init__(self, *args, invitees=None, **kwargs):
        super().__init__(*args, **kwargs)
        if invitees is not None:
            self.fields["attendees"].queryset = invitees
            self.fields["attendees"].label_from_instance = lambda u: u.get_full_name()


class _Window(forms.Form):
    mode = forms.ChoiceField(choices=Mode.choices, initial=Mode.ONLINE)
    location = forms.CharField(
        max_length=200, required=False, help_text="A room, or the online joining link."
    )
    min_hours_ahead = forms.IntegerField(
        label="Book at least this many hours ahead", min_value=0, max_value=24 * 28, initial=24
    )
    max_weeks_ahead = forms.IntegerField(
        label="Book at most this many weeks ahead", min_value=1, max_value=52, initial=8
    )


class SlotForm(_Window):
    day = _day("Date")
    start_time = _time("Start time")
    end_time = _time("End time")

    field_order = ["day", "start_time", "end_time"]


class PatternForm(_Window):
    weekday = forms.TypedChoiceField(
        label="Day", choices=Weekday.choices, coerce=int, initial=Weekday.WEDNESDAY
    )
    start_time = _time("From")
    end_time = _time("Until")
    slot_minutes = forms.IntegerField(label="Minutes per slot", min_value=10, max_value=240, initial=45)
    buffer_minutes = forms.IntegerField(
        label="Minutes between slots", min_value=0, max_value=120, initial=0, required=False
    )
    first_day = _day("First day")
    last_day = _day("Last day")

    field_order = [
        "weekday",
        "start_time",
        "end_time",
        "slot_minutes",
        "buffer_minutes",
        "first_day",
        "last_day",
    ]


class BookForm(forms.Form):
    purpose = forms.CharField(
        label="What would you like to talk about?",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=PURPOSE_WARNING,
        error_messages={"required": "Say briefly what you would like to talk about."},
    )


class CancelForm(forms.Form):
    reason = _reason("The other person will see this.")


class MoveBookingForm(forms.Form):
    slot = forms.ModelChoiceField(
        label="New time", queryset=None, error_messages={"required": "Choose a new time."}
    )
    reason = _reason("Your practitioner will see this.")

    def __init__(self, *args, slots=(), **kwargs):
        super().__init__(*args, **kwargs)
        from reflective_practice.models import Slot

        self.fields["slot"].queryset = Slot.objects.filter(pk__in=[s.pk for s in slots])


class NoteForm(forms.Form):
    private_note = forms.CharField(
        label="Private note",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Only you can read this. Do not name or identify a family.",
    )


class WaitlistForm(forms.Form):
    week = forms.TypedChoiceField(
        label="Which week?",
        coerce=lambda value: dt.date.fromisoformat(value),
        help_text="We will tell you when a consultation time in that week is offered or frees up.",
        error_messages={"required": "Choose a week.", "invalid_choice": "Choose one of the weeks listed."},
    )

    def __init__(self, *args, weeks: list[dt.date], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["week"].choices = [(w.isoformat(), f"Week beginning {w:%A %-d %B %Y}") for w in weeks]
