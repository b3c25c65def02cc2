package report

import (
	"time"

	"github.com/githedgehog/kubectl-hnp/pkg/drift"
	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

// Input is what a report is rendered from.
type Input struct {
	// Report is the drift result, as `drift -o json` prints it.
	Report *drift.Report
	// Fabrics holds, by fabric name, what the result does not carry; a
	// fabric without an entry gets no topology, diffs or links.
	Fabrics map[string]*FabricData
	// Generated is when the report was made (shown, never read from the
	// clock here, so that output is reproducible).
	Generated time.Time
	// Title heads the page ("kubectl hnp drift" when empty).
	Title string
}

// FabricData is a fabric's objects, diffs and source links.
type FabricData struct {
	// Desired and Actual are the objects the topology is drawn from (the
	// Git copy where there is one).
	Desired, Actual resource.Set
	// Diffs are unified diffs (Git ---, cluster +++) of drifted objects.
	Diffs map[resource.Key]string
	// WebURL is the repository's web URL template ({rev}, {file},
	// {line}); empty shows sources as plain text.
	WebURL string
}
