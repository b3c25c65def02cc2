#!/usr/bin/env bash
# Builds Flux's source-controller and kustomize-controller (the GitOps deployer used by the
# integration tests and the demo) from the Go module proxy into $1, with their CRDs in $1/crds.
# Skips what exists. The modules' go.mod replace their nested ./api module, which is not in the
# module zip; the build drops that one replace line so the api module of the same version comes
# from the proxy (see docs/development.md).
set -euo pipefail
out=${1:?usage: build-flux.sh OUTDIR}
version=${FLUX_CONTROLLERS_VERSION:-v1.7.3}
mkdir -p "$out/crds"
work=$(mktemp -d)
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
for ctl in source-controller kustomize-controller; do
  if [ -x "$out/$ctl" ] && ls "$out/crds/"*"$ctl"* >/dev/null 2>&1; then continue; fi
  echo "building Flux $ctl $version from the Go module proxy (first build: ~10 min)..." >&2
  dir=$(cd "$work" && GOFLAGS=-mod=mod go mod download -json "github.com/fluxcd/$ctl@$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  [ -n "$dir" ] || { echo "build-flux: cannot download github.com/fluxcd/$ctl@$version" >&2; exit 1; }
  cp -r "$dir" "$work/$ctl"
  chmod -R u+w "$work/$ctl"
  sed -i '/=> \.\/api/d' "$work/$ctl/go.mod"
  (cd "$work/$ctl" && CGO_ENABLED=0 GOFLAGS=-mod=mod go build -trimpath -ldflags "-s -w" -o "$out/$ctl.tmp" .)
  mv "$out/$ctl.tmp" "$out/$ctl"
  for f in "$work/$ctl"/config/crd/bases/*.yaml; do
    cp "$f" "$out/crds/$ctl-$(basename "$f")"
  done
done
