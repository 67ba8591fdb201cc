"""Background tasks: email is queued through Django's task framework (database backend),
so queued mail survives a restart."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django_tasks import task


@task()
def send_email(*, to: str, subject: str, body: str) -> None:
    """Send one plain-text email. Subjects often carry what people typed (a title, a
    name): line breaks in them become spaces, as a mail header cannot hold them."""
    send_mail(
        subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(subject.split()),
        message=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[to],
    )
