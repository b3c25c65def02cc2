package printers

import (
	"bytes"
	"testing"
)

func TestDriftGolden(t *testing.T) {
	tables := map[string]DriftOptions{
		"drift-table":       {Aligned: true},
		"drift-table-all":   {Aligned: true, All: true},
		"drift-table-wide":  {Aligned: true, Wide: true},
		"drift-table-color": {Aligned: true, Color: true},
	}
	for name, o := range tables {
		var b bytes.Buffer
		if err := WriteDriftTable(&b, sampleReport(), o); err != nil {
			t.Fatal(err)
		}
		golden(t, name, b.String())
	}
	writers := map[string]func(*bytes.Buffer) error{
		"drift-json":       func(b *bytes.Buffer) error { return WriteDriftData(b, "json", sampleReport()) },
		"drift-yaml":       func(b *bytes.Buffer) error { return WriteDriftData(b, "yaml", sampleReport()) },
		"drift-junit":      func(b *bytes.Buffer) error { return WriteDriftJUnit(b, sampleReport(), sampleTiming()) },
		"drift-sarif":      func(b *bytes.Buffer) error { return WriteDriftSARIF(b, sampleReport(), sampleTool) },
		"drift-github":     func(b *bytes.Buffer) error { return WriteDriftGitHub(b, sampleReport()) },
		"drift-markdown":   func(b *bytes.Buffer) error { return WriteDriftMarkdown(b, sampleReport()) },
		"drift-diff":       func(b *bytes.Buffer) error { return WriteDriftDiff(b, sampleDiffs, false) },
		"drift-diff-color": func(b *bytes.Buffer) error { return WriteDriftDiff(b, sampleDiffs, true) },
	}
	for name, write := range writers {
		var b bytes.Buffer
		if err := write(&b); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		golden(t, name, b.String())
	}
}
