// Package hedgehog models what a Hedgehog fabric controller's admission
// webhooks do to the 12 managed kinds: the mutating webhooks' defaulting
// (Default), which decides the form the cluster stores, and the validating
// webhooks' rules (Validate), which decide what the cluster accepts.
//
// The facts come from the fabric's own Default() and Validate() methods
// (githedgehog/fabric api/vpc/v1beta1 and api/wiring/v1beta1); the package
// works on unstructured objects, with no dependency on the fabric's Go
// types. Each kind registers its rules in its own file (vpc.go,
// connection.go, ...). Rules are tagged by what they need: the object alone
// (ScopeLocal), the fabric's other objects (ScopeFabric, through an Index),
// or the fabric's global configuration (ScopeConfig, through a Config).
package hedgehog
