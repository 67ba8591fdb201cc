from django.contrib import admin

from hub.forum.models import Board, ModerationAction, Post, Report, Thread


@admin.register(Board)
class BoardAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "organisation", "position"]


@admin.register(Thread)
class ThreadAdmin(admin.ModelAdmin):
    list_display = ["title", "board", "author", "post_count", "last_post_at", "is_locked", "is_pinned"]
    list_filter = ["board"]
    raw_id_fields = ["author"]


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    """Read-only here: posts change only through the forum's services (which broadcast)."""

    list_display = ["pk", "thread", "author", "created_at", "edited_at", "removed_at", "hidden_at"]
    readonly_fields = [f.name for f in Post._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["post", "reporter", "created_at", "resolved_at"]
    raw_id_fields = ["post", "reporter", "resolved_by"]


@admin.register(ModerationAction)
class ModerationActionAdmin(admin.ModelAdmin):
    list_display = ["at", "actor", "action", "post", "thread"]
    readonly_fields = ["at", "actor", "action", "post", "thread", "note"]
