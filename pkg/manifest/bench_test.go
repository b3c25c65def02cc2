package manifest

import (
	"fmt"
	"strings"
	"testing"
)

// BenchmarkRewriteLargeList edits one element of a 2000-element list.
func BenchmarkRewriteLargeList(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("apiVersion: v1\nkind: List\nitems:\n")
	for i := 0; i < 2000; i++ {
		fmt.Fprintf(&sb, "- name: item-%d # n\n  vlan: %d\n", i, 1000+i)
	}
	doc := []byte(sb.String())
	obj, err := ParseDoc(doc)
	if err != nil {
		b.Fatal(err)
	}
	items := obj["items"].([]interface{})
	items[1000].(map[string]interface{})["vlan"] = int64(1)
	obj["items"] = append(items[:500:500], items[501:]...)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Rewrite(doc, obj); err != nil {
			b.Fatal(err)
		}
	}
}
