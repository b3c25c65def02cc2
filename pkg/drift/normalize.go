package drift

import (
	"encoding/json"
	"math"
	"reflect"

	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

// LastAppliedAnnotation holds the JSON that client-side apply last sent.
const LastAppliedAnnotation = "kubectl.kubernetes.io/last-applied-configuration"

// serverMetadata reports whether a metadata field is owned by the API server.
func serverMetadata(field string) bool {
	switch field {
	case "uid", "resourceVersion", "generation", "creationTimestamp", "managedFields",
		"selfLink", "deletionTimestamp", "deletionGracePeriodSeconds":
		return true
	}
	return false
}

// Normalize returns a normalised copy of an object: status, server-owned
// metadata (uid, resourceVersion, generation, creationTimestamp,
// managedFields, selfLink, deletionTimestamp, deletionGracePeriodSeconds)
// and the last-applied-configuration annotation are dropped; a missing
// namespace becomes "default"; numbers become int64 when integral and
// float64 otherwise; null values are removed, recursively. Empty maps and
// lists are kept (an apply stores them), except in metadata, which the
// server decodes as ObjectMeta and stores without them. The input is not
// modified.
func Normalize(obj map[string]interface{}) map[string]interface{} {
	var w walker
	out, _ := w.prune(obj).(map[string]interface{})
	if out == nil {
		out = map[string]interface{}{}
	}
	md, _ := out["metadata"].(map[string]interface{})
	if md == nil {
		md = map[string]interface{}{}
		out["metadata"] = md
	}
	if ns, _ := md["namespace"].(string); ns == "" {
		md["namespace"] = resource.DefaultNamespace
	}
	return out
}

// number is a numeric value in canonical form: an integer when the value
// is integral and fits an int64, a float otherwise.
type number struct {
	i     int64
	f     float64
	isInt bool
}

func fromFloat(f float64) number {
	if f == math.Trunc(f) && f >= math.MinInt64 && f < math.MaxInt64 {
		return number{i: int64(f), isInt: true}
	}
	return number{f: f}
}

func fromUint(u uint64) number {
	if u <= math.MaxInt64 {
		return number{i: int64(u), isInt: true}
	}
	return number{f: float64(u)}
}

// toNumber reads any Go numeric type or json.Number.
func toNumber(v interface{}) (number, bool) {
	switch t := v.(type) {
	case int64:
		return number{i: t, isInt: true}, true
	case float64:
		return fromFloat(t), true
	case int:
		return number{i: int64(t), isInt: true}, true
	case int32:
		return number{i: int64(t), isInt: true}, true
	case int16:
		return number{i: int64(t), isInt: true}, true
	case int8:
		return number{i: int64(t), isInt: true}, true
	case uint64:
		return fromUint(t), true
	case uint:
		return fromUint(uint64(t)), true
	case uint32:
		return number{i: int64(t), isInt: true}, true
	case uint16:
		return number{i: int64(t), isInt: true}, true
	case uint8:
		return number{i: int64(t), isInt: true}, true
	case float32:
		return fromFloat(float64(t)), true
	case json.Number:
		if i, err := t.Int64(); err == nil {
			return number{i: i, isInt: true}, true
		}
		f, err := t.Float64()
		if err != nil {
			return number{}, false
		}
		return fromFloat(f), true
	}
	return number{}, false
}

func (n number) equal(o number) bool {
	if n.isInt != o.isInt {
		return false
	}
	if n.isInt {
		return n.i == o.i
	}
	return n.f == o.f || (math.IsNaN(n.f) && math.IsNaN(o.f))
}

func (n number) value() interface{} {
	if n.isInt {
		return n.i
	}
	return n.f
}

// canonicalScalar returns numbers in canonical form and other values as is.
func canonicalScalar(v interface{}) interface{} {
	if n, ok := toNumber(v); ok {
		return n.value()
	}
	return v
}

// scalarEqual compares two non-container values; numbers by value.
func scalarEqual(d, a interface{}) bool {
	switch dt := d.(type) {
	case string:
		at, ok := a.(string)
		return ok && at == dt
	case bool:
		at, ok := a.(bool)
		return ok && at == dt
	}
	if dn, ok := toNumber(d); ok {
		an, ok := toNumber(a)
		return ok && dn.equal(an)
	}
	if _, ok := toNumber(a); ok {
		return false
	}
	return reflect.DeepEqual(d, a)
}
