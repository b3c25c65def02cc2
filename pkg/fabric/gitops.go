package fabric

import (
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"
)

// GitOps names the object of the GitOps tool that deploys a fabric's Git
// to its cluster: a Flux Kustomization or an Argo CD Application, each as
// "namespace/name". sync --apply --prune takes its inventory as evidence
// of what Git deployed.
type GitOps struct {
	Flux   *FluxRef   `json:"flux,omitempty" mapstructure:"flux"`
	ArgoCD *ArgoCDRef `json:"argocd,omitempty" mapstructure:"argocd"`
}

// FluxRef names a Flux Kustomization.
type FluxRef struct {
	// Kustomization is "namespace/name".
	Kustomization string `json:"kustomization" mapstructure:"kustomization"`
}

// ArgoCDRef names an Argo CD Application.
type ArgoCDRef struct {
	// Application is "namespace/name".
	Application string `json:"application" mapstructure:"application"`
}

// FluxKustomization is the configured Kustomization, "" when none.
func (g *GitOps) FluxKustomization() string {
	if g == nil || g.Flux == nil {
		return ""
	}
	return g.Flux.Kustomization
}

// ArgoCDApplication is the configured Application, "" when none.
func (g *GitOps) ArgoCDApplication() string {
	if g == nil || g.ArgoCD == nil {
		return ""
	}
	return g.ArgoCD.Application
}

func (g *GitOps) validate() error {
	if g == nil {
		return nil
	}
	for _, ref := range []struct{ field, value string }{
		{"gitops.flux.kustomization", g.FluxKustomization()},
		{"gitops.argocd.application", g.ArgoCDApplication()},
	} {
		if ref.value == "" {
			continue
		}
		ns, name, ok := strings.Cut(ref.value, "/")
		if !ok || len(validation.IsDNS1123Label(ns)) > 0 || len(validation.IsDNS1123Subdomain(name)) > 0 {
			return fmt.Errorf("%s %q: want namespace/name", ref.field, ref.value)
		}
	}
	return nil
}
