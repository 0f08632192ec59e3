"""The Helm chart, checked without Helm: its files parse, and its templates use only real values.

Helm is not installed on our machines. These checks catch what breaks a chart most often (a
value renamed in values.yaml but not in a template, a helper that does not exist) and pin the
properties production relies on (probes, the migrations hook, one beat, both ingress hosts).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

CHART = Path(__file__).resolve().parents[2] / "helm" / "entente"
TEMPLATES = CHART / "templates"
# `$values` is `index .Values "<component>"` in these files (see each file).
COMPONENT_VALUES = {
    "hpa.yaml": ["web", "worker"],
    "pdb.yaml": ["web", "worker"],
    "_helpers.tpl": ["web", "worker", "beat"],
}
VALUES_REF = re.compile(r"\$?\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)")
COMPONENT_REF = re.compile(r"\$values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)")


def values() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((CHART / "values.yaml").read_text())
    return loaded


def template(name: str) -> str:
    return (TEMPLATES / name).read_text()


def has_path(tree: Any, path: list[str]) -> bool:
    for key in path:
        if not isinstance(tree, dict) or key not in tree:
            return False
        tree = tree[key]
    return True


def test_chart_metadata() -> None:
    chart = yaml.safe_load((CHART / "Chart.yaml").read_text())
    assert chart["apiVersion"] == "v2"
    assert chart["name"] == "entente"
    assert chart["type"] == "application"
    assert re.fullmatch(r"\d+\.\d+\.\d+", chart["version"])
    assert chart["appVersion"]


def test_every_expected_template_exists() -> None:
    expected = {
        "_helpers.tpl",
        "NOTES.txt",
        "configmap.yaml",
        "deployment-web.yaml",
        "deployment-worker.yaml",
        "deployment-beat.yaml",
        "job-migrate.yaml",
        "service.yaml",
        "ingress.yaml",
        "hpa.yaml",
        "pdb.yaml",
    }
    assert expected <= {path.name for path in TEMPLATES.iterdir()}


@pytest.mark.parametrize("path", sorted(TEMPLATES.iterdir()), ids=lambda path: path.name)
def test_templates_reference_only_defined_values(path: Path) -> None:
    text = path.read_text()
    tree = values()
    missing = [
        ref for ref in VALUES_REF.findall(text) if not has_path(tree, ref.strip(".").split("."))
    ]
    for component in COMPONENT_VALUES.get(path.name, []):
        missing += [
            f"{component}{ref}"
            for ref in COMPONENT_REF.findall(text)
            if not has_path(tree[component], ref.strip(".").split("."))
        ]
    assert missing == []


def test_templates_include_only_defined_helpers() -> None:
    defined = set(re.findall(r'define "([^"]+)"', template("_helpers.tpl")))
    used = {
        name
        for path in TEMPLATES.iterdir()
        for name in re.findall(r'include "([^"]+)"', path.read_text())
    }
    assert used <= defined, used - defined


def test_template_actions_are_balanced() -> None:
    """Every `{{ if/range/with/define }}` has its `{{ end }}` (a common cause of render errors)."""
    for path in TEMPLATES.iterdir():
        text = re.sub(r"\{\{-?\s*/\*.*?\*/\s*-?\}\}", "", path.read_text(), flags=re.DOTALL)
        actions = re.findall(r"\{\{-?\s*(\w+)", text)
        opened = sum(action in {"if", "range", "with", "define"} for action in actions)
        closed = actions.count("end")
        assert opened == closed, path.name


def test_web_probes_call_health_on_the_bare_domain() -> None:
    web = template("deployment-web.yaml")
    for probe, path in [("livenessProbe", "/healthz"), ("readinessProbe", "/readyz")]:
        block = web.split(f"{probe}:", 1)[1].split("Probe:", 1)[0]
        assert f"path: {path}" in block
        assert "name: Host" in block
        assert "value: {{ .Values.domain | quote }}" in block
    assert 'args: ["web"]' in web


def test_beat_runs_alone() -> None:
    beat = template("deployment-beat.yaml")
    assert "replicas: 1" in beat
    assert "type: Recreate" in beat
    assert "autoscaling" not in beat
    assert 'args: ["beat"]' in beat


def test_migrations_run_as_a_hook_before_install_and_upgrade() -> None:
    job = template("job-migrate.yaml")
    assert '"helm.sh/hook": pre-install,pre-upgrade' in job
    assert "before-hook-creation" in job
    assert 'args: ["migrate"]' in job
    # The ConfigMap does not exist yet when a pre-install hook runs.
    assert "configMapRef" not in job


def test_ingress_serves_the_bare_domain_and_every_subdomain() -> None:
    ingress = template("ingress.yaml")
    assert 'list .Values.domain (printf "*.%s" .Values.domain)' in ingress
    assert "secretName: {{ .Values.ingress.tls.secretName }}" in ingress


def test_web_and_worker_scale_and_keep_a_minimum_during_disruptions() -> None:
    tree = values()
    for component in ("web", "worker"):
        autoscaling = tree[component]["autoscaling"]
        assert autoscaling["minReplicas"] <= autoscaling["maxReplicas"]
        budget = tree[component]["podDisruptionBudget"]
        # A budget as large as the smallest replica count would block every node drain.
        assert budget["minAvailable"] < autoscaling["minReplicas"]
    assert "kind: HorizontalPodAutoscaler" in template("hpa.yaml")
    assert "kind: PodDisruptionBudget" in template("pdb.yaml")


def test_no_secret_value_in_values() -> None:
    tree = values()
    assert tree["secrets"] == {"existingSecret": "entente-secrets"}
    secret_names = {"DJANGO_SECRET_KEY", "DATABASE_URL", "REDIS_URL", "SENTRY_DSN", "EMAIL_URL"}
    assert not secret_names & set(tree["config"])


def test_pods_run_unprivileged() -> None:
    tree = values()
    assert tree["podSecurityContext"]["runAsNonRoot"] is True
    assert tree["podSecurityContext"]["runAsUser"] == 10001
    assert tree["securityContext"]["allowPrivilegeEscalation"] is False
    assert tree["securityContext"]["readOnlyRootFilesystem"] is True
