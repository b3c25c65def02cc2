package hedgehog

import "testing"

func TestSwitchGroupValidate(t *testing.T) {
	if HasWebhook("SwitchGroup") {
		t.Error("SwitchGroup has no webhook")
	}
	wiringRun(t, []wiringCase{
		{
			name: "offline, the metadata rules still apply",
			docs: `
apiVersion: wiring.githedgehog.com/v1beta1
kind: SwitchGroup
metadata: {name: Rack.2, namespace: other}
spec: {}
`,
			want: []string{
				"SwitchGroup/Rack.2 switchgroup.name metadata.name",
				"SwitchGroup/Rack.2 switchgroup.namespace metadata.namespace",
			},
		},
		{
			name:   "nothing guards a group's deletion, but switches need their groups",
			remove: []string{"SwitchGroup/eslag-1"},
			want: []string{
				"Switch/leaf-01 switch.group-exists spec.groups[0]",
				"Switch/leaf-02 switch.group-exists spec.groups[0]",
			},
		},
	})
}
