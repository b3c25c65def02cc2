package printers

import (
	"fmt"
	"sort"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/util/jsonpath"
)

// CheckSortBy compiles a --sort-by JSONPath (".spec.x" or "{.spec.x}").
func CheckSortBy(path string) error {
	_, err := sortParser(path)
	return err
}

func sortParser(path string) (*jsonpath.JSONPath, error) {
	expr, err := RelaxedJSONPath(path)
	if err != nil {
		return nil, fmt.Errorf("--sort-by: %w", err)
	}
	j := jsonpath.New("sort-by").AllowMissingKeys(true)
	if err := j.Parse(expr); err != nil {
		return nil, fmt.Errorf("--sort-by: invalid jsonpath %q: %w", path, err)
	}
	return j, nil
}

// SortOrder returns the indexes of objs ordered by the value at path, as
// `kubectl get --sort-by` orders: numbers by value, everything else as text,
// objects without the field first; ties keep their order.
func SortOrder(objs []*unstructured.Unstructured, path string) ([]int, error) {
	j, err := sortParser(path)
	if err != nil {
		return nil, err
	}
	type key struct {
		missing bool
		num     float64
		isNum   bool
		text    string
	}
	keys := make([]key, len(objs))
	for i, o := range objs {
		res, err := j.FindResults(o.Object)
		if err != nil {
			return nil, fmt.Errorf("--sort-by %s on %s: %w", path, o.GetName(), err)
		}
		if len(res) == 0 || len(res[0]) == 0 {
			keys[i].missing = true
			continue
		}
		if len(res) > 1 || len(res[0]) > 1 {
			return nil, fmt.Errorf("--sort-by %s: %s has several values; the path must select one field", path, o.GetName())
		}
		switch v := res[0][0].Interface().(type) {
		case int64:
			keys[i].num, keys[i].isNum = float64(v), true
		case float64:
			keys[i].num, keys[i].isNum = v, true
		case int:
			keys[i].num, keys[i].isNum = float64(v), true
		default:
			keys[i].text = fmt.Sprint(v)
		}
	}
	order := make([]int, len(objs))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool {
		ka, kb := keys[order[a]], keys[order[b]]
		if ka.missing != kb.missing {
			return ka.missing
		}
		if ka.isNum && kb.isNum {
			return ka.num < kb.num
		}
		if ka.isNum != kb.isNum {
			return ka.isNum
		}
		return strings.Compare(ka.text, kb.text) < 0
	})
	return order, nil
}
