package hedgehog

import "testing"

func TestServerValidate(t *testing.T) {
	wiringRun(t, []wiringCase{
		{
			name: "metadata: name and namespace",
			docs: `
apiVersion: wiring.githedgehog.com/v1beta1
kind: Server
metadata: {name: Server_06, namespace: lab}
spec: {description: anything goes, profile: not-checked}
`,
			want: []string{
				"Server/Server_06 server.name metadata.name",
				"Server/Server_06 server.namespace metadata.namespace",
			},
		},
	})
}

func TestServerValidateDelete(t *testing.T) {
	objs := wiringFabric(t)
	for _, o := range objs {
		Default(o)
	}
	idx := NewIndex(objs)
	got := wiringFormat(ValidateDelete(idx.Get("Server", "server-03"), idx))
	if len(got) != 1 || got[0] != "Server/server-03 server.has-connections " {
		t.Errorf("got %q", got)
	}
	idx = NewIndex(wiringApply(t, objs, "", []string{"Connection/server-03--eslag--leaf-01--leaf-02"}))
	if vs := ValidateDelete(idx.Get("Server", "server-03"), idx); len(vs) != 0 {
		t.Errorf("a server without connections: %v", vs)
	}
}
