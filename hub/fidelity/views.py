"""The delivery lead's fidelity dashboard, the LA drill-down, thresholds, and the
evaluators' export."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from hub import access
from hub.fidelity import charts, export, selectors, services
from hub.fidelity.forms import MonthForm, ThresholdForm
from hub.fidelity.models import ExportLog, Threshold
from hub.models import Organisation, Pilot
from hub.views import _apply_errors


def _month(request, pilot: Pilot):
    chosen = selectors.parse_month(request.GET.get("month"), pilot)
    return chosen or selectors.default_month(pilot)


@access.require(access.can_view_fidelity)
def dashboard(request):
    pilot = Pilot.current()
    month = _month(request, pilot)
    las = access.fidelity_las_of(request.user)
    data = selectors.fidelity_dashboard(
        month=month, pilot=pilot, las=selectors.treatment_las() if las is None else las
    )
    form = MonthForm(initial={"month": f"{month:%Y-%m}"}, months=pilot.months())
    return render(
        request,
        "fidelity/dashboard.html",
        {
            "data": data,
            "form": form,
            "all_las": las is None,
            "can_edit": access.can_edit_thresholds(request.user),
        },
    )


@access.require(access.may_view_fidelity_of)
def la_detail(request, pk: int):
    pilot = Pilot.current()
    la = get_object_or_404(Organisation, pk=pk)
    month = _month(request, pilot)
    detail = selectors.fidelity_for(la, month, pilot)
    charts_ = [(trend, charts.trend_svg(trend, f"chart-{trend.indicator.key}")) for trend in detail.trends]
    form = MonthForm(initial={"month": f"{month:%Y-%m}"}, months=pilot.months())
    return render(
        request,
        "fidelity/la_detail.html",
        {
            "detail": detail,
            "charts": charts_,
            "form": form,
            "all_las": access.fidelity_las_of(request.user) is None,
        },
    )


def _row_id(raw: str | None) -> int | None:
    """The id a form's hidden field names, or None if it is not a whole number."""
    return int(raw) if raw and raw.isascii() and raw.isdigit() else None


@access.require(access.can_edit_thresholds)
def thresholds(request):
    rows = list(Threshold.objects.order_by("id"))
    forms = {t.pk: ThresholdForm(instance=t, prefix=f"t{t.pk}") for t in rows}
    if request.method == "POST":
        # Which row is being saved comes from a hidden field: any value that names no
        # row, a number or not, is "not found".
        threshold = get_object_or_404(Threshold, pk=_row_id(request.POST.get("threshold")))
        form = ThresholdForm(request.POST, instance=threshold, prefix=f"t{threshold.pk}")
        forms[threshold.pk] = form
        if form.is_valid():
            try:
                services.threshold_update(actor=request.user, threshold=threshold, **form.cleaned_data)
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, f"Saved the bands for {threshold.label}.")
                return redirect("fidelity_thresholds")
    return render(
        request,
        "fidelity/thresholds.html",
        {"rows": [(t, forms[t.pk]) for t in rows]},
    )


@access.require(access.can_export_evaluation)
def export_index(request):
    return render(
        request,
        "fidelity/export_index.html",
        {"tables": export.tables(), "recent": ExportLog.objects.filter(user=request.user)[:10]},
    )


def _filename(stem: str, ext: str) -> str:
    return f"hub-evaluation-{stem}-{timezone.localdate():%Y%m%d}.{ext}"


@access.require(access.can_export_evaluation)
def export_csv(request, table: str):
    pilot = Pilot.current()
    if table == "dictionary":
        lines = export.dictionary_csv_lines()
    else:
        found = export.table_named(table)
        if found is None:
            raise Http404("There is no such table.")
        lines = export.csv_lines(found, export.Pseudonymiser(), pilot)
    services.export_log_record(user=request.user, what=table, file_format="csv")
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(table, "csv")}"'
    return response


@access.require(access.can_export_evaluation)
def export_xlsx(request):
    pilot = Pilot.current()
    services.export_log_record(user=request.user, what="all tables", file_format="xlsx")
    return FileResponse(
        export.workbook_file(export.Pseudonymiser(), pilot),
        as_attachment=True,
        filename=_filename("all", "xlsx"),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@access.require(access.can_edit_thresholds)
def export_log(request):
    return render(
        request,
        "fidelity/export_log.html",
        {"entries": ExportLog.objects.select_related("user")[:200]},
    )
