package docexamples

import (
	"reflect"
	"strings"
	"testing"
)

func TestExtract(t *testing.T) {
	doc := strings.Join([]string{
		"# Title", // 1
		"Run `kubectl hnp list` inline: not taken.", // 2
		"```sh", // 3
		"kubectl hnp list vpcs --fabric lab   # VPCs, exit 0 in sync", // 4
		"kubectl hnp drift -o diff   # exit 1: drift found",           // 5
		"kubectl hnp get vpc vpc-1 -o jsonpath='{.a#b}' | jq .",       // 6
		"make build   # not an example",                               // 7
		"source <(kubectl hnp completion bash)",                       // 8
		"kubectl-hnp drift --repo . \\",                               // 9
		"  --dir fabrics/prod",                                        // 10
		"kubectl hnp drift --watch",                                   // 11
		"```",                                                         // 12
		"```",                                                         // 13
		"kubectl hnp drift [KINDS [NAME]]",                            // 14: a synopsis, no prompt
		"$ kubectl hnp list vpcs",                                     // 15
		"NAME  SYNC",                                                  // 16
		"```",                                                         // 17
		"<!-- example: skip — needs a real remote -->",                // 18
		"",          // 19
		"  ```bash", // 20
		"  kubectl hnp fabric add x --repo https://example.com/x.git", // 21
		"  ```",                               // 22
		"```yaml",                             // 23
		"run: kubectl hnp drift",              // 24
		"```",                                 // 25
		"<!-- example: skip — stale -->",      // 26
		"Some prose ends the marker's reach.", // 27
		"```sh",                               // 28
		"kubectl hnp version",                 // 29
		"```",                                 // 30
	}, "\n")
	got, err := Extract("doc.md", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	want := []Example{
		{File: "doc.md", Line: 4, Command: "kubectl hnp list vpcs --fabric lab"},
		{File: "doc.md", Line: 5, Command: "kubectl hnp drift -o diff", Exit: 1},
		{File: "doc.md", Line: 6, Command: "kubectl hnp get vpc vpc-1 -o jsonpath='{.a#b}' | jq ."},
		{File: "doc.md", Line: 8, Command: "source <(kubectl hnp completion bash)"},
		{File: "doc.md", Line: 9, Command: "kubectl-hnp drift --repo .  --dir fabrics/prod"},
		{File: "doc.md", Line: 11, Command: "kubectl hnp drift --watch", LongRunning: true},
		{File: "doc.md", Line: 15, Command: "kubectl hnp list vpcs"},
		{File: "doc.md", Line: 21, Command: "kubectl hnp fabric add x --repo https://example.com/x.git", Skip: "needs a real remote"},
		{File: "doc.md", Line: 29, Command: "kubectl hnp version"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Extract:\n got %+v\nwant %+v", got, want)
	}
}

func TestExtractRejectsUnknownMarker(t *testing.T) {
	_, err := Extract("doc.md", []byte("text\n<!-- example: skp — typo -->\n```sh\nkubectl hnp version\n```\n"))
	if err == nil || !strings.Contains(err.Error(), "doc.md:2") {
		t.Fatalf("want an error naming doc.md:2, got %v", err)
	}
}

func TestExtractRejectsUnclosedBlock(t *testing.T) {
	if _, err := Extract("doc.md", []byte("```sh\nkubectl hnp version\n")); err == nil {
		t.Fatal("want an error for an unclosed block")
	}
}
