package hedgehog

// SwitchGroup: api/wiring/v1beta1/switchgroup_types.go. The controller
// registers no webhook for it: the cluster stores it as written (Webhook
// false, no Default), and nothing guards its deletion. Validate() (offline
// tools only) checks the common metadata rules, which ValidateOne applies
// to every kind.

func init() {
	register("SwitchGroup", KindRules{Webhook: false})
}
