package printers

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/githedgehog/kubectl-hnp/pkg/drift"
	"sigs.k8s.io/yaml"
)

func decodeDriftData(t *testing.T, format string, r *drift.Report) map[string]interface{} {
	t.Helper()
	var b bytes.Buffer
	if err := WriteDriftData(&b, format, r); err != nil {
		t.Fatal(err)
	}
	var out map[string]interface{}
	var err error
	if format == "json" {
		err = json.Unmarshal(b.Bytes(), &out)
	} else {
		err = yaml.Unmarshal(b.Bytes(), &out)
	}
	if err != nil {
		t.Fatalf("%s does not decode: %v\n%s", format, err, b.String())
	}
	return out
}

// at walks decoded JSON by map keys and list indexes.
func at(t *testing.T, v interface{}, path ...interface{}) interface{} {
	t.Helper()
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]interface{})
			if !ok {
				t.Fatalf("%v: not an object at %q", path, k)
			}
			if v, ok = m[k]; !ok {
				t.Fatalf("%v: no key %q", path, k)
			}
		case int:
			l, ok := v.([]interface{})
			if !ok || k >= len(l) {
				t.Fatalf("%v: no index %d", path, k)
			}
			v = l[k]
		}
	}
	return v
}

func TestDriftDataSchema(t *testing.T) {
	for _, format := range []string{"json", "yaml"} {
		out := decodeDriftData(t, format, sampleReport())
		broken := at(t, out, "fabrics", 2)
		if rs, ok := at(t, broken, "resources").([]interface{}); !ok || len(rs) != 0 {
			t.Errorf("%s: failed fabric resources = %#v, want []", format, rs)
		}
		if e := at(t, out, "fabrics", 0, "error"); e != "" {
			t.Errorf("%s: error = %#v, want \"\"", format, e)
		}
		if at(t, out, "kind") != drift.ReportKind || at(t, out, "apiVersion") != drift.ReportAPIVersion {
			t.Errorf("%s: identity %v %v", format, out["apiVersion"], out["kind"])
		}
		if n := at(t, out, "summary", "total"); n != float64(7) {
			t.Errorf("%s: total = %#v", format, n)
		}
		vlan := at(t, out, "fabrics", 0, "resources", 3, "diffs", 1)
		if at(t, vlan, "desired") != float64(1002) || at(t, vlan, "actual") != float64(1099) {
			t.Errorf("%s: numbers lost their type: %#v", format, vlan)
		}
		enable := at(t, out, "fabrics", 0, "resources", 4, "diffs", 2).(map[string]interface{})
		if v, ok := enable["desired"]; !ok || v != false {
			t.Errorf("%s: false lost: %#v", format, enable)
		}
		if _, ok := enable["actual"]; ok {
			t.Errorf("%s: onlyInGit diff has an actual value: %#v", format, enable)
		}
		restricted := at(t, out, "fabrics", 1, "resources", 0, "diffs", 0).(map[string]interface{})
		if _, ok := restricted["desired"]; ok || restricted["actual"] != false {
			t.Errorf("%s: onlyInCluster diff: %#v", format, restricted)
		}
		if s := at(t, out, "fabrics", 0, "resources", 4, "diffs", 4, "desired"); s != "1003" {
			t.Errorf("%s: string \"1003\" became %#v", format, s)
		}
	}
}

func TestDriftDataYAMLMatchesJSON(t *testing.T) {
	j, y := decodeDriftData(t, "json", sampleReport()), decodeDriftData(t, "yaml", sampleReport())
	if !reflect.DeepEqual(j, y) {
		t.Errorf("YAML and JSON differ:\n%v\n%v", j, y)
	}
}

func TestDriftDataLeavesReportAlone(t *testing.T) {
	r := &drift.Report{Fabrics: []drift.FabricReport{{Name: "x", Error: "boom"}}}
	out := decodeDriftData(t, "json", r)
	if rs := at(t, out, "fabrics", 0, "resources"); !reflect.DeepEqual(rs, []interface{}{}) {
		t.Errorf("resources = %#v", rs)
	}
	if at(t, out, "kind") != drift.ReportKind {
		t.Errorf("kind = %v", out["kind"])
	}
	if r.Fabrics[0].Resources != nil || r.Kind != "" {
		t.Error("the report was modified")
	}
}

func TestDriftDataRejectsUnknownFormat(t *testing.T) {
	var b bytes.Buffer
	if err := WriteDriftData(&b, "table", sampleReport()); err == nil || b.Len() != 0 {
		t.Errorf("err = %v, wrote %q", err, b.String())
	}
}
