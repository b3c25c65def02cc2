package kinds

import (
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"
)

func TestLookupEveryName(t *testing.T) {
	cases := map[string]string{
		"vpc": "VPC", "VPCS": "VPC", "Vpc": "VPC",
		"vpcattach": "VPCAttachment", "vpcattachments": "VPCAttachment", "VPCAttachment": "VPCAttachment",
		"vpcpeer": "VPCPeering", "ipns": "IPv4Namespace", "ipv4namespaces": "IPv4Namespace",
		"ext": "External", "extattach": "ExternalAttachment", "extpeer": "ExternalPeering", "extpeering": "ExternalPeering",
		"conn": "Connection", "connections": "Connection", "sw": "Switch", "switches": "Switch",
		"srv": "Server", "sg": "SwitchGroup", "vlanns": "VLANNamespace", "VLANNamespace": "VLANNamespace",
		"vpcs.vpc.githedgehog.com": "VPC", "switch.wiring.githedgehog.com": "Switch",
	}
	for name, want := range cases {
		k, ok := Lookup(name)
		if !ok {
			t.Errorf("Lookup(%q) found nothing, want %s", name, want)
			continue
		}
		if k.Kind != want {
			t.Errorf("Lookup(%q) = %s, want %s", name, k.Kind, want)
		}
	}
	for _, bad := range []string{"", "pod", "vpc.wiring.githedgehog.com", "sws"} {
		if k, ok := Lookup(bad); ok {
			t.Errorf("Lookup(%q) = %s, want nothing", bad, k.Kind)
		}
	}
}

func TestRegistryFacts(t *testing.T) {
	all := All()
	if len(all) != 12 {
		t.Fatalf("registry has %d kinds, want 12", len(all))
	}
	groups := map[string]int{}
	for _, k := range all {
		groups[k.Group]++
		if k.Version != "v1beta1" {
			t.Errorf("%s version %s", k.Kind, k.Version)
		}
		if k.CRDName() != k.Plural+"."+k.Group {
			t.Errorf("%s CRD name %s", k.Kind, k.CRDName())
		}
	}
	if groups[GroupVPC] != 7 || groups[GroupWiring] != 5 {
		t.Errorf("groups = %v, want 7 vpc and 5 wiring kinds", groups)
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		arg     string
		want    []string
		wantErr string
	}{
		{arg: "", want: kindNames(All())},
		{arg: "all", want: kindNames(All())},
		{arg: "ALL", want: kindNames(All())},
		{arg: "vpcs", want: []string{"VPC"}},
		{arg: "sw,conn", want: []string{"Connection", "Switch"}},
		{arg: "conn, sw ,conn", want: []string{"Connection", "Switch"}},
		{arg: "vpc,all", want: kindNames(All())},
		{arg: "vpc,pods", wantErr: `unknown kind "pods"; valid kinds:`},
		{arg: "swtich", wantErr: `unknown kind "swtich" (did you mean "switch"?); valid kinds:`},
		{arg: "vcps", wantErr: `unknown kind "vcps" (did you mean one of "vpc", "vpcs"?)`},
		{arg: ",", wantErr: "no kind given"},
	}
	for _, tt := range tests {
		got, err := Parse(tt.arg)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Parse(%q) error = %v, want %q", tt.arg, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.arg, err)
			continue
		}
		if g := strings.Join(kindNames(got), ","); g != strings.Join(tt.want, ",") {
			t.Errorf("Parse(%q) = %s, want %s", tt.arg, g, strings.Join(tt.want, ","))
		}
	}
}

func TestUnknownKindErrorListsValidNames(t *testing.T) {
	_, err := Parse("pods")
	if err == nil || !strings.Contains(err.Error(), "vpcattach") || !strings.Contains(err.Error(), "vlanns") {
		t.Fatalf("error should list valid kinds: %v", err)
	}
}

func TestParseRef(t *testing.T) {
	tests := []struct {
		args    []string
		kind    string
		name    string
		wantErr bool
	}{
		{args: []string{"vpc", "vpc-1"}, kind: "VPC", name: "vpc-1"},
		{args: []string{"vpc/vpc-1"}, kind: "VPC", name: "vpc-1"},
		{args: []string{"SW/leaf-01"}, kind: "Switch", name: "leaf-01"},
		{args: []string{"vpc"}, wantErr: true},
		{args: []string{"vpc/"}, wantErr: true},
		{args: []string{"vpc/a", "b"}, wantErr: true},
		{args: []string{"vpc,sw", "a"}, wantErr: true},
		{args: []string{"all", "a"}, wantErr: true},
		{args: []string{"pod", "a"}, wantErr: true},
		{args: []string{"a", "b", "c"}, wantErr: true},
	}
	for _, tt := range tests {
		k, name, err := ParseRef(tt.args)
		if tt.wantErr {
			if err == nil {
				t.Errorf("ParseRef(%q) = %v %q, want an error", tt.args, k, name)
			}
			continue
		}
		if err != nil || k.Kind != tt.kind || name != tt.name {
			t.Errorf("ParseRef(%q) = %v %q %v, want %s %q", tt.args, k, name, err, tt.kind, tt.name)
		}
	}
}

func TestForObject(t *testing.T) {
	if k := ForObject("vpc.githedgehog.com/v1beta1", "VPC"); k == nil || k.Kind != "VPC" {
		t.Errorf("VPC not recognised: %v", k)
	}
	if k := ForObject("vpc.githedgehog.com/v1alpha2", "VPC"); k == nil {
		t.Errorf("another version of a managed kind should be recognised")
	}
	for _, c := range [][2]string{{"v1", "ConfigMap"}, {"wiring.githedgehog.com/v1beta1", "VPC"}, {"a/b/c", "VPC"}, {"agent.githedgehog.com/v1beta1", "Agent"}} {
		if k := ForObject(c[0], c[1]); k != nil {
			t.Errorf("ForObject(%q, %q) = %s, want nil", c[0], c[1], k.Kind)
		}
	}
}

func TestColumns(t *testing.T) {
	tests := []struct {
		kind, doc string
		want      map[string]string
	}{
		{"VPC", `
spec:
  ipv4Namespace: default
  subnets:
    web: {subnet: 10.0.2.0/24, vlan: 1002}
    db: {subnet: 10.0.1.0/24, vlan: 1001}`,
			map[string]string{"SUBNETS": "db,web", "VLANS": "1001,1002", "CIDRS": "10.0.1.0/24,10.0.2.0/24", "IPV4NS": "default", "VLANNS": ""}},
		{"Connection", `
spec:
  mclag:
    links:
    - server: {port: server-1/enp2s1}
      switch: {port: leaf-1/E1/1}
    - server: {port: server-1/enp2s2}
      switch: {port: leaf-2/E1/1}`,
			map[string]string{"TYPE": "mclag", "ENDPOINTS": "server-1/enp2s1,leaf-1/E1/1,server-1/enp2s2,leaf-2/E1/1"}},
		{"Switch", `
spec: {role: server-leaf, profile: vs, groups: [mclag-1, g2], asn: 65101}`,
			map[string]string{"ROLE": "server-leaf", "PROFILE": "vs", "GROUPS": "mclag-1,g2", "ASN": "65101"}},
		{"VPCAttachment", `
spec: {subnet: vpc-1/default, connection: server-1--mclag--leaf-1--leaf-2}`,
			map[string]string{"SUBNET": "vpc-1/default", "CONNECTION": "server-1--mclag--leaf-1--leaf-2"}},
		{"VPCPeering", `
spec: {permit: [{vpc-1: {}, vpc-2: {subnets: [default]}}]}`,
			map[string]string{"VPCS": "vpc-1,vpc-2", "REMOTE": ""}},
		{"VPCPeering", `
metadata: {labels: {fabric.githedgehog.com/vpc1: a, fabric.githedgehog.com/vpc2: b}}`,
			map[string]string{"VPCS": "a,b"}},
		{"VLANNamespace", `
spec: {ranges: [{from: 1000, to: 2999}, {from: 3100, to: 3200}]}`,
			map[string]string{"RANGES": "1000-2999,3100-3200"}},
	}
	for _, tt := range tests {
		u := &unstructured.Unstructured{}
		if err := yaml.Unmarshal([]byte(tt.doc), &u.Object); err != nil {
			t.Fatal(err)
		}
		k := ByKind(tt.kind)
		got := map[string]string{}
		for _, c := range k.Columns {
			got[c.Header] = c.Value(u)
		}
		for h, want := range tt.want {
			if got[h] != want {
				t.Errorf("%s column %s = %q, want %q", tt.kind, h, got[h], want)
			}
		}
	}
}

func kindNames(ks []*Kind) []string {
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = k.Kind
	}
	return out
}

func TestParseRefs(t *testing.T) {
	tests := []struct {
		args    []string
		want    string
		wantErr string
	}{
		{args: []string{"vpc", "a"}, want: "VPC/a"},
		{args: []string{"vpc", "a", "b", "a"}, want: "VPC/a VPC/b"},
		{args: []string{"vpc/a", "sw/leaf-1"}, want: "VPC/a Switch/leaf-1"},
		{args: []string{"vpc"}, wantErr: `expected KIND NAME or KIND/NAME, got "vpc"`},
		{args: []string{"vpc/a", "b"}, wantErr: "every argument is KIND/NAME"},
		{args: []string{"vcp", "a"}, wantErr: `did you mean one of "vpc", "vpcs"?`},
		{args: nil, wantErr: "no arguments"},
	}
	for _, tt := range tests {
		refs, err := ParseRefs(tt.args)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%v: error %v, want %q", tt.args, err, tt.wantErr)
			}
			continue
		}
		var got []string
		for _, r := range refs {
			got = append(got, r.Kind.Kind+"/"+r.Name)
		}
		if err != nil || strings.Join(got, " ") != tt.want {
			t.Errorf("%v: %v %v, want %s", tt.args, got, err, tt.want)
		}
	}
}
