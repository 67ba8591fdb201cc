from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from hub import access
from hub.recruitment import forms, scoring, selectors, services
from hub.recruitment.models import OutcomeEmailTemplate, Randomisation, RecruitmentRound


def _apply_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _row_id(raw: str | None) -> int | None:
    """The id a form field or link names, or None if it is not a whole number."""
    return int(raw) if raw and raw.isascii() and raw.isdigit() else None


def _client_ip(request) -> str:
    # Behind the hub's reverse proxy the address is the proxy's; the proxy passes the
    # client's in X-Forwarded-For only when settings say it may be trusted.
    if getattr(settings, "EOI_TRUST_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "unknown")


def _rate_limited(request) -> bool:
    return services.rate_limit_hit(
        key=f"eoi:{_client_ip(request)}",
        limit=getattr(settings, "EOI_RATE_LIMIT", 60),
        window_seconds=getattr(settings, "EOI_RATE_WINDOW_SECONDS", 3600),
    )


def _eoi_form_page(request, *, round: RecruitmentRound, eoi=None, token: str | None = None):
    """The public form, new (`eoi` None) or resumed from its private link."""
    choices = selectors.local_authority_choices(round)
    has_letter = bool(eoi and eoi.has_letter)
    if request.method == "POST":
        if _rate_limited(request):
            return render(request, "recruitment/rate_limited.html", status=429)
        submitting = request.POST.get("action") == "submit"
        form = forms.EoiForm(
            request.POST, request.FILES, choices=choices, submitting=submitting, has_letter=has_letter
        )
        if form.is_valid():
            letter = form.cleaned_data.pop("dcs_letter", None) or None
            try:
                eoi, new_token = services.eoi_save(
                    round=round, answers=form.cleaned_data, letter=letter, eoi=eoi
                )
                token = new_token or token
                if submitting:
                    services.eoi_submit(eoi=eoi)
            except ValidationError as exc:
                _apply_errors(form, exc)
                has_letter = bool(eoi and eoi.has_letter)
            else:
                if submitting:
                    messages.success(
                        request,
                        f"Thank you: your expression of interest is submitted. We have emailed a copy of "
                        f"your answers to {eoi.lead_email}.",
                    )
                elif new_token:
                    messages.success(
                        request,
                        f"Your answers are saved. We have emailed a private link to {eoi.lead_email} so "
                        "you can finish later. This page's address is that link.",
                    )
                else:
                    messages.success(request, "Your answers are saved.")
                return redirect("eoi_resume", token=token)
    else:
        form = forms.EoiForm(
            initial=_initial(eoi) if eoi else None, choices=choices, has_letter=has_letter, submitting=True
        )
    return render(
        request,
        "recruitment/eoi_form.html",
        {
            "form": form,
            "round": round,
            "eoi": eoi,
            "has_letter": has_letter,
            # Once a draft exists, the form posts to its private link so nothing is saved twice.
            "action_url": reverse("eoi_resume", args=[token]) if token else reverse("eoi_start"),
        },
    )


def _initial(eoi) -> dict:
    return {f: getattr(eoi, f) for f in services.ANSWER_FIELDS}


@access.require(access.anyone)
def eoi_start(request):
    round = selectors.open_round()
    if round is None:
        return render(request, "recruitment/closed.html")
    return _eoi_form_page(request, round=round)


@access.require(access.anyone)
def eoi_resume(request, token: str):
    eoi = selectors.eoi_for_token(token)
    if eoi is None:
        raise Http404("This link is not valid.")
    if eoi.is_submitted:
        return render(
            request, "recruitment/eoi_submitted.html", {"eoi": eoi, "answers": selectors.eoi_answers(eoi)}
        )
    if not eoi.round.is_open:
        return render(request, "recruitment/closed.html")
    return _eoi_form_page(request, round=eoi.round, eoi=eoi, token=token)


# --- assessors ---------------------------------------------------------------------


@access.require(access.can_assess_eois)
def assess_list(request):
    rounds = RecruitmentRound.objects.order_by("-created_at")
    # A ?round= that names no round (not a number, or gone) is read as no choice: the
    # newest round is shown, under its name, with the others still to pick from.
    chosen = _row_id(request.GET.get("round"))
    round = (rounds.filter(pk=chosen).first() if chosen is not None else None) or rounds.first()
    eois = list(selectors.submitted_eois(round)) if round else []
    return render(
        request,
        "recruitment/assess_list.html",
        {
            "rounds": rounds,
            "round": round,
            "eois": eois,
            "is_admin": access.can_run_randomisation(request.user),
        },
    )


@access.require(access.can_assess_eois)
def assess_eoi(request, pk: int):
    eoi = selectors.eoi_for_assessment(pk)
    if eoi is None:
        raise Http404
    marks = selectors.marks_of(eoi)
    form = forms.AssessmentForm(marks=marks)
    call_form = forms.ClarificationCallForm()
    if request.method == "POST":
        if request.POST.get("action") == "call":
            call_form = forms.ClarificationCallForm(request.POST)
            if call_form.is_valid():
                try:
                    services.clarification_call_log(actor=request.user, eoi=eoi, **call_form.cleaned_data)
                except ValidationError as exc:
                    _apply_errors(call_form, exc)
                else:
                    messages.success(request, "Call logged.")
                    return redirect("eoi_assess", pk=eoi.pk)
        else:
            form = forms.AssessmentForm(request.POST, marks=marks)
            if form.is_valid():
                try:
                    assessment = services.assessment_save(actor=request.user, eoi=eoi, marks=form.marks())
                except ValidationError as exc:
                    _apply_errors(form, exc)
                else:
                    messages.success(request, f"Marks saved. {assessment.outcome_label}.")
                    return redirect("eoi_assess", pk=eoi.pk)
    assessment = getattr(eoi, "assessment", None)
    result = scoring.outcome({code: m.value for code, m in marks.items()})
    return render(
        request,
        "recruitment/assess_eoi.html",
        {
            "eoi": eoi,
            "answers": selectors.eoi_answers(eoi),
            "form": form,
            "call_form": call_form,
            "assessment": assessment,
            "result": result,
        },
    )


@access.require(access.can_assess_eois)
def eoi_letter(request, pk: int):
    eoi = selectors.eoi_for_assessment(pk)
    if eoi is None or not eoi.has_letter:
        raise Http404
    response = HttpResponse(bytes(eoi.dcs_letter), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        True, f"{eoi.local_authority} DCS letter.pdf"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- randomisation (hub admin) ---------------------------------------------------------


@access.require(access.can_run_randomisation)
def round_randomise(request, pk: int):
    round = get_object_or_404(RecruitmentRound, pk=pk)
    if request.method == "POST" and request.POST.get("action") == "close":
        services.round_close(actor=request.user, round=round)
        messages.success(request, f"{round.name} is closed: it accepts no more expressions of interest.")
        return redirect("round_randomise", pk=round.pk)
    form = forms.RandomiseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            run = services.randomisation_run(
                actor=request.user, round=round, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "Randomisation done, recorded, and the selected LAs' arms set.")
            if run.warning:
                messages.warning(request, run.warning)
            return redirect("randomisation_detail", pk=run.pk)
    runs = list(selectors.randomisations(round))
    eligible = selectors.eligible_names(round)
    return render(
        request,
        "recruitment/round_randomise.html",
        {
            "round": round,
            "form": form,
            "runs": runs,
            "eligible": eligible,
            "unassessed": selectors.unassessed_names(round),
        },
    )


@access.require(access.can_run_randomisation)
def randomisation_detail(request, pk: int):
    run = get_object_or_404(Randomisation.objects.select_related("round", "run_by"), pk=pk)
    latest = selectors.latest_randomisation(run.round)
    return render(
        request,
        "recruitment/randomisation_detail.html",
        {
            "run": run,
            "is_latest": latest.pk == run.pk,
            "check": selectors.randomisation_check(run),
            "emails": run.emails.all(),
        },
    )


@access.require(access.can_run_randomisation)
@require_POST
def randomisation_send_emails(request, pk: int):
    run = get_object_or_404(Randomisation.objects.select_related("round"), pk=pk)
    try:
        sent = services.outcome_emails_send(actor=request.user, run=run)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"{len(sent)} outcome emails sent.")
    return redirect("randomisation_detail", pk=run.pk)


@access.require(access.can_run_randomisation)
def outcome_templates(request):
    templates = selectors.outcome_templates()
    forms_by_pk = {t.pk: forms.OutcomeTemplateForm(instance=t, prefix=f"t{t.pk}") for t in templates}
    if request.method == "POST":
        template = get_object_or_404(OutcomeEmailTemplate, pk=_row_id(request.POST.get("template")))
        form = forms.OutcomeTemplateForm(request.POST, instance=template, prefix=f"t{template.pk}")
        forms_by_pk[template.pk] = form
        if form.is_valid():
            try:
                services.outcome_template_update(
                    actor=request.user,
                    template=OutcomeEmailTemplate.objects.get(pk=template.pk),
                    subject=form.cleaned_data["subject"],
                    body=form.cleaned_data["body"],
                )
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, f"The “{template.get_outcome_display()}” email is saved.")
                return redirect("outcome_templates")
    return render(
        request,
        "recruitment/outcome_templates.html",
        {"items": [(t, forms_by_pk[t.pk]) for t in templates]},
    )
