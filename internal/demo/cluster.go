package demo

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/yaml"

	"github.com/githedgehog/kubectl-hnp/internal/testbed"
	"github.com/githedgehog/kubectl-hnp/pkg/kinds"
)

var namespaceGVR = schema.GroupVersionResource{Version: "v1", Resource: "namespaces"}

// resetCluster deletes every object of the managed kinds in every namespace
// and makes sure the fabrics' namespaces exist.
func resetCluster(ctx context.Context, cp *testbed.ControlPlane) error {
	dyn := cp.Dynamic()
	for _, ns := range []string{LabNamespace, ProdNamespace, KzNamespace} {
		obj := &unstructured.Unstructured{}
		obj.SetAPIVersion("v1")
		obj.SetKind("Namespace")
		obj.SetName(ns)
		if _, err := dyn.Resource(namespaceGVR).Create(ctx, obj, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
			return fmt.Errorf("creating namespace %s: %w", ns, err)
		}
	}
	for _, k := range kinds.All() {
		list, err := dyn.Resource(k.GVR()).List(ctx, metav1.ListOptions{})
		if err != nil {
			return fmt.Errorf("listing %s: %w", k.Plural, err)
		}
		for _, o := range list.Items {
			err := dyn.Resource(k.GVR()).Namespace(o.GetNamespace()).Delete(ctx, o.GetName(), metav1.DeleteOptions{})
			if err != nil && !apierrors.IsNotFound(err) {
				return fmt.Errorf("deleting %s %s/%s: %w", k.Kind, o.GetNamespace(), o.GetName(), err)
			}
		}
	}
	return nil
}

// loadState creates the objects of a multi-document YAML file in namespace ns.
func loadState(ctx context.Context, cp *testbed.ControlPlane, file, ns string) error {
	b, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	rd := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(b)))
	var out bytes.Buffer
	for {
		doc, err := rd.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("%s: %w", file, err)
		}
		var m map[string]any
		if err := yaml.Unmarshal(doc, &m); err != nil {
			return fmt.Errorf("%s: %w", file, err)
		}
		if len(m) == 0 {
			continue
		}
		u := &unstructured.Unstructured{Object: m}
		u.SetNamespace(ns)
		y, err := yaml.Marshal(u.Object)
		if err != nil {
			return err
		}
		out.WriteString("---\n")
		out.Write(y)
	}
	if _, err := cp.CreateYAML(ctx, out.String()); err != nil {
		return fmt.Errorf("loading %s: %w", file, err)
	}
	return nil
}

// writeKubeconfig copies the control plane's kubeconfig to dst with a second
// context, prod, on the same cluster and user as the current one (lab).
func writeKubeconfig(src, dst, current string) error {
	cfg, err := clientcmd.LoadFromFile(src)
	if err != nil {
		return err
	}
	cur, ok := cfg.Contexts[current]
	if !ok {
		return fmt.Errorf("%s: no context %q", src, current)
	}
	prod := cur.DeepCopy()
	prod.Namespace = ProdNamespace
	cfg.Contexts["prod"] = prod
	cur.Namespace = LabNamespace
	return clientcmd.WriteToFile(*cfg, dst)
}
