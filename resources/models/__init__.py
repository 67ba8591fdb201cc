"""The resource library's models: its Wagtail pages, topics, and usage records."""

from resources.models.pages import (
    COURSE_DAYS,
    ArticlePage,
    Audience,
    Course,
    Kind,
    LibraryIndexPage,
    ResourcePage,
    SystemicToolPage,
    TrainingMaterialPage,
)
from resources.models.topics import Topic
from resources.models.usage import ResourceView, SavedResource

__all__ = [
    "COURSE_DAYS",
    "ArticlePage",
    "Audience",
    "Course",
    "Kind",
    "LibraryIndexPage",
    "ResourcePage",
    "ResourceView",
    "SavedResource",
    "SystemicToolPage",
    "Topic",
    "TrainingMaterialPage",
]
