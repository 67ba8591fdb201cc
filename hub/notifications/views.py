from __future__ import annotations

from django.core.paginator import Paginator
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
    raw = request.POST.get("id")
    services.notification_mark_read(
        user=request.user, notification_id=int(raw) if raw and raw.isdigit() else None
    )
    return redirect("notification_list")
