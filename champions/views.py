from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from champions import selectors, services
from champions.forms import ActivityForm, DecisionForm, NominationForm, WithdrawForm
from champions.models import FoundationAward, Nomination, NominationStatus
from hub import access
from hub.views import _apply_errors


@access.require(access.can_see_champions)
def index(request):
    user = request.user
    deciders = access.can_decide_nominations(user) or access.is_hub_admin(user)
    lead_la = access.led_treatment_la(user)
    if deciders:
        ratios = list(selectors.ratios().values())
    elif lead_la:
        ratios = [selectors.ratio_for(lead_la)]
    else:
        ratios = []
    return render(
        request,
        "champions/index.html",
        {
            "ratios": ratios,
            "can_decide": access.can_decide_nominations(user),
            "pending": selectors.nominations(status=NominationStatus.PENDING) if deciders else [],
            "lead_la": lead_la,
            "history": selectors.nominations(la=lead_la) if lead_la else [],
            "is_champion": access.is_champion(user),
            "award": FoundationAward.objects.filter(user=user).select_related("certificate").first(),
        },
    )


@access.require(access.can_see_champions)
def directory(request):
    return render(request, "champions/directory.html", {"directory": selectors.directory()})


@access.require(access.can_nominate_any)
def nominate(request):
    la = access.led_treatment_la(request.user)
    form = NominationForm(request.POST or None, keyworkers=selectors.nominable_keyworkers(la))
    if request.method == "POST" and form.is_valid():
        try:
            nomination = services.nomination_create(actor=request.user, la=la, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"{nomination.user} nominated. IFT will approve or decline.")
            return redirect("champions_index")
    return render(
        request, "champions/nominate.html", {"form": form, "la": la, "ratio": selectors.ratio_for(la)}
    )


@access.require(access.may_decide_nomination)
def decide(request, pk: int):
    nomination = get_object_or_404(Nomination.objects.select_related("user", "la", "nominated_by"), pk=pk)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if request.POST.get("action") == "approve":
                services.nomination_approve(actor=request.user, nomination=nomination)
                messages.success(request, f"{nomination.user} is now a systemic champion.")
            else:
                services.nomination_decline(
                    actor=request.user, nomination=nomination, note=form.cleaned_data["note"]
                )
                messages.success(request, f"The nomination of {nomination.user} was declined.")
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            return redirect("champions_index")
    return render(
        request,
        "champions/decide.html",
        {"form": form, "nomination": nomination, "ratio": selectors.ratio_for(nomination.la)},
    )


@access.require(access.may_withdraw_champion)
def withdraw(request, pk: int):
    nomination = get_object_or_404(Nomination.objects.select_related("user", "la"), pk=pk)
    form = WithdrawForm(request.POST or None, initial={"on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.champion_withdraw(actor=request.user, nomination=nomination, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"{nomination.user} is no longer a champion. The history is kept.")
            return redirect("champions_index")
    return render(request, "champions/withdraw.html", {"form": form, "nomination": nomination})


@access.require(access.can_view_champion_activities)
def activities(request):
    user = request.user
    if access.can_decide_nominations(user) or access.is_hub_admin(user):
        la, mine = None, None
    elif access.led_treatment_la(user):
        la, mine = access.led_treatment_la(user), None
    else:
        la, mine = None, user
    rows = selectors.activities(la=la, champion=mine)[:100]
    return render(
        request,
        "champions/activities.html",
        {
            "activities": rows,
            "months": selectors.activity_counts_by_month(la=la) if mine is None else [],
            "can_log": access.is_champion(user),
        },
    )


@access.require(access.can_log_champion_activity)
def activity_new(request):
    la = access.home_la(request.user)
    form = ActivityForm(request.POST or None, la=la, initial={"date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_log(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "Activity logged. Thank you.")
            return redirect("champions_activities")
    return render(request, "champions/activity_form.html", {"form": form})


@access.require(access.can_see_champions)
def award(request):
    granted = services.award_grant(user=request.user) if access.is_champion(request.user) else None
    granted = (
        granted or FoundationAward.objects.filter(user=request.user).select_related("certificate").first()
    )
    if granted is None:
        messages.error(
            request, "The foundation award comes with completing all ten days of the champions' course."
        )
        return redirect("champions_index")
    from training.views import certificate_response

    return certificate_response(request, granted.certificate)
