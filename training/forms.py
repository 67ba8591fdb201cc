from __future__ import annotations

from django import forms

from hub.models import Organisation, Team
from training.models import Course, Status


class CohortForm(forms.Form):
    course = forms.ModelChoiceField(queryset=Course.objects.all(), empty_label="Choose a course")
    name = forms.CharField(max_length=150, help_text="For example “Ashdown CPD, spring 2025”.")
    local_authorities = forms.ModelMultipleChoiceField(
        queryset=Organisation.objects.local_authorities(),
        widget=forms.CheckboxSelectMultiple,
        label="Local authorities",
    )

    def __init__(self, *args, courses=None, las=None, **kwargs):
        super().__init__(*args, **kwargs)
        if courses is not None:
            self.fields["course"].queryset = courses
        if las is not None:
            self.fields["local_authorities"].queryset = las
        self.fields["local_authorities"].label_from_instance = lambda la: (
            f"{la.name} ({la.get_arm_display()})"
        )


class DayForm(forms.Form):
    number = forms.IntegerField(
        min_value=1,
        required=False,
        label="Day number",
        help_text="Leave empty for the next day not yet scheduled.",
    )
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    starts_at = forms.TimeField(
        label="Starts at", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    ends_at = forms.TimeField(label="Ends at", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    venue = forms.CharField(max_length=200, required=False)
    online_url = forms.URLField(required=False, label="Online meeting link", assume_scheme="https")


class EnrolForm(forms.Form):
    la = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        required=False,
        label="Everyone in a local authority",
        empty_label="No one",
        help_text="Keyworkers (or, for the leaders' day, leaders and managers) of this LA.",
    )
    team = forms.ModelChoiceField(queryset=Team.objects.none(), required=False, label="Or everyone in a team")
    emails = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        label="Or paste email addresses",
        help_text="Separate them with commas, spaces or new lines.",
    )

    def __init__(self, *args, cohort, **kwargs):
        super().__init__(*args, **kwargs)
        las = cohort.local_authorities.all()
        self.fields["la"].queryset = las
        self.fields["team"].queryset = Team.objects.filter(organisation__in=las).select_related(
            "organisation"
        )

    def clean(self):
        data = super().clean()
        if not (data.get("la") or data.get("team") or data.get("emails", "").strip()):
            raise forms.ValidationError("Choose an LA or a team, or paste some email addresses.")
        return data


class RemoveForm(forms.Form):
    reason = forms.CharField(max_length=300, help_text="For example “Left the service in May”.")


class MarkForm(forms.Form):
    person = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(choices=Status.choices)
