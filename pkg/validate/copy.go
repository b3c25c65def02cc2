package validate

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
)

// copyJSON deep-copies an unstructured value into the JSON data model the
// API server works on: map[string]any, []any, string, bool, int64, float64
// and nil, with numbers as the server would decode them once sent (see
// wireNumber). Values built in Go rather than decoded from JSON may hold
// other numeric types or typed slices and maps; they are converted, so that
// defaulting (which mutates) never touches the caller's object and the
// schema sees the same values the server would.
func copyJSON(v any, path string) (any, error) {
	switch t := v.(type) {
	case nil, string, bool, int64:
		return t, nil
	case float64:
		return wireNumber(t), nil
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			c, err := copyJSON(e, childPath(path, k))
			if err != nil {
				return nil, err
			}
			out[k] = c
		}
		return out, nil
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			c, err := copyJSON(e, path+"["+strconv.Itoa(i)+"]")
			if err != nil {
				return nil, err
			}
			out[i] = c
		}
		return out, nil
	case int:
		return int64(t), nil
	case int8:
		return int64(t), nil
	case int16:
		return int64(t), nil
	case int32:
		return int64(t), nil
	case uint8:
		return int64(t), nil
	case uint16:
		return int64(t), nil
	case uint32:
		return int64(t), nil
	case float32:
		return wireNumber(float64(t)), nil
	case json.Number:
		if i, err := t.Int64(); err == nil {
			return i, nil
		}
		f, err := t.Float64()
		if err != nil {
			return nil, fmt.Errorf("%s: invalid number %q", path, t)
		}
		return f, nil
	case []string:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = e
		}
		return out, nil
	case map[string]string:
		out := make(map[string]any, len(t))
		for k, e := range t {
			out[k] = e
		}
		return out, nil
	default:
		return nil, fmt.Errorf("%s: unsupported Go type %T in an unstructured object", path, v)
	}
}

// childPath appends a field name to a path in the API server's notation.
func childPath(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// wireNumber returns the number the server decodes after a client sends f:
// encoding/json writes an integral float64 below 1e21 without a fraction or
// exponent, and the server decodes such a literal as an int64 when it fits.
// YAML and JSON decoded into map[string]any (sigs.k8s.io/yaml,
// encoding/json) give float64 for every number, so without this an integer
// field would see float64 where the server sees int64.
func wireNumber(f float64) any {
	if f == math.Trunc(f) && f >= math.MinInt64 && f < math.MaxInt64 {
		return int64(f)
	}
	return f
}
