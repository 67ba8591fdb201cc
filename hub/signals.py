"""Sign-ins and failed sign-ins go to the audit log; changes to who belongs where reach
what hub/access.py keeps."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from hub import access
from hub.models import AuditEvent, Membership, Organisation, Team


@receiver(user_logged_in)
def _audit_sign_in(sender, request, user, **kwargs):
    AuditEvent.objects.create(actor=user, action="sign_in", detail=user.email)


@receiver(user_login_failed)
def _audit_failed_sign_in(sender, credentials, request=None, **kwargs):
    who = str(credentials.get("email") or credentials.get("username") or "")[:200]
    AuditEvent.objects.create(actor=None, action="sign_in.failed", detail=who)


# What hub/access.py keeps of a person between requests is made unusable by any change
# to a membership, an organisation or a team, however it is made (service, admin, shell).
@receiver([post_save, post_delete], sender=Membership)
def _membership_changed(sender, instance, **kwargs):
    access.memberships_changed(instance.user_id)


@receiver([post_save, post_delete], sender=Organisation)
@receiver([post_save, post_delete], sender=Team)
def _organisation_changed(sender, **kwargs):
    access.organisations_changed()
