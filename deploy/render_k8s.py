"""deploy/k8s/** from deploy/topology.py: a Kustomize base (our workloads), an infra component (the stores, for a
self-contained cluster), pre-rollout Jobs, and dev/prod overlays."""
from __future__ import annotations

from typing import Any

from deploy.topology import (CONFIG, IMAGE, METRICS_PORT, SECRETS_MOUNT, STORE_SECRETS, STORES, WORKLOADS, Store, Workload,
                             port_of, probe_paths)

NS = "marketplace"
SECRET = "marketplace-secrets"
_SECURE = {"runAsNonRoot": True, "runAsUser": 10001, "runAsGroup": 10001, "fsGroup": 10001,
           "seccompProfile": {"type": "RuntimeDefault"}}
_CONTAINER_SECURE = {"allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True,
                     "capabilities": {"drop": ["ALL"]}}


def _meta(name: str, **labels: str) -> dict[str, Any]:
    return {"name": name, "labels": {"app.kubernetes.io/name": name, "app.kubernetes.io/part-of": NS, **labels}}


def _secret_volume(name: str, keys: tuple[str, ...]) -> dict[str, Any]:
    # Only the keys this workload needs: a service never sees another's secrets.
    return {"name": name, "secret": {"secretName": SECRET, "items": [{"key": k, "path": k} for k in keys]}}


def _probe(path: str, port: int, period: int, failures: int) -> dict[str, Any]:
    return {"httpGet": {"path": path, "port": port}, "periodSeconds": period, "timeoutSeconds": 5,
            "failureThreshold": failures}


def _pod(w: Workload, labels: dict[str, str]) -> dict[str, Any]:
    container: dict[str, Any] = {
        "name": w.name, "image": f"{IMAGE}:latest", "command": list(w.command),
        "envFrom": [{"configMapRef": {"name": "marketplace-config"}}],
        "resources": {"requests": {"cpu": w.cpu, "memory": w.memory}, "limits": {"memory": w.memory}},
        "securityContext": _CONTAINER_SECURE,
        "volumeMounts": [{"name": "tmp", "mountPath": "/tmp"}],
    }
    if w.env:
        container["env"] = [{"name": k, "value": v} for k, v in w.env.items()]
    volumes: list[dict[str, Any]] = [{"name": "tmp", "emptyDir": {}}]
    if w.secrets:
        container["volumeMounts"].append({"name": "secrets", "mountPath": SECRETS_MOUNT, "readOnly": True})
        volumes.append(_secret_volume("secrets", w.secrets))
    for claim, path in w.claims:
        container["volumeMounts"].append({"name": claim, "mountPath": path})
        volumes.append({"name": claim, "persistentVolumeClaim": {"claimName": claim}})
    if w.kind == "worker" and any(k.endswith("METRICS_PORT") for k in w.env):
        container["ports"] = [{"name": "metrics", "containerPort": METRICS_PORT}]
    if w.kind == "api":
        port = port_of(w)
        live, ready = probe_paths(w)
        container["ports"] = [{"name": "http", "containerPort": port}]
        container["startupProbe"] = _probe(live, port, 5, 60)
        container["livenessProbe"] = _probe(live, port, 10, 3)
        container["readinessProbe"] = _probe(ready, port, 5, 2)
    spec: dict[str, Any] = {"securityContext": _SECURE, "containers": [container], "volumes": volumes,
                            "terminationGracePeriodSeconds": 30}
    if w.kind == "job":
        spec["restartPolicy"] = "Never"
    return {"metadata": {"labels": {**labels, "app.kubernetes.io/part-of": NS}}, "spec": spec}


def _deployment(w: Workload, name: str, labels: dict[str, str]) -> dict[str, Any]:
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": _meta(name, **labels),
            "spec": {"replicas": w.replicas, "selector": {"matchLabels": labels},
                     "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 0, "maxSurge": 1}},
                     "template": _pod(w, labels)}}


def _service(name: str, selector: dict[str, str], port: int) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Service", "metadata": _meta(name),
            "spec": {"selector": selector, "ports": [{"name": "http", "port": port, "targetPort": port}]}}


def _hpa(w: Workload, target: str) -> dict[str, Any]:
    return {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": _meta(target),
            "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": target},
                     "minReplicas": w.replicas, "maxReplicas": w.max_replicas,
                     "metrics": [{"type": "Resource", "resource": {"name": "cpu", "target": {
                         "type": "Utilization", "averageUtilization": 70}}}]}}


def _pdb(name: str, selector: dict[str, str]) -> dict[str, Any]:
    return {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": _meta(name),
            "spec": {"maxUnavailable": 1, "selector": {"matchLabels": selector}}}


def workload_resources(w: Workload) -> list[dict[str, Any]]:
    app = {"app": w.name}
    if w.kind == "job":
        return [{"apiVersion": "batch/v1", "kind": "Job", "metadata": _meta(w.name),
                 "spec": {"backoffLimit": 2, "ttlSecondsAfterFinished": 86400, "template": _pod(w, app)}}]
    if w.blue_green:
        out: list[dict[str, Any]] = []
        for colour in ("blue", "green"):
            labels = {**app, "track": colour}
            out += [_deployment(w, f"{w.name}-{colour}", labels), _hpa(w, f"{w.name}-{colour}"),
                    _pdb(f"{w.name}-{colour}", labels)]
        # The live colour: deploy/k8s/bluegreen.sh flips this selector once the idle colour is ready.
        return [*out, _service(w.name, {**app, "track": "blue"}, port_of(w))]
    out = [_deployment(w, w.name, app), _pdb(w.name, app)]
    if w.kind == "api":
        out += [_service(w.name, app, port_of(w)), _hpa(w, w.name)]
    return out


def store_resources(s: Store) -> list[dict[str, Any]]:
    app = {"app": s.name}
    container: dict[str, Any] = {"name": s.name, "image": s.image, "ports": [{"containerPort": s.port}],
                                 "env": [{"name": k, "value": v} for k, v in s.env.items()],
                                 "volumeMounts": [{"name": "data", "mountPath": s.data}],
                                 "resources": {"requests": {"cpu": "250m", "memory": s.memory},
                                               "limits": {"memory": s.memory}}}
    if s.command:
        container["command"] = list(s.command)
    if s.health:
        container["readinessProbe"] = {"exec": {"command": list(s.health)}, "periodSeconds": 10}
    volumes = []
    if s.name in STORE_SECRETS:
        container["volumeMounts"].append({"name": "secrets", "mountPath": "/run/secrets", "readOnly": True})
        volumes.append(_secret_volume("secrets", STORE_SECRETS[s.name]))
    if s.name == "postgres":
        container["volumeMounts"].append({"name": "data", "mountPath": "/archive", "subPath": "wal-archive"})
        container["env"].append({"name": "PGDATA", "value": f"{s.data}/pgdata"})
    claim = {"metadata": {"name": "data"}, "spec": {"accessModes": ["ReadWriteOnce"],
                                                    "resources": {"requests": {"storage": "20Gi"}}}}
    return [
        {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": _meta(s.name),
         "spec": {"serviceName": s.name, "replicas": 1, "selector": {"matchLabels": app},
                  "template": {"metadata": {"labels": app}, "spec": {"containers": [container], "volumes": volumes}},
                  "volumeClaimTemplates": [claim]}},
        {"apiVersion": "v1", "kind": "Service", "metadata": _meta(s.name),
         "spec": {"clusterIP": "None", "selector": app, "ports": [{"port": s.port, "targetPort": s.port}]}},
    ]


def _kustomization(resources: list[str], **extra: Any) -> dict[str, Any]:
    return {"apiVersion": "kustomize.config.k8s.io/v1beta1", "kind": "Kustomization", "resources": resources,
            **extra}


def render() -> dict[str, Any]:
    """Relative path under deploy/k8s → a document (a list means several YAML documents in one file)."""
    files: dict[str, Any] = {}
    base = [w for w in WORKLOADS if w.kind != "job"]
    files["base/namespace.yaml"] = {"apiVersion": "v1", "kind": "Namespace", "metadata": _meta(NS)}
    files["base/config.yaml"] = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": _meta("marketplace-config"),
                                 "data": dict(CONFIG)}
    for w in base:
        files[f"base/{w.name}.yaml"] = workload_resources(w)
    claims = sorted({c for w in WORKLOADS for c, _ in w.claims})
    files["base/volumes.yaml"] = [
        {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": _meta(c),
         "spec": {"accessModes": ["ReadWriteMany"], "resources": {"requests": {"storage": "5Gi"}}}} for c in claims]
    files["base/kustomization.yaml"] = _kustomization(
        ["namespace.yaml", "config.yaml", "volumes.yaml", *(f"{w.name}.yaml" for w in base)], namespace=NS)
    for w in WORKLOADS:
        if w.kind == "job":
            files[f"jobs/{w.name}.yaml"] = workload_resources(w)
    for s in STORES:
        files[f"infra/{s.name}.yaml"] = store_resources(s)
    files["infra/kustomization.yaml"] = {"apiVersion": "kustomize.config.k8s.io/v1alpha1", "kind": "Component",
                                         "resources": [f"{s.name}.yaml" for s in STORES]}
    # Secrets never live in git: the overlay builds them from files an operator (or Vault/SSM sync) provides.
    generator = {"secretGenerator": [{"name": SECRET, "files": [f"secrets/{n}" for n in _all_secret_names()]}],
                 "generatorOptions": {"disableNameSuffixHash": True}}
    files["overlays/dev/kustomization.yaml"] = _kustomization(["../../base"], components=["../../infra"],
                                                              namespace=NS, **generator)
    files["overlays/prod/kustomization.yaml"] = _kustomization(
        ["../../base"], namespace=NS, images=[{"name": IMAGE, "newTag": "latest"}], **generator)
    return files


def _all_secret_names() -> list[str]:
    names = {k for w in WORKLOADS for k in w.secrets} | {k for ks in STORE_SECRETS.values() for k in ks}
    return sorted(names)
