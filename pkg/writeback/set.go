// Package writeback turns an operator's change to one object into new file
// contents in the fabric's repository: it finds the object's document,
// applies --set, --patch or a whole new document, checks that the object's
// identity stays, and rewrites only that document (see pkg/manifest). It
// also computes create and delete changes. It does no Git and no I/O beyond
// reading the repository's files.
package writeback

import (
	"fmt"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// ParsePath splits a --set path: dotted keys, with a key holding dots or
// slashes in brackets ("spec.portBreakouts[E1/55]") and list indexes in
// brackets ("spec.permit[0]").
func ParsePath(p string) ([]string, error) {
	var out []string
	var cur strings.Builder
	flush := func() {
		if cur.Len() > 0 {
			out = append(out, cur.String())
			cur.Reset()
		}
	}
	for i := 0; i < len(p); i++ {
		switch c := p[i]; c {
		case '.':
			if cur.Len() == 0 && (i == 0 || p[i-1] != ']') {
				return nil, fmt.Errorf("path %q: empty key at offset %d", p, i)
			}
			flush()
		case '[':
			flush()
			end := strings.IndexByte(p[i:], ']')
			if end < 0 {
				return nil, fmt.Errorf("path %q: unclosed [", p)
			}
			key := p[i+1 : i+end]
			if key == "" {
				return nil, fmt.Errorf("path %q: empty []", p)
			}
			out = append(out, key)
			i += end
			if i+1 < len(p) && p[i+1] != '.' && p[i+1] != '[' {
				return nil, fmt.Errorf("path %q: expected . or [ after ]", p)
			}
		default:
			cur.WriteByte(c)
		}
	}
	flush()
	if len(out) == 0 || strings.HasSuffix(p, ".") {
		return nil, fmt.Errorf("path %q is empty or ends with a dot", p)
	}
	return out, nil
}

// ParseScalar reads a --set value as a YAML scalar: 1202 is a number, true
// a boolean, null null, anything else a string. Numbers are int64 or
// float64, as in unstructured objects.
func ParseScalar(s string) (interface{}, error) {
	var n yaml.Node
	if err := yaml.Unmarshal([]byte(s), &n); err != nil || len(n.Content) == 0 {
		return s, nil // not YAML: a plain string
	}
	v := n.Content[0]
	if v.Kind != yaml.ScalarNode {
		// A flow value such as [a, b] or {k: v} is allowed too.
		var out interface{}
		if err := v.Decode(&out); err != nil {
			return nil, fmt.Errorf("value %q: %w", s, err)
		}
		return normalize(out), nil
	}
	switch v.Tag {
	case "!!int":
		if i, err := strconv.ParseInt(strings.ReplaceAll(v.Value, "_", ""), 0, 64); err == nil {
			return i, nil
		}
	case "!!float":
		var f float64
		if err := v.Decode(&f); err == nil {
			return f, nil
		}
	case "!!bool":
		var b bool
		if err := v.Decode(&b); err == nil {
			return b, nil
		}
	case "!!null":
		return nil, nil
	}
	return v.Value, nil
}

// normalize converts decoded YAML to unstructured's types.
func normalize(v interface{}) interface{} {
	switch t := v.(type) {
	case int:
		return int64(t)
	case map[string]interface{}:
		for k, e := range t {
			t[k] = normalize(e)
		}
	case []interface{}:
		for i, e := range t {
			t[i] = normalize(e)
		}
	}
	return v
}

// Set sets the value at path in obj, creating maps along the way. A path
// segment that meets a list must be the index of one of its elements.
func Set(obj map[string]interface{}, path []string, value interface{}) error {
	return setPath(obj, path, value, func(segs []string) string { return strings.Join(segs, ".") })
}

// setPath sets the value at segs in obj, creating the maps that lead to it;
// describe renders a path prefix for errors (dotted for --set, a JSON
// pointer for adoption).
func setPath(obj map[string]interface{}, segs []string, value interface{}, describe func([]string) string) error {
	var cur interface{} = obj
	for i, seg := range segs {
		last := i == len(segs)-1
		switch c := cur.(type) {
		case map[string]interface{}:
			if last {
				c[seg] = value
				return nil
			}
			next, ok := c[seg]
			if !ok || next == nil {
				next = map[string]interface{}{}
				c[seg] = next
			}
			cur = next
		case []interface{}:
			idx, ok := listIndex(seg, len(c))
			if !ok {
				return fmt.Errorf("%s: %q is not an index of a list of %d elements; to change a list's length, use --patch", describe(segs[:i]), seg, len(c))
			}
			if last {
				c[idx] = value
				return nil
			}
			cur = c[idx]
		default:
			return fmt.Errorf("%s is a %s, not a map or list: cannot set %s", describe(segs[:i]), typeName(cur), describe(segs))
		}
	}
	return nil
}
