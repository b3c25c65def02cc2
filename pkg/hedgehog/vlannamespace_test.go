package hedgehog

import (
	"strings"
	"testing"
)

func TestVLANNamespaceValidate(t *testing.T) {
	wiringRun(t, []wiringCase{
		{
			name: "an invalid range removes all ranges: a warning on the namespace, switches lose nothing else",
			docs: `
apiVersion: wiring.githedgehog.com/v1beta1
kind: VLANNamespace
metadata: {name: extra}
spec:
  ranges: [{from: 100, to: 199}, {from: 300, to: 200}]
`,
			want: []string{"VLANNamespace/extra vlannamespace.no-ranges spec.ranges warning"},
		},
		{
			name: "ranges overlapping each other or the fabric's reserved VLANs",
			docs: `
apiVersion: wiring.githedgehog.com/v1beta1
kind: VLANNamespace
metadata: {name: extra}
spec:
  ranges: [{from: 100, to: 199}, {from: 150, to: 250}, {from: 3990, to: 4000}, {from: 4093}]
`,
			want: []string{
				// leaf-02 lists extra: the switch check sees the overlap too.
				"Switch/leaf-02 switch.vlan-namespace-overlap spec.vlanNamespaces",
				"VLANNamespace/extra vlannamespace.ranges-overlap spec.ranges",
				"VLANNamespace/extra vlannamespace.reserved-overlap spec.ranges",
				"VLANNamespace/extra vlannamespace.reserved-overlap spec.ranges",
			},
		},
		{
			name:  "without the config, the namespace's own overlaps are not checked (the webhook checks them only with it); the switch's are",
			noCfg: true,
			want:  []string{"Switch/leaf-02 switch.vlan-namespace-overlap spec.vlanNamespaces"},
			docs: `
apiVersion: wiring.githedgehog.com/v1beta1
kind: VLANNamespace
metadata: {name: extra}
spec:
  ranges: [{from: 100, to: 199}, {from: 150, to: 250}, {from: 3990, to: 4000}]
`,
		},
		{
			name: "fabric labels written by the user are removed; invalid user labels are reported",
			docs: `
apiVersion: wiring.githedgehog.com/v1beta1
kind: VLANNamespace
metadata:
  name: extra
  labels: {fabric.githedgehog.com/x: "not a valid value", "team": "not valid either"}
spec:
  ranges: [{from: 100, to: 199}]
`,
			want: []string{"VLANNamespace/extra vlannamespace.label metadata.labels"},
		},
	})
}

// TestVLANNamespaceValidateUndefaulted: an invalid range is reported per
// range when the object is validated as written.
func TestVLANNamespaceValidateUndefaulted(t *testing.T) {
	objs := wiringDocs(t, []byte(`
apiVersion: wiring.githedgehog.com/v1beta1
kind: VLANNamespace
metadata: {name: raw}
spec:
  ranges: [{from: 100, to: 199}, {from: 300, to: 200}, {from: 0}, {from: 4000, to: 5000}]
`))
	got := wiringFormat(ValidateOne(objs[0], nil, &Config{}))
	want := "VLANNamespace/raw vlannamespace.range-invalid spec.ranges[1]\n" +
		"VLANNamespace/raw vlannamespace.range-invalid spec.ranges[2]\n" +
		"VLANNamespace/raw vlannamespace.range-invalid spec.ranges[3]"
	if strings.Join(got, "\n") != want {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), want)
	}
}

func TestVLANNamespaceValidateDelete(t *testing.T) {
	objs := wiringDocs(t, []byte(`
apiVersion: wiring.githedgehog.com/v1beta1
kind: VLANNamespace
metadata: {name: default}
spec: {ranges: [{from: 1000, to: 2999}]}
---
apiVersion: wiring.githedgehog.com/v1beta1
kind: VLANNamespace
metadata: {name: unused}
spec: {ranges: [{from: 100, to: 199}]}
---
apiVersion: wiring.githedgehog.com/v1beta1
kind: Switch
metadata: {name: leaf-01}
spec: {role: server-leaf, profile: vs}
---
apiVersion: vpc.githedgehog.com/v1beta1
kind: VPC
metadata:
  name: vpc-1
  labels: {fabric.githedgehog.com/vlanns: default}
spec: {vlanNamespace: default}
`))
	for _, o := range objs {
		Default(o)
	}
	idx := NewIndex(objs)
	got := wiringMessages(ValidateDelete(idx.Get("VLANNamespace", "default"), idx))
	if !strings.Contains(got, "in-use: VLANNamespace default is used by switch leaf-01") || !strings.Contains(got, "in-use: VLANNamespace default is used by VPC vpc-1") {
		t.Errorf("got %s", got)
	}
	if vs := ValidateDelete(idx.Get("VLANNamespace", "unused"), idx); len(vs) != 0 {
		t.Errorf("an unused namespace: %v", vs)
	}
}
