from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from hub.env import env_bool, env_int, env_url

ROOT = Path(__file__).resolve().parents[2]


def _run(code: str, **env: str) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    clean.update(env)
    clean["DJANGO_SETTINGS_MODULE"] = "hub.settings"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize(
    ("reader", "name", "value", "says"),
    [
        (lambda: env_bool("HUB_T"), "HUB_T", "perhaps", "must be true or false"),
        (lambda: env_int("HUB_T", 1), "HUB_T", "twelve", "must be a whole number"),
        (
            lambda: env_url("HUB_T", ("postgres",)),
            "HUB_T",
            "mysql://x",
            "must be a URL starting with postgres://",
        ),
    ],
)
def test_a_malformed_environment_value_names_the_variable(monkeypatch, reader, name, value, says):
    monkeypatch.setenv(name, value)
    with pytest.raises(ImproperlyConfigured, match=f"{name} {says}"):
        reader()


def test_start_up_stops_with_a_clear_error_for_a_bad_database_url():
    result = _run("import django; django.setup()", DATABASE_URL="oracle://nowhere")
    assert result.returncode != 0
    assert "ImproperlyConfigured: The environment variable DATABASE_URL must be a URL" in result.stderr


def test_debug_off_without_a_secret_key_refuses_to_start():
    result = _run("import django; django.setup()", DEBUG="false")
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_the_deployment_check_is_clean_with_debug_off_and_a_real_secret():
    result = _run(
        "import sys; from django.core.management import execute_from_command_line; "
        "execute_from_command_line(['manage.py', 'check', '--deploy', '--fail-level', 'WARNING'])",
        DEBUG="false",
        SECRET_KEY="x" * 30 + "a-real-secret-for-the-check-5f1c9e2b",
        ALLOWED_HOSTS="hub.example.org",
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_healthz_reports_the_database_and_the_channel_layer(db, client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "channel_layer": "ok", "status": "ok"}


def test_healthz_answers_503_when_the_channel_layer_is_down(db, client, settings):
    from channels.layers import channel_layers

    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": ["redis://127.0.0.1:1/0"]},
        }
    }
    channel_layers.backends.clear()
    try:
        response = client.get("/healthz")
    finally:
        channel_layers.backends.clear()
    assert response.status_code == 503
    body = response.json()
    assert (
        body["database"] == "ok" and body["channel_layer"].startswith("error") and body["status"] == "error"
    )


def test_the_demo_data_loads_twice_without_duplicating_anything(db):
    from django.core.management import call_command

    from hub.models import Membership, Organisation, User

    call_command("seed_demo", stdout=open(os.devnull, "w"))
    counts = (User.objects.count(), Organisation.objects.count(), Membership.objects.count())
    call_command("seed_demo", stdout=open(os.devnull, "w"))
    assert (User.objects.count(), Organisation.objects.count(), Membership.objects.count()) == counts
    assert Organisation.objects.treatment().count() == 6 and Organisation.objects.control().count() == 6


def test_a_database_pool_is_set_up_per_process_when_asked():
    code = "from django.conf import settings; d = settings.DATABASES['default']; print(d['CONN_MAX_AGE'], d['OPTIONS']['pool'])"
    result = _run(
        code, DATABASE_URL="postgres://hub@127.0.0.1:5432/hub", DB_POOL_SIZE="6", DB_CONN_MAX_AGE="60"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "0 {'min_size': 1, 'max_size': 6, 'timeout': 30}"
    without = _run(
        "from django.conf import settings; print('pool' in settings.DATABASES['default'].get('OPTIONS', {}))",
        DATABASE_URL="postgres://hub@127.0.0.1:5432/hub",
    )
    assert without.stdout.strip() == "False"


def test_the_channel_layer_is_pub_sub_on_redis_unless_the_core_layer_is_asked_for():
    code = "from django.conf import settings; print(settings.CHANNEL_LAYERS['default']['BACKEND'])"
    redis = "redis://127.0.0.1:6379/15"
    assert _run(code, REDIS_URL=redis).stdout.strip() == "channels_redis.pubsub.RedisPubSubChannelLayer"
    assert (
        _run(code, REDIS_URL=redis, CHANNEL_LAYER="core").stdout.strip()
        == "hub.forum.layers.RedisChannelLayer"
    )
    wrong = _run(code, REDIS_URL=redis, CHANNEL_LAYER="kafka")
    assert "CHANNEL_LAYER must be pubsub or core; it is 'kafka'" in wrong.stderr
