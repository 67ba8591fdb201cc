from __future__ import annotations

import re

from django import forms

from hub.recruitment import scoring, services
from hub.recruitment.models import CONTACT_FIELDS, CONTACTS, NUMBERS, OPEN_ANSWERS, OutcomeEmailTemplate

YES_NO = [("yes", "Yes"), ("no", "No")]

QUESTIONS = {
    "systemic_practice_recently": (
        "Currently, or in the last three years, has your local authority implemented systemic practice "
        "in its keyworker teams?",
        "This includes systematic training in systemic practice for keyworkers or the hiring or "
        "commissioning of psychotherapists or clinicians to support keyworkers.",
    ),
    "families_first_pathfinder": (
        "Is your local authority a Families First for Children DfE pathfinder local authority?",
        "",
    ),
    "ofsted_inadequate_recently": (
        "Currently, or in the last two years, has your local authority received an inadequate Children's "
        "Services Ofsted rating?",
        "",
    ),
}

NUMBER_HINTS = {
    "keyworkers": "Keyworkers partly or wholly funded by the Supporting Families Programme, with a family caseload.",
    "keyworker_teams": "The number of teams your Supporting Families Programme has.",
    "additional_families_2022_23": "Families who had an Early Help assessment or equivalent and were worked "
    "with for at least 12 weeks.",
}

OPEN_HINTS = {
    "integration": "Describe how your Supporting Families Programme works with your Early Help or equivalent "
    "family support service, and whether they overlap significantly.",
    "practice_model": "Outline any practice models or approaches your Supporting Families programme or Early "
    "Help service uses, for example Signs of Safety or Contextual Safeguarding.",
    "project_support": "Outline the roles and experience of each of the key people who will support the "
    "implementation, including senior leadership.",
    "hiring": "Outline how you would identify and hire systemic practitioners trained to intermediate level "
    "(equivalent to Band 6 NHS Agenda for Change).",
    "training_embedding": "Outline how you would support the training of keyworkers and embed systemic "
    "practice, including use of the virtual hub and group supervision.",
    "sustainability": "Outline how you would keep systemic practice going after the pilot, from 2026 "
    "onwards, with examples of initiatives you have kept going after their first funding ended.",
    "supporting_evaluation": "Outline how you would support the collection of data for the pilot study, and "
    "any experience of externally commissioned evaluation in early help or children's social care.",
}


class WholeNumberField(forms.CharField):
    """A count: digits only (commas and spaces between digits are allowed), no decimals."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric", "class": "input-number"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        cleaned = re.sub(r"(?<=\d)[, ](?=\d)", "", value.strip())
        if not cleaned.isdigit() or not cleaned.isascii():
            raise forms.ValidationError(
                "Enter a whole number, like 24, with no decimals, letters or minus sign."
            )
        # Length first: int() refuses strings past Python's digit limit (4,300) with an error.
        if len(cleaned.lstrip("0")) > 10 or int(cleaned) > 2_000_000_000:
            raise forms.ValidationError("That number is too large. Check it and enter it again.")
        return int(cleaned)

    def validate(self, value):
        if value is None and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")


class YesNoField(forms.TypedChoiceField):
    def __init__(self, **kwargs):
        super().__init__(
            choices=YES_NO,
            coerce=lambda v: v == "yes",
            empty_value=None,
            widget=forms.RadioSelect,
            **kwargs,
        )

    def prepare_value(self, value):
        if value is True:
            return "yes"
        if value is False:
            return "no"
        return value


def _words_validator(limit: int):
    def check(value: str) -> None:
        services.check_words(value, limit)

    return check


class EoiForm(forms.Form):
    """The public expression-of-interest form. With `submitting` every answer is
    required; saving a draft needs only the lead contact's email."""

    def __init__(
        self, *args, choices: list[str], submitting: bool = False, has_letter: bool = False, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.submitting = submitting
        self.has_letter = has_letter
        self.fields["local_authority"] = forms.ChoiceField(
            label="Local authority submitting the expression of interest",
            choices=[("", "Choose your local authority")] + [(c, c) for c in choices],
            error_messages={"invalid_choice": "Choose your local authority from the list."},
        )
        for prefix, _title in CONTACTS:
            for f, label in CONTACT_FIELDS:
                name = f"{prefix}_{f}"
                if f == "email":
                    field = forms.EmailField(
                        label=label,
                        max_length=254,
                        error_messages={"invalid": "Enter an email address like name@council.gov.uk."},
                    )
                elif f == "phone":
                    field = forms.CharField(
                        label=label,
                        max_length=30,
                        validators=[services.check_phone],
                        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
                    )
                else:
                    field = forms.CharField(label=label, max_length=150 if f == "job_title" else 100)
                self.fields[name] = field
        for name, (question, hint) in QUESTIONS.items():
            self.fields[name] = YesNoField(label=question, help_text=hint)
            if name == "systemic_practice_recently":
                self.fields["systemic_practice_details"] = forms.CharField(
                    label="If yes, please provide details",
                    widget=forms.Textarea(attrs={"rows": 4}),
                )
        for name, label in NUMBERS:
            self.fields[name] = WholeNumberField(label=label, help_text=NUMBER_HINTS.get(name, ""))
        for name, label, limit in OPEN_ANSWERS:
            self.fields[name] = forms.CharField(
                label=label,
                help_text=f"{OPEN_HINTS[name]} Maximum {limit} words.",
                validators=[_words_validator(limit)],
                strip=True,
                widget=forms.Textarea(attrs={"rows": 8, "data-word-limit": str(limit)}),
            )
        self.fields["dcs_letter"] = forms.FileField(
            label="Supporting letter from your Director of Children's Services (PDF)",
            help_text=(
                "Signed, on headed paper, agreeing to take part in the pilot study, including if assigned to "
                f"the control group. PDF only, up to {services.letter_max_bytes() // (1024 * 1024)} MB."
            ),
            validators=[services.check_pdf],
            widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
        )
        if has_letter:
            self.fields[
                "dcs_letter"
            ].help_text += " You have already uploaded a letter: upload another to replace it."
        for name, field in self.fields.items():
            if not submitting:
                field.required = name == "lead_email"
            elif name in ("systemic_practice_details",) or (name == "dcs_letter" and has_letter):
                field.required = False

    def clean(self):
        data = super().clean()
        if (
            self.submitting
            and data.get("systemic_practice_recently")
            and not data.get("systemic_practice_details")
        ):
            self.add_error(
                "systemic_practice_details", "You answered yes: give details of the systemic practice."
            )
        return data

    def sections(self) -> list[dict]:
        def bound(names):
            return [self[n] for n in names]

        contact = lambda prefix: bound([f"{prefix}_{f}" for f, _ in CONTACT_FIELDS])  # noqa: E731
        titles = dict(CONTACTS)
        return [
            {
                "title": "Lead contact",
                "intro": "The local authority submitting this expression of interest, and the lead contact. "
                "We email the lead contact a link to finish the form later, and a copy of the answers.",
                "fields": bound(["local_authority"]) + contact("lead"),
            },
            {
                "title": "Eligibility",
                "intro": "Answers on the eligibility criteria for your local authority.",
                "fields": bound(
                    [
                        "systemic_practice_recently",
                        "systemic_practice_details",
                        "families_first_pathfinder",
                        "ofsted_inadequate_recently",
                    ]
                ),
            },
            {
                "title": "Your Supporting Families Programme in numbers",
                "intro": "Whole numbers only (0 if none).",
                "fields": bound([n for n, _ in NUMBERS] + ["integration"]),
            },
            {
                "title": "Experience and motivation for applying",
                "intro": "",
                "fields": bound([n for n, _label, _limit in OPEN_ANSWERS if n != "integration"]),
            },
            *[
                {"title": titles[prefix], "intro": "", "fields": contact(prefix)}
                for prefix in ("sf_lead", "dcs", "data_lead")
            ],
            {"title": "Supporting letter", "intro": "", "fields": bound(["dcs_letter"])},
        ]


class AssessmentForm(forms.Form):
    """One mark and comment per criterion of the scoring matrix."""

    def __init__(self, *args, marks: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        marks = marks or {}
        for c in scoring.CRITERIA:
            mark = marks.get(c.code)
            self.fields[f"{c.code}_value"] = forms.ChoiceField(
                label=c.label,
                choices=[("", "Not marked yet")] + scoring.VALUES_BY_KIND[c.kind],
                required=False,
                initial=mark.value if mark else "",
                widget=forms.RadioSelect,
            )
            self.fields[f"{c.code}_comment"] = forms.CharField(
                label=f"Comment on {c.label[0].lower()}{c.label[1:]}",
                required=False,
                initial=mark.comment if mark else "",
                widget=forms.Textarea(attrs={"rows": 3}),
            )

    def rows(self):
        return [(c, self[f"{c.code}_value"], self[f"{c.code}_comment"]) for c in scoring.CRITERIA]

    def marks(self) -> dict[str, tuple[str, str]]:
        return {
            c.code: (self.cleaned_data[f"{c.code}_value"], self.cleaned_data[f"{c.code}_comment"])
            for c in scoring.CRITERIA
        }


class ClarificationCallForm(forms.Form):
    called_on = forms.DateField(
        label="Date of the call",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="For example 12/03/2024.",
    )
    spoke_with = forms.CharField(label="Who you spoke with", max_length=150)
    notes = forms.CharField(label="What was clarified", widget=forms.Textarea(attrs={"rows": 4}))


class RandomiseForm(forms.Form):
    reason = forms.CharField(
        label="Why randomise again?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed only if this round has already been randomised. Both runs stay on record; "
        "the latest sets the arms.",
    )


class OutcomeTemplateForm(forms.ModelForm):
    class Meta:
        model = OutcomeEmailTemplate
        fields = ["subject", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 10})}
        help_texts = {
            "body": "You may use {{ first_name }}, {{ local_authority }} and {{ round }}.",
        }
