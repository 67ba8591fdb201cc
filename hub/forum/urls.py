from django.urls import path

from hub.forum import views

urlpatterns = [
    path("", views.index, name="forum_index"),
    path("search/", views.search, name="forum_search"),
    path("settings/", views.preferences, name="forum_preferences"),
    path("reports/", views.reports, name="forum_reports"),
    path("moderation/", views.moderation_log, name="forum_moderation_log"),
    path("boards/<int:board_id>/", views.board_detail, name="forum_board"),
    path("boards/<int:board_id>/follow/", views.board_follow, name="forum_board_follow"),
    path("boards/<int:board_id>/threads.json", views.board_threads_json, name="forum_board_threads_json"),
    path("boards/<int:board_id>/people.json", views.mention_people, name="forum_mention_people"),
    path("threads/<int:thread_id>/", views.thread_detail, name="forum_thread"),
    path("threads/<int:thread_id>/reply/", views.thread_reply, name="forum_thread_reply"),
    path("threads/<int:thread_id>/posts.json", views.thread_posts_json, name="forum_thread_posts_json"),
    path("threads/<int:thread_id>/follow/", views.thread_follow, name="forum_thread_follow"),
    path("threads/<int:thread_id>/moderate/", views.thread_moderate, name="forum_thread_moderate"),
    path("posts/<int:post_id>/edit/", views.post_edit, name="forum_post_edit"),
    path("posts/<int:post_id>/remove/", views.post_remove, name="forum_post_remove"),
    path("posts/<int:post_id>/report/", views.post_report, name="forum_post_report"),
    path("posts/<int:post_id>/moderate/", views.post_moderate, name="forum_post_moderate"),
]
