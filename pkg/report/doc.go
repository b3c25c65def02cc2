// Package report renders a drift report as one self-contained HTML file:
// per fabric a status bar, counts by status and by kind, the deployer's
// state when the result carries it, skipped documents, a topology picture
// (inline SVG, laid out here by role), a filterable and sortable table of
// objects with links to their source, and a side-by-side diff of every
// drifted object. The page needs no network: styles and the small script
// (filter, sort, the topology's side panel) are inline.
//
// It is fed by the same drift.Report that `drift -o json` prints, plus, per
// fabric, the objects the topology is drawn from and the unified diffs.
// Rendering is deterministic: the same input gives the same bytes.
package report
