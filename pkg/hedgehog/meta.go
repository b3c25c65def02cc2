package hedgehog

import (
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/validation"
)

// validateMeta checks the rules every kind's Validate() starts with: an
// RFC 1123 subdomain name and the namespace "default".
func validateMeta(obj *unstructured.Unstructured, r *Reporter) {
	if errs := validation.IsDNS1123Subdomain(obj.GetName()); len(errs) > 0 {
		r.Add(ScopeLocal, "name", "metadata.name", "name "+quote(obj.GetName())+" is not a lowercase RFC 1123 subdomain: "+strings.Join(errs, "; "),
			"use lower-case letters, digits, '-' and '.', starting and ending with a letter or digit")
	}
	if ns := obj.GetNamespace(); ns != "" && ns != "default" {
		r.Add(ScopeLocal, "namespace", "metadata.namespace", "namespace "+quote(ns)+" is not allowed: Hedgehog objects live in namespace \"default\"",
			"remove metadata.namespace or set it to default")
	}
}

func quote(s string) string { return "\"" + s + "\"" }
