package oracle

import (
	"fmt"
	"strings"

	sigsyaml "sigs.k8s.io/yaml"
)

// kindSpec is one kind's base object and the fields the generic mutations touch.
type kindSpec struct {
	kind, apiVersion string
	// base is the spec as YAML flow text.
	base string
	// scalar is a scalar field Git sets, with another valid value.
	scalar    []string
	scalarAlt interface{}
	// extra is an optional field Git does not set, with a valid value.
	extra    []string
	extraVal interface{}
}

const (
	vpcAPI    = "vpc.githedgehog.com/v1beta1"
	wiringAPI = "wiring.githedgehog.com/v1beta1"
)

var kindSpecs = []kindSpec{
	{kind: "VPC", apiVersion: vpcAPI,
		base:   `{ipv4Namespace: default, vlanNamespace: default, subnets: {default: {subnet: 10.0.1.0/24, vlan: 1001}}}`,
		scalar: []string{"spec", "subnets", "default", "vlan"}, scalarAlt: int64(1002),
		extra: []string{"spec", "defaultIsolated"}, extraVal: true},
	{kind: "VPCAttachment", apiVersion: vpcAPI,
		base:   `{connection: server-01--unbundled--leaf-01, subnet: vpc-1/default}`,
		scalar: []string{"spec", "subnet"}, scalarAlt: "vpc-1/other",
		extra: []string{"spec", "nativeVLAN"}, extraVal: true},
	{kind: "VPCPeering", apiVersion: vpcAPI,
		base:   `{remote: border, permit: [{vpc-1: {subnets: [default]}, vpc-2: {}}]}`,
		scalar: []string{"spec", "remote"}, scalarAlt: "edge"},
	{kind: "IPv4Namespace", apiVersion: vpcAPI,
		base:   `{subnets: [10.0.0.0/16, 10.1.0.0/16]}`,
		scalar: []string{"spec", "subnets"}, scalarAlt: []interface{}{"10.2.0.0/16"}},
	{kind: "External", apiVersion: vpcAPI,
		base:   `{ipv4Namespace: default, inboundCommunity: "65102:5000", outboundCommunity: "50000:50001"}`,
		scalar: []string{"spec", "inboundCommunity"}, scalarAlt: "65102:6000",
		extra: []string{"spec", "static", "prefixes"}, extraVal: []interface{}{"0.0.0.0/0"}},
	{kind: "ExternalAttachment", apiVersion: vpcAPI,
		base:   `{external: ext-1, connection: border--leaf-01, switch: {ip: 100.100.0.1/24, vlan: 100}, neighbor: {asn: 64102, ip: 100.100.0.6}}`,
		scalar: []string{"spec", "switch", "vlan"}, scalarAlt: int64(101),
		extra: []string{"spec", "static"}, extraVal: map[string]interface{}{"remoteIP": "100.100.0.9", "proxy": true}},
	{kind: "ExternalPeering", apiVersion: vpcAPI,
		base:   `{permit: {vpc: {name: vpc-1, subnets: [default]}, external: {name: ext-1, prefixes: [{prefix: 0.0.0.0/0}]}}}`,
		scalar: []string{"spec", "permit", "vpc", "name"}, scalarAlt: "vpc-2"},
	{kind: "Connection", apiVersion: wiringAPI,
		base:   `{unbundled: {link: {server: {port: server-01/enp2s1}, switch: {port: leaf-01/E1/1}}}}`,
		scalar: []string{"spec", "unbundled", "link", "switch", "port"}, scalarAlt: "leaf-01/E1/2",
		extra: []string{"spec", "unbundled", "mtu"}, extraVal: int64(9000)},
	{kind: "Switch", apiVersion: wiringAPI,
		base:   `{role: server-leaf, description: leaf-01, profile: vs, asn: 65101, groups: [mclag-1], portBreakouts: {E1/55: 4x25G}, linkFlapErrDisable: {flapThreshold: 5}}`,
		scalar: []string{"spec", "asn"}, scalarAlt: int64(65102),
		extra: []string{"spec", "vtepIP"}, extraVal: "192.168.1.1/32"},
	{kind: "Server", apiVersion: wiringAPI,
		base:   `{description: compute-1}`,
		scalar: []string{"spec", "description"}, scalarAlt: "compute-2",
		extra: []string{"spec", "profile"}, extraVal: "worker"},
	{kind: "SwitchGroup", apiVersion: wiringAPI, base: `{}`},
	{kind: "VLANNamespace", apiVersion: wiringAPI,
		base:   `{ranges: [{from: 1000, to: 2999}]}`,
		scalar: []string{"spec", "ranges"}, scalarAlt: []interface{}{map[string]interface{}{"from": int64(1000), "to": int64(1999)}}},
}

// mutation is one case of the corpus: an object deployed one way, then
// changed in the cluster and/or in Git.
type mutation struct {
	name  string
	class string
	spec  *kindSpec
	// deploy: "" for kubectl's client-side apply, else the server-side
	// apply field manager.
	deploy string
	// applied changes what the deployer applied (from the base object).
	applied func(m map[string]interface{})
	// git changes Git's object (from what was applied).
	git func(m map[string]interface{})
	// gitText renders Git's document in a form of its own (cosmetic cases).
	gitText func(m map[string]interface{}) string
	// cluster changes the live object after the apply, as another manager.
	cluster func(m map[string]interface{})
	// absent: the object was never deployed.
	absent bool
	// refused: the server refuses the deployer's apply of Git's object.
	refused bool
}

func setPath(m map[string]interface{}, path []string, v interface{}) {
	for _, p := range path[:len(path)-1] {
		next, ok := m[p].(map[string]interface{})
		if !ok {
			next = map[string]interface{}{}
			m[p] = next
		}
		m = next
	}
	m[path[len(path)-1]] = v
}

func deletePath(m map[string]interface{}, path []string) {
	for _, p := range path[:len(path)-1] {
		next, ok := m[p].(map[string]interface{})
		if !ok {
			return
		}
		m = next
	}
	delete(m, path[len(path)-1])
}

func set(path []string, v interface{}) func(map[string]interface{}) {
	return func(m map[string]interface{}) { setPath(m, path, v) }
}

func del(path []string) func(map[string]interface{}) {
	return func(m map[string]interface{}) { deletePath(m, path) }
}

var (
	labelTeam = []string{"metadata", "labels", "team"}
	annoNote  = []string{"metadata", "annotations", "example.com/note"}
)

// corpus returns the mutations: generic ones for every kind, then ones
// aimed at list elements, maps, defaults and empty values.
func corpus() []mutation {
	var out []mutation
	add := func(m mutation) { out = append(out, m) }
	for i := range kindSpecs {
		k := &kindSpecs[i]
		for _, dep := range []string{"", "kustomize-controller"} {
			p := "csa"
			if dep != "" {
				p = "ssa"
			}
			g := func(name, class string, m mutation) {
				m.name, m.class, m.spec = p+"/"+k.kind+"/"+name, class, k
				m.deploy = dep
				add(m)
			}
			g("unchanged", "existence", mutation{})
			g("cluster-adds-label", "labels", mutation{cluster: set([]string{"metadata", "labels", "ops"}, "x")})
			g("cluster-changes-git-label", "labels", mutation{applied: set(labelTeam, "a"), cluster: set(labelTeam, "b")})
			g("git-removes-applied-label", "labels", mutation{applied: set(labelTeam, "a"), git: del(labelTeam)})
			g("git-removes-applied-annotation", "labels", mutation{applied: set(annoNote, "n"), git: del(annoNote)})
			g("git-adds-annotation", "labels", mutation{git: set(annoNote, "n")})
			g("cluster-removes-git-annotation", "labels", mutation{applied: set(annoNote, "n"), cluster: del(annoNote)})
			if dep == "" {
				g("git-unknown-field-pruned", "cosmetic", mutation{git: set([]string{"spec", "notAField"}, "x")})
			} else if k.kind != "SwitchGroup" { // its spec keeps unknown fields
				// Server-side apply refuses a field the schema lacks.
				g("git-unknown-field-refused", "error", mutation{git: set([]string{"spec", "notAField"}, "x"), refused: true})
			}
			if k.scalar != nil {
				g("cluster-changes-scalar", "cluster-change", mutation{cluster: set(k.scalar, k.scalarAlt)})
				g("cluster-removes-scalar", "cluster-removal", mutation{cluster: del(k.scalar)})
				g("git-changes-scalar", "git-change", mutation{git: set(k.scalar, k.scalarAlt)})
				g("git-removes-scalar", "git-removal", mutation{git: del(k.scalar)})
			}
			if k.extra != nil {
				g("cluster-adds-field", "cluster-addition", mutation{cluster: set(k.extra, k.extraVal)})
				g("git-removes-applied-field", "git-removal", mutation{applied: set(k.extra, k.extraVal), git: del(k.extra)})
				g("git-adds-field", "git-change", mutation{git: set(k.extra, k.extraVal)})
			}
			if dep == "" {
				g("not-in-cluster", "existence", mutation{absent: true})
				g("json-file", "cosmetic", mutation{gitText: jsonText})
				g("flow-style-reordered", "cosmetic", mutation{gitText: flowText})
				g("quoted-commented", "cosmetic", mutation{gitText: quotedText})
			}
		}
	}
	specific(add)
	return out
}

// specific adds cases aimed at one kind's lists, maps and defaults.
func specific(add func(mutation)) {
	spec := func(kind string) *kindSpec {
		for i := range kindSpecs {
			if kindSpecs[i].kind == kind {
				return &kindSpecs[i]
			}
		}
		panic(kind)
	}
	sw, vlanns, conn, vpc, ipns, peer := spec("Switch"), spec("VLANNamespace"), spec("Connection"), spec("VPC"), spec("IPv4Namespace"), spec("VPCPeering")
	lfed := []string{"spec", "linkFlapErrDisable"}
	flap := []string{"spec", "linkFlapErrDisable", "flapThreshold"}
	ranges := []string{"spec", "ranges"}
	for _, dep := range []string{"", "kustomize-controller", "argocd-controller"} {
		p := "csa"
		if dep != "" {
			p = "ssa-" + strings.SplitN(dep, "-", 2)[0]
		}
		a := func(name, class string, k *kindSpec, m mutation) {
			m.name, m.class, m.spec, m.deploy = p+"/"+k.kind+"/"+name, class, k, dep
			add(m)
		}
		// B: atomic lists.
		a("cluster-adds-field-in-list-element", "cluster-addition-list", vlanns, mutation{cluster: set(ranges, []interface{}{map[string]interface{}{"from": int64(1000), "to": int64(2999)}, map[string]interface{}{"from": int64(3000), "to": int64(3099)}})})
		a("cluster-changes-list-element", "cluster-change-list", vlanns, mutation{cluster: set(ranges, []interface{}{map[string]interface{}{"from": int64(1000), "to": int64(2000)}})})
		a("cluster-adds-list-element", "cluster-addition-list", ipns, mutation{cluster: set([]string{"spec", "subnets"}, []interface{}{"10.0.0.0/16", "10.1.0.0/16", "10.9.0.0/16"})})
		a("cluster-reorders-list", "cluster-change-list", ipns, mutation{cluster: set([]string{"spec", "subnets"}, []interface{}{"10.1.0.0/16", "10.0.0.0/16"})})
		a("cluster-adds-field-in-list-map", "cluster-addition-list", peer, mutation{cluster: set([]string{"spec", "permit"}, []interface{}{map[string]interface{}{"vpc-1": map[string]interface{}{"subnets": []interface{}{"default"}}, "vpc-2": map[string]interface{}{}, "vpc-3": map[string]interface{}{}}})})
		a("git-removes-list", "git-removal", conn, mutation{
			applied: set([]string{"spec", "unbundled", "link", "server", "port"}, "server-01/enp2s1"),
			git:     del([]string{"spec", "unbundled", "link", "server"})})
		// Maps: keys of a free-form map.
		a("cluster-adds-map-key", "cluster-addition-map", sw, mutation{cluster: set([]string{"spec", "portBreakouts", "E1/56"}, "4x10G")})
		a("cluster-removes-map-key", "cluster-removal-map", sw, mutation{cluster: del([]string{"spec", "portBreakouts", "E1/55"})})
		a("cluster-changes-map-value", "cluster-change-map", sw, mutation{cluster: set([]string{"spec", "portBreakouts", "E1/55"}, "2x50G")})
		a("git-removes-applied-map-key", "git-removal-map", sw, mutation{applied: set([]string{"spec", "portBreakouts", "E1/56"}, "4x10G"), git: del([]string{"spec", "portBreakouts", "E1/56"})})
		a("cluster-changes-nested", "cluster-change-nested", vpc, mutation{cluster: set([]string{"spec", "subnets", "default", "subnet"}, "10.0.9.0/24")})
		a("cluster-adds-nested-map", "cluster-addition-nested", vpc, mutation{cluster: set([]string{"spec", "subnets", "other"}, map[string]interface{}{"subnet": "10.0.2.0/24", "vlan": int64(1010)})})
		// C: empty maps.
		a("git-empty-map-cluster-lacks", "empty-map", sw, mutation{applied: del(lfed), git: set(lfed, map[string]interface{}{})})
		a("git-empty-map-cluster-has-it", "empty-map", sw, mutation{applied: set(lfed, map[string]interface{}{})})
		a("git-empty-list-cluster-lacks", "empty-list", sw, mutation{git: set([]string{"spec", "vlanNamespaces"}, []interface{}{})})
		// D: schema defaults.
		a("git-removes-field-equal-to-default", "default", sw, mutation{applied: set(flap, int64(3)), git: del(flap)})
		a("git-removes-field-unlike-default", "default", sw, mutation{git: del(flap)})
		a("git-sets-default-explicitly", "default", sw, mutation{git: set([]string{"spec", "linkFlapErrDisable", "recoveryInterval"}, int64(300))})
		a("cluster-changes-defaulted-field", "default", sw, mutation{cluster: set([]string{"spec", "linkFlapErrDisable", "samplingInterval"}, int64(60))})
		a("git-removes-defaulted-block", "default", sw, mutation{git: del(lfed)})
		// E: YAML 1.1 scalars, read as kubectl and Argo CD read them.
		a("yaml11-yes-is-true", "yaml11", sw, mutation{applied: set([]string{"spec", "enableAllPorts"}, true), gitText: replaceText("enableAllPorts: true", "enableAllPorts: yes")})
		a("yaml11-off-is-false", "yaml11", sw, mutation{applied: set([]string{"spec", "roce"}, false), gitText: replaceText("roce: false", "roce: off")})
		// yaml.v3 (and so kyaml) reads a leading-0 number as octal too: no warning.
		a("yaml11-octal-read-alike", "cosmetic", sw, mutation{applied: set([]string{"spec", "asn"}, int64(493)), gitText: replaceText("asn: 493", "asn: 0755")})
		a("yaml11-on-changes-value", "yaml11", sw, mutation{applied: set([]string{"spec", "roce"}, false), gitText: replaceText("roce: false", "roce: on")})
		a("git-adds-defaulted-block", "default", sw, mutation{applied: del(lfed), git: set(lfed, map[string]interface{}{"flapThreshold": int64(4)})})
	}
}

// jsonText renders Git's object as a JSON file.
func jsonText(m map[string]interface{}) string { return mustJSON(m) }

// flowText renders the object in flow style with keys in reverse order.
func flowText(m map[string]interface{}) string { return flow(m, true) + "\n" }

// quotedText renders block YAML with every string double-quoted and comments.
func quotedText(m map[string]interface{}) string {
	return "# a comment before the document\n" + quoted(m, 0) + "# trailing comment\n"
}

func mustJSON(v interface{}) string {
	b, err := jsonMarshalIndent(v)
	if err != nil {
		panic(err)
	}
	return string(b) + "\n"
}

func flow(v interface{}, reverse bool) string {
	switch t := v.(type) {
	case map[string]interface{}:
		keys := sortedKeys(t)
		if reverse {
			for i, j := 0, len(keys)-1; i < j; i, j = i+1, j-1 {
				keys[i], keys[j] = keys[j], keys[i]
			}
		}
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = fmt.Sprintf("%q: %s", k, flow(t[k], reverse))
		}
		return "{" + strings.Join(parts, ", ") + "}"
	case []interface{}:
		parts := make([]string, len(t))
		for i, e := range t {
			parts[i] = flow(e, reverse)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case string:
		return fmt.Sprintf("%q", t)
	}
	return fmt.Sprint(v)
}

func quoted(v interface{}, indent int) string {
	pad := strings.Repeat("  ", indent)
	var b strings.Builder
	switch t := v.(type) {
	case map[string]interface{}:
		for _, k := range sortedKeys(t) {
			switch c := t[k].(type) {
			case map[string]interface{}:
				if len(c) == 0 {
					fmt.Fprintf(&b, "%s%q: {}  # empty\n", pad, k)
					continue
				}
				fmt.Fprintf(&b, "%s%q:\n%s", pad, k, quoted(c, indent+1))
			case []interface{}:
				fmt.Fprintf(&b, "%s%q: %s\n", pad, k, flow(c, false))
			default:
				fmt.Fprintf(&b, "%s%q: %s # value\n", pad, k, flow(c, false))
			}
		}
	}
	return b.String()
}

// replaceText renders Git's object as YAML with one text replaced.
func replaceText(old, new string) func(map[string]interface{}) string {
	return func(m map[string]interface{}) string {
		b, err := sigsyaml.Marshal(m)
		if err != nil {
			panic(err)
		}
		if !strings.Contains(string(b), old) {
			panic("no " + old + " in " + string(b))
		}
		return strings.Replace(string(b), old, new, 1)
	}
}
