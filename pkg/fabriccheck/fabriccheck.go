// Package fabriccheck validates a fabric's desired objects as a whole: each
// object against its CRD's schema (pkg/validate) and the fabric's Hedgehog
// webhook rules (pkg/hedgehog: defaulted first, as the webhooks run; local,
// fabric-wide and config rules), with every problem tied to the file and
// line of its object in Git. `kubectl hnp validate` prints its Report; the
// commands that change Git check a change with Change. Pure: no I/O.
package fabriccheck

import (
	"sort"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/githedgehog/kubectl-hnp/pkg/hedgehog"
	"github.com/githedgehog/kubectl-hnp/pkg/resource"
	"github.com/githedgehog/kubectl-hnp/pkg/validate"
)

// APIVersion and Kind name the JSON form of a Report.
const (
	APIVersion = "hnp.githedgehog.com/v1alpha1"
	Kind       = "ValidationReport"
)

// RuleSchema is the rule id of CRD schema errors.
const RuleSchema = "schema"

// Problem is one broken rule on one object.
type Problem struct {
	// Rule is "schema" or a Hedgehog rule id such as "vpc.name-length".
	Rule string `json:"rule"`
	// Scope is schema, local, fabric or config.
	Scope string `json:"scope"`
	// Field is the path of the offending field, "" for the whole object.
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
	Fix     string `json:"fix,omitempty"`
	// Warning: shown, never a failure.
	Warning bool `json:"warning,omitempty"`
}

// Object is one checked object and its problems.
type Object struct {
	Kind      string `json:"kind"`
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
	// File and Line locate the object's document in Git.
	File     string    `json:"file,omitempty"`
	Line     int       `json:"line,omitempty"`
	Problems []Problem `json:"problems,omitempty"`
}

// Failed reports whether the object has a problem that is not a warning.
func (o *Object) Failed() bool {
	for _, p := range o.Problems {
		if !p.Warning {
			return true
		}
	}
	return false
}

// Fabric is the validation of one fabric (or directory).
type Fabric struct {
	Name string `json:"name"`
	// Objects are sorted by kind, namespace and name.
	Objects []Object `json:"objects"`
	// Notes say which rules were skipped and why.
	Notes []string `json:"notes,omitempty"`
	// Error is why the fabric could not be validated (unreadable Git).
	Error string `json:"error,omitempty"`
}

// Summary counts a report's objects and problems.
type Summary struct {
	Objects    int `json:"objects"`
	Invalid    int `json:"invalid"`
	Violations int `json:"violations"`
	Warnings   int `json:"warnings"`
	Errors     int `json:"errors,omitempty"`
}

// Report is the validation of one or more fabrics.
type Report struct {
	APIVersion string   `json:"apiVersion"`
	Kind       string   `json:"kind"`
	Fabrics    []Fabric `json:"fabrics"`
	Summary    Summary  `json:"summary"`
}

// NewReport sums up fabrics into a Report.
func NewReport(fabrics []Fabric) *Report {
	r := &Report{APIVersion: APIVersion, Kind: Kind, Fabrics: fabrics}
	if r.Fabrics == nil {
		r.Fabrics = []Fabric{}
	}
	for _, f := range fabrics {
		if f.Error != "" {
			r.Summary.Errors++
		}
		for _, o := range f.Objects {
			r.Summary.Objects++
			if o.Failed() {
				r.Summary.Invalid++
			}
			for _, p := range o.Problems {
				if p.Warning {
					r.Summary.Warnings++
				} else {
					r.Summary.Violations++
				}
			}
		}
	}
	return r
}

// Options tune Check.
type Options struct {
	// Schema validates each object against its CRD; nil skips the schema.
	Schema *validate.Validator
	// Webhooks: the API server checks the schema after the mutating
	// webhooks ran, so each object is defaulted as the Hedgehog webhooks
	// would before its schema is checked (false: a cluster without them).
	Webhooks bool
	// Config holds the FabricConfig values of [config] rules.
	Config *hedgehog.Config
	// Select keeps the objects reported (KINDS and NAME); the rules still
	// see the whole fabric. nil keeps all.
	Select func(resource.Key) bool
}

// Check validates a fabric's desired objects.
func Check(name string, objs resource.Set, opts Options) Fabric {
	out := Fabric{Name: name, Objects: []Object{}}
	list := sortedObjects(objs)
	us := make([]*unstructured.Unstructured, len(list))
	for i, o := range list {
		us[i] = o.Obj
	}
	rep := hedgehog.ValidateObjects(us, opts.Config)
	byKey := map[resource.Key][]hedgehog.Violation{}
	for _, v := range rep.Violations {
		k := resource.Key{Kind: v.Kind, Namespace: v.Namespace, Name: v.Name}
		byKey[k] = append(byKey[k], v)
	}
	for _, o := range list {
		if opts.Select != nil && !opts.Select(o.Key) {
			continue
		}
		obj := Object{Kind: o.Key.Kind, Namespace: o.Key.Namespace, Name: o.Key.Name}
		if o.Origin != nil {
			obj.File, obj.Line = o.Origin.File, o.Origin.Line
		}
		if opts.Schema != nil {
			u := o.Obj
			if opts.Webhooks {
				u = u.DeepCopy()
				hedgehog.Default(u)
			}
			obj.Problems = append(obj.Problems, schemaProblems(opts.Schema, u)...)
		}
		// The rules name objects in the namespace they check ("default");
		// the fabric's key may say another.
		k := o.Key
		k.Namespace = hedgehogNamespace(o.Obj)
		for _, v := range byKey[k] {
			obj.Problems = append(obj.Problems, Problem{Rule: v.Rule, Scope: string(v.Scope), Field: v.Field, Message: v.Message, Fix: v.Fix, Warning: v.Warning})
		}
		out.Objects = append(out.Objects, obj)
	}
	out.Notes = append(out.Notes, configNotes(rep.Notes)...)
	out.Notes = append(out.Notes, switchProfileNote(objs, out.Notes)...)
	return out
}

// schemaProblems validates one object against its CRD.
func schemaProblems(v *validate.Validator, u *unstructured.Unstructured) []Problem {
	err := v.Validate(u)
	if err == nil {
		return nil
	}
	if ve, ok := err.(*validate.Error); ok {
		out := make([]Problem, 0, len(ve.Fields))
		for _, fe := range ve.Fields {
			out = append(out, Problem{Rule: RuleSchema, Scope: RuleSchema, Field: fe.Path, Message: strings.TrimPrefix(fe.Error(), fe.Path+": "),
				Fix: "make the field match the CRD's schema (kubectl explain " + strings.ToLower(u.GetKind()) + "." + firstSegment(fe.Path) + ")"})
		}
		return out
	}
	return []Problem{{Rule: RuleSchema, Scope: RuleSchema, Message: err.Error()}}
}

func firstSegment(p string) string {
	if i := strings.IndexAny(p, ".["); i >= 0 {
		return p[:i]
	}
	return p
}

func hedgehogNamespace(u *unstructured.Unstructured) string {
	if ns := u.GetNamespace(); ns != "" {
		return ns
	}
	return resource.DefaultNamespace
}

// configNotes joins the notes of skipped [config] rules ("config rules
// needing X skipped: ...") into one line naming every missing value;
// other notes are kept as they are.
func configNotes(notes []string) []string {
	const prefix, suffix = "config rules needing ", " skipped: not set in the fabric config (hedgehog.config)"
	var values, out []string
	for _, n := range notes {
		if strings.HasPrefix(n, prefix) && strings.HasSuffix(n, suffix) {
			values = append(values, strings.TrimSuffix(strings.TrimPrefix(n, prefix), suffix))
			continue
		}
		out = append(out, n)
	}
	if len(values) > 0 {
		out = append([]string{"config rules skipped, their values are not set in the fabric config (hedgehog.config): " + strings.Join(values, "; ")}, out...)
	}
	return out
}

// switchProfileNote says that the rules reading SwitchProfiles (port names,
// speeds, breakouts, profile features) are not checked: SwitchProfiles come
// with the controller, not from the fabric's Git. Once, and only when the
// fabric has objects those rules apply to and no note says it already.
func switchProfileNote(objs resource.Set, notes []string) []string {
	for _, n := range notes {
		if strings.Contains(n, "SwitchProfile") {
			return nil
		}
	}
	for k := range objs {
		switch k.Kind {
		case "Switch", "Connection", "VPCAttachment":
			return []string{"rules needing a SwitchProfile skipped (port names, speeds, breakouts, auto-negotiation, FEC, profile features and port limits): SwitchProfiles come with the fabric controller, not from Git"}
		}
	}
	return nil
}

func sortedObjects(objs resource.Set) []*resource.Object {
	out := make([]*resource.Object, 0, len(objs))
	for _, o := range objs {
		if o != nil && o.Obj != nil {
			out = append(out, o)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key.Less(out[j].Key) })
	return out
}
