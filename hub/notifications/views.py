from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from hub import access
from hub.notifications import selectors, services


@access.require(access.signed_in)
def notification_list(request):
    page = Paginator(selectors.notifications_for(request.user), 25).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page})


@access.require(access.signed_in)
@require_POST
def notification_read(request):
    """Mark one notification read (`id`), or all of them when no id is sent, up to the
    newest the page showed (`upto`). An id that is not a number is refused rather than
    taken as "all"."""
    numbers = {}
    for name in ("id", "upto"):
        raw = request.POST.get(name)
        if raw:
            try:
                numbers[name] = int(raw)
            except ValueError:
                return HttpResponseBadRequest(
                    "The notifications to mark as read must be given by their number."
                )
    services.notification_mark_read(
        user=request.user, notification_id=numbers.get("id"), upto=numbers.get("upto")
    )
    return redirect("notification_list")


@access.require(access.signed_in)
def notification_open(request, pk: int):
    """Follow a notification's link: it is marked read on the way."""
    note = get_object_or_404(selectors.notifications_for(request.user), pk=pk)
    services.notification_mark_read(user=request.user, notification_id=note.pk)
    if note.url and url_has_allowed_host_and_scheme(note.url, allowed_hosts={request.get_host()}):
        return redirect(note.url)
    return redirect("notification_list")
