"""The library's Wagtail pages.

Every resource page (training material, systemic tool, article) is a `ResourcePage`:
one table holds what the listing, its filters and the access policy need (summary,
kind, audience, topics), so a listing of any mix of page types is one query.
Serving a page asks hub/access.py; a view by a signed-in person is recorded.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, HelpPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page, PageViewRestriction
from wagtail.search import index

from hub import access
from resources import blocks

LIBRARY_SLUG = "resources"


class Audience(models.TextChoices):
    TREATMENT = access.AUDIENCE_TREATMENT, "Treatment LAs (keyworkers, champions, practitioners, leaders)"
    CHAMPIONS = access.AUDIENCE_CHAMPIONS, "Systemic champions (and practitioners)"
    PRACTITIONERS = access.AUDIENCE_PRACTITIONERS, "Systemic practitioners only"
    IFT = access.AUDIENCE_IFT, "Tutors and the delivery lead only"
    EVERYONE = access.AUDIENCE_EVERYONE, "Everyone in the hub (control LAs once the pilot has ended)"


class Kind(models.TextChoices):
    TRAINING = "training", "Training material"
    TOOL = "tool", "Systemic tool"
    READING = "reading", "Reading"
    RECORDING = "recording", "Recording"
    TEMPLATE = "template", "Template"


class Course(models.TextChoices):
    CPD5 = "cpd5", "Five-day CPD"
    CHAMPIONS = "champions", "Champions course"
    LEADERS = "leaders", "Leaders' day"
    POSTPILOT = "postpilot", "Post-pilot CPD"
    TARGETED = "targeted", "Targeted training"


#: How many days each course has (targeted training is as long as it needs to be).
COURSE_DAYS: dict[str, int] = {
    Course.CPD5: 5,
    Course.CHAMPIONS: 10,
    Course.LEADERS: 1,
    Course.POSTPILOT: 2,
    Course.TARGETED: 20,
}


def _library_panels(*, with_kind: bool) -> list:
    fields = [
        FieldPanel("summary"),
        FieldPanel("audience"),
        FieldPanel("topics", widget=forms.CheckboxSelectMultiple),
    ]
    if with_kind:
        fields.insert(1, FieldPanel("kind"))
    return [MultiFieldPanel(fields, heading="In the library")]


#: Wagtail's page privacy on library pages: a shared password at most. Who may open a
#: page is its audience (hub/access.py); a "signed-in people" or "these groups"
#: restriction would send a signed-in reader it refuses to sign in, and so back again.
PRIVATE_PAGE_OPTIONS = ["password"]


def _view_restrictions(page, wagtails):
    """The view restrictions (Wagtail's page privacy) that apply to `page`: none, with no
    query, for a page found through the kept route that was checked to have none when
    it was kept (resources/sites.py; any change of a restriction renews it)."""
    if getattr(page, "has_no_view_restrictions", False):
        return PageViewRestriction.objects.none()
    return wagtails()


class LibraryIndexPage(Page):
    """The resource library at /resources/: listing, filters, search and pagination."""

    intro = RichTextField(features=blocks.RICH_TEXT_FEATURES, blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["resources.TrainingMaterialPage", "resources.SystemicToolPage", "resources.ArticlePage"]
    max_count = 1
    per_page = 12
    private_page_options = PRIVATE_PAGE_OPTIONS

    class Meta:
        verbose_name = "resource library"

    def clean(self):
        super().clean()
        if self.slug != LIBRARY_SLUG:
            raise ValidationError(
                {"slug": f'The library lives at /{LIBRARY_SLUG}/: keep its slug "{LIBRARY_SLUG}".'}
            )

    def serve(self, request, *args, **kwargs):
        from resources import responses

        if not access.can_open_library(request.user, request=request):
            return responses.refused(request)
        return super().serve(request, *args, **kwargs)

    def get_view_restrictions(self):
        return _view_restrictions(self, super().get_view_restrictions)

    def get_context(self, request, *args, **kwargs):
        from resources import selectors

        context = super().get_context(request, *args, **kwargs)
        context.update(selectors.library_listing(request.user, index=self, params=request.GET))
        return context


class ResourcePage(Page):
    """What every page of the library has: a summary, a kind, an audience and topics."""

    summary = models.TextField(
        max_length=300, help_text="One or two plain sentences, shown in the listing and in search results."
    )
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.READING, db_index=True)
    audience = models.CharField(
        max_length=16,
        choices=Audience.choices,
        default=Audience.TREATMENT,
        db_index=True,
        help_text="Who may open this page. Control LAs never see treatment material while the pilot runs.",
    )
    topics = ParentalManyToManyField("resources.Topic", blank=True, related_name="pages")

    #: Set by page types that always have the same kind.
    fixed_kind: str | None = None

    search_fields = Page.search_fields + [
        index.SearchField("summary", boost=1.5),
        index.AutocompleteField("summary"),
        index.RelatedFields("topics", [index.SearchField("name")]),
        index.FilterField("audience"),
        index.FilterField("kind"),
    ]
    is_creatable = False
    parent_page_types = ["resources.LibraryIndexPage"]
    subpage_types: list[str] = []
    private_page_options = PRIVATE_PAGE_OPTIONS

    class Meta:
        verbose_name = "resource"
        constraints = [
            models.CheckConstraint(
                condition=Q(audience__in=[a.value for a in Audience]), name="resourcepage_known_audience"
            ),
        ]

    def save(self, *args, **kwargs):
        if self.fixed_kind:
            self.kind = self.fixed_kind
        return super().save(*args, **kwargs)

    def serve(self, request, *args, **kwargs):
        from resources import responses, services

        if not access.can_view_resource(request.user, self, request=request):
            return responses.refused(request, page=self)
        services.resource_view_record(user=request.user, page_id=self.pk)
        return super().serve(request, *args, **kwargs)

    def get_view_restrictions(self):
        return _view_restrictions(self, super().get_view_restrictions)

    def get_context(self, request, *args, **kwargs):
        from resources import selectors

        context = super().get_context(request, *args, **kwargs)
        context["is_saved"] = selectors.is_saved(request.user, self)
        return context


class TrainingMaterialPage(ResourcePage):
    """Material for one day of a course: pre-reading, the session's slides and
    handouts, and follow-up exercises. Training days (training app) point here."""

    course_code = models.CharField("course", max_length=12, choices=Course.choices, db_index=True)
    day_number = models.PositiveSmallIntegerField(
        "day", validators=[MinValueValidator(1), MaxValueValidator(max(COURSE_DAYS.values()))]
    )
    pre_reading = StreamField(blocks.body_blocks(), blank=True, help_text="To read before the day.")
    session = StreamField(blocks.body_blocks(), blank=True, help_text="The day's slides, handouts and notes.")
    follow_up = StreamField(
        blocks.body_blocks(), blank=True, help_text="Exercises to try in practice after the day."
    )

    fixed_kind = Kind.TRAINING
    search_fields = ResourcePage.search_fields + [
        index.SearchField("pre_reading"),
        index.SearchField("session"),
        index.SearchField("follow_up"),
        index.FilterField("course_code"),
        index.FilterField("day_number"),
    ]
    content_panels = (
        Page.content_panels
        + [FieldPanel("course_code"), FieldPanel("day_number")]
        + _library_panels(with_kind=False)
        + [FieldPanel("pre_reading"), FieldPanel("session"), FieldPanel("follow_up")]
    )
    parent_page_types = ["resources.LibraryIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = "training material"
        constraints = [
            models.CheckConstraint(
                condition=Q(day_number__gte=1) & Q(day_number__lte=max(COURSE_DAYS.values())),
                name="trainingmaterial_day_in_range",
            ),
        ]

    def clean(self):
        super().clean()
        days = COURSE_DAYS.get(self.course_code)
        if days and self.day_number and self.day_number > days:
            raise ValidationError(
                {
                    "day_number": f"The {Course(self.course_code).label} has {days} "
                    f"day{'s' if days != 1 else ''}: choose a day from 1 to {days}."
                }
            )

    @property
    def course_day_label(self) -> str:
        return f"{Course(self.course_code).label}, day {self.day_number}"


class SystemicToolPage(ResourcePage):
    """A systemic tool: what it is, when to use it with a family, how to do it step
    by step, a worked example, and templates to download."""

    what_it_is = StreamField(blocks.body_blocks(), help_text="What the tool is, in plain words.")
    when_to_use = StreamField(blocks.body_blocks(), help_text="When it helps a family, and when it does not.")
    steps = StreamField(blocks.step_blocks(), help_text="How to do it, step by step.")
    worked_example = StreamField(blocks.body_blocks(), blank=True, help_text="A worked example (fictional).")
    templates = StreamField(blocks.download_blocks(), blank=True, help_text="Templates to download.")

    fixed_kind = Kind.TOOL
    search_fields = ResourcePage.search_fields + [
        index.SearchField("what_it_is"),
        index.SearchField("when_to_use"),
        index.SearchField("steps"),
        index.SearchField("worked_example"),
        index.SearchField("templates"),
    ]
    content_panels = (
        Page.content_panels
        + _library_panels(with_kind=False)
        + [
            FieldPanel("what_it_is"),
            FieldPanel("when_to_use"),
            FieldPanel("steps"),
            FieldPanel("worked_example"),
            FieldPanel("templates"),
        ]
    )
    parent_page_types = ["resources.LibraryIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = "systemic tool"


class ArticlePage(ResourcePage):
    """Guidance, reading, a recording (an uploaded MP4) or a template with notes."""

    body = StreamField(blocks.body_blocks())

    search_fields = ResourcePage.search_fields + [index.SearchField("body")]
    content_panels = (
        Page.content_panels
        + [
            HelpPanel(
                "Kind: choose Reading for guidance and articles, Recording for a session "
                "recording (upload the MP4 as a document), Template for a form to download."
            )
        ]
        + _library_panels(with_kind=True)
        + [FieldPanel("body")]
    )
    parent_page_types = ["resources.LibraryIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = "article or guidance"

    def clean(self):
        super().clean()
        if self.kind in (Kind.TRAINING, Kind.TOOL):
            raise ValidationError(
                {
                    "kind": "Articles are readings, recordings or templates: add training material "
                    "or a systemic tool as its own page type."
                }
            )
