package hedgehog

import (
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// Server: api/wiring/v1beta1/server_types.go, pkg/ctrl/server_wh.go.

func init() {
	register("Server", KindRules{
		Webhook:        true,
		Default:        serverDefault,
		Validate:       serverValidate,
		ValidateDelete: serverValidateDelete,
	})
}

// serverDefault: the fabric label cleanup only. When that changes the
// object (a labels map added or fabric labels removed), the webhook stores
// the re-marshalled object, where an absent spec becomes {}.
func serverDefault(obj map[string]interface{}) {
	if wiringBeginLabels(obj).done() {
		wiringEnsureEmpty(obj, "spec")
	}
}

// serverValidate: only the common metadata rules (checked by ValidateOne)
// and the labels the API server checks.
func serverValidate(obj *unstructured.Unstructured, _ *Config, r *Reporter) {
	wiringCheckLabels(obj, r)
}

func serverValidateDelete(obj *unstructured.Unstructured, idx *Index, r *Reporter) {
	if conns := idx.WithLabel("Connection", wiringListServer+obj.GetName(), wiringListValue); len(conns) > 0 {
		r.Add(ScopeFabric, "has-connections", "", "server "+obj.GetName()+" still has connection "+wiringNames(conns),
			"delete the server's connections first")
	}
}
