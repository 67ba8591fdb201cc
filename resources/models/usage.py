from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class ResourceView(models.Model):
    """One view of a resource page or one download of a document by a signed-in
    person: the fidelity dashboard's engagement data. Written with one INSERT.

    A download names the page it was offered on when there is one the person may
    open. Deleting a page or document keeps the record (and its date) with the
    reference set to null, so engagement history is not lost with the content."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    page = models.ForeignKey(
        "wagtailcore.Page", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    document = models.ForeignKey(
        "wagtaildocs.Document", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at"]
        indexes = [
            models.Index(fields=["user", "-at"], name="resourceview_user_at"),
            models.Index(fields=["at"], name="resourceview_at"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} viewed {self.document_id or self.page_id} at {self.at:%Y-%m-%d %H:%M}"


class SavedResource(models.Model):
    """A page someone saved to "My resources"."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    page = models.ForeignKey("resources.ResourcePage", on_delete=models.CASCADE, related_name="+")
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-saved_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "page"], name="savedresource_once_per_person"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} saved {self.page_id}"
