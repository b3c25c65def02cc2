package oracle

import (
	"encoding/json"

	"k8s.io/apimachinery/pkg/runtime"
)

func runtimeDeepCopy(m map[string]interface{}) map[string]interface{} {
	return runtime.DeepCopyJSON(m)
}

func jsonMarshalIndent(v interface{}) ([]byte, error) { return json.MarshalIndent(v, "", "  ") }
