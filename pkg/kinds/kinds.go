// Package kinds is the registry of the 12 Hedgehog fabric kinds that
// kubectl-hnp manages: their group, version, names and table columns, and the
// parsing of kind arguments such as "vpc", "conn,sw", "all" and "VPC/vpc-1".
package kinds

import (
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/githedgehog/kubectl-hnp/internal/suggest"
)

// API groups of the managed kinds.
const (
	GroupVPC    = "vpc.githedgehog.com"
	GroupWiring = "wiring.githedgehog.com"
	// DefaultVersion is the version used when no cluster tells us better.
	DefaultVersion = "v1beta1"
)

// Column is one kind-specific summary column of the list table.
type Column struct {
	// Header is the column title, upper case.
	Header string
	// Wide marks columns shown only with -o wide.
	Wide bool
	// Value extracts the cell from an object.
	Value func(u *unstructured.Unstructured) string
}

// Kind describes one managed custom resource kind.
type Kind struct {
	Kind       string
	Group      string
	Version    string
	Plural     string
	Singular   string
	ShortNames []string
	// Columns are the summary columns shown by `list` for this kind.
	Columns []Column
}

// GVK returns the group, version and kind.
func (k *Kind) GVK() schema.GroupVersionKind {
	return schema.GroupVersionKind{Group: k.Group, Version: k.Version, Kind: k.Kind}
}

// GVR returns the group, version and resource (plural).
func (k *Kind) GVR() schema.GroupVersionResource {
	return schema.GroupVersionResource{Group: k.Group, Version: k.Version, Resource: k.Plural}
}

// APIVersion returns "group/version".
func (k *Kind) APIVersion() string { return k.Group + "/" + k.Version }

// CRDName returns the name of the CustomResourceDefinition that serves the kind.
func (k *Kind) CRDName() string { return k.Plural + "." + k.Group }

// WithVersion returns a copy of the kind at another served version.
func (k *Kind) WithVersion(v string) *Kind {
	c := *k
	c.Version = v
	return &c
}

// Names returns every name that selects this kind, lower case.
func (k *Kind) Names() []string {
	n := []string{strings.ToLower(k.Kind), k.Singular, k.Plural}
	n = append(n, k.ShortNames...)
	return n
}

var registry = []*Kind{
	{Kind: "VPC", Group: GroupVPC, Plural: "vpcs", Singular: "vpc", Columns: vpcColumns},
	{Kind: "VPCAttachment", Group: GroupVPC, Plural: "vpcattachments", Singular: "vpcattachment", ShortNames: []string{"vpcattach"}, Columns: vpcAttachmentColumns},
	{Kind: "VPCPeering", Group: GroupVPC, Plural: "vpcpeerings", Singular: "vpcpeering", ShortNames: []string{"vpcpeer"}, Columns: vpcPeeringColumns},
	{Kind: "IPv4Namespace", Group: GroupVPC, Plural: "ipv4namespaces", Singular: "ipv4namespace", ShortNames: []string{"ipns"}, Columns: ipv4NamespaceColumns},
	{Kind: "External", Group: GroupVPC, Plural: "externals", Singular: "external", ShortNames: []string{"ext"}, Columns: externalColumns},
	{Kind: "ExternalAttachment", Group: GroupVPC, Plural: "externalattachments", Singular: "externalattachment", ShortNames: []string{"extattach"}, Columns: externalAttachmentColumns},
	{Kind: "ExternalPeering", Group: GroupVPC, Plural: "externalpeerings", Singular: "externalpeering", ShortNames: []string{"extpeering", "extpeer"}, Columns: externalPeeringColumns},
	{Kind: "Connection", Group: GroupWiring, Plural: "connections", Singular: "connection", ShortNames: []string{"conn"}, Columns: connectionColumns},
	{Kind: "Switch", Group: GroupWiring, Plural: "switches", Singular: "switch", ShortNames: []string{"sw"}, Columns: switchColumns},
	{Kind: "Server", Group: GroupWiring, Plural: "servers", Singular: "server", ShortNames: []string{"srv"}, Columns: serverColumns},
	{Kind: "SwitchGroup", Group: GroupWiring, Plural: "switchgroups", Singular: "switchgroup", ShortNames: []string{"sg"}, Columns: switchGroupColumns},
	{Kind: "VLANNamespace", Group: GroupWiring, Plural: "vlannamespaces", Singular: "vlannamespace", ShortNames: []string{"vlanns"}, Columns: vlanNamespaceColumns},
}

var byName = map[string]*Kind{}

func init() {
	for _, k := range registry {
		k.Version = DefaultVersion
		for _, n := range k.Names() {
			if other, dup := byName[n]; dup && other != k {
				panic("kinds: duplicate name " + n)
			}
			byName[n] = k
		}
	}
}

// All returns the 12 managed kinds in a fixed order (VPC kinds, then wiring kinds).
func All() []*Kind {
	out := make([]*Kind, len(registry))
	copy(out, registry)
	return out
}

// Lookup finds a kind by its kind name, singular, plural or short name,
// case-insensitively. A "kind.group" form is accepted too.
func Lookup(name string) (*Kind, bool) {
	n := strings.ToLower(strings.TrimSpace(name))
	if k, ok := byName[n]; ok {
		return k, true
	}
	if i := strings.Index(n, "."); i > 0 {
		if k, ok := byName[n[:i]]; ok && (n[i+1:] == k.Group || strings.HasPrefix(n[i+1:], k.Version+"."+k.Group)) {
			return k, true
		}
	}
	return nil, false
}

// ForObject finds the managed kind of an apiVersion and kind, matching group
// and kind at any version. It returns nil for kinds that are not managed.
func ForObject(apiVersion, kind string) *Kind {
	gv, err := schema.ParseGroupVersion(apiVersion)
	if err != nil {
		return nil
	}
	for _, k := range registry {
		if k.Kind == kind && k.Group == gv.Group {
			return k
		}
	}
	return nil
}

// ByKind returns the registry entry of an exact Kind name such as "VPC".
func ByKind(kind string) *Kind {
	for _, k := range registry {
		if k.Kind == kind {
			return k
		}
	}
	return nil
}

// UnknownKindError is returned for a kind argument that names no managed kind.
type UnknownKindError struct{ Name string }

func (e *UnknownKindError) Error() string {
	hint := ""
	if h := suggest.Hint(e.Name, allNames()); h != "" {
		hint = " (" + h + ")"
	}
	return fmt.Sprintf("unknown kind %q%s; valid kinds: %s (or \"all\")", e.Name, hint, strings.Join(ValidNames(), ", "))
}

// allNames lists every accepted kind name, kind by kind.
func allNames() []string {
	var out []string
	for _, k := range registry {
		out = append(out, k.Names()...)
	}
	return out
}

// ValidNames lists the accepted short names, for help and errors.
func ValidNames() []string {
	var out []string
	for _, k := range registry {
		n := k.Singular
		if len(k.ShortNames) > 0 {
			n = k.ShortNames[len(k.ShortNames)-1]
		}
		out = append(out, n)
	}
	return out
}

// Parse reads a kind argument: a single name, a comma-separated list, or
// "all". An empty argument means all kinds. Duplicates are removed and the
// registry's order is kept.
func Parse(arg string) ([]*Kind, error) {
	arg = strings.TrimSpace(arg)
	if arg == "" || strings.EqualFold(arg, "all") {
		return All(), nil
	}
	want := map[*Kind]bool{}
	for _, part := range strings.Split(arg, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if strings.EqualFold(part, "all") {
			return All(), nil
		}
		k, ok := Lookup(part)
		if !ok {
			return nil, &UnknownKindError{Name: part}
		}
		want[k] = true
	}
	var out []*Kind
	for _, k := range registry {
		if want[k] {
			out = append(out, k)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no kind given in %q", arg)
	}
	return out, nil
}

// ParseRef reads the arguments of a command that names one object:
// "KIND NAME" or "KIND/NAME".
func ParseRef(args []string) (*Kind, string, error) {
	var kindArg, name string
	switch len(args) {
	case 1:
		var ok bool
		kindArg, name, ok = strings.Cut(args[0], "/")
		if !ok || name == "" {
			return nil, "", fmt.Errorf("expected KIND NAME or KIND/NAME, got %q", args[0])
		}
	case 2:
		kindArg, name = args[0], args[1]
		if strings.Contains(kindArg, "/") {
			return nil, "", fmt.Errorf("expected KIND NAME or KIND/NAME, got %q %q", args[0], args[1])
		}
	default:
		return nil, "", fmt.Errorf("expected KIND NAME or KIND/NAME, got %d arguments", len(args))
	}
	if strings.Contains(kindArg, ",") || strings.EqualFold(kindArg, "all") {
		return nil, "", fmt.Errorf("exactly one kind is needed, got %q", kindArg)
	}
	k, ok := Lookup(kindArg)
	if !ok {
		return nil, "", &UnknownKindError{Name: kindArg}
	}
	return k, name, nil
}

// Ref names one object: its kind and name.
type Ref struct {
	Kind *Kind
	Name string
}

// ParseRefs reads the arguments of a command that names one or more
// objects, as `kubectl get` takes them: "KIND NAME [NAME...]" or
// "KIND/NAME [KIND/NAME...]". Duplicates are dropped, order is kept.
func ParseRefs(args []string) ([]Ref, error) {
	if len(args) == 0 {
		return nil, fmt.Errorf("expected KIND NAME or KIND/NAME, got no arguments")
	}
	var out []Ref
	seen := map[Ref]bool{}
	add := func(k *Kind, name string) {
		r := Ref{Kind: k, Name: name}
		if !seen[r] {
			seen[r] = true
			out = append(out, r)
		}
	}
	if strings.Contains(args[0], "/") {
		for _, a := range args {
			k, name, err := ParseRef([]string{a})
			if err != nil {
				return nil, fmt.Errorf("%w (with KIND/NAME, every argument is KIND/NAME)", err)
			}
			add(k, name)
		}
		return out, nil
	}
	if len(args) == 1 {
		return nil, fmt.Errorf("expected KIND NAME or KIND/NAME, got %q", args[0])
	}
	for _, name := range args[1:] {
		k, name, err := ParseRef([]string{args[0], name})
		if err != nil {
			return nil, err
		}
		add(k, name)
	}
	return out, nil
}
