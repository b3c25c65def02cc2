// Package oracle holds the drift oracle test: a seeded corpus of single
// mutations of a fabric covering all 12 kinds, each judged by `kubectl diff`
// against a real kube-apiserver, which the in-process drift engine and
// `drift --server-side` must both agree with, object for object. It has no
// non-test code.
package oracle
