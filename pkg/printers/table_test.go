package printers

import (
	goldenfile "github.com/githedgehog/kubectl-hnp/internal/golden"

	"bytes"
	"path/filepath"
	"strings"
	"testing"
)

func golden(t *testing.T, name, got string) {
	t.Helper()
	goldenfile.Check(t, filepath.Join("testdata", name+".golden"), []byte(got))
}

var sample = Table{
	Header: []string{"NAME", "SYNC", "SUBNETS", "VLANS"},
	Rows: [][]string{
		{"vpc-1", "inSync", "default", "1001"},
		{"a-much-longer-name", "missingFromCluster", "default,web", "1002,1003"},
		{"vpc-3", "drifted", "-", "-"},
	},
}

func TestWriteTable(t *testing.T) {
	tests := []struct {
		name string
		opts TableOptions
	}{
		{"aligned", TableOptions{Aligned: true}},
		{"aligned-no-headers", TableOptions{Aligned: true, NoHeaders: true}},
		{"tsv", TableOptions{}},
		{"tsv-no-headers", TableOptions{NoHeaders: true}},
	}
	for _, tt := range tests {
		var b bytes.Buffer
		if err := WriteTable(&b, sample, tt.opts); err != nil {
			t.Fatal(err)
		}
		golden(t, "table-"+tt.name, b.String())
		for _, line := range strings.Split(b.String(), "\n") {
			if strings.HasSuffix(line, " ") {
				t.Errorf("%s: trailing blank in %q", tt.name, line)
			}
		}
	}
}

func TestAlignedColumnsLineUp(t *testing.T) {
	var b bytes.Buffer
	if err := WriteTable(&b, sample, TableOptions{Aligned: true}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	col := strings.Index(lines[0], "SYNC")
	for _, l := range lines[1:] {
		if l[col-1] != ' ' || l[col] == ' ' {
			t.Errorf("SYNC column does not start at %d in %q", col, l)
		}
	}
}

func TestEmptyAlignedTableWithoutHeaders(t *testing.T) {
	var b bytes.Buffer
	if err := WriteTable(&b, Table{Header: sample.Header}, TableOptions{Aligned: true, NoHeaders: true}); err != nil || b.Len() != 0 {
		t.Fatalf("got %q, %v", b.String(), err)
	}
}

func TestCheckFormat(t *testing.T) {
	if err := CheckFormat("json", "table", "json"); err != nil {
		t.Fatal(err)
	}
	err := CheckFormat("xml", "table", "json")
	if err == nil || err.Error() != `unknown output format "xml"; allowed formats: table, json` {
		t.Fatalf("got %v", err)
	}
}

func TestWriteDataList(t *testing.T) {
	var b bytes.Buffer
	if err := WriteData(&b, "yaml", List(nil)); err != nil {
		t.Fatal(err)
	}
	golden(t, "empty-list-yaml", b.String())
	b.Reset()
	if err := WriteData(&b, "json", map[string]interface{}{"a": "<b>"}); err != nil {
		t.Fatal(err)
	}
	if b.String() != "{\n    \"a\": \"<b>\"\n}\n" {
		t.Errorf("json = %q", b.String())
	}
}
