from __future__ import annotations

import pytest

from tests.factories import build_world, pilot_around_today


@pytest.fixture(scope="session", autouse=True)
def _no_stray_connections_at_the_end(django_db_setup, django_db_blocker):
    """Live servers and server processes started by tests may leave connections to the
    PostgreSQL test database open; end them before the test database is dropped."""
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture(autouse=True)
def _reference_data(db):
    """Put back the rows the data migrations create (courses, default fidelity thresholds,
    Wagtail's root page and site) when a transactional test emptied the database."""
    from importlib import import_module

    from django.apps import apps
    from wagtail.models import Page

    from hub.fidelity.models import Threshold
    from training.models import Course

    if not Course.objects.exists():
        import_module("training.migrations.0002_seed_courses").seed(apps, None)
    if not Threshold.objects.exists():
        import_module("hub.fidelity.migrations.0002_default_thresholds").add_defaults(apps, None)
    from wagtail.models import Collection, Locale

    if not Locale.objects.exists():
        import_module("wagtail.migrations.0054_initial_locale").initial_locale(apps, None)
    if not Collection.objects.exists():
        Collection.add_root(name="Root")
    if not Page.objects.exists():
        from wagtail.models import Site

        home = Page.add_root(instance=Page(title="Root", slug="root")).add_child(
            instance=Page(title="Welcome", slug="home")
        )
        Site.objects.create(hostname="localhost", root_page=home, is_default_site=True)


@pytest.fixture(autouse=True)
def _pilot_running(db, _reference_data):
    """Every test starts with the pilot under way (dates set around today); tests of
    other phases set their own dates."""
    return pilot_around_today()


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """The browser tests run last: Playwright keeps an event loop running in the main
    thread once started, which the websocket tests' own loops cannot share."""
    items.sort(key=lambda item: "/tests/browser/" in str(item.path))
