package hedgehog

import "strings"

// FabricLabelMark is the substring that marks the labels the webhooks own:
// CleanupFabricLabels removes every label whose key contains it.
const FabricLabelMark = "fabric.githedgehog.com/"

// cleanupFabricLabels removes every label whose key contains
// FabricLabelMark (which also matches list labels such as
// "vpc.fabric.githedgehog.com/x"), and makes sure obj has a labels map,
// as the webhook leaves an empty map where there was none.
func cleanupFabricLabels(obj map[string]interface{}) map[string]interface{} {
	md := ensureMap(obj, "metadata")
	labels, _ := md["labels"].(map[string]interface{})
	if labels == nil {
		labels = map[string]interface{}{}
		md["labels"] = labels
	}
	for k := range labels {
		if strings.Contains(k, FabricLabelMark) {
			delete(labels, k)
		}
	}
	return labels
}
