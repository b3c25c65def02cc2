package fabriccheck

import (
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/githedgehog/kubectl-hnp/pkg/hedgehog"
	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

// Change is a change to a fabric's desired objects.
type Change struct {
	// Put are new or replaced objects (as the deployer applies them).
	Put []*unstructured.Unstructured
	// Delete are the keys of removed objects.
	Delete []resource.Key
	// Stored says the Put objects are what the cluster already stores
	// (sync --adopt): deploying them updates nothing, so the update-only
	// rules, which otherwise compare Git's version before the change with
	// the new one, do not apply.
	Stored bool
}

// ChangeResult is what a change does to the fabric's Hedgehog rules.
type ChangeResult struct {
	// Introduced are the violations the change brings: they block it.
	// They include the delete guards of deleted objects.
	Introduced []hedgehog.Violation
	// Existing are violations the fabric had before and still has, those
	// the change brings that the fabric already has on other objects (the
	// same rule, field and message: an established state of the fabric,
	// such as namespaces that are not kept in Git), and the rules'
	// warnings: shown, never blocking.
	Existing []hedgehog.Violation
}

// Blocked reports whether the change introduces violations.
func (r *ChangeResult) Blocked() bool { return len(r.Introduced) > 0 }

// CheckChange validates the fabric before and after the change (objects
// defaulted first, as the webhooks run) and returns the violations the
// change introduces (not those the fabric already has, on these objects
// or, the same problem, on others); deleted objects are checked against the delete
// guards with the remaining objects. before is the fabric's desired state;
// ns is the namespace objects without one belong to.
func CheckChange(before resource.Set, ch Change, ns string, cfg *hedgehog.Config) *ChangeResult {
	after := make(resource.Set, len(before)+len(ch.Put))
	for k, o := range before {
		after[k] = o
	}
	for _, k := range ch.Delete {
		delete(after, k)
	}
	for _, u := range ch.Put {
		k := resource.KeyOf(u)
		if u.GetNamespace() == "" {
			k.Namespace = ns
		}
		after[k] = &resource.Object{Key: k, Obj: u}
	}
	wasList := hedgehog.ValidateObjects(objects(before), cfg).Violations
	was, established := index(wasList), map[problemID]bool{}
	for _, v := range wasList {
		established[problemID{v.Rule, v.Field, v.Message}] = true
	}
	now := hedgehog.ValidateObjects(objects(after), cfg).Violations
	res := &ChangeResult{}
	for _, v := range now {
		if v.Warning || was[identity(v)] || established[problemID{v.Rule, v.Field, v.Message}] {
			res.Existing = append(res.Existing, v)
		} else {
			res.Introduced = append(res.Introduced, v)
		}
	}
	for _, u := range ch.Put {
		if ch.Stored {
			break
		}
		// The update-only rules, between Git's version before the change
		// (what the deployer last applied, in the usual case) and after.
		k := resource.KeyOf(u)
		if u.GetNamespace() == "" {
			k.Namespace = ns
		}
		if o := before[k]; o != nil && o.Obj != nil {
			was, now := o.Obj.DeepCopy(), u.DeepCopy()
			hedgehog.Default(was)
			hedgehog.Default(now)
			res.Introduced = append(res.Introduced, hedgehog.ValidateUpdate(was, now)...)
		}
	}
	if len(ch.Delete) > 0 {
		remaining := objects(after)
		for i, u := range remaining {
			c := u.DeepCopy()
			hedgehog.Default(c)
			remaining[i] = c
		}
		idx := hedgehog.NewIndex(remaining)
		for _, k := range ch.Delete {
			o := before[k]
			if o == nil || o.Obj == nil {
				continue
			}
			c := o.Obj.DeepCopy()
			hedgehog.Default(c)
			res.Introduced = append(res.Introduced, hedgehog.ValidateDelete(c, idx)...)
		}
	}
	hedgehog.SortViolations(res.Introduced)
	return res
}

// Format renders violations one per line: "VPC default/vpc-1:
// spec.subnets.default.vlan: message (rule vpc.x; fix: ...)".
func Format(vs []hedgehog.Violation) string {
	var b strings.Builder
	for _, v := range vs {
		b.WriteString(FormatOne(v))
		b.WriteByte('\n')
	}
	return strings.TrimRight(b.String(), "\n")
}

// FormatOne renders one violation on one line.
func FormatOne(v hedgehog.Violation) string {
	field := ""
	if v.Field != "" {
		field = v.Field + ": "
	}
	fix := ""
	if v.Fix != "" {
		fix = "; fix: " + v.Fix
	}
	return fmt.Sprintf("%s %s/%s: %s%s (rule %s%s)", v.Kind, v.Namespace, v.Name, field, v.Message, v.Rule, fix)
}

func objects(set resource.Set) []*unstructured.Unstructured {
	list := sortedObjects(set)
	out := make([]*unstructured.Unstructured, len(list))
	for i, o := range list {
		out[i] = o.Obj
	}
	return out
}

type violationID struct{ kind, ns, name, rule, field, message string }

// problemID is a violation without its object.
type problemID struct{ rule, field, message string }

func identity(v hedgehog.Violation) violationID {
	return violationID{v.Kind, v.Namespace, v.Name, v.Rule, v.Field, v.Message}
}

func index(vs []hedgehog.Violation) map[violationID]bool {
	out := make(map[violationID]bool, len(vs))
	for _, v := range vs {
		out[identity(v)] = true
	}
	return out
}
