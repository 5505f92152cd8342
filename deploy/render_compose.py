"""deploy/compose/compose.yaml from deploy/topology.py: every part as its own container on one host."""
from __future__ import annotations

from typing import Any

from deploy.topology import (CONFIG, IMAGE, SECRET_NAMES, SECRETS_MOUNT, STORE_SECRETS, STORES, WORKLOADS, Workload,
                             port_of, probe_paths)

_HEALTHY = {"condition": "service_healthy"}


def _app(w: Workload) -> dict[str, Any]:
    svc: dict[str, Any] = {
        "image": f"{IMAGE}:${{TAG:-latest}}",
        "build": {"context": "../..", "dockerfile": "deploy/Dockerfile"},
        "command": list(w.command),
        "environment": {**CONFIG, **w.env},
        "secrets": [{"source": s, "target": f"{SECRETS_MOUNT}/{s}"} for s in w.secrets],
        "depends_on": {"postgres": _HEALTHY, "kafka": _HEALTHY, "redis": _HEALTHY},
    }
    if w.claims:
        svc["volumes"] = [f"{claim}:{path}" for claim, path in w.claims]
    if w.kind == "job":
        svc["restart"] = "no"
        if w.name == "dashboards-import":
            svc["depends_on"] = {"superset": _HEALTHY}
        else:
            svc["depends_on"] = {**svc["depends_on"], "clickhouse": _HEALTHY}
        return svc
    svc["restart"] = "unless-stopped"
    svc["depends_on"] = {**svc["depends_on"], "migrate": {"condition": "service_completed_successfully"}}
    if w.kind == "api":
        _, ready = probe_paths(w)
        svc["healthcheck"] = {"test": ["CMD", "python", "-c",
                                       f"import urllib.request; urllib.request.urlopen('http://127.0.0.1:{port_of(w)}{ready}')"],
                              "interval": "10s", "timeout": "5s", "retries": 6, "start_period": "30s"}
        if w.public:
            # Published on the host's loopback only: a reverse proxy / load balancer fronts it.
            svc["ports"] = [f"127.0.0.1:{8000 if w.name == 'gateway' else 8080}:{port_of(w)}"]
    if w.replicas > 1 and not w.public:
        svc["deploy"] = {"replicas": w.replicas}
    return svc


def _store(name: str) -> dict[str, Any]:
    s = next(x for x in STORES if x.name == name)
    svc: dict[str, Any] = {"image": s.image, "restart": "unless-stopped", "volumes": [f"{s.name}-data:{s.data}"]}
    if s.command:
        svc["command"] = list(s.command)
    if s.env:
        svc["environment"] = dict(s.env)
    if name in STORE_SECRETS:
        svc["secrets"] = list(STORE_SECRETS[name])
    if name == "postgres":
        svc["volumes"].append("postgres-wal-archive:/archive")
    if s.health:
        svc["healthcheck"] = {"test": ["CMD", *s.health], "interval": "10s", "timeout": "5s", "retries": 12}
    return svc


def render() -> dict[str, Any]:
    services: dict[str, Any] = {s.name: _store(s.name) for s in STORES}
    services.update({w.name: _app(w) for w in WORKLOADS})
    volumes = {f"{s.name}-data": {} for s in STORES} | {"postgres-wal-archive": {}}
    volumes |= {claim: {} for w in WORKLOADS for claim, _ in w.claims}
    secrets = {n: {"file": f"./secrets/{n}"} for n in SECRET_NAMES}
    return {"services": services, "volumes": volumes, "secrets": secrets}
