"""A real Celery worker (a subprocess, as in production) runs each task in its sender's schema.

tenant-schemas-celery puts the sender's schema in the message headers; the worker switches its
connection before the task and back after it. The worker reads the test database, so what it
needs is committed: the session tenants, made before any test transaction. It takes the tasks
of this run's own queue only, so it never competes with a development worker.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django_tenants.utils import get_public_schema_name, schema_context

from entente.core.tasks import ping_answer, ping_tenant
from tenants.models import Tenant
from tests.conftest import SESSION_TENANTS, ensure_session_tenants
from tests.support.live import ROOT, server_environment

ANSWER_WAIT_SECONDS = 90  # the worker's start-up (Django, a forked pool) is in this wait

# Marked so that pytest-django makes the test database; the data the worker reads is committed
# by the fixtures below, before any test transaction.
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def committed_tenants(django_db_setup: None, django_db_blocker: Any) -> dict[str, Tenant]:
    with django_db_blocker.unblock():
        ensure_session_tenants()
        tenants = {
            key: Tenant.objects.get(official_code=spec["official_code"])
            for key, spec in SESSION_TENANTS.items()
        }
        connection.close()  # the worker must not wait on anything this process holds
    return tenants


@pytest.fixture(scope="module")
def worker(
    committed_tenants: dict[str, Tenant], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[subprocess.Popen[bytes], Path]]:
    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    log = tmp_path_factory.mktemp("celery") / "worker.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [
                sys.executable, "-m", "celery", "-A", "entente.config.celery_app", "worker",
                "--pool", "prefork", "--concurrency", "1", "--queues", queue,
                "--hostname", f"test-{os.getpid()}@%h",
                "--without-mingle", "--without-gossip", "--without-heartbeat",
                "--loglevel", "info",
            ],
            cwd=ROOT,
            env=server_environment(CELERY_TASK_DEFAULT_QUEUE=queue),
            stdout=output,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        yield process, log
    finally:
        process.terminate()  # warm shutdown
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_for_answers(
    tokens: list[str], worker: tuple[subprocess.Popen[bytes], Path]
) -> dict[str, dict[str, Any]]:
    process, log = worker
    answers: dict[str, dict[str, Any]] = {}
    deadline = time.monotonic() + ANSWER_WAIT_SECONDS
    while len(answers) < len(tokens):
        for token in tokens:
            answer = ping_answer(token)
            if answer is not None:
                answers[token] = answer
        if len(answers) == len(tokens):
            break
        if process.poll() is not None or time.monotonic() > deadline:
            state = f"exited with {process.returncode}" if process.poll() is not None else "alive"
            pytest.fail(
                f"The worker ({state}) answered {len(answers)} of {len(tokens)} pings.\n"
                f"Its log:\n{log.read_text(errors='replace')}"
            )
        time.sleep(0.1)
    return answers


def send_ping(schema_name: str) -> str:
    token = uuid.uuid4().hex
    with schema_context(schema_name):
        ping_tenant.delay(token)
    return token


def test_each_task_runs_in_the_schema_it_was_sent_from(
    worker: tuple[subprocess.Popen[bytes], Path], committed_tenants: dict[str, Tenant]
) -> None:
    """Tasks from two tenants and from the public schema, in a row, through one pool process."""
    senders = [committed_tenants["tenant_a"], committed_tenants["tenant_b"], None]
    schemas = [t.schema_name if t else get_public_schema_name() for t in senders]
    tokens = [send_ping(schema) for schema in schemas]

    answers = wait_for_answers(tokens, worker)

    for token, tenant, schema in zip(tokens, senders, schemas, strict=True):
        assert answers[token] == {
            "schema": schema,
            "database_schema": schema,
            "tenant_id": tenant.pk if tenant else None,
        }


def test_the_worker_goes_back_to_public_after_a_tenant_task(
    worker: tuple[subprocess.Popen[bytes], Path], committed_tenants: dict[str, Tenant]
) -> None:
    """A tenant's task must not leave its schema to the next task that names none."""
    epci = committed_tenants["tenant_epci"]
    tenant_token = send_ping(epci.schema_name)
    # A message without the schema header, as a sender unaware of tenants would make it.
    bare_token = uuid.uuid4().hex
    ping_tenant.app.send_task(ping_tenant.name, args=[bare_token], headers={"_schema_name": None})

    answers = wait_for_answers([tenant_token, bare_token], worker)

    assert answers[tenant_token]["database_schema"] == epci.schema_name
    assert answers[bare_token]["database_schema"] == get_public_schema_name()
