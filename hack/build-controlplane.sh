#!/usr/bin/env bash
# Builds the real kube-apiserver and etcd used by the integration tests and the demo,
# from the Go module proxy, into $1 (default: .bin/controlplane). Skips binaries that exist.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/.bin/controlplane}
mkdir -p "$out"
k8s=v1.37.2
if [ ! -x "$out/kube-apiserver" ]; then
  echo "building kube-apiserver $k8s from the Go module proxy (first build: ~10 min)..." >&2
  (cd "$root/hack/tools/kube-apiserver" && CGO_ENABLED=0 go build -trimpath -o "$out/kube-apiserver.tmp" \
    -ldflags "-s -w -X k8s.io/component-base/version.gitVersion=$k8s -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=37" \
    k8s.io/kubernetes/cmd/kube-apiserver)
  mv "$out/kube-apiserver.tmp" "$out/kube-apiserver"
fi
if [ ! -x "$out/etcd" ]; then
  echo "building etcd from the Go module proxy..." >&2
  (cd "$root/hack/tools/etcd" && CGO_ENABLED=0 go build -trimpath -o "$out/etcd.tmp" -ldflags "-s -w" go.etcd.io/etcd/server/v3)
  mv "$out/etcd.tmp" "$out/etcd"
fi
