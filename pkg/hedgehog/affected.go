package hedgehog

import (
	"sort"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

// switchLabelPrefix starts the label the Connection webhook puts on a
// connection for each of its switch endpoints (value "true").
const switchLabelPrefix = "switch.fabric.githedgehog.com/"

// AffectedSwitches names the switches, in namespace ns, whose agents must
// apply a change to obj (the object as Git now has it): a Switch itself; a
// Connection's switch endpoints; the switches of a VPCAttachment's
// connection; the switches of the connections a VPC is attached to; every
// switch for any other kind, which may reach all of them. cluster holds the
// cluster's Switches, Connections and VPCAttachments (the ones read).
// The names are sorted.
func AffectedSwitches(obj *unstructured.Unstructured, ns string, cluster resource.Set) []string {
	switches := map[string]bool{}
	for k := range cluster {
		if k.Kind == "Switch" && k.Namespace == ns {
			switches[k.Name] = true
		}
	}
	out := map[string]bool{}
	connection := func(name string) {
		if c, ok := cluster[resource.Key{Kind: "Connection", Namespace: ns, Name: name}]; ok {
			connectionSwitches(c.Obj, switches, out)
		}
	}
	name := obj.GetName()
	switch obj.GetKind() {
	case "Switch":
		out[name] = true
	case "Connection":
		connectionSwitches(obj, switches, out)
		connection(name) // the cluster's copy: an edit may move a link away
	case "VPCAttachment":
		connection(str(mapAt(obj.Object, "spec"), "connection"))
		if a, ok := cluster[resource.Key{Kind: "VPCAttachment", Namespace: ns, Name: name}]; ok {
			connection(str(mapAt(a.Obj.Object, "spec"), "connection"))
		}
	case "VPC":
		for k, a := range cluster {
			if k.Kind != "VPCAttachment" || k.Namespace != ns {
				continue
			}
			spec := mapAt(a.Obj.Object, "spec")
			if vpc, _, _ := strings.Cut(str(spec, "subnet"), "/"); vpc == name {
				connection(str(spec, "connection"))
			}
		}
	default:
		for sw := range switches {
			out[sw] = true
		}
	}
	names := make([]string, 0, len(out))
	for sw := range out {
		names = append(names, sw)
	}
	sort.Strings(names)
	return names
}

// connectionSwitches adds the switches of a Connection: its switch labels,
// and the device part of every "device/port" value under a "port" key of
// its spec that names a known switch (servers are not switches).
func connectionSwitches(conn *unstructured.Unstructured, switches, out map[string]bool) {
	for k, v := range conn.GetLabels() {
		if sw, ok := strings.CutPrefix(k, switchLabelPrefix); ok && v == "true" && sw != "" {
			out[sw] = true
		}
	}
	var walk func(v interface{})
	walk = func(v interface{}) {
		switch t := v.(type) {
		case map[string]interface{}:
			for k, child := range t {
				if s, ok := child.(string); ok && k == "port" {
					if dev, _, ok := strings.Cut(s, "/"); ok && switches[dev] {
						out[dev] = true
					}
					continue
				}
				walk(child)
			}
		case []interface{}:
			for _, child := range t {
				walk(child)
			}
		}
	}
	walk(conn.Object["spec"])
}
