"""Recruitment of local authorities into a pilot: a round of expressions of interest
(EOIs), their assessment against the guidance's scoring matrix, and the recorded
randomisation that gives each selected LA its trial arm."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from hub.recruitment import scoring


class RecruitmentRound(models.Model):
    """One call for expressions of interest, for one pilot (a later trial is another round)."""

    name = models.CharField(max_length=150)
    pilot = models.ForeignKey("hub.Pilot", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    is_open = models.BooleanField(default=True, help_text="Open rounds accept new expressions of interest.")
    target = models.PositiveSmallIntegerField(
        default=12, help_text="How many eligible LAs the randomisation selects (half to each arm)."
    )
    extra_local_authorities = models.TextField(
        blank=True,
        help_text="Further names the form may offer, one a line (for example a fictional LA of a demonstration).",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.CheckConstraint(condition=Q(target__gte=2), name="round_target_at_least_two")]

    def __str__(self) -> str:
        return self.name


class EoiStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"


#: The four contacts the form asks for, each with the same five fields.
CONTACTS = [
    ("lead", "Lead contact for the expression of interest"),
    ("sf_lead", "Supporting Families Programme lead"),
    ("dcs", "Director of Children's Services (or equivalent)"),
    ("data_lead", "Data lead for the Supporting Families Programme"),
]
CONTACT_FIELDS = [
    ("first_name", "First name"),
    ("surname", "Surname"),
    ("job_title", "Job title"),
    ("email", "Email"),
    ("phone", "Phone number"),
]

#: Whole-number answers on the LA's Supporting Families data: (field, label).
NUMBERS = [
    ("keyworkers", "Current number of Supporting Families keyworkers"),
    ("keyworker_teams", "Current number of Supporting Families keyworker teams"),
    ("additional_keyworkers", "Current number of additional early help or family support keyworkers"),
    ("families_2022_23", "Number of families supported by your Supporting Families Programme in 2022/23"),
    ("children_2022_23", "Number of children supported by your Supporting Families Programme in 2022/23"),
    (
        "additional_families_2022_23",
        "Number of additional families supported by your Early Help or equivalent service in 2022/23",
    ),
]

#: Open answers with their word limits: (field, label, limit).
OPEN_ANSWERS = [
    ("integration", "Integration with Early Help", 250),
    ("practice_model", "Practice model", 250),
    ("project_support", "Project support and senior leadership", 250),
    ("hiring", "Hiring of systemic practitioners", 250),
    ("training_embedding", "Training and embedding of systemic practice", 250),
    ("sustainability", "Sustainability", 500),
    ("supporting_evaluation", "Supporting evaluation", 500),
]
WORD_LIMITS = {name: limit for name, _label, limit in OPEN_ANSWERS}


def _letter_path(instance, filename: str) -> str:
    """Kept for migration 0001; letters now live in the database."""
    return f"eoi/letters/{filename}"


class ExpressionOfInterest(models.Model):
    """A local authority's expression of interest, draft or submitted. Drafts may be
    incomplete; the services refuse to submit one that is not."""

    round = models.ForeignKey(RecruitmentRound, on_delete=models.PROTECT, related_name="eois")
    status = models.CharField(max_length=10, choices=EoiStatus.choices, default=EoiStatus.DRAFT)
    resume_token_hash = models.CharField(max_length=64, unique=True)
    local_authority = models.CharField(
        "Local authority submitting the expression of interest", max_length=150
    )

    # Contacts.
    lead_first_name = models.CharField(max_length=100, blank=True)
    lead_surname = models.CharField(max_length=100, blank=True)
    lead_job_title = models.CharField(max_length=150, blank=True)
    lead_email = models.EmailField(blank=True)
    lead_phone = models.CharField(max_length=30, blank=True)
    sf_lead_first_name = models.CharField(max_length=100, blank=True)
    sf_lead_surname = models.CharField(max_length=100, blank=True)
    sf_lead_job_title = models.CharField(max_length=150, blank=True)
    sf_lead_email = models.EmailField(blank=True)
    sf_lead_phone = models.CharField(max_length=30, blank=True)
    dcs_first_name = models.CharField(max_length=100, blank=True)
    dcs_surname = models.CharField(max_length=100, blank=True)
    dcs_job_title = models.CharField(max_length=150, blank=True)
    dcs_email = models.EmailField(blank=True)
    dcs_phone = models.CharField(max_length=30, blank=True)
    data_lead_first_name = models.CharField(max_length=100, blank=True)
    data_lead_surname = models.CharField(max_length=100, blank=True)
    data_lead_job_title = models.CharField(max_length=150, blank=True)
    data_lead_email = models.EmailField(blank=True)
    data_lead_phone = models.CharField(max_length=30, blank=True)

    # Eligibility, as the LA declares it.
    systemic_practice_recently = models.BooleanField(null=True, blank=True)
    systemic_practice_details = models.TextField(blank=True)
    families_first_pathfinder = models.BooleanField(null=True, blank=True)
    ofsted_inadequate_recently = models.BooleanField(null=True, blank=True)

    # Supporting Families data.
    keyworkers = models.PositiveIntegerField(null=True, blank=True)
    keyworker_teams = models.PositiveIntegerField(null=True, blank=True)
    additional_keyworkers = models.PositiveIntegerField(null=True, blank=True)
    families_2022_23 = models.PositiveIntegerField(null=True, blank=True)
    children_2022_23 = models.PositiveIntegerField(null=True, blank=True)
    additional_families_2022_23 = models.PositiveIntegerField(null=True, blank=True)

    # Experience and motivation.
    integration = models.TextField(blank=True)
    practice_model = models.TextField(blank=True)
    project_support = models.TextField(blank=True)
    hiring = models.TextField(blank=True)
    training_embedding = models.TextField(blank=True)
    sustainability = models.TextField(blank=True)
    supporting_evaluation = models.TextField(blank=True)

    # The letter is kept in the database: it is private, at most a few megabytes, and
    # goes wherever the record goes (backups included) without a public media URL.
    dcs_letter = models.BinaryField(blank=True, default=b"", editable=False)
    dcs_letter_name = models.CharField(max_length=200, blank=True)

    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["local_authority", "created_at"]
        verbose_name = "expression of interest"
        verbose_name_plural = "expressions of interest"
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(submitted_at__isnull=False),
                name="eoi_submitted_has_a_date",
            ),
            # One submitted EOI per LA in a round.
            models.UniqueConstraint(
                fields=["round", "local_authority"],
                condition=Q(status="submitted"),
                name="eoi_one_submitted_per_la_per_round",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.local_authority} ({self.get_status_display().lower()})"

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @property
    def is_submitted(self) -> bool:
        return self.status == EoiStatus.SUBMITTED

    @property
    def has_letter(self) -> bool:
        return bool(self.dcs_letter_name)

    @property
    def lead_name(self) -> str:
        return f"{self.lead_first_name} {self.lead_surname}".strip()


class Assessment(models.Model):
    """An assessor's marks for one submitted EOI against the scoring matrix. The
    outcome is worked out by `scoring.outcome`, never set by hand."""

    eoi = models.OneToOneField(ExpressionOfInterest, on_delete=models.CASCADE, related_name="assessment")
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    eligible = models.BooleanField(null=True, help_text="Blank until every criterion is marked.")
    reasons = models.TextField(blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Assessment of {self.eoi.local_authority}"

    @property
    def outcome_label(self) -> str:
        if self.eligible is None:
            return "Assessment not finished"
        return "Eligible for randomisation" if self.eligible else "Excluded from randomisation"


class CriterionMark(models.Model):
    """One criterion of the scoring matrix, marked pass/fail or 0–3, with a comment."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="marks")
    criterion = models.CharField(max_length=30, choices=scoring.CRITERION_CHOICES)
    value = models.CharField(max_length=4, choices=scoring.VALUE_CHOICES)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["assessment", "criterion"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "criterion"], name="mark_one_per_criterion"),
            models.CheckConstraint(
                condition=Q(value__in=[v for v, _ in scoring.VALUE_CHOICES]), name="mark_value_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_criterion_display()}: {self.get_value_display()}"


class ClarificationCall(models.Model):
    """A call the assessors held with an LA about its EOI."""

    eoi = models.ForeignKey(ExpressionOfInterest, on_delete=models.CASCADE, related_name="calls")
    logged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    called_on = models.DateField()
    spoke_with = models.CharField(max_length=150)
    notes = models.TextField()
    logged_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-called_on", "-logged_at"]

    def __str__(self) -> str:
        return f"Call with {self.spoke_with} ({self.eoi.local_authority}) on {self.called_on}"


class SeedSource(models.TextChoices):
    SECRETS = "secrets", "Drawn from a cryptographically secure source"
    DEMO_SEARCH = "demo_search", "Searched to reproduce the demonstration's arms (demo data only)"


class Randomisation(models.Model):
    """One run of the randomisation for a round. Runs are never deleted: a second run
    needs a written reason, and the latest run is the one in force."""

    round = models.ForeignKey(RecruitmentRound, on_delete=models.PROTECT, related_name="randomisations")
    sequence = models.PositiveSmallIntegerField()
    run_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    run_at = models.DateTimeField(default=timezone.now)
    seed = models.CharField(max_length=60, help_text="A decimal integer.")
    seed_source = models.CharField(max_length=12, choices=SeedSource.choices, default=SeedSource.SECRETS)
    algorithm_version = models.CharField(max_length=20)
    target = models.PositiveSmallIntegerField()
    eligible = models.JSONField(help_text="The eligible LAs' names, as given to the algorithm.")
    treatment = models.JSONField()
    control = models.JSONField()
    reason = models.TextField(blank=True, help_text="Why the round was randomised again.")
    warning = models.CharField(max_length=300, blank=True)
    emails_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["round", "-sequence"]
        constraints = [
            models.UniqueConstraint(fields=["round", "sequence"], name="randomisation_sequence_unique"),
            # A re-run must say why.
            models.CheckConstraint(
                condition=Q(sequence=1) | ~Q(reason=""), name="randomisation_rerun_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"Randomisation {self.sequence} of {self.round}"

    @property
    def selected(self) -> list[str]:
        return sorted([*self.treatment, *self.control], key=str.casefold)


class Outcome(models.TextChoices):
    TREATMENT = "treatment", "Selected to deliver the model"
    CONTROL = "control", "Selected as a control LA"
    NOT_SELECTED = "not_selected", "Not selected"


class OutcomeEmailTemplate(models.Model):
    """The email each LA's lead contact gets after the randomisation, per outcome.
    Subject and body are Django templates with {{ first_name }}, {{ local_authority }}
    and {{ round }}."""

    outcome = models.CharField(max_length=15, choices=Outcome.choices, unique=True)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["outcome"]

    def __str__(self) -> str:
        return self.get_outcome_display()


class OutcomeEmail(models.Model):
    """A record of an outcome email queued for an LA's lead contact."""

    randomisation = models.ForeignKey(Randomisation, on_delete=models.CASCADE, related_name="emails")
    eoi = models.ForeignKey(ExpressionOfInterest, on_delete=models.CASCADE, related_name="+")
    outcome = models.CharField(max_length=15, choices=Outcome.choices)
    to = models.EmailField()
    subject = models.CharField(max_length=250)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["eoi__local_authority"]
        constraints = [
            models.UniqueConstraint(fields=["randomisation", "eoi"], name="outcome_email_once_per_run")
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} email to {self.to}"
