from __future__ import annotations

from django import forms

from hub.models import Arm, Organisation, OrganisationKind, Role, Team


class OrganisationForm(forms.Form):
    name = forms.CharField(max_length=150, error_messages={"required": "Enter the organisation's name."})
    kind = forms.ChoiceField(choices=OrganisationKind.choices, initial=OrganisationKind.LOCAL_AUTHORITY)
    arm = forms.ChoiceField(
        choices=Arm.choices,
        initial=Arm.UNASSIGNED,
        help_text="The trial arm decides what this LA's people can see. Only LAs have one.",
    )

    def clean(self):
        data = super().clean()
        if (
            data.get("kind")
            and data["kind"] != OrganisationKind.LOCAL_AUTHORITY
            and data.get("arm") != Arm.UNASSIGNED
        ):
            self.add_error("arm", "Only local authorities have a trial arm: choose 'Not yet assigned'.")
        return data


class OrganisationUpdateForm(forms.Form):
    """An organisation's name and, for an LA, its trial arm. Its kind is fixed once it
    exists (its people's roles depend on it), so it is shown, not offered."""

    name = forms.CharField(max_length=150, error_messages={"required": "Enter the organisation's name."})
    arm = forms.ChoiceField(
        choices=Arm.choices,
        help_text="The trial arm decides what this LA's people can see.",
    )

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        if not organisation.is_local_authority:
            del self.fields["arm"]


class TeamForm(forms.Form):
    name = forms.CharField(max_length=150, error_messages={"required": "Enter the team's name."})


class InvitationForm(forms.Form):
    full_name = forms.CharField(
        label="Full name", max_length=150, error_messages={"required": "Enter the person's full name."}
    )
    email = forms.EmailField(
        label="Email address",
        error_messages={
            "required": "Enter their email address.",
            "invalid": "Enter an email address like name@council.gov.uk.",
        },
    )
    role = forms.ChoiceField(choices=())
    team = forms.ModelChoiceField(queryset=Team.objects.none(), required=False, empty_label="No team")

    def __init__(self, *args, organisation: Organisation, roles: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.fields["role"].choices = [(r, Role(r).label) for r in roles]
        self.fields["team"].queryset = organisation.teams.all()
        if not organisation.is_local_authority:
            del self.fields["team"]

    def clean(self):
        data = super().clean()
        if (
            data.get("role") == Role.KEYWORKER
            and self.organisation.is_local_authority
            and not data.get("team")
        ):
            self.add_error("team", "Choose the keyworker's team.")
        return data


class MembershipForm(forms.Form):
    role = forms.ChoiceField(choices=())
    team = forms.ModelChoiceField(queryset=Team.objects.none(), required=False, empty_label="No team")

    def __init__(self, *args, organisation: Organisation, roles: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(r, Role(r).label) for r in roles]
        self.fields["team"].queryset = organisation.teams.all()


class AcceptInvitationForm(forms.Form):
    full_name = forms.CharField(
        label="Your full name", max_length=150, error_messages={"required": "Enter your full name."}
    )
    password1 = forms.CharField(
        label="Choose a password",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 10 characters; not only numbers, not a common password.",
    )
    password2 = forms.CharField(
        label="Type the password again", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password2") and data["password1"] != data["password2"]:
            self.add_error("password2", "The two passwords are different: type the same password twice.")
        return data


class ErasureRequestForm(forms.Form):
    reason = forms.CharField(
        label="Why do you want your data erased? (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class AnonymiseForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        max_length=300,
        help_text="For example: erasure request of 3 March, or left the local authority.",
        error_messages={"required": "Give the reason for anonymising this person."},
    )
