package deployer

import (
	"context"
	"fmt"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"

	"github.com/githedgehog/kubectl-hnp/pkg/drift"
	"github.com/githedgehog/kubectl-hnp/pkg/fabric"
)

// The tools a deployer can be.
const (
	ToolFlux   = "flux"
	ToolArgoCD = "argocd"
)

// Ref names a fabric's deployer object: a Flux Kustomization or an Argo CD
// Application.
type Ref struct {
	Tool      string
	Namespace string
	Name      string
}

// String renders "flux-system/lab".
func (r Ref) String() string { return r.Namespace + "/" + r.Name }

// GVR is the resource of the deployer object.
func (r Ref) GVR() schema.GroupVersionResource {
	if r.Tool == ToolArgoCD {
		return ApplicationGVR
	}
	return KustomizationGVR
}

// ParseRef reads "namespace/name" as a reference to a tool's object.
func ParseRef(tool, s string) (Ref, error) {
	ns, name, ok := strings.Cut(s, "/")
	if !ok || ns == "" || name == "" {
		return Ref{}, fmt.Errorf("%s object %q: want namespace/name", tool, s)
	}
	return Ref{Tool: tool, Namespace: ns, Name: name}, nil
}

// Ready values of a Status.
const (
	ReadyTrue    = "True"
	ReadyFalse   = "False"
	ReadyUnknown = "Unknown"
)

// Status is what a deployer reports about its last deployment of a
// fabric's Git: the report's drift.Pipeline (tool, name, the revision
// applied and the one last attempted, Ready and its message, suspended;
// Behind is left to the caller, who knows Git), and how the last attempt
// ended.
type Status struct {
	drift.Pipeline

	// Ignores are the fields the deployer leaves out of its own comparison
	// (an Argo CD Application's spec.ignoreDifferences, as the fabric's
	// ignore rules; IgnoreRules), and IgnoreNotes what of it drift cannot
	// follow. Flux has none.
	Ignores     []fabric.IgnoreRule
	IgnoreNotes []string

	// SyncOptions are an Argo CD Application's spec.syncPolicy.syncOptions
	// (Prune=false, ...): what every sync of it does, unless an object's
	// own sync-options annotation says otherwise (PruneOptOut).
	SyncOptions []string

	// SystemIgnores are the rules of Ignores that come from Argo CD's
	// system-wide settings (argocd-cm), which Read reads and a watch event
	// of the Application does not carry (WithSystemIgnores).
	SystemIgnores []fabric.IgnoreRule

	// failed says the last attempt failed for good: Ready=False after
	// reconciling LastAttempt, or stalled.
	failed bool
	// current says the controller has seen the object's latest spec.
	current bool
}

// Failed reports whether the deployer's last attempt, at LastAttempt,
// failed (rather than being in progress).
func (s *Status) Failed() bool { return s.failed }

// ToolName is "Flux" or "Argo CD", for messages.
func (s *Status) ToolName() string {
	if s.Tool == ToolArgoCD {
		return "Argo CD"
	}
	return "Flux"
}

// Read gets the deployer object and its status (one GET); for an Argo CD
// Application, also Argo CD's system-wide ignoreDifferences (a second GET,
// of argocd-cm in the Application's namespace).
func Read(ctx context.Context, dyn dynamic.Interface, ref Ref) (*Status, error) {
	u, err := dyn.Resource(ref.GVR()).Namespace(ref.Namespace).Get(ctx, ref.Name, metav1.GetOptions{})
	if err != nil {
		return nil, fmt.Errorf("reading the %s %s: %w", kindOf(ref.Tool), ref, err)
	}
	s := StatusOf(ref.Tool, u)
	if ref.Tool == ToolArgoCD {
		s.readSystemIgnores(ctx, dyn, ref.Namespace)
	}
	return s, nil
}

// readSystemIgnores adds Argo CD's system-wide ignoreDifferences (argocd-cm
// in namespace ns) to the Application's own. A ConfigMap that cannot be
// read is a note: Argo CD may then leave out fields that drift compares.
func (s *Status) readSystemIgnores(ctx context.Context, dyn dynamic.Interface, ns string) {
	entries, notes, err := SystemIgnoreDifferences(ctx, dyn, ns)
	if err != nil {
		s.IgnoreNotes = append(s.IgnoreNotes, fmt.Sprintf("Argo CD's %s/%s could not be read (%v): its system-wide ignoreDifferences are not followed (allow reading it, or copy them into the fabric's ignore:)", ns, ArgoConfigMap, err))
		return
	}
	rules, more := IgnoreRules(s.Name, entries)
	s.SystemIgnores = rules
	s.Ignores = append(s.Ignores[:len(s.Ignores):len(s.Ignores)], rules...)
	s.IgnoreNotes = append(append(s.IgnoreNotes, notes...), more...)
}

// WithSystemIgnores returns s with the system-wide rules of prev (read by
// Read, which a status from a watch event lacks) added, when s has none.
func (s *Status) WithSystemIgnores(prev *Status) *Status {
	if s == nil || prev == nil || len(prev.SystemIgnores) == 0 || len(s.SystemIgnores) > 0 {
		return s
	}
	c := *s
	c.SystemIgnores = prev.SystemIgnores
	c.Ignores = append(s.Ignores[:len(s.Ignores):len(s.Ignores)], prev.SystemIgnores...)
	return &c
}

func kindOf(tool string) string {
	if tool == ToolArgoCD {
		return "Argo CD Application"
	}
	return "Flux Kustomization"
}

// StatusOf reads a Kustomization's or Application's status.
func StatusOf(tool string, u *unstructured.Unstructured) *Status {
	if tool == ToolArgoCD {
		return argoStatus(u)
	}
	return fluxStatus(u)
}

// fluxStatus reads status.lastAppliedRevision, lastAttemptedRevision and
// the Ready and Stalled conditions of a Kustomization.
func fluxStatus(u *unstructured.Unstructured) *Status {
	s := &Status{Pipeline: drift.Pipeline{Tool: ToolFlux, Name: u.GetNamespace() + "/" + u.GetName(), Ready: ReadyUnknown}}
	str := func(path ...string) string { v, _, _ := unstructured.NestedString(u.Object, path...); return v }
	s.Revision = RevisionSHA(str("status", "lastAppliedRevision"))
	s.LastAttempt = RevisionSHA(str("status", "lastAttemptedRevision"))
	s.Suspended, _, _ = unstructured.NestedBool(u.Object, "spec", "suspend")
	observed, _, _ := unstructured.NestedInt64(u.Object, "status", "observedGeneration")
	s.current = observed >= u.GetGeneration()
	ready, stalled := condition(u, "Ready"), condition(u, "Stalled")
	if ready != nil {
		s.Ready = ready["status"]
		s.Message = ready["message"]
	}
	if s.Ready == "" {
		s.Ready = ReadyUnknown
	}
	switch {
	case stalled != nil && stalled["status"] == "True":
		s.failed = true
		if s.Message == "" {
			s.Message = stalled["message"]
		}
	case ready != nil && s.Ready == ReadyFalse && ready["reason"] != "Progressing" && s.current:
		s.failed = true
	}
	return s
}

// condition returns the status condition of the type, as strings.
func condition(u *unstructured.Unstructured, typ string) map[string]string {
	conds, _, _ := unstructured.NestedSlice(u.Object, "status", "conditions")
	for _, c := range conds {
		m, ok := c.(map[string]interface{})
		if !ok || m["type"] != typ {
			continue
		}
		out := map[string]string{}
		for k, v := range m {
			if s, ok := v.(string); ok {
				out[k] = s
			}
		}
		return out
	}
	return nil
}

// RevisionSHA is the commit sha of a Flux revision: "main@sha1:<sha>"
// (Flux v2.0 on), "main/<sha>" (before), or a bare sha (Argo CD).
func RevisionSHA(rev string) string {
	if i := strings.LastIndex(rev, ":"); i >= 0 {
		return rev[i+1:]
	}
	if i := strings.LastIndex(rev, "/"); i >= 0 {
		return rev[i+1:]
	}
	return rev
}

// argoStatus reads an Application in Argo CD's shape: status.sync
// {status, revision}, status.health.status, status.operationState {phase,
// message, syncResult.revision}, status.history[].revision.
func argoStatus(u *unstructured.Unstructured) *Status {
	s := &Status{Pipeline: drift.Pipeline{Tool: ToolArgoCD, Name: u.GetNamespace() + "/" + u.GetName(), Ready: ReadyUnknown}, current: true}
	s.Ignores, s.IgnoreNotes = IgnoreRules(s.Name, ignoreDifferences(u))
	s.SyncOptions, _, _ = unstructured.NestedStringSlice(u.Object, "spec", "syncPolicy", "syncOptions")
	str := func(path ...string) string { v, _, _ := unstructured.NestedString(u.Object, path...); return v }
	syncStatus, syncRev := str("status", "sync", "status"), str("status", "sync", "revision")
	health := str("status", "health", "status")
	phase, opMsg := str("status", "operationState", "phase"), str("status", "operationState", "message")
	opRev := str("status", "operationState", "syncResult", "revision")
	if opRev == "" {
		opRev = str("status", "operationState", "operation", "sync", "revision")
	}
	s.LastAttempt = opRev
	switch {
	case syncStatus == "Synced":
		s.Revision = syncRev
	case phase == "Succeeded":
		s.Revision = opRev
	default:
		hist, _, _ := unstructured.NestedSlice(u.Object, "status", "history")
		if len(hist) > 0 {
			if m, ok := hist[len(hist)-1].(map[string]interface{}); ok {
				s.Revision, _ = m["revision"].(string)
			}
		}
	}
	switch {
	case phase == "Failed" || phase == "Error":
		s.Ready, s.failed, s.Message = ReadyFalse, true, opMsg
	case health == "Degraded":
		s.Ready, s.failed = ReadyFalse, true
		s.Message = fmt.Sprintf("sync %s, health %s", orUnknown(syncStatus), health)
		if m := str("status", "health", "message"); m != "" {
			s.Message += ": " + m
		}
	case syncStatus == "Synced" && (health == "Healthy" || health == ""):
		s.Ready, s.Message = ReadyTrue, opMsg
	default:
		s.Message = fmt.Sprintf("sync %s, health %s", orUnknown(syncStatus), orUnknown(health))
	}
	return s
}

func orUnknown(s string) string {
	if s == "" {
		return "Unknown"
	}
	return s
}
