from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import slugify
from wagtail.search import index


class Topic(index.Indexed, models.Model):
    """A subject the library's listing can be filtered by (edited as a snippet)."""

    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True, blank=True)

    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name)[:80]
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        if self.slug:  # typed in: Django checks it is unique
            return
        self.slug = slugify(self.name)[:80]
        if not self.slug:
            raise ValidationError({"name": "Give the topic a name with letters or numbers in it."})
        other = Topic.objects.exclude(pk=self.pk).filter(slug=self.slug).first()
        if other is not None:
            # The slug is the topic's address in the library's filter (?topic=...).
            raise ValidationError(
                {
                    "name": f"There is already a topic called “{other.name}”: use it, "
                    "or give this one a name that differs by more than punctuation or capitals."
                }
            )
