#!/usr/bin/env bash
# Blue/green for the gateway: the idle colour gets the new image, and only when all its pods are ready does the
# Service switch to it at once. The old colour stays up (scaled as it was) for an instant rollback:
#   deploy/k8s/bluegreen.sh <tag>         deploy <tag> to the idle colour and switch
#   deploy/k8s/bluegreen.sh --rollback    switch the Service back to the other colour
set -euo pipefail
ns=marketplace; image=ghcr.io/marketplace/app
live=$(kubectl -n $ns get service gateway -o jsonpath='{.spec.selector.track}')
idle=$([ "$live" = blue ] && echo green || echo blue)
if [ "${1:-}" = "--rollback" ]; then
  kubectl -n $ns patch service gateway -p "{\"spec\":{\"selector\":{\"app\":\"gateway\",\"track\":\"$idle\"}}}"
  echo "gateway: $live -> $idle (rollback)"; exit 0
fi
tag=${1:?image tag}
kubectl -n $ns set image "deployment/gateway-$idle" "gateway=$image:$tag"
kubectl -n $ns rollout status "deployment/gateway-$idle" --timeout=10m
kubectl -n $ns patch service gateway -p "{\"spec\":{\"selector\":{\"app\":\"gateway\",\"track\":\"$idle\"}}}"
echo "gateway: $live -> $idle ($tag); the $live pods stay up for --rollback"
