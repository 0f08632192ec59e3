"""Prometheus metrics: on the bare domain, behind a bearer token, summed over worker processes."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.test import Client, override_settings
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from entente.core.metrics import UNMATCHED_ROUTE, record_request
from entente.core.middleware import is_ip_host
from tenants.models import Tenant, TenantKind, TenantState
from tests.support.live import ROOT

TOKEN = "a-metrics-token-of-at-least-32-characters"
DOMAIN = "entente.localhost"


def requests_count(method: str, route: str, status: str) -> float:
    labels = {"method": method, "route": route, "status": status}
    return REGISTRY.get_sample_value("entente_http_requests_total", labels) or 0.0


def scrape(client: Client, token: str | None = TOKEN) -> tuple[int, str]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = client.get("/metrics", headers=headers)
    return response.status_code, response.content.decode()


def samples(text: str, name: str) -> dict[tuple[tuple[str, str], ...], float]:
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name:
                found[tuple(sorted(sample.labels.items()))] = sample.value
    return found


@pytest.mark.django_db
@override_settings(METRICS_TOKEN="")
def test_metrics_are_off_without_a_token() -> None:
    status, _ = scrape(Client(HTTP_HOST=DOMAIN), token="anything")
    assert status == 404


@pytest.mark.django_db
@override_settings(METRICS_TOKEN=TOKEN)
@pytest.mark.parametrize("header", [None, "Bearer wrong-token", f"Basic {TOKEN}", TOKEN])
def test_metrics_need_the_bearer_token(header: str | None) -> None:
    headers = {"Authorization": header} if header else {}
    response = Client(HTTP_HOST=DOMAIN).get("/metrics", headers=headers)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="metrics"'
    assert b"entente_http" not in response.content


@override_settings(METRICS_TOKEN=TOKEN)
def test_metrics_are_not_served_on_tenant_hosts(tenant_a: Tenant) -> None:
    status, text = scrape(Client(HTTP_HOST=tenant_a.primary_host))
    assert status != 200
    assert "entente_http" not in text


@pytest.mark.django_db
@override_settings(METRICS_TOKEN=TOKEN)
def test_requests_are_counted_by_route_name_not_by_url() -> None:
    client = Client(HTTP_HOST=DOMAIN)
    landing_before = requests_count("GET", "landing", "200")
    unmatched_before = requests_count("GET", UNMATCHED_ROUTE, "404")

    assert client.get("/").status_code == 200
    assert client.get("/nulle-part/rien").status_code == 404

    assert requests_count("GET", "landing", "200") == landing_before + 1
    assert requests_count("GET", UNMATCHED_ROUTE, "404") == unmatched_before + 1
    status, text = scrape(client)
    assert status == 200
    assert "/nulle-part" not in text
    latency = samples(text, "entente_http_request_duration_seconds_count")
    assert latency[(("method", "GET"), ("route", "landing"))] >= 1


def test_invented_methods_share_one_label() -> None:
    before = requests_count("OTHER", "landing", "405")
    record_request("BREW", "landing", 405, 0.01)
    assert requests_count("OTHER", "landing", "405") == before + 1
    assert requests_count("BREW", "landing", "405") == 0


@override_settings(METRICS_TOKEN=TOKEN)
def test_tenants_are_counted_by_state_and_kind(tenant_a: Tenant, tenant_epci: Tenant) -> None:
    Tenant.objects.filter(pk=tenant_a.pk).update(state=TenantState.SUSPENDED)
    status, text = scrape(Client(HTTP_HOST=DOMAIN))
    assert status == 200
    counted = samples(text, "entente_tenants")
    for state in TenantState.values:
        for kind in TenantKind.values:
            expected = Tenant.objects.filter(state=state, kind=kind).count()
            assert counted[(("kind", kind), ("state", state))] == expected
    assert counted[(("kind", "commune"), ("state", "suspended"))] >= 1


@pytest.mark.django_db
@override_settings(METRICS_TOKEN=TOKEN)
def test_a_pod_scraped_by_its_ip_answers_as_the_bare_domain() -> None:
    """Prometheus and kubelet reach pods by IP and cannot choose the Host header."""
    by_ip = Client(HTTP_HOST="10.42.0.17:8000")
    status, text = scrape(by_ip)
    assert status == 200
    assert "entente_tenants" in text
    assert by_ip.get("/healthz").status_code == 200
    # Only the probe paths: the landing page by IP is still refused (ALLOWED_HOSTS).
    assert by_ip.get("/").status_code == 400


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("10.42.0.17", True),
        ("10.42.0.17:8000", True),
        ("[fd00::17]:8000", True),
        ("fd00::17", True),
        ("entente.localhost", False),
        ("lege.entente.localhost:8000", False),
        ("10.42.0.17.nip.io", False),
        ("", False),
    ],
)
def test_ip_hosts(host: str, expected: bool) -> None:
    assert is_ip_host(host) is expected


def test_worker_processes_share_their_counts(tmp_path: Path) -> None:
    """With PROMETHEUS_MULTIPROC_DIR, one scrape reports the requests of every process."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "platform")]),
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path),
    }
    record = "from entente.core.metrics import record_request\n"
    record += "record_request('GET', 'tenant_home', 200, 0.02)\n"
    for _ in range(2):  # two processes, as two uvicorn workers
        subprocess.run([sys.executable, "-c", record], env=env, check=True, timeout=60)
    report = textwrap.dedent(
        """
        from prometheus_client import CollectorRegistry, generate_latest
        from entente.core.metrics import add_request_metrics
        registry = CollectorRegistry()
        add_request_metrics(registry)
        print(generate_latest(registry).decode())
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", report],
        env=env,
        check=True,
        timeout=60,
        capture_output=True,
        text=True,
    )
    counts = samples(result.stdout, "entente_http_requests_total")
    assert counts == {(("method", "GET"), ("route", "tenant_home"), ("status", "200")): 2.0}
