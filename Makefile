# kubectl-hnp — see README.md. `make demo` runs the demo, `make test` the tests.
SHELL := /usr/bin/env bash
.SHELLFLAGS := -eu -o pipefail -c

VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT  ?= $(shell git rev-parse --short HEAD 2>/dev/null || echo none)
DATE    ?= $(shell date -u +%Y-%m-%dT%H:%M:%SZ)
PKG     := github.com/githedgehog/kubectl-hnp
LDFLAGS := -s -w -X $(PKG)/pkg/cmd/version.version=$(VERSION) -X $(PKG)/pkg/cmd/version.commit=$(COMMIT) -X $(PKG)/pkg/cmd/version.date=$(DATE)
GOBIN   ?= $(shell go env GOPATH)/bin

# The real control plane (kube-apiserver + etcd) used by tests and the demo, built once
# into a versioned cache outside the clone, so that fresh clones (CI) on the same machine reuse it.
# Keep the version in step with hack/tools/*/go.mod and internal/testbed (ControlPlaneVersion).
TOOLS_CACHE  ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/kubectl-hnp-dev
CONTROLPLANE ?= $(TOOLS_CACHE)/controlplane-k8s-v1.37.2-etcd-v3.6.16
export KUBEBUILDER_ASSETS ?= $(CONTROLPLANE)
# Flux's source-controller and kustomize-controller (the GitOps deployer the integration tests
# and the demo run beside the control plane), with their CRDs, built the same way.
# Keep the version in step with hack/build-flux.sh and internal/testbed (FluxVersion).
FLUX ?= $(TOOLS_CACHE)/flux-v1.7.3
export HNP_FLUX_DIR ?= $(FLUX)
# staticcheck (honnef.co/go/tools), the linter `make lint` runs after go vet, installed once
# at a pinned version into the same cache.
STATICCHECK_VERSION := v0.8.2
STATICCHECK ?= $(TOOLS_CACHE)/staticcheck-$(STATICCHECK_VERSION)/staticcheck

.PHONY: all build install controlplane flux test lint bench bench-e2e bench-fleet bench-ladder bench-git bench-startup demo clean completions docs release-check

all: build

build: ## build bin/kubectl-hnp
	CGO_ENABLED=0 go build -trimpath -ldflags '$(LDFLAGS)' -o bin/kubectl-hnp ./cmd/kubectl-hnp

install: ## install kubectl-hnp into GOBIN so that `kubectl hnp` finds it
	CGO_ENABLED=0 GOBIN=$(GOBIN) go install -trimpath -ldflags '$(LDFLAGS)' ./cmd/kubectl-hnp
	install -m 0755 completions/kubectl_complete-hnp $(GOBIN)/kubectl_complete-hnp
	@echo "installed $(GOBIN)/kubectl-hnp; make sure $(GOBIN) is on PATH, then run: kubectl hnp --help"

controlplane: $(CONTROLPLANE)/kube-apiserver $(CONTROLPLANE)/etcd ## build kube-apiserver and etcd from the Go module proxy (once)

$(CONTROLPLANE)/kube-apiserver $(CONTROLPLANE)/etcd:
	hack/build-controlplane.sh $(CONTROLPLANE)

flux: $(FLUX)/source-controller $(FLUX)/kustomize-controller ## build Flux's source-controller and kustomize-controller from the Go module proxy (once)

$(FLUX)/source-controller $(FLUX)/kustomize-controller:
	hack/build-flux.sh $(FLUX)

lint: $(STATICCHECK) ## gofmt, go vet and staticcheck (the benchmarks' build tags included)
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './.bin/*')); \
	  if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi
	go vet ./...
	go vet -tags e2ebench,gitbench ./pkg/cmd/root/
	$(STATICCHECK) ./...
	$(STATICCHECK) -tags e2ebench,gitbench ./pkg/cmd/root/

$(STATICCHECK):
	GOBIN=$(dir $(STATICCHECK)) go install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)

test: lint controlplane flux ## lint, then unit and integration tests on a real control plane and real Git remotes
	go test -race -count=1 -timeout 30m ./...

bench: controlplane ## benchmarks (reading Git, comparing, list end to end)
	go test -run '^$$' -bench . -benchmem -timeout 30m ./...

bench-e2e: build controlplane ## end-to-end benchmarks on 10,000 objects of the 12 kinds: drift vs kubectl get and kubectl diff (build tag e2ebench)
	go test -tags e2ebench -run '^$$' -bench E2E -benchtime 5x -timeout 60m ./pkg/cmd/root/

bench-fleet: controlplane ## drift over 12 fabrics of 1,000 objects on two control planes vs the sum of the 12 single-fabric runs (build tag e2ebench)
	go test -tags e2ebench -run '^$$' -bench FleetDrift -benchtime 5x -timeout 60m ./pkg/cmd/root/

bench-ladder: controlplane ## drift's time and peak memory on 1,000, 10,000 and 50,000 objects (build tag e2ebench)
	go test -tags e2ebench -run '^$$' -bench LadderDrift -benchtime 5x -timeout 90m ./pkg/cmd/root/

bench-git: ## cold and warm `list --source git` of a repository of 8,500 files and 5,000 commits vs git clone / git fetch, and the first edit (build tag gitbench)
	go test -tags gitbench -run '^$$' -bench GitHistory -benchtime 3x -timeout 60m ./pkg/cmd/root/

bench-startup: build ## start-up CPU and page faults of version, completion and list --source git (BINS="a b" to compare binaries)
	hack/bench-startup.sh $(if $(BINS),$(BINS),bin/kubectl-hnp)

completions: ## regenerate the shell completion scripts in completions/
	go run ./hack/gendocs -completions completions

docs: ## regenerate the command reference (Markdown and man pages) in docs/reference/
	go run ./hack/gendocs -docs docs/reference

# goreleaser, built from the Go module proxy into .bin (newer versions need a newer Go).
GORELEASER_VERSION ?= v2.15.1
GORELEASER := $(CURDIR)/.bin/goreleaser-$(GORELEASER_VERSION)/goreleaser

release-check: $(GORELEASER) ## check .goreleaser.yaml with goreleaser
	$(GORELEASER) check

$(GORELEASER):
	GOBIN=$(dir $(GORELEASER)) go install github.com/goreleaser/goreleaser/v2@$(GORELEASER_VERSION)

demo: build controlplane flux ## a walk-through on a local control plane and a sample fabric repository
	go run ./hack/demo

clean:
	rm -rf bin dist
