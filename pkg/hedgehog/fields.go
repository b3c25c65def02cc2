package hedgehog

// Accessors for unstructured objects (map[string]interface{} as decoded
// from YAML/JSON). They never panic on a wrong type: a field of the wrong
// type reads as absent, and the schema check reports it.

// mapAt returns the map at path, nil when absent or not a map.
func mapAt(obj map[string]interface{}, path ...string) map[string]interface{} {
	cur := obj
	for _, p := range path {
		next, _ := cur[p].(map[string]interface{})
		if next == nil {
			return nil
		}
		cur = next
	}
	return cur
}

// ensureMap returns the map at key in m, creating it when absent or not a map.
func ensureMap(m map[string]interface{}, key string) map[string]interface{} {
	next, _ := m[key].(map[string]interface{})
	if next == nil {
		next = map[string]interface{}{}
		m[key] = next
	}
	return next
}

// str returns the string at key in m, "" when absent or not a string.
func str(m map[string]interface{}, key string) string {
	s, _ := m[key].(string)
	return s
}

// boolean returns the bool at key in m, false when absent or not a bool.
func boolean(m map[string]interface{}, key string) bool {
	b, _ := m[key].(bool)
	return b
}

// integer returns the number at key in m as an int64 (YAML and JSON
// decoders give int64, float64 or int), and whether it was a number.
func integer(m map[string]interface{}, key string) (int64, bool) {
	switch v := m[key].(type) {
	case int64:
		return v, true
	case int:
		return int64(v), true
	case int32:
		return int64(v), true
	case float64:
		return int64(v), true
	}
	return 0, false
}

// list returns the slice at key in m, nil when absent or not a slice.
func list(m map[string]interface{}, key string) []interface{} {
	l, _ := m[key].([]interface{})
	return l
}

// stringList returns the string items of the slice at key in m.
func stringList(m map[string]interface{}, key string) []string {
	var out []string
	for _, v := range list(m, key) {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}
