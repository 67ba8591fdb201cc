from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
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
    """Mark one notification read (`id`), or all of them when no id is sent. An id
    that is not a number is refused rather than taken as "all"."""
    raw = request.POST.get("id")
    notification_id = None
    if raw:
        try:
            notification_id = int(raw)
        except ValueError:
            return HttpResponseBadRequest("The notification to mark as read must be given by its number.")
    services.notification_mark_read(user=request.user, notification_id=notification_id)
    return redirect("notification_list")
