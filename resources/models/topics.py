from __future__ import annotations

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
