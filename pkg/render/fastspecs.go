package render

import (
	"strings"

	"sigs.k8s.io/kustomize/api/types"
)

// The fast renderer handles objects whose kind kustomize's default
// transformer configuration (its builtinpluginconsts) does not name: for
// them, only the field specs without a group, version or kind apply, and
// name-reference fixing, image and replica transformers never touch them.
// Objects of the kinds below, and kinds kustomize's own code treats
// specially (prefix skips, namespace subjects, local-config, lists), send
// the whole build to krusty. fastspecs_test.go checks both lists against
// the kustomize module this binary is built with.

// specialKinds are the kinds named in kustomize's default field specs
// (commonLabels, templateLabels, commonAnnotations, namePrefix,
// nameSuffix, namespace, nameReference, varReference, images, replicas),
// plus those its transformers single out in code.
var specialKinds = map[string]bool{
	"APIService": true, "ClusterRole": true, "ClusterRoleBinding": true, "ConfigMap": true,
	"CronJob": true, "CustomResourceDefinition": true, "DaemonSet": true, "Deployment": true,
	"HorizontalPodAutoscaler": true, "Ingress": true, "IngressClass": true, "Job": true,
	"MutatingWebhookConfiguration": true, "Namespace": true, "NetworkPolicy": true, "Node": true,
	"PersistentVolume": true, "PersistentVolumeClaim": true, "Pod": true, "PodDisruptionBudget": true,
	"PodTemplate": true, "PriorityClass": true, "ReplicaSet": true, "ReplicationController": true,
	"Role": true, "RoleBinding": true, "Secret": true, "Service": true, "ServiceAccount": true,
	"StatefulSet": true, "StorageClass": true, "ValidatingAdmissionPolicy": true,
	"ValidatingAdmissionPolicyBinding": true, "ValidatingWebhookConfiguration": true,
	// Ordered specially by the legacy sort.
	"ResourceQuota": true, "PodSecurityPolicy": true, "Endpoints": true, "LimitRange": true,
	// kind: List and ResourceList wrap other objects.
	"List": true, "ResourceList": true,
}

// eligibleKind reports whether an object of kind can take the fast path.
func eligibleKind(kind string) bool {
	return kind != "" && !specialKinds[kind] && !strings.HasSuffix(kind, "List")
}

// Field specs of kustomize's default configuration that apply to every
// kind (no group, version or kind): the only ones that can select an
// eligible object.
var (
	nameSpecs        = types.FsSlice{{Path: "metadata/name"}}
	labelSpecs       = types.FsSlice{{Path: "metadata/labels", CreateIfNotPresent: true}}
	annotationsSpecs = types.FsSlice{{Path: "metadata/annotations", CreateIfNotPresent: true}}
	// namespaceSpecs is empty: the namespace filter sets metadata/namespace
	// itself; the default specs name Namespace, APIService and CRDs only.
	namespaceSpecs = types.FsSlice{}
)

// reservedKey reports whether an annotation or label key belongs to
// kustomize's or kyaml's bookkeeping (origin, build, local-config, index
// annotations), which krusty strips or acts upon.
func reservedKey(k string) bool {
	for _, p := range []string{"config.kubernetes.io/", "internal.config.kubernetes.io/", "kustomize.config.k8s.io/",
		"config.k8s.io/", "kustomize.io/", "alpha.config.kubernetes.io/"} {
		if strings.HasPrefix(k, p) || strings.Contains(k, "."+p) {
			return true
		}
	}
	return false
}

// fastFields are the kustomization fields the fast renderer implements;
// any other field sends the build to krusty.
var fastFields = map[string]bool{
	"apiVersion": true, "kind": true, "metadata": true,
	"resources": true, "bases": true, "components": true,
	"namespace": true, "namePrefix": true, "nameSuffix": true,
	"commonLabels": true, "labels": true, "commonAnnotations": true,
	"patches": true, "patchesStrategicMerge": true, "patchesJson6902": true,
}
