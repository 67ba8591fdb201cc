from __future__ import annotations

import csv

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from hub import access
from hub.csvsafe import csv_safe
from hub.models import User
from hub.views import _apply_errors
from training import pdf, selectors, services
from training.forms import CohortForm, DayForm, EnrolForm, MarkForm, RemoveForm
from training.ics import calendar, day_event
from training.models import Cohort, Course, Enrolment, Status, TrainingDay


@access.require(access.can_see_training)
def index(request):
    user = request.user
    return render(
        request,
        "training/index.html",
        {
            "progress": selectors.progress_by_course(user),
            "cohorts": selectors.cohorts_for(user),
            "can_create": access.can_create_cohort(user),
            "can_manage": access.can_manage_training(user),
        },
    )


@access.require(access.can_create_cohort)
def cohort_create(request):
    user = request.user
    courses, las = access.cohort_choices(user)
    form = CohortForm(request.POST or None, courses=courses, las=las)
    if request.method == "POST" and form.is_valid():
        try:
            cohort = services.cohort_create(
                actor=user,
                course=form.cleaned_data["course"],
                name=form.cleaned_data["name"],
                local_authorities=list(form.cleaned_data["local_authorities"]),
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"{cohort.name} created. Now schedule its days.")
            return redirect("training_day_schedule", pk=cohort.pk)
    return render(request, "training/cohort_form.html", {"form": form})


@access.require(access.may_view_cohort)
def cohort_detail(request, pk: int):
    cohort = get_object_or_404(Cohort.objects.select_related("course"), pk=pk)
    can_manage = access.can_manage_cohort(request.user, cohort)
    return render(
        request,
        "training/cohort_detail.html",
        {
            "cohort": cohort,
            "las": list(cohort.local_authorities.all()),
            "tutors": list(cohort.tutors.all()),
            "days": selectors.cohort_days(cohort),
            "rows": selectors.cohort_completion(cohort, viewer=request.user),
            "numbers": range(1, cohort.course.days + 1),
            "can_manage": can_manage,
            "today": timezone.localdate(),
        },
    )


@access.require(access.may_manage_cohort)
def day_schedule(request, pk: int):
    cohort = get_object_or_404(Cohort.objects.select_related("course"), pk=pk)
    number = request.GET.get("day")
    initial = {"starts_at": "09:30", "ends_at": "16:00"}
    if number and number.isdigit():
        existing = cohort.days.filter(number=int(number)).first()
        if existing:
            initial = {
                "number": existing.number,
                "date": existing.date,
                "starts_at": existing.starts_at,
                "ends_at": existing.ends_at,
                "venue": existing.venue,
                "online_url": existing.online_url,
            }
    form = DayForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            day = services.day_schedule(actor=request.user, cohort=cohort, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"Day {day.number} is on {day.date:%-d %B %Y}.")
            return redirect("training_cohort", pk=cohort.pk)
    return render(
        request,
        "training/day_form.html",
        {"form": form, "cohort": cohort, "days": selectors.cohort_days(cohort)},
    )


@access.require(access.may_manage_cohort)
def cohort_enrol(request, pk: int):
    cohort = get_object_or_404(Cohort.objects.select_related("course"), pk=pk)
    form = EnrolForm(request.POST or None, cohort=cohort)
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            result = services.enrolment_add_bulk(actor=request.user, cohort=cohort, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            if result.added:
                messages.success(request, f"{len(result.added)} enrolled.")
            if not (result.unmatched or result.refused):
                return redirect("training_cohort", pk=cohort.pk)
    return render(
        request,
        "training/enrol.html",
        {"form": form, "cohort": cohort, "result": result, "enrolments": selectors.active_enrolments(cohort)},
    )


@access.require(access.may_remove_enrolment)
def enrolment_remove(request, pk: int):
    enrolment = get_object_or_404(Enrolment.objects.select_related("cohort__course", "user"), pk=pk)
    form = RemoveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.enrolment_remove(
                actor=request.user, enrolment=enrolment, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"{enrolment.user} was removed from {enrolment.cohort.name}.")
            return redirect("training_cohort", pk=enrolment.cohort_id)
    return render(request, "training/enrolment_remove.html", {"form": form, "enrolment": enrolment})


def _wants_json(request) -> bool:
    return request.headers.get("X-Requested-With") == "fetch"


@access.require(access.may_manage_day)
def register(request, pk: int):
    day = get_object_or_404(TrainingDay.objects.select_related("cohort__course"), pk=pk)
    today = timezone.localdate()
    if request.method == "POST":
        try:
            if request.POST.get("action") == "all_present":
                count = services.attendance_mark_all_present(actor=request.user, day=day, today=today)
                messages.success(request, f"{count} marked present.")
            else:
                form = MarkForm(request.POST)
                if not form.is_valid():
                    raise ValidationError("Choose a mark for the person.")
                person = get_object_or_404(User, pk=form.cleaned_data["person"])
                mark = services.attendance_mark(
                    actor=request.user, day=day, user=person, status=form.cleaned_data["status"], today=today
                )
                if _wants_json(request):
                    return JsonResponse(
                        {"person": person.pk, "status": mark.status, "label": mark.get_status_display()}
                    )
                messages.success(request, f"{person}: {mark.get_status_display().lower()}.")
        except ValidationError as exc:
            if _wants_json(request):
                return JsonResponse({"error": " ".join(exc.messages)}, status=400)
            messages.error(request, " ".join(exc.messages))
        return redirect(reverse("training_register", args=[day.pk]) + "#register")
    rows = selectors.register(day)
    return render(
        request,
        "training/register.html",
        {
            "day": day,
            "rows": rows,
            "statuses": Status.choices,
            "marked": sum(1 for r in rows if r.mark),
            "open": day.date <= today,
        },
    )


@access.require(access.may_manage_day)
def day_history(request, pk: int):
    day = get_object_or_404(TrainingDay.objects.select_related("cohort__course"), pk=pk)
    return render(request, "training/day_history.html", {"day": day, "changes": selectors.day_history(day)})


def _ics_response(body: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@access.require(access.may_view_day)
def day_ics(request, pk: int):
    day = get_object_or_404(TrainingDay.objects.select_related("cohort__course"), pk=pk)
    return _ics_response(calendar([day_event(day)], name=str(day.cohort)), f"training-day-{day.pk}.ics")


@access.require(access.may_view_cohort)
def cohort_ics(request, pk: int):
    cohort = get_object_or_404(Cohort.objects.select_related("course"), pk=pk)
    days = cohort.days.select_related("cohort__course").order_by("number")
    return _ics_response(calendar([day_event(d) for d in days], name=cohort.name), f"cohort-{cohort.pk}.ics")


@access.require(access.may_manage_cohort)
def cohort_csv(request, pk: int):
    cohort = get_object_or_404(Cohort.objects.select_related("course"), pk=pk)
    days = list(cohort.days.order_by("number"))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="cohort-{cohort.pk}-register.csv"'
    writer = csv.writer(response)
    writer.writerow(
        ["Name", "Email", *[f"Day {d.number} ({d.date:%Y-%m-%d})" for d in days], "Days attended", "Complete"]
    )
    labels = dict(Status.choices)
    for row in selectors.cohort_completion(cohort, viewer=request.user):
        writer.writerow(
            [
                csv_safe(row.user.get_full_name()),
                csv_safe(row.user.email),
                *[labels.get(row.marks.get(d.number, ""), "") for d in days],
                row.attended,
                "yes" if row.complete else "no",
            ]
        )
    return response


@access.require(access.can_see_training)
def certificate(request, code: str):
    # A course without a certificate has no certificate page, whatever the marks say.
    course = get_object_or_404(Course, code=code, cpd_certified=True)
    try:
        cert = services.certificate_issue(user=request.user, course=course)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("training_index")
    return certificate_response(request, cert)


def certificate_response(request, cert) -> HttpResponse:
    course = cert.course
    verify = request.build_absolute_uri(reverse("training_verify", args=[cert.number]))
    heading = "Foundation award" if course.code == "champions" else "Certificate of completion"
    details = [
        f"{cert.first_day:%-d %B %Y} to {cert.completed_on:%-d %B %Y}",
        f"{course.days} day{'s' if course.days != 1 else ''}, {cert.hours} CPD hours",
    ]
    if course.certificate_title:
        details.insert(0, course.certificate_title)
    body = pdf.certificate_pdf(
        heading=heading,
        name=cert.full_name,
        course=course.name,
        statement="has completed",
        details=details,
        number=cert.number,
        verify_url=verify,
    )
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{cert.number}.pdf"'
    return response


@access.require(access.anyone)
def verify(request, number: str):
    cert = selectors.certificate_by_number(number)
    return render(
        request, "training/verify.html", {"cert": cert, "number": number}, status=200 if cert else 404
    )


@access.require(access.can_manage_training)
def completion(request):
    month_end = timezone.localdate()
    return render(
        request,
        "training/completion.html",
        {
            "rows": selectors.cpd_completion_by_la(month_end).values(),
            "attendance": selectors.attendance_counts("cpd5", month_end),
            "month_end": month_end,
        },
    )
