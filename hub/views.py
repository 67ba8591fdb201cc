from __future__ import annotations

from asgiref.sync import sync_to_async
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from hub import access, selectors, services
from hub.forms import (
    AcceptInvitationForm,
    InvitationForm,
    MembershipForm,
    OrganisationForm,
    OrganisationUpdateForm,
    TeamForm,
)
from hub.models import ROLES_BY_KIND, AuditEvent, Invitation, Membership, Organisation, Role


def _apply_errors(form, exc: ValidationError) -> None:
    """Put a service's ValidationError next to the field it is about."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@access.require(access.signed_in)
def home(request):
    user = request.user
    return render(
        request,
        "hub/home.html",
        {
            "la": access.home_la(user),
            "team": access.home_team(user),
            "roles": sorted(Role(r).label for r in access.roles(user)),
            "phase": access.current_phase(),
            "treatment": access.is_ift(user) or access.arm_of(user) == "treatment",
            "control": access.arm_of(user) == "control",
        },
    )


@require_GET
async def healthz(request):
    report = {
        "database": await sync_to_async(selectors.database_health)(),
        "channel_layer": await selectors.channel_layer_health(),
    }
    healthy = all(v == "ok" for v in report.values())
    report["status"] = "ok" if healthy else "error"
    return JsonResponse(report, status=200 if healthy else 503)


# --- invitations ------------------------------------------------------------------


def invitation_accept(request, token: str):
    """A new person chooses a password and is signed in. Someone who already has an
    account only confirms: the role is added, and they sign in as usual (with their
    second factor), so an invitation link never stands in for a sign-in."""
    if request.user.is_authenticated:
        return render(
            request,
            "hub/invitation_problem.html",
            {
                "problem": "You are already signed in. Sign out first, then open the invitation link again.",
            },
            status=400,
        )
    try:
        invitation = services.invitation_for_token(token)
    except services.InvitationError as exc:
        return render(request, "hub/invitation_problem.html", {"problem": str(exc)}, status=410)
    if services.invitation_existing_account(invitation) is not None:
        return _invitation_join(request, token, invitation)
    form = AcceptInvitationForm(request.POST or None, initial={"full_name": invitation.full_name})
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(
                token=token, password=form.cleaned_data["password1"], full_name=form.cleaned_data["full_name"]
            )
        except services.InvitationForExistingAccount as exc:
            # The account was made since this page was shown: confirm instead.
            messages.info(request, str(exc))
            return redirect("invitation_accept", token=token)
        except services.InvitationError as exc:
            return render(request, "hub/invitation_problem.html", {"problem": str(exc)}, status=410)
        except ValidationError as exc:
            form.add_error("password1", exc.messages)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, f"Welcome to the hub, {user.get_short_name()}.")
            return redirect("home")
    return render(request, "hub/invitation_accept.html", {"form": form, "invitation": invitation})


def _invitation_join(request, token: str, invitation: Invitation):
    """The invitation of someone who already has an account: a confirm button, no password."""
    problem = None
    if request.method == "POST":
        try:
            services.invitation_join(token=token)
        except services.InvitationError as exc:
            return render(request, "hub/invitation_problem.html", {"problem": str(exc)}, status=410)
        except ValidationError as exc:
            problem = " ".join(exc.messages)
        else:
            messages.success(request, "You already have an account: sign in to use your new role.")
            return redirect("account_login")
    return render(
        request,
        "hub/invitation_accept.html",
        {"invitation": invitation, "existing_account": True, "problem": problem},
        status=400 if problem else 200,
    )


# --- organisations (hub admin) ----------------------------------------------------


@access.require(access.can_manage_organisations)
def organisation_list(request):
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            org = services.organisation_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"{org.name} added.")
            return redirect("organisation_detail", pk=org.pk)
    return render(
        request,
        "hub/organisation_list.html",
        {
            "organisations": selectors.organisations_with_counts(),
            "form": form,
        },
    )


@access.require(access.may_manage_organisation)
def organisation_detail(request, pk: int):
    org = get_object_or_404(Organisation, pk=pk)
    is_admin = access.is_hub_admin(request.user)
    org_form = (
        OrganisationUpdateForm(initial={"name": org.name, "arm": org.arm}, organisation=org)
        if is_admin
        else None
    )
    team_form = TeamForm()
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "update" and is_admin:
            org_form = OrganisationUpdateForm(request.POST, organisation=org)
            if org_form.is_valid():
                try:
                    services.organisation_update(
                        actor=request.user,
                        organisation=org,
                        name=org_form.cleaned_data["name"],
                        arm=org_form.cleaned_data.get("arm", org.arm),
                    )
                except ValidationError as exc:
                    _apply_errors(org_form, exc)
                else:
                    messages.success(request, f"{org.name} saved.")
                    return redirect("organisation_detail", pk=org.pk)
        elif action == "team":
            team_form = TeamForm(request.POST)
            if team_form.is_valid():
                try:
                    services.team_create(
                        actor=request.user, organisation=org, name=team_form.cleaned_data["name"]
                    )
                except ValidationError as exc:
                    _apply_errors(team_form, exc)
                else:
                    messages.success(request, "Team added.")
                    return redirect("organisation_detail", pk=org.pk)
        else:
            raise PermissionDenied
    return render(
        request,
        "hub/organisation_detail.html",
        {
            "org": org,
            "org_form": org_form,
            "team_form": team_form,
            "teams": org.teams.all(),
        },
    )


# --- people -------------------------------------------------------------------------


@access.require(access.can_manage_people)
def people_index(request):
    orgs = list(access.managed_organisations(request.user))
    if len(orgs) == 1:
        return redirect("people", pk=orgs[0].pk)
    return render(request, "hub/people_index.html", {"organisations": orgs})


def _assignable_roles(user, org: Organisation) -> list[str]:
    return [r for r in Role.values if r in ROLES_BY_KIND[org.kind] and access.can_assign_role(user, org, r)]


@access.require(access.may_manage_organisation)
def people(request, pk: int):
    org = get_object_or_404(Organisation, pk=pk)
    roles = _assignable_roles(request.user, org)
    form = InvitationForm(request.POST or None, organisation=org, roles=roles)
    invite_link = None
    if request.method == "POST" and form.is_valid():
        try:
            invitation, token = services.invitation_create(
                actor=request.user, organisation=org, **form.cleaned_data
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"Invitation sent to {invitation.email}.")
            if access.is_hub_admin(request.user):
                # Hub admins may pass the link on themselves when email is slow.
                invite_link = request.build_absolute_uri(f"/invite/{token}/")
            form = InvitationForm(organisation=org, roles=roles)
    return render(
        request,
        "hub/people.html",
        {
            "org": org,
            "memberships": selectors.memberships_of(org),
            "invitations": selectors.pending_invitations(org),
            "form": form,
            "invite_link": invite_link,
            "assignable": set(roles),
        },
    )


@access.require(access.may_manage_membership)
def membership_edit(request, pk: int):
    membership = get_object_or_404(
        Membership.objects.select_related("organisation", "user"), pk=pk, ended_at__isnull=True
    )
    org = membership.organisation
    form = MembershipForm(
        request.POST or None,
        organisation=org,
        roles=_assignable_roles(request.user, org),
        initial={"role": membership.role, "team": membership.team_id},
    )
    if request.method == "POST":
        if request.POST.get("action") == "end":
            services.membership_end(actor=request.user, membership=membership)
            messages.success(
                request, f"{membership.user}'s role as {membership.get_role_display()} has ended."
            )
            return redirect("people", pk=org.pk)
        if form.is_valid():
            try:
                services.membership_update(
                    actor=request.user,
                    membership=membership,
                    role=form.cleaned_data["role"],
                    team=form.cleaned_data["team"],
                )
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, "Role saved.")
                return redirect("people", pk=org.pk)
    return render(request, "hub/membership_edit.html", {"membership": membership, "form": form})


@access.require(access.may_revoke_invitation)
@require_POST
def invitation_revoke(request, pk: int):
    invitation = get_object_or_404(Invitation, pk=pk)
    services.invitation_revoke(actor=request.user, invitation=invitation)
    messages.success(request, f"The invitation to {invitation.email} was withdrawn.")
    return redirect("people", pk=invitation.organisation_id)


@access.require(access.can_view_audit_log)
def audit_log(request):
    from django.core.paginator import Paginator

    page = Paginator(AuditEvent.objects.select_related("actor"), 50).get_page(request.GET.get("page"))
    return render(request, "hub/audit_log.html", {"page": page})


# --- information pages and privacy ----------------------------------------------


@access.require(access.anyone)
def accessibility_statement(request):
    return render(request, "hub/accessibility.html")


@access.require(access.anyone)
def privacy_notice(request):
    from django.conf import settings

    return render(request, "hub/privacy.html", {"retention_days": settings.RETENTION_DAYS_AFTER_PILOT})


@access.require(access.signed_in)
def my_data(request):
    from hub import privacy
    from hub.forms import ErasureRequestForm

    form = ErasureRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        privacy.erasure_request_create(user=request.user, reason=form.cleaned_data["reason"])
        messages.success(
            request, "Your request was sent to the hub admin, who will reply by email within one month."
        )
        return redirect("my_data")
    return render(request, "hub/my_data.html", {"form": form})


@access.require(access.signed_in)
def my_data_download(request):
    import json

    from django.http import HttpResponse

    from hub import privacy

    body = json.dumps(privacy.personal_data(request.user), indent=2, ensure_ascii=False)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="my-hub-data.json"'
    return response


@access.require(access.can_anonymise_people)
def person_anonymise(request, pk: int):
    from hub import privacy
    from hub.forms import AnonymiseForm
    from hub.models import User

    person = get_object_or_404(User, pk=pk)
    form = AnonymiseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            privacy.person_anonymise(actor=request.user, person=person, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"The person is now known only as {person.full_name}.")
            return redirect("audit_log")
    return render(request, "hub/person_anonymise.html", {"person": person, "form": form})
