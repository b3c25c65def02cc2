package drift

import (
	"bytes"
	"encoding/json"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

// fuzzObject decodes JSON into an object named VPC default/x, or reports
// that the input is not a JSON object.
func fuzzObject(raw []byte, useNumber bool) (*resource.Object, bool) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if useNumber {
		dec.UseNumber()
	}
	var m map[string]interface{}
	if err := dec.Decode(&m); err != nil || m == nil {
		return nil, false
	}
	md, _ := m["metadata"].(map[string]interface{})
	if md == nil {
		md = map[string]interface{}{}
		m["metadata"] = md
	}
	md["name"] = "x"
	delete(md, "namespace")
	m["kind"] = "VPC"
	return object(m), true
}

// reordered copies a value, inserting map keys in reverse order.
func reordered(v interface{}) interface{} {
	switch t := v.(type) {
	case map[string]interface{}:
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		sort.Sort(sort.Reverse(sort.StringSlice(keys)))
		out := make(map[string]interface{}, len(t))
		for _, k := range keys {
			out[k] = reordered(t[k])
		}
		return out
	case []interface{}:
		out := make([]interface{}, len(t))
		for i, c := range t {
			out[i] = reordered(c)
		}
		return out
	}
	return v
}

func reorderedObject(o *resource.Object) *resource.Object {
	return object(reordered(o.Obj.Object).(map[string]interface{}))
}

func FuzzCompare(f *testing.F) {
	seeds := []struct{ d, a string }{
		{`{"spec":{"linkFlapErrDisable":{"flapThreshold":5}}}`,
			`{"spec":{"linkFlapErrDisable":{"flapThreshold":3,"recoveryInterval":300}},"status":{"x":1},"metadata":{"uid":"u"}}`},
		{`{"metadata":{"labels":{"team":"a","fabric.githedgehog.com/vpc":"v"}},"spec":{"subnets":{"s1":{"vlan":1001}}}}`,
			`{"metadata":{"labels":{"team":"b","other":"c"},"annotations":{"a/b~c":"d"}},"spec":{"subnets":{"s1":{"vlan":1001.0,"dhcp":{}}}}}`},
		{`{"spec":{"links":[{"port":"E1/1"},{"port":"E1/2"}],"permit":[]}}`,
			`{"spec":{"links":[{"port":"E1/1","mtu":9000},{"port":"E1/3"}],"x":null}}`},
		{`{"spec":{"a":{"b":{}},"c":[1,2,3]}}`, `{"spec":{"a":5,"c":[1,2]}}`},
		{`{"spec":{"n":1e3,"f":0.1,"big":9007199254740993}}`, `{"spec":{"n":1000,"f":0.1,"big":9007199254740992}}`},
		{`{}`, `{"spec":{"only":"cluster"},"metadata":{"finalizers":["f"]}}`},
		{`{"metadata":[1],"status":7}`, `{"metadata":"x","spec":[]}`},
	}
	for i, s := range seeds {
		f.Add([]byte(s.d), []byte(s.a), uint8(i))
	}
	f.Fuzz(func(t *testing.T, draw, araw []byte, flags uint8) {
		d, ok := fuzzObject(draw, false)
		if !ok {
			return
		}
		a, ok := fuzzObject(araw, flags&1 != 0)
		if !ok {
			return
		}
		if flags&2 != 0 {
			// Let Git's object be what was last applied to the cluster one.
			md := a.Obj.Object["metadata"].(map[string]interface{})
			ann, _ := md["annotations"].(map[string]interface{})
			if ann == nil {
				ann = map[string]interface{}{}
				md["annotations"] = ann
			}
			ann[LastAppliedAnnotation] = string(draw)
		}
		opts := Options{Strict: flags&4 != 0, BuiltinIgnores: flags&8 != 0}
		if flags&16 != 0 {
			opts.Ignores = []Rule{{Pointer: "/spec/*/b"}, {Kind: "VPC", Name: "x*", Pointer: "/spec/links/1"}}
		}

		r := compareOne(t, d, a, opts)
		if (r.Status == StatusDrifted) != (len(r.Diffs) > 0) || (r.Status != StatusDrifted && r.Status != StatusInSync) {
			t.Fatalf("status %s with %d diffs", r.Status, len(r.Diffs))
		}
		for i := 1; i < len(r.Diffs); i++ {
			if comparePaths(mustParse(t, r.Diffs[i-1].Path), mustParse(t, r.Diffs[i].Path)) >= 0 {
				t.Fatalf("diffs out of order: %s, %s", r.Diffs[i-1].Path, r.Diffs[i].Path)
			}
		}

		// The result does not depend on map insertion order or on the run.
		again := compareOne(t, reorderedObject(d), reorderedObject(a), opts)
		if diff := cmp.Diff(r, again); diff != "" {
			t.Fatalf("result depends on insertion order:\n%s", diff)
		}

		// An object compared with itself, decoded again with json.Number
		// values and another insertion order, is in sync.
		for _, o := range []*resource.Object{d, a} {
			raw, err := json.Marshal(o.Obj.Object)
			if err != nil {
				t.Fatal(err)
			}
			same, _ := fuzzObject(raw, true)
			if self := compareOne(t, o, reorderedObject(same), opts); self.Status != StatusInSync {
				t.Fatalf("object differs from itself: %+v", self.Diffs)
			}
		}

		// The unified diff shows a difference exactly when Compare reports one.
		text, err := UnifiedDiff(r, d, a, opts)
		if err != nil {
			t.Fatal(err)
		}
		if (text == "") != (r.Status == StatusInSync) {
			t.Fatalf("status %s but unified diff %q; diffs %+v", r.Status, text, r.Diffs)
		}
	})
}

func mustParse(t *testing.T, p string) []string {
	t.Helper()
	segs, err := ParsePointer(p)
	if err != nil {
		t.Fatal(err)
	}
	return segs
}
