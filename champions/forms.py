from __future__ import annotations

from django import forms

from champions.models import ActivityKind
from champions.services import FAMILY_WARNING
from hub.models import Team, User


class NominationForm(forms.Form):
    user = forms.ModelChoiceField(
        queryset=User.objects.none(), label="Keyworker", empty_label="Choose a keyworker"
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), max_length=500, help_text="A sentence or two on why."
    )

    def __init__(self, *args, keyworkers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = keyworkers


class DecisionForm(forms.Form):
    note = forms.CharField(
        required=False,
        max_length=500,
        label="Reason for declining",
        help_text="Needed only when you decline; the LA lead sees it.",
    )


class WithdrawForm(forms.Form):
    on = forms.DateField(
        label="Last day as a champion ended on", widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(max_length=500, help_text="For example “left the service” or “stepped down”.")


class ActivityForm(forms.Form):
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    team = forms.ModelChoiceField(queryset=Team.objects.none(), required=False, empty_label="Not one team")
    kind = forms.ChoiceField(choices=ActivityKind.choices, label="What kind of activity")
    colleagues = forms.IntegerField(min_value=0, max_value=200, label="Number of colleagues")
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), max_length=600, help_text=FAMILY_WARNING
    )

    def __init__(self, *args, la, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.filter(organisation=la) if la else Team.objects.none()
