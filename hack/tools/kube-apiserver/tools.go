//go:build tools

// Package tools pins kube-apiserver so that `go build` can produce the real
// control-plane binary used by the integration tests.
package tools

import _ "k8s.io/kubernetes/cmd/kube-apiserver"
