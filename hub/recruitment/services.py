"""Writes for recruitment: saving and submitting EOIs, assessing them, and the
recorded randomisation that sets each selected LA's trial arm."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.template import Context, Template, TemplateDoesNotExist, TemplateSyntaxError
from django.urls import reverse
from django.utils import timezone

from hub import services as hub_services
from hub.models import Arm, Organisation, OrganisationKind, User
from hub.recruitment import randomisation as algorithm
from hub.recruitment import scoring, selectors
from hub.recruitment.models import (
    CONTACT_FIELDS,
    CONTACTS,
    NUMBERS,
    OPEN_ANSWERS,
    WORD_LIMITS,
    Assessment,
    ClarificationCall,
    CriterionMark,
    EoiStatus,
    ExpressionOfInterest,
    OutcomeEmail,
    OutcomeEmailTemplate,
    Randomisation,
    RecruitmentRound,
    SeedSource,
)

# --- checks shared by the form and the services ---------------------------------------

PHONE_RE = re.compile(r"^[0-9 ]+$")


def letter_max_bytes() -> int:
    return getattr(settings, "EOI_LETTER_MAX_BYTES", 5 * 1024 * 1024)


def word_count(text: str) -> int:
    return len(text.split())


def check_words(text: str, limit: int) -> None:
    count = word_count(text)
    if count > limit:
        raise ValidationError(
            f"Use {limit} words or fewer. You have used {count} words, {count - limit} too many."
        )


def check_phone(value: str) -> None:
    if not PHONE_RE.fullmatch(value):
        raise ValidationError("Enter a phone number using digits and spaces only, like 01632 960 123.")
    digits = len(value.replace(" ", ""))
    if not 10 <= digits <= 15:
        raise ValidationError("Enter a phone number with 10 to 15 digits, like 01632 960 123.")


def check_pdf(upload: UploadedFile) -> None:
    """The DCS letter must be a real PDF (by its first bytes, not its name) and not too big."""
    limit = letter_max_bytes()
    if upload.size > limit:
        raise ValidationError(
            f"The letter must be smaller than {limit // (1024 * 1024)} MB. This file is "
            f"{upload.size / (1024 * 1024):.1f} MB."
        )
    upload.seek(0)
    head = upload.read(5)
    upload.seek(0)
    if head != b"%PDF-":
        raise ValidationError("The letter must be a PDF file. Save it as a PDF and upload it again.")


# --- rate limiting ----------------------------------------------------------------------


def rate_limit_hit(*, key: str, limit: int, window_seconds: int) -> bool:
    """Count one request for `key`; True once more than `limit` came within the window.
    The counter lives in the cache (Redis when configured), so it holds across processes."""
    cache_key = f"recruitment:rate:{key}"
    if cache.add(cache_key, 1, timeout=window_seconds):
        return False
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.add(cache_key, 1, timeout=window_seconds)
        return False
    return count > limit


# --- expressions of interest ----------------------------------------------------------------

#: Every answer a submitted EOI must give (the yes/no questions may be "No": not blank).
REQUIRED_TEXT = (
    ["local_authority"]
    + [f"{prefix}_{f}" for prefix, _ in CONTACTS for f, _ in CONTACT_FIELDS]
    + [f for f, _label, _limit in OPEN_ANSWERS]
)
REQUIRED_CHOICES = ["systemic_practice_recently", "families_first_pathfinder", "ofsted_inadequate_recently"]
REQUIRED_NUMBERS = [f for f, _ in NUMBERS]
ANSWER_FIELDS = REQUIRED_TEXT + REQUIRED_CHOICES + REQUIRED_NUMBERS + ["systemic_practice_details"]


def eoi_problems(eoi: ExpressionOfInterest) -> dict[str, str]:
    """What stops this EOI being submitted, by field."""
    problems: dict[str, str] = {}
    for f in REQUIRED_TEXT:
        if not str(getattr(eoi, f)).strip():
            problems[f] = "Answer this question."
    for f in REQUIRED_CHOICES:
        if getattr(eoi, f) is None:
            problems[f] = "Choose yes or no."
    for f in REQUIRED_NUMBERS:
        if getattr(eoi, f) is None:
            problems[f] = "Enter a whole number (0 if none)."
    if eoi.systemic_practice_recently and not eoi.systemic_practice_details.strip():
        problems["systemic_practice_details"] = "You answered yes: give details of the systemic practice."
    for f, limit in WORD_LIMITS.items():
        if word_count(getattr(eoi, f)) > limit:
            problems[f] = f"Use {limit} words or fewer."
    if not eoi.has_letter:
        problems["dcs_letter"] = "Upload the supporting letter from your Director of Children's Services."
    return problems


def _resume_link(token: str) -> str:
    return settings.SITE_URL + reverse("eoi_resume", args=[token])


def eoi_save(
    *,
    round: RecruitmentRound,
    answers: dict[str, Any],
    letter: UploadedFile | None = None,
    eoi: ExpressionOfInterest | None = None,
) -> tuple[ExpressionOfInterest, str | None]:
    """Save a draft EOI (new or existing). A new draft gets a private resume link,
    emailed to the lead contact on commit; the token is returned once and only its
    hash is stored. Answers are checked as the form checks them."""
    if not round.is_open:
        raise ValidationError("This round is closed to new expressions of interest.")
    if eoi is not None and eoi.is_submitted:
        raise ValidationError("This expression of interest has already been submitted.")
    if not (answers.get("lead_email") or (eoi and eoi.lead_email)):
        raise ValidationError({"lead_email": "Enter the lead contact's email: we send the link to it."})
    for f, limit in WORD_LIMITS.items():
        if answers.get(f):
            check_words(answers[f], limit)
    if letter is not None:
        check_pdf(letter)
    token = None
    with transaction.atomic():
        if eoi is None:
            token = secrets.token_urlsafe(32)
            eoi = ExpressionOfInterest(round=round, resume_token_hash=ExpressionOfInterest.hash_token(token))
        for f in ANSWER_FIELDS:
            if f in answers:
                value = answers[f]
                if value is None and f not in REQUIRED_CHOICES + REQUIRED_NUMBERS:
                    value = ""
                setattr(eoi, f, value)
        eoi.updated_at = timezone.now()
        eoi.save()
        if letter is not None:
            letter.seek(0)
            eoi.dcs_letter = letter.read()
            eoi.dcs_letter_name = letter.name[:200]
            eoi.save(update_fields=["dcs_letter", "dcs_letter_name"])
        if token is not None:
            link = _resume_link(token)
            eoi_pk = eoi.pk
            transaction.on_commit(lambda: _send_resume_link(eoi_pk, link))
    return eoi, token


def _send_resume_link(eoi_pk: int, link: str) -> None:
    from hub.notifications.tasks import send_email

    eoi = ExpressionOfInterest.objects.get(pk=eoi_pk)
    send_email.enqueue(
        to=eoi.lead_email,
        subject="Your expression of interest: the link to finish it",
        body=(
            f"Hello {eoi.lead_first_name or 'there'},\n\n"
            f"Your expression of interest for {eoi.local_authority or 'your local authority'} is saved. "
            f"To carry on where you left off, open this private link:\n{link}\n\n"
            "Keep the link to yourself: anyone with it can change your answers until you submit.\n"
        ),
    )


def eoi_submit(*, eoi: ExpressionOfInterest) -> ExpressionOfInterest:
    """Submit a complete EOI, once. Refused, with the problems by field, when
    something is missing, or when the LA has already submitted in this round.
    The lead contact gets a confirmation with a copy of the answers."""
    if eoi.is_submitted:
        raise ValidationError("This expression of interest has already been submitted.")
    if not eoi.round.is_open:
        raise ValidationError("This round is closed to new expressions of interest.")
    problems = eoi_problems(eoi)
    if problems:
        raise ValidationError(problems)
    already = ExpressionOfInterest.objects.filter(
        round=eoi.round, status=EoiStatus.SUBMITTED, local_authority__iexact=eoi.local_authority
    ).exclude(pk=eoi.pk)
    if already.exists():
        raise ValidationError(
            {
                "local_authority": f"{eoi.local_authority} has already submitted an expression of interest "
                "in this round. Contact the pilot team if it needs changing."
            }
        )
    try:
        with transaction.atomic():
            eoi.status = EoiStatus.SUBMITTED
            eoi.submitted_at = timezone.now()
            eoi.save(update_fields=["status", "submitted_at"])
            eoi_pk = eoi.pk
            transaction.on_commit(lambda: _send_confirmation(eoi_pk))
    except IntegrityError:
        eoi.status, eoi.submitted_at = EoiStatus.DRAFT, None
        raise ValidationError(
            {"local_authority": f"{eoi.local_authority} has already submitted in this round."}
        ) from None
    return eoi


def _send_confirmation(eoi_pk: int) -> None:
    from hub.notifications.tasks import send_email

    eoi = ExpressionOfInterest.objects.get(pk=eoi_pk)
    lines = []
    for title, answers in selectors.eoi_answers(eoi):
        lines.append(f"\n{title}\n{'-' * len(title)}")
        for label, value in answers:
            lines.append(f"{label}: {value}")
    send_email.enqueue(
        to=eoi.lead_email,
        subject=f"We have received the expression of interest from {eoi.local_authority}",
        body=(
            f"Hello {eoi.lead_first_name},\n\nThank you: the expression of interest from "
            f"{eoi.local_authority} was received on {timezone.localtime(eoi.submitted_at):%-d %B %Y at %H:%M}. "
            "A copy of your answers follows.\n" + "\n".join(lines) + "\n"
        ),
    )


# --- assessment ---------------------------------------------------------------------------


def assessment_save(
    *, actor: User, eoi: ExpressionOfInterest, marks: dict[str, tuple[str, str]]
) -> Assessment:
    """Record marks ({criterion: (value, comment)}; an empty value clears the mark)
    and work out the outcome by the guidance's rule."""
    if not eoi.is_submitted:
        raise ValidationError("Only submitted expressions of interest are assessed.")
    for code, (value, _comment) in marks.items():
        criterion = scoring.BY_CODE.get(code)
        if criterion is None:
            raise ValidationError(f"Unknown criterion {code}.")
        if value and value not in scoring.RULE[criterion.kind]:
            raise ValidationError({code: f"Choose one of the marks for {criterion.label}."})
    with transaction.atomic():
        assessment, _ = Assessment.objects.select_for_update().get_or_create(
            eoi=eoi, defaults={"assessor": actor}
        )
        for code, (value, comment) in marks.items():
            if value:
                CriterionMark.objects.update_or_create(
                    assessment=assessment,
                    criterion=code,
                    defaults={"value": value, "comment": comment.strip()},
                )
            else:
                CriterionMark.objects.filter(assessment=assessment, criterion=code).delete()
        result = scoring.outcome({m.criterion: m.value for m in assessment.marks.all()})
        assessment.assessor = actor
        assessment.eligible = result.eligible
        assessment.reasons = "\n".join(result.reasons)
        assessment.updated_at = timezone.now()
        assessment.save()
        hub_services.audit(
            actor=actor,
            action="recruitment.assess",
            detail=f"{eoi.local_authority}: {result.label}",
        )
    return assessment


def clarification_call_log(
    *, actor: User, eoi: ExpressionOfInterest, called_on: dt.date, spoke_with: str, notes: str
) -> ClarificationCall:
    if not eoi.is_submitted:
        raise ValidationError("Calls are logged against submitted expressions of interest.")
    if not spoke_with.strip():
        raise ValidationError({"spoke_with": "Say who you spoke with."})
    if not notes.strip():
        raise ValidationError({"notes": "Write what was clarified."})
    return ClarificationCall.objects.create(
        eoi=eoi, logged_by=actor, called_on=called_on, spoke_with=spoke_with.strip(), notes=notes.strip()
    )


# --- randomisation ---------------------------------------------------------------------------


def randomisation_run(
    *,
    actor: User | None,
    round: RecruitmentRound,
    reason: str = "",
    seed: int | None = None,
    seed_source: str = SeedSource.SECRETS,
) -> Randomisation:
    """Randomise a round's eligible LAs and set the selected LAs' arms.

    Guarantees: only a round closed to new EOIs, with every submitted EOI assessed on
    every criterion, is randomised, so no LA is left out of the draw by timing; the seed
    comes from `secrets` unless given (the demo data only);
    the run is recorded with who, when, the eligible list, seed, algorithm version and
    result; a second run is refused without a written reason and never replaces the
    first on record; LAs selected by an earlier run and not by this one go back to
    "not yet assigned"; every arm change is audited."""
    reason = reason.strip()
    with transaction.atomic():
        round = RecruitmentRound.objects.select_for_update().get(pk=round.pk)
        if round.is_open:
            raise ValidationError(
                "This round is still open for expressions of interest. Close it first, so that "
                "no local authority submits after the draw."
            )
        unassessed = selectors.unassessed_names(round)
        if unassessed:
            raise ValidationError(
                f"Finish the assessment of every submitted expression of interest first. Still to "
                f"do ({len(unassessed)}): {', '.join(unassessed)}."
            )
        previous = selectors.latest_randomisation(round)
        if previous is not None and not reason:
            raise ValidationError(
                {
                    "reason": f"This round was already randomised on "
                    f"{timezone.localtime(previous.run_at):%-d %B %Y at %H:%M}. To run it again, "
                    "write why: both runs stay on record."
                }
            )
        eligible = selectors.eligible_names(round)
        if len(eligible) < 2:
            raise ValidationError("At least two local authorities must be eligible before randomising.")
        if seed is None:
            seed = algorithm.new_seed()
        allocation = algorithm.allocate(eligible, seed, target=round.target)
        warning = ""
        if len(eligible) < round.target:
            warning = (
                f"Only {len(eligible)} local authorities were eligible, fewer than {round.target}: "
                "all of them were selected."
            )
        run = Randomisation.objects.create(
            round=round,
            sequence=(previous.sequence + 1) if previous else 1,
            run_by=actor,
            seed=str(seed),
            seed_source=seed_source,
            algorithm_version=algorithm.VERSION,
            target=round.target,
            eligible=eligible,
            treatment=allocation.treatment,
            control=allocation.control,
            reason=reason,
            warning=warning,
        )
        hub_services.audit(
            actor=actor,
            action="recruitment.randomise",
            detail=(
                f"{round.name}, run {run.sequence} ({run.algorithm_version}, seed {run.seed}): "
                f"treatment {', '.join(run.treatment)}; control {', '.join(run.control)}"
                + (f"; reason: {reason}" if reason else "")
            ),
        )
        _apply_arms(actor=actor, run=run, previous=previous)
    return run


def round_close(*, actor: User | None, round: RecruitmentRound) -> RecruitmentRound:
    """Stop a round accepting expressions of interest: the public form and every
    draft's resume link say it is closed from now on. Closing twice changes nothing."""
    with transaction.atomic():
        round = RecruitmentRound.objects.select_for_update().get(pk=round.pk)
        if round.is_open:
            round.is_open = False
            round.save(update_fields=["is_open"])
            hub_services.audit(actor=actor, action="recruitment.close", detail=f"{round.name} closed")
    return round


def _apply_arms(*, actor: User | None, run: Randomisation, previous: Randomisation | None) -> None:
    wanted = {name: Arm.TREATMENT for name in run.treatment} | {name: Arm.CONTROL for name in run.control}
    if previous is not None:
        for name in previous.selected:
            wanted.setdefault(name, Arm.UNASSIGNED)
    for name, arm in wanted.items():
        org = Organisation.objects.local_authorities().filter(name__iexact=name).first()
        if org is None:
            if arm == Arm.UNASSIGNED:
                continue
            org = hub_services.organisation_create(
                actor=actor, name=name, kind=OrganisationKind.LOCAL_AUTHORITY, arm=arm
            )
            before = Arm.UNASSIGNED
        else:
            before = org.arm
            if before == arm:
                continue
            hub_services.organisation_update(actor=actor, organisation=org, name=org.name, arm=arm)
        hub_services.audit(
            actor=actor,
            action="recruitment.arm",
            detail=f"{org.name}: {Arm(before).label} → {Arm(arm).label} (randomisation {run.sequence} "
            f"of {run.round.name})",
        )


#: What an outcome email is tried with before it is saved: the placeholders it may use.
SAMPLE_OUTCOME_CONTEXT = {
    "first_name": "Sam",
    "local_authority": "Kent",
    "round": "Pilot recruitment",
}


class OutcomeRenderError(Exception):
    """An outcome email template that cannot be filled in."""


def _outcome_render(text: str, values: dict[str, str]) -> str:
    """`text` filled in with `values`. A template the hub admin typed can fail in any of
    the ways a Django template can, when read (a broken tag) or only when filled in (an
    include or a URL name that does not exist, a filter given the wrong value): every
    one of them is an OutcomeRenderError, so no caller is left with a server error."""
    try:
        return Template(text).render(Context(values, autoescape=False))
    except TemplateSyntaxError as exc:
        raise OutcomeRenderError(f"Check the {{{{ }}}} placeholders: {exc}") from exc
    except TemplateDoesNotExist as exc:
        raise OutcomeRenderError(
            f"This brings in a page that does not exist ({exc}). Write the text out instead, "
            "using {{ first_name }}, {{ local_authority }} and {{ round }}."
        ) from exc
    except Exception as exc:
        raise OutcomeRenderError(
            f"This could not be filled in for an LA ({exc}). Write the text out, using "
            "{{ first_name }}, {{ local_authority }} and {{ round }}."
        ) from exc


def outcome_template_update(
    *, actor: User, template: OutcomeEmailTemplate, subject: str, body: str
) -> OutcomeEmailTemplate:
    """Save an outcome email's subject and body, only if both can be filled in for an
    LA (tried with sample values), so sending the emails cannot fail on them."""
    errors = {}
    for field, text in (("subject", subject), ("body", body)):
        if not text.strip():
            errors[field] = "This cannot be empty."
            continue
        try:
            _outcome_render(text, SAMPLE_OUTCOME_CONTEXT)
        except OutcomeRenderError as exc:
            errors[field] = str(exc)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        template.subject, template.body, template.updated_at = subject.strip(), body, timezone.now()
        template.save()
        hub_services.audit(
            actor=actor,
            action="recruitment.template",
            detail=f"Outcome email: {template.get_outcome_display()}",
        )
    return template


def outcome_emails_send(*, actor: User, run: Randomisation) -> list[OutcomeEmail]:
    """Email each LA that submitted in the round its outcome, from the editable
    templates, once per run; only the latest run of a round sends."""
    if run.emails_sent_at is not None:
        raise ValidationError("The outcome emails for this run were already sent.")
    if selectors.latest_randomisation(run.round).pk != run.pk:
        raise ValidationError("A later run replaced this one: send the outcome emails from the latest run.")
    templates = {t.outcome: t for t in selectors.outcome_templates()}
    sent = []
    with transaction.atomic():
        for eoi in selectors.submitted_eois(run.round):
            outcome = selectors.outcome_for(run, eoi.local_authority)
            template = templates[outcome]
            values = {
                "first_name": eoi.lead_first_name,
                "local_authority": eoi.local_authority,
                "round": run.round.name,
            }
            try:
                subject = _outcome_render(template.subject, values).strip()
                body = _outcome_render(template.body, values)
            except OutcomeRenderError as exc:
                # Leaving the transaction undoes the records made so far: no email goes.
                raise ValidationError(
                    f"No emails were sent: the “{template.get_outcome_display()}” email could not be "
                    f"written for {eoi.local_authority}. Correct it under Outcome email templates, "
                    f"then send again. {exc}"
                ) from exc
            sent.append(
                OutcomeEmail.objects.create(
                    randomisation=run, eoi=eoi, outcome=outcome, to=eoi.lead_email, subject=subject[:250]
                )
            )
            transaction.on_commit(lambda to=eoi.lead_email, s=subject, b=body: _send(to, s, b))
        run.emails_sent_at = timezone.now()
        run.save(update_fields=["emails_sent_at"])
        hub_services.audit(
            actor=actor,
            action="recruitment.outcome_emails",
            detail=f"{run.round.name}, run {run.sequence}: {len(sent)} outcome emails",
        )
    return sent


def _send(to: str, subject: str, body: str) -> None:
    from hub.notifications.tasks import send_email

    send_email.enqueue(to=to, subject=subject, body=body)
