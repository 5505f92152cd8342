"""The production deployment as code: manifests are current, valid against their schemas, and agree with the code.

Validation runs without a cluster or Docker: Kubernetes objects against the API schemas bundled in
kubernetes-validate, compose.yaml against the Compose Specification's JSON Schema (vendored).
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import kubernetes_validate
import pytest
import yaml

from deploy import render, render_k8s
from deploy.topology import SECRET_NAMES, SERVICES, STORES, WORKLOADS
from mkt.cli import COMMANDS
from mkt.composition import MIGRATED_SERVICES, SERVICE_FACTORIES

DEPLOY = Path(render.__file__).resolve().parent
K8S_VERSION = "1.31.0"


def _k8s_docs() -> list[tuple[str, dict]]:
    out = []
    for path in sorted((DEPLOY / "k8s").rglob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text()):
            if doc and not doc["apiVersion"].startswith("kustomize.config.k8s.io"):
                out.append((str(path.relative_to(DEPLOY)), doc))
    return out


def test_checked_in_manifests_are_what_the_topology_renders():
    assert render.stale() == [], "run python -m deploy.render"


@pytest.mark.parametrize("where,doc", _k8s_docs(), ids=lambda v: v if isinstance(v, str) else "")
def test_every_kubernetes_object_is_valid(where, doc):
    kubernetes_validate.validate(doc, K8S_VERSION, strict=True)


def test_compose_file_is_valid_compose():
    schema = json.loads((DEPLOY / "compose" / "compose-spec.schema.json").read_text())
    doc = yaml.safe_load((DEPLOY / "compose" / "compose.yaml").read_text())
    errors = [f"{list(e.path)}: {e.message}" for e in jsonschema.Draft7Validator(schema).iter_errors(doc)]
    assert errors == []


def test_every_service_of_the_code_is_deployed_and_migrated():
    assert set(SERVICES) == set(SERVICE_FACTORIES) == set(MIGRATED_SERVICES)
    deployed = {w.name for w in WORKLOADS}
    assert set(SERVICES) | {"gateway", "web", "streams-worker", "migrate"} <= deployed
    compose = yaml.safe_load((DEPLOY / "compose" / "compose.yaml").read_text())["services"]
    assert deployed | {s.name for s in STORES} == set(compose)
    for part in ("kafka", "clickhouse", "postgres", "redis", "typesense", "mlflow", "dagster-webserver",
                 "dagster-daemon", "superset", "streams-worker"):
        assert part in compose


def test_commands_name_real_cli_commands():
    for w in WORKLOADS:
        words = " ".join(w.command)
        for match in re.finditer(r"\bmkt (\S+)(?: (\S+))?", words):
            assert match.group(1) in COMMANDS, (w.name, match.group(0))
            if match.group(1) == "serve":
                assert match.group(2) in {*SERVICE_FACTORIES, "gateway", "web"}, w.name


def test_each_workload_mounts_only_its_own_secrets():
    holders = {name: {w.name for w in WORKLOADS if name in w.secrets} for name in SECRET_NAMES}
    assert holders["WEBHOOK_SECRET"] == {"payments"}
    assert holders["DATA_ENCRYPTION_KEY"] == {"vendors", "orders", "profiles", "migrate"}  # migrate: row rewrites
    assert holders["AUTH_JWT_PRIVATE_KEY"] == {"auth"}
    assert "DATABASE_URL" not in {s for w in WORKLOADS if w.name in ("gateway", "web") for s in w.secrets}
    for where, doc in _k8s_docs():
        if doc["kind"] in ("Deployment", "Job"):
            name = doc["metadata"]["name"].removesuffix("-blue").removesuffix("-green")
            mounted = [item["key"] for v in doc["spec"]["template"]["spec"]["volumes"] if "secret" in v
                       for item in v["secret"]["items"]]
            assert set(mounted) == set(next(w for w in WORKLOADS if w.name == name).secrets), where
    assert not any(k.startswith("data") and doc["kind"] == "Secret" for _, doc in _k8s_docs() for k in doc), \
        "secret values never live in git"


def test_services_are_probed_autoscaled_and_protected_from_disruption():
    docs = [doc for _, doc in _k8s_docs()]
    by_kind: dict[str, set[str]] = {}
    for doc in docs:
        by_kind.setdefault(doc["kind"], set()).add(doc["metadata"]["name"])
    for doc in docs:
        if doc["kind"] != "Deployment":
            continue
        name = doc["metadata"]["name"]
        assert name in by_kind["PodDisruptionBudget"], name
        assert doc["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] == 0, name
        container = doc["spec"]["template"]["spec"]["containers"][0]
        if any(p["name"] == "http" for p in container.get("ports", [])):
            assert {"readinessProbe", "livenessProbe"} <= set(container), name
            assert name in by_kind["HorizontalPodAutoscaler"], name
    gateway = next(d for d in docs if d["kind"] == "Service" and d["metadata"]["name"] == "gateway")
    assert gateway["spec"]["selector"]["track"] in ("blue", "green")
    migrate = next(d for d in docs if d["kind"] == "Job" and d["metadata"]["name"] == "migrate")
    assert "mkt db upgrade" in " ".join(migrate["spec"]["template"]["spec"]["containers"][0]["command"])


def test_one_dockerfile_builds_every_workload_of_ours():
    compose = yaml.safe_load((DEPLOY / "compose" / "compose.yaml").read_text())["services"]
    builds = {json.dumps(s["build"], sort_keys=True) for s in compose.values() if "build" in s}
    assert builds == {json.dumps({"context": "../..", "dockerfile": "deploy/Dockerfile"}, sort_keys=True)}
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    pinned_uv = re.search(r'UV_VERSION="([^"]+)"', (DEPLOY / "local" / "install.sh").read_text()).group(1)
    assert f"uv=={pinned_uv}" in dockerfile, "the image installs with the uv the local install pins"
    assert "--frozen" in dockerfile and "USER 10001" in dockerfile


def test_overlays_build_secrets_from_files_outside_git():
    files = render_k8s.render()
    for overlay in ("dev", "prod"):
        generator = files[f"overlays/{overlay}/kustomization.yaml"]["secretGenerator"][0]
        assert all(f.startswith("secrets/") for f in generator["files"])
    assert "overlays/*/secrets/" in (DEPLOY.parent / ".gitignore").read_text()
