"""Sign-ins and failed sign-ins go to the audit log."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from hub.models import AuditEvent


@receiver(user_logged_in)
def _audit_sign_in(sender, request, user, **kwargs):
    AuditEvent.objects.create(actor=user, action="sign_in", detail=user.email)


@receiver(user_login_failed)
def _audit_failed_sign_in(sender, credentials, request=None, **kwargs):
    who = str(credentials.get("email") or credentials.get("username") or "")[:200]
    AuditEvent.objects.create(actor=None, action="sign_in.failed", detail=who)
