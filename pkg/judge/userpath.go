package judge

import (
	"net"
	"reflect"
	"strconv"

	"github.com/githedgehog/kubectl-hnp/pkg/drift"
	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

// userPaths rewrites the diff paths of defaulted objects into the spelling
// of the user's Git copy: a map key the webhook re-keyed (a DHCP static
// MAC key "AA-BB-CC-DD-EE-FF" stored as "aa:bb:cc:dd:ee:ff") is named as
// written, and an index into a list the webhook sorted is the element's
// index in Git. compared is the desired side as compared, original as read.
func userPaths(res *drift.Result, compared, original resource.Set) {
	for i := range res.Resources {
		r := &res.Resources[i]
		if len(r.Diffs) == 0 {
			continue
		}
		k := r.Key()
		c, o := compared[k], original[k]
		if c == nil || o == nil || c == o || c.Obj == nil || o.Obj == nil {
			continue
		}
		for j := range r.Diffs {
			segs, err := drift.ParsePointer(r.Diffs[j].Path)
			if err != nil {
				continue
			}
			r.Diffs[j].Path = drift.FormatPointer(userSegments(c.Obj.Object, o.Obj.Object, segs))
		}
	}
}

// userSegments maps a path in the defaulted object d to the original o.
func userSegments(d, o interface{}, segs []string) []string {
	out := append([]string(nil), segs...)
	for i, s := range segs {
		switch dt := d.(type) {
		case map[string]interface{}:
			om, _ := o.(map[string]interface{})
			d = dt[s]
			if ov, ok := om[s]; ok {
				o = ov
				continue
			}
			k, ok := rekeyed(s, dt, om)
			if !ok {
				return out
			}
			out[i], o = k, om[k]
		case []interface{}:
			ol, _ := o.([]interface{})
			n, err := strconv.Atoi(s)
			if err != nil || n < 0 || n >= len(dt) {
				return out
			}
			d = dt[n]
			j := sameElement(dt[n], ol, n)
			if j < 0 {
				return out
			}
			out[i], o = strconv.Itoa(j), ol[j]
		default:
			return out
		}
	}
	return out
}

// rekeyed finds the key of o that the webhook stored as key: a MAC address
// written another way, absent from the defaulted map d.
func rekeyed(key string, d, o map[string]interface{}) (string, bool) {
	want, err := net.ParseMAC(key)
	if err != nil {
		return "", false
	}
	for k := range o {
		if _, taken := d[k]; taken {
			continue
		}
		if got, err := net.ParseMAC(k); err == nil && got.String() == want.String() {
			return k, true
		}
	}
	return "", false
}

// sameElement returns the index in o of the element e, preferring index
// n; -1 when it is not there exactly once.
func sameElement(e interface{}, o []interface{}, n int) int {
	if n < len(o) && reflect.DeepEqual(o[n], e) {
		return n
	}
	found := -1
	for j := range o {
		if reflect.DeepEqual(o[j], e) {
			if found >= 0 {
				return -1
			}
			found = j
		}
	}
	return found
}
