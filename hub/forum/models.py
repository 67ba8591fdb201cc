"""The networking forum: boards, threads, posts, reports, moderation, following,
read markers, digest preferences and who is reading what right now."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

#: Posts on one page of a thread.
POSTS_PER_PAGE = 50


class BoardKind(models.TextChoices):
    ALL_TREATMENT = "all", "All treatment LAs"
    LA = "la", "One local authority"
    CHAMPIONS = "champions", "Systemic champions"
    PRACTITIONERS = "practitioners", "Systemic practitioners"
    STAFF = "staff", "Tutors and the delivery lead"


class Board(models.Model):
    """A place to talk. Who may read and post is decided by hub/access.py from its kind."""

    name = models.CharField(max_length=150)
    description = models.CharField(max_length=300, blank=True)
    kind = models.CharField(max_length=16, choices=BoardKind.choices)
    organisation = models.ForeignKey(
        "hub.Organisation", on_delete=models.CASCADE, null=True, blank=True, related_name="forum_boards"
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind"], condition=~Q(kind="la"), name="forum_board_one_per_shared_kind"
            ),
            models.UniqueConstraint(
                fields=["organisation"], condition=Q(kind="la"), name="forum_board_one_per_la"
            ),
            models.CheckConstraint(
                condition=Q(kind="la", organisation__isnull=False)
                | (~Q(kind="la") & Q(organisation__isnull=True)),
                name="forum_board_la_boards_have_an_la",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("forum_board", kwargs={"board_id": self.pk})

    @property
    def group_name(self) -> str:
        return f"forum.board.{self.pk}"


class Thread(models.Model):
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="threads")
    title = models.CharField(max_length=200)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    last_post_at = models.DateTimeField(default=timezone.now, db_index=True)
    last_post_id = models.PositiveBigIntegerField(default=0)
    post_count = models.PositiveIntegerField(default=0)
    is_locked = models.BooleanField(default=False)
    is_pinned = models.BooleanField(default=False)

    class Meta:
        ordering = ["-is_pinned", "-last_post_at", "-pk"]
        indexes = [models.Index(fields=["board", "-is_pinned", "-last_post_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("forum_thread", kwargs={"thread_id": self.pk})

    @property
    def group_name(self) -> str:
        return f"forum.thread.{self.pk}"


class Post(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="forum_posts")
    body = models.TextField(help_text="What the person typed (Markdown).")
    html = models.TextField(help_text="The body rendered and cleaned by hub/sanitise.py.")
    quote_of = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True, help_text="Removed by its author.")
    hidden_at = models.DateTimeField(null=True, blank=True, help_text="Hidden by a moderator.")
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["thread", "id"])]

    def __str__(self) -> str:
        return f"Post {self.pk} in {self.thread_id}"

    def get_absolute_url(self) -> str:
        """The thread page this post is on, as people who do not moderate see the thread.
        Lists annotate `posts_before` (see hub.forum.selectors.posts_before) so that
        this costs no query per post; a moderator's lists count hidden posts too."""
        before = getattr(self, "posts_before", None)
        if before is None:
            before = Post.objects.filter(
                thread_id=self.thread_id, pk__lt=self.pk, hidden_at__isnull=True
            ).count()
        return self.url_after(before)

    def url_after(self, posts_before: int) -> str:
        """The link to this post when `posts_before` posts of its thread come before it."""
        page = posts_before // POSTS_PER_PAGE + 1
        url = reverse("forum_thread", kwargs={"thread_id": self.thread_id})
        query = f"?page={page}" if page > 1 else ""
        return f"{url}{query}#post-{self.pk}"

    @property
    def version(self) -> str:
        """What changes when the post is edited, removed, hidden or restored: the page
        (data-version) and its script compare it to tell whether they show this version."""
        return "|".join(t.isoformat() if t else "" for t in (self.edited_at, self.removed_at, self.hidden_at))

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None


class Report(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.TextField(max_length=1000)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"Report on post {self.post_id}"


class ModerationAction(models.Model):
    """Every moderation step, with who took it and when."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    action = models.CharField(max_length=40)
    post = models.ForeignKey(Post, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    thread = models.ForeignKey(Thread, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    note = models.CharField(max_length=500, blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"


class Follow(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="forum_follows")
    board = models.ForeignKey(Board, on_delete=models.CASCADE, null=True, blank=True, related_name="follows")
    thread = models.ForeignKey(
        Thread, on_delete=models.CASCADE, null=True, blank=True, related_name="follows"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(board__isnull=True, thread__isnull=False)
                | Q(board__isnull=False, thread__isnull=True),
                name="forum_follow_board_or_thread",
            ),
            models.UniqueConstraint(fields=["user", "board"], name="forum_follow_one_per_board"),
            models.UniqueConstraint(fields=["user", "thread"], name="forum_follow_one_per_thread"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} follows {'thread ' + str(self.thread_id) if self.thread_id else 'board ' + str(self.board_id)}"


class ReadMarker(models.Model):
    """The last post a person has seen in a thread: what is unread is what comes after."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="read_markers")
    last_read_post_id = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "thread"], name="forum_read_marker_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.thread_id} up to {self.last_read_post_id}"


class Preference(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="forum_preference"
    )
    daily_digest = models.BooleanField(
        default=False, help_text="One email a day about followed threads and boards, instead of one per post."
    )
    last_digest_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Forum settings of {self.user_id}"


class Presence(models.Model):
    """One open websocket on a board or thread page. Kept in the database so every
    server process counts the same readers."""

    channel_name = models.CharField(max_length=200, unique=True)
    group = models.CharField(max_length=100, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    seen_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.user_id} on {self.group}"
