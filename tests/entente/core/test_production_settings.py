"""Production settings refuse unsafe values, pass Django's deployment checks, and keep tenancy safe.

Each case imports the settings in a fresh interpreter: settings modules run once per process,
and the environment is what production reads.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import textwrap

import pytest
from django.conf import settings

from tests.support import live
from tests.support.live import ROOT

DOMAIN = "entente.example.fr"


def production_env(**overrides: str) -> dict[str, str]:
    """A clean, valid production environment (no DJANGO_*/ENTENTE_*/SENTRY_* inherited)."""
    inherited = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "ENTENTE_", "SENTRY_", "METRICS_", "DATABASE_"))
    }
    return {
        **inherited,
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "platform")]),
        "DJANGO_SETTINGS_MODULE": "entente.config.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "ENTENTE_DOMAIN": DOMAIN,
        "ENTENTE_DATA_DIR": str(ROOT / ".data"),
        "DATABASE_URL": os.environ.get("DATABASE_URL") or live.test_database_url(),
        "REDIS_URL": settings.REDIS_URL,
        **overrides,
    }


def run_python(code: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


LOAD_SETTINGS = """
    import django
    django.setup()
    from django.conf import settings
    print("loaded", settings.SECURE_SSL_REDIRECT, sorted(settings.SECURE_REDIRECT_EXEMPT))
    print("webauthn origins checked:", not settings.MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN)
"""


def test_valid_environment_loads() -> None:
    result = run_python(LOAD_SETTINGS, production_env())
    assert result.returncode == 0, result.stderr
    assert "loaded True ['^healthz$', '^metrics$', '^readyz$']" in result.stdout
    assert "webauthn origins checked: True" in result.stdout


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"DJANGO_DEBUG": "true"}, "DJANGO_DEBUG must be off"),
        ({"DJANGO_SECRET_KEY": "entente-development-key-not-for-production"}, "DJANGO_SECRET_KEY"),
        ({"DJANGO_SECRET_KEY": ""}, "DJANGO_SECRET_KEY"),
        ({"DJANGO_SECRET_KEY": "too-short-" * 3}, "DJANGO_SECRET_KEY"),
        ({"DJANGO_SECRET_KEY": "django-insecure-" + "x" * 60}, "DJANGO_SECRET_KEY"),
        ({"DJANGO_SECRET_KEY": "a" * 60}, "DJANGO_SECRET_KEY"),
        ({"DJANGO_ALLOWED_HOSTS": ""}, "DJANGO_ALLOWED_HOSTS"),
        ({"DJANGO_ALLOWED_HOSTS": "*"}, "DJANGO_ALLOWED_HOSTS"),
        ({"METRICS_TOKEN": "short"}, "METRICS_TOKEN"),
    ],
    ids=[
        "debug-on",
        "development-key",
        "no-key",
        "short-key",
        "django-insecure-key",
        "low-entropy-key",
        "no-allowed-hosts",
        "any-host",
        "weak-metrics-token",
    ],
)
def test_unsafe_environment_refuses_to_start(overrides: dict[str, str], message: str) -> None:
    env = production_env()
    env.update(overrides)
    result = run_python(LOAD_SETTINGS, env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr
    assert "loaded" not in result.stdout


def test_deployment_checks_pass() -> None:
    """`manage.py check --deploy` finds nothing, not even a warning."""
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env(METRICS_TOKEN=secrets.token_urlsafe(32)),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_sentry_starts_only_with_a_dsn() -> None:
    code = """
        import django
        django.setup()
        import sentry_sdk
        client = sentry_sdk.get_client()
        print("active", client.is_active())
        if client.is_active():
            from entente.core.observability import scrub_event
            options = client.options
            print("environment", options["environment"])
            print("pii", client.should_send_default_pii())
            print("locals", options["include_local_variables"])
            print("user_info", options["data_collection"]["user_info"])
            print("before_send", options["before_send"] is scrub_event)
            print("integrations", sorted(client.integrations))
    """
    # A loopback DSN: nothing is sent (no event), and nothing could leave the machine anyway.
    with_dsn = run_python(
        code,
        production_env(SENTRY_DSN="http://public@127.0.0.1:9/1", SENTRY_ENVIRONMENT="staging"),
    )
    assert with_dsn.returncode == 0, with_dsn.stderr
    lines = with_dsn.stdout.splitlines()
    assert "active True" in lines
    assert "environment staging" in lines
    assert "pii False" in lines
    assert "locals False" in lines
    assert "user_info False" in lines
    assert "before_send True" in lines
    integrations = next(line for line in lines if line.startswith("integrations"))
    for name in ("celery", "django", "redis"):
        assert f"'{name}'" in integrations

    without = run_python(code, production_env())
    assert without.returncode == 0, without.stderr
    assert "active False" in without.stdout.splitlines()


def test_probe_paths_are_not_redirected_to_https() -> None:
    """Kubelet and Prometheus call pods over plain HTTP; everything else goes to HTTPS."""
    code = f"""
        import django
        django.setup()
        from django.test import Client
        client = Client(HTTP_HOST="{DOMAIN}")
        print("home", client.get("/").status_code, client.get("/").get("Location"))
        print("healthz", client.get("/healthz").status_code)
        print("readyz-redirected", client.get("/readyz").status_code in (301, 302))
        by_ip = Client(HTTP_HOST="10.1.2.3:8000")
        print("healthz-by-ip", by_ip.get("/healthz").status_code)
    """
    result = run_python(code, production_env())
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert f"home 301 https://{DOMAIN}/" in lines
    assert "healthz 200" in lines
    assert "readyz-redirected False" in lines
    assert "healthz-by-ip 200" in lines


@pytest.mark.usefixtures("django_db_setup")
def test_django_pool_sets_the_search_path_on_every_checkout() -> None:
    """With DATABASE_POOL, a connection handed back to the pool never keeps its tenant.

    One pooled connection (max size 1), so the second checkout is the same PostgreSQL session
    as the first: it must come back with the search_path asked for, not the last one set.
    """
    code = """
        import django
        django.setup()
        from django.conf import settings
        from entente.core.db import connection
        assert settings.DATABASES["default"]["OPTIONS"]["pool"]["max_size"] == 1

        def session():
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid(), current_setting('search_path')")
                return cursor.fetchone()

        connection.set_schema("t_pool_alpha")
        first_pid, first_path = session()
        connection.close()
        connection.set_schema_to_public()
        second_pid, second_path = session()
        connection.close()
        connection.set_schema("t_pool_beta")
        third_pid, third_path = session()
        print("same-session", first_pid == second_pid == third_pid)
        print("paths", first_path, "|", second_path, "|", third_path)
    """
    env = production_env(
        DATABASE_URL=live.test_database_url(),
        DATABASE_POOL="true",
        DATABASE_POOL_MIN_SIZE="1",
        DATABASE_POOL_MAX_SIZE="1",
    )
    result = run_python(code, env)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "same-session True" in lines
    assert "paths t_pool_alpha, public | public | t_pool_beta, public" in lines


def test_broker_reads_time_out_so_a_frozen_redis_cannot_hang_the_worker() -> None:
    """Without a socket timeout kombu's health check waits on a frozen Redis forever and the
    worker and beat take no task again, silently (infra/faults/redis_killed.py --freeze 60)."""
    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    assert 0 < options["socket_timeout"] <= 60
    assert options["health_check_interval"] < options["socket_timeout"]
    from entente.config.celery_app import app

    assert app.conf.broker_transport_options["socket_timeout"] == options["socket_timeout"]
