package snapshot

import (
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

func TestCleanKeepsWhatDriftJudgesBy(t *testing.T) {
	u := &unstructured.Unstructured{Object: map[string]interface{}{
		"kind":   "VPC",
		"status": map[string]interface{}{"state": "ready"},
		"metadata": map[string]interface{}{
			"name": "v", "uid": "u", "resourceVersion": "7", "generation": int64(2), "creationTimestamp": "t",
			"labels":      map[string]interface{}{"team": "a"},
			"annotations": map[string]interface{}{"kubectl.kubernetes.io/last-applied-configuration": "{}"},
			"managedFields": []interface{}{map[string]interface{}{
				"manager": "kustomize-controller", "operation": "Apply", "time": "2026-01-01T00:00:00Z",
				"fieldsV1": map[string]interface{}{"f:spec": map[string]interface{}{}},
			}},
		},
	}}
	c := Clean(u)
	md := c["metadata"].(map[string]interface{})
	for _, gone := range []string{"uid", "resourceVersion", "generation", "creationTimestamp"} {
		if _, ok := md[gone]; ok {
			t.Errorf("%s kept", gone)
		}
	}
	if _, ok := c["status"]; ok {
		t.Error("status kept")
	}
	mf, _ := md["managedFields"].([]interface{})
	if len(mf) != 1 {
		t.Fatalf("managedFields = %v, want the entry", md["managedFields"])
	}
	e := mf[0].(map[string]interface{})
	if _, ok := e["time"]; ok || e["manager"] != "kustomize-controller" || e["fieldsV1"] == nil {
		t.Errorf("entry = %v, want it without its time", e)
	}
	if md["labels"] == nil || md["annotations"] == nil {
		t.Error("labels or annotations dropped")
	}
	if _, ok := u.Object["metadata"].(map[string]interface{})["managedFields"].([]interface{})[0].(map[string]interface{})["time"]; !ok {
		t.Error("Clean modified its input")
	}
}
