package manifest

import (
	"fmt"
	"testing"
)

func TestAlign(t *testing.T) {
	strs := func(s ...string) []interface{} {
		out := make([]interface{}, len(s))
		for i, x := range s {
			out[i] = x
		}
		return out
	}
	cases := []struct {
		old, upd []interface{}
		want     string
	}{
		{strs("a", "b", "c"), strs("a", "b", "c"), "k0 k1 k2"},
		{strs("a", "b", "c"), strs("b", "c"), "d0 k1 k2"},
		{strs("a", "c"), strs("a", "b", "c"), "k0 i1 k1"},
		{strs("a", "b", "c"), strs("a", "x", "c"), "k0 m1>1 k2"},
		{strs("a", "b", "c"), strs("x", "y", "z"), "m0>0 m1>1 m2>2"},
		{strs("a", "b"), strs("b", "a"), "d0 k1 i1"},
		{strs("a", "b", "c"), strs("c"), "d0 d1 k2"},
		{strs(), strs("a"), "i0"},
	}
	for _, c := range cases {
		if got := opString(align(c.old, c.upd)); got != c.want {
			t.Errorf("align(%v, %v) = %s, want %s", c.old, c.upd, got, c.want)
		}
	}
	// Long lists keep their equal heads and tails even past the table's
	// limit.
	long := make([]interface{}, 3000)
	for i := range long {
		long[i] = int64(i)
	}
	upd := append(append([]interface{}{}, long[:1000]...), long[1001:]...)
	ops := align(long, upd)
	if len(ops) != 3000 || ops[1000] != (op{opDelete, 1000, -1}) {
		t.Errorf("long list: %d steps, step 1000 is %+v", len(ops), ops[1000])
	}
}

func opString(ops []op) string {
	s := ""
	for _, o := range ops {
		if s != "" {
			s += " "
		}
		switch o.kind {
		case opKeep:
			s += fmt.Sprintf("k%d", o.i)
		case opMerge:
			s += fmt.Sprintf("m%d>%d", o.i, o.j)
		case opDelete:
			s += fmt.Sprintf("d%d", o.i)
		case opInsert:
			s += fmt.Sprintf("i%d", o.j)
		}
	}
	return s
}
