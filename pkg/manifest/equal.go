package manifest

import (
	"fmt"
	"math"
	"reflect"
)

// equalValues reports whether two generic values mean the same: maps with the
// same keys and equal values (key order does not exist), lists with equal
// elements in order, and equal scalars, where numbers compare by value
// (int64(1001) equals float64(1001)) and NaN equals NaN.
func equalValues(a, b interface{}) bool {
	switch x := a.(type) {
	case map[string]interface{}:
		y, ok := b.(map[string]interface{})
		if !ok || len(x) != len(y) {
			return false
		}
		for k, xv := range x {
			yv, ok := y[k]
			if !ok || !equalValues(xv, yv) {
				return false
			}
		}
		return true
	case []interface{}:
		y, ok := b.([]interface{})
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !equalValues(x[i], y[i]) {
				return false
			}
		}
		return true
	case int64:
		return numEqual(x, b)
	case float64:
		return numEqual(x, b)
	}
	return a == b
}

// numEqual compares a number with b, which may be any value.
func numEqual(a, b interface{}) bool {
	af, aInt, aOK := number(a)
	bf, bInt, bOK := number(b)
	if !aOK || !bOK {
		return false
	}
	if aInt != nil && bInt != nil {
		return *aInt == *bInt
	}
	if math.IsNaN(af) && math.IsNaN(bf) {
		return true
	}
	if aInt != nil {
		return intFloatEqual(*aInt, bf)
	}
	if bInt != nil {
		return intFloatEqual(*bInt, af)
	}
	return af == bf
}

func number(v interface{}) (f float64, i *int64, ok bool) {
	switch x := v.(type) {
	case int64:
		return float64(x), &x, true
	case float64:
		return x, nil, true
	}
	return 0, nil, false
}

func intFloatEqual(i int64, f float64) bool {
	return f == math.Trunc(f) && f >= math.MinInt64 && f < math.MaxInt64 && int64(f) == i
}

// canonical copies a value into the generic form ParseDoc produces: other
// integer kinds become int64 (or float64 when too large), float32 becomes
// float64, typed maps and slices become their generic kinds. Values that
// have no YAML form (structs, channels, maps with non-string keys) are an
// error naming their path.
func canonical(v interface{}, path string) (interface{}, error) {
	switch x := v.(type) {
	case nil, string, bool, int64, float64:
		return x, nil
	case map[string]interface{}:
		m := make(map[string]interface{}, len(x))
		for k, e := range x {
			c, err := canonical(e, path+"."+k)
			if err != nil {
				return nil, err
			}
			m[k] = c
		}
		return m, nil
	case []interface{}:
		s := make([]interface{}, len(x))
		for i, e := range x {
			c, err := canonical(e, fmt.Sprintf("%s[%d]", path, i))
			if err != nil {
				return nil, err
			}
			s[i] = c
		}
		return s, nil
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return rv.Int(), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		if u := rv.Uint(); u <= math.MaxInt64 {
			return int64(u), nil
		}
		return float64(rv.Uint()), nil
	case reflect.Float32, reflect.Float64:
		return rv.Float(), nil
	case reflect.String:
		return rv.String(), nil
	case reflect.Bool:
		return rv.Bool(), nil
	case reflect.Slice, reflect.Array:
		s := make([]interface{}, rv.Len())
		for i := range s {
			c, err := canonical(rv.Index(i).Interface(), fmt.Sprintf("%s[%d]", path, i))
			if err != nil {
				return nil, err
			}
			s[i] = c
		}
		return s, nil
	case reflect.Map:
		if rv.Type().Key().Kind() != reflect.String {
			break
		}
		m := make(map[string]interface{}, rv.Len())
		it := rv.MapRange()
		for it.Next() {
			k := it.Key().String()
			c, err := canonical(it.Value().Interface(), path+"."+k)
			if err != nil {
				return nil, err
			}
			m[k] = c
		}
		return m, nil
	case reflect.Pointer, reflect.Interface:
		if rv.IsNil() {
			return nil, nil
		}
		return canonical(rv.Elem().Interface(), path)
	}
	return nil, fmt.Errorf("%s: a %T has no YAML form", path, v)
}
