//go:build tools

// Package tools pins etcd so that `go build` can produce the real etcd
// binary used by the integration tests.
package tools

import _ "go.etcd.io/etcd/server/v3"
