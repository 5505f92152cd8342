#!/usr/bin/env bash
# Roll a release out: migrations run as a Job first, and only a finished Job lets the Deployments roll.
#   deploy/k8s/rollout.sh <overlay: dev|prod> <image tag>
# Services tolerate the previous schema for one release (expand/contract migrations), so old pods keep serving
# while the Job runs and during the rolling update.
set -euo pipefail
overlay=${1:?overlay: dev or prod}; tag=${2:?image tag}
here=$(cd "$(dirname "$0")" && pwd)
image=ghcr.io/marketplace/app
# What the Job needs first (namespace, config, secrets, volumes, and in dev the stores), without rolling any service.
kubectl kustomize "$here/overlays/$overlay" | python3 -c '
import sys, yaml
keep = {"Namespace", "ConfigMap", "Secret", "PersistentVolumeClaim", "StatefulSet", "Service"}
docs = [d for d in yaml.safe_load_all(sys.stdin) if d and d["kind"] in keep
        and not (d["kind"] == "Service" and d["spec"].get("clusterIP") != "None")]
yaml.safe_dump_all(docs, sys.stdout)' | kubectl apply -f -
for job in migrate; do
  kubectl -n marketplace delete job "$job" --ignore-not-found
  sed "s#$image:latest#$image:$tag#" "$here/jobs/$job.yaml" | kubectl -n marketplace apply -f -
  kubectl -n marketplace wait --for=condition=complete "job/$job" --timeout=15m
done
(cd "$here/overlays/$overlay" && kustomize edit set image "$image=$image:$tag")
kubectl apply -k "$here/overlays/$overlay"
# Rolling updates (maxUnavailable 0): wait for every Deployment but the idle gateway colour.
for d in $(kubectl -n marketplace get deploy -o name | grep -v gateway-); do
  kubectl -n marketplace rollout status "$d" --timeout=10m
done
"$here/bluegreen.sh" "$tag"
