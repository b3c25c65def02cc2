package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/githedgehog/kubectl-hnp/pkg/drift"
	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

// counts are the statuses of a set of objects.
type counts struct {
	Total, InSync, Drifted, Missing, NotInGit, Errors int
}

func countsOf(s drift.Summary) counts {
	return counts{Total: s.Total, InSync: s.InSync, Drifted: s.Drifted, Missing: s.MissingFromCluster, NotInGit: s.NotInGit, Errors: s.Errors}
}

func (c *counts) add(st drift.Status) {
	c.Total++
	switch st {
	case drift.StatusInSync:
		c.InSync++
	case drift.StatusDrifted:
		c.Drifted++
	case drift.StatusMissingFromCluster:
		c.Missing++
	case drift.StatusNotInGit:
		c.NotInGit++
	case drift.StatusError:
		c.Errors++
	}
}

// statuses in the order they are shown, with their labels.
var statuses = []struct {
	Status drift.Status
	Label  string
}{
	{drift.StatusInSync, "in sync"},
	{drift.StatusDrifted, "drifted"},
	{drift.StatusMissingFromCluster, "missing from cluster"},
	{drift.StatusNotInGit, "not in Git"},
	{drift.StatusError, "error"},
}

func statusLabel(s string) string {
	for _, st := range statuses {
		if string(st.Status) == s {
			return st.Label
		}
	}
	if s == "" {
		return "no object"
	}
	return s
}

func (c counts) of(st drift.Status) int {
	return map[drift.Status]int{drift.StatusInSync: c.InSync, drift.StatusDrifted: c.Drifted,
		drift.StatusMissingFromCluster: c.Missing, drift.StatusNotInGit: c.NotInGit, drift.StatusError: c.Errors}[st]
}

type page struct {
	Title, Generated string
	Counts           counts
	Fabrics          []fabricView
}

type barSeg struct {
	Status, Label string
	Count         int
	Percent       string
}

type kv struct{ Key, Value string }

type kindRow struct {
	Kind   string
	Counts counts
}

type fabricView struct {
	ID, Name, Revision, ShortRev, Error string
	Counts                              counts
	Bar                                 []barSeg
	ByKind                              []kindRow
	Deployer                            []kv
	Skipped                             []skippedView
	Kinds                               []string
	Statuses                            []barSeg
	Rows                                []rowView
	Details                             []detailView
	Topology                            *Layout
	Panels                              []panelView
	// PendingDeploy counts the objects not in sync whose Git change the
	// deployer has not deployed yet.
	PendingDeploy int
	// Unapplied are the switches whose agents have not applied their
	// latest config (when the run read the cluster's Agents).
	Unapplied []unappliedView
}

// unappliedView is a switch whose agent has not applied its latest config.
type unappliedView struct {
	drift.Unapplied
	// Applied is "lastAppliedGen of generation"; NodeID the switch's node
	// in the topology, "" when it has none.
	Applied, NodeID string
}

type skippedView struct {
	resource.Skipped
	URL string
}

type rowView struct {
	ID, Kind, Namespace, Name, Status, Label, Source, URL, DetailID, Error, Text string
	Fields                                                                       int
	// Pending says the object\'s Git change is not deployed yet.
	Pending bool
}

type fieldView struct{ Path, Type, Git, Cluster string }

type detailView struct {
	ID, RowID, Kind, Namespace, Name, Source, URL string
	Fields                                        []fieldView
	Side                                          []SideRow
}

type panelObj struct{ Kind, Name, Status, Label, RowID string }

type panelView struct {
	NodeID, Name, Role, Group, Status, Label string
	Objects                                  []panelObj
}

// build turns the input into what the template shows.
func build(in Input) (*page, error) {
	p := &page{Title: in.Title, Counts: countsOf(in.Report.Summary)}
	if p.Title == "" {
		p.Title = "kubectl hnp drift"
	}
	if !in.Generated.IsZero() {
		p.Generated = in.Generated.UTC().Format("2006-01-02 15:04:05 UTC")
	}
	ext, err := extrasOf(in.Report)
	if err != nil {
		return nil, err
	}
	for i, f := range in.Report.Fabrics {
		data := in.Fabrics[f.Name]
		if data == nil {
			data = &FabricData{}
		}
		p.Fabrics = append(p.Fabrics, fabricOf(fmt.Sprintf("f%d", i), f, data, ext[i]))
	}
	return p, nil
}

func fabricOf(id string, f drift.FabricReport, data *FabricData, ext fabricExtras) fabricView {
	v := fabricView{ID: id, Name: f.Name, Revision: f.GitRevision, ShortRev: f.GitRevision, Error: f.Error,
		Counts: countsOf(f.Summary), Deployer: ext.deployer, PendingDeploy: ext.pendingDeploy}
	if len(v.ShortRev) > 12 {
		v.ShortRev = v.ShortRev[:12]
	}
	for _, st := range statuses {
		n := v.Counts.of(st.Status)
		seg := barSeg{Status: string(st.Status), Label: st.Label, Count: n}
		v.Statuses = append(v.Statuses, seg)
		if n > 0 && v.Counts.Total > 0 {
			seg.Percent = fmt.Sprintf("%.2f", 100*float64(n)/float64(v.Counts.Total))
			v.Bar = append(v.Bar, seg)
		}
	}
	for _, s := range f.Skipped {
		v.Skipped = append(v.Skipped, skippedView{Skipped: s, URL: SourceURL(data.WebURL, f.GitRevision, s.File, s.Line)})
	}
	byKind := map[string]*counts{}
	rowIDs := map[resource.Key]string{}
	statusOf := map[resource.Key]string{}
	for i, r := range f.Resources {
		c := byKind[r.Kind]
		if c == nil {
			c = &counts{}
			byKind[r.Kind] = c
			v.Kinds = append(v.Kinds, r.Kind)
		}
		c.add(r.Status)
		row := rowView{ID: fmt.Sprintf("%s-o%d", id, i), Kind: r.Kind, Namespace: r.Namespace, Name: r.Name,
			Status: string(r.Status), Label: statusLabel(string(r.Status)), Fields: len(r.Diffs), Error: r.Error, Pending: ext.pending[i]}
		if row.Pending {
			row.Label += " (pending deploy)"
		}
		if r.File != "" {
			row.Source = fmt.Sprintf("%s:%d", r.File, r.Line)
			row.URL = SourceURL(data.WebURL, f.GitRevision, r.File, r.Line)
		}
		row.Text = strings.ToLower(strings.Join([]string{r.Kind, r.Namespace, r.Name, row.Label, row.Source, r.Error}, " "))
		rowIDs[r.Key()] = row.ID
		statusOf[r.Key()] = string(r.Status)
		if r.Status == drift.StatusDrifted {
			row.DetailID = fmt.Sprintf("%s-d%d", id, i)
			v.Details = append(v.Details, detailOf(row, r, data.Diffs[r.Key()]))
		}
		v.Rows = append(v.Rows, row)
	}
	sort.Strings(v.Kinds)
	for _, k := range v.Kinds {
		v.ByKind = append(v.ByKind, kindRow{Kind: k, Counts: *byKind[k]})
	}
	g := BuildGraph(data.Desired, data.Actual, statusOf)
	unapplied := map[resource.Key]int{} // the switch → its index in v.Unapplied
	for _, u := range f.Unapplied {
		unapplied[resource.Key{Kind: "Switch", Namespace: u.Namespace, Name: u.Switch}] = len(v.Unapplied)
		v.Unapplied = append(v.Unapplied, unappliedView{Unapplied: u, Applied: fmt.Sprintf("%d of %d", u.LastAppliedGen, u.Generation)})
	}
	if len(g.Nodes) > 0 {
		v.Topology = Place(g, id)
		for i := range v.Topology.Nodes {
			n := &v.Topology.Nodes[i]
			if n.Own == nil {
				continue
			}
			if j, ok := unapplied[*n.Own]; ok {
				n.Unapplied = v.Unapplied[j].Reason
				v.Unapplied[j].NodeID = n.ID
			}
		}
		for _, n := range v.Topology.Nodes {
			pv := panelView{NodeID: n.ID, Name: n.Name, Role: string(n.Role), Group: n.Group, Status: n.Status, Label: statusLabel(n.Status)}
			if n.GroupType != "" {
				pv.Group += " (" + n.GroupType + ")"
			}
			for _, k := range n.Objects {
				pv.Objects = append(pv.Objects, panelObj{Kind: k.Kind, Name: k.Name, Status: statusOf[k], Label: statusLabel(statusOf[k]), RowID: rowIDs[k]})
			}
			v.Panels = append(v.Panels, pv)
		}
	}
	return v
}

func detailOf(row rowView, r drift.ResourceResult, diff string) detailView {
	d := detailView{ID: row.DetailID, RowID: row.ID, Kind: r.Kind, Namespace: r.Namespace, Name: r.Name, Source: row.Source, URL: row.URL}
	for _, fd := range r.Diffs {
		fv := fieldView{Path: fd.Path, Type: string(fd.Type), Git: "(absent)", Cluster: "(absent)"}
		if fd.Type != drift.DiffOnlyInCluster {
			fv.Git = value(fd.Desired)
		}
		if fd.Type != drift.DiffOnlyInGit {
			fv.Cluster = value(fd.Actual)
		}
		d.Fields = append(d.Fields, fv)
	}
	if diff != "" {
		d.Side = SideBySide(diff)
	}
	return d
}

// value renders a field's value as compact JSON (the page escapes it:
// JSON's own escaping of <, > and & would show as \u003c).
func value(v interface{}) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Sprint(v)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// extras is what the report's JSON form may carry beyond what this
// package's drift.Report type names: the deployer's state per fabric and
// the objects whose Git change the deployer has not deployed yet
// (pendingDeploy). The JSON schema is the one contract, so whatever it
// carries is shown, and its absence is fine.
type extras struct {
	Fabrics []struct {
		Deployer json.RawMessage `json:"deployer"`
		Summary  struct {
			PendingDeploy int `json:"pendingDeploy"`
		} `json:"summary"`
		Resources []struct {
			PendingDeploy bool `json:"pendingDeploy"`
		} `json:"resources"`
	} `json:"fabrics"`
}

// fabricExtras are one fabric's extras.
type fabricExtras struct {
	deployer      []kv
	pendingDeploy int
	pending       map[int]bool // resource index → pendingDeploy
}

func extrasOf(r *drift.Report) ([]fabricExtras, error) {
	b, err := json.Marshal(r)
	if err != nil {
		return nil, err
	}
	return extrasFrom(b, len(r.Fabrics))
}

// extrasFrom reads the extras of n fabrics from a report's JSON.
func extrasFrom(b []byte, n int) ([]fabricExtras, error) {
	var raw extras
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, err
	}
	out := make([]fabricExtras, n)
	for i, f := range raw.Fabrics {
		if i >= len(out) {
			break
		}
		if len(f.Deployer) > 0 && string(f.Deployer) != "null" {
			flatten("", f.Deployer, &out[i].deployer)
		}
		out[i].pendingDeploy = f.Summary.PendingDeploy
		for j, res := range f.Resources {
			if res.PendingDeploy {
				if out[i].pending == nil {
					out[i].pending = map[int]bool{}
				}
				out[i].pending[j] = true
			}
		}
	}
	return out, nil
}

// flatten lists a JSON value's leaves as dotted keys, in the order the
// JSON has them (the order of the Go type's fields): strings as they are,
// other values as JSON.
func flatten(prefix string, raw json.RawMessage, out *[]kv) {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '{' {
		dec := json.NewDecoder(bytes.NewReader(raw))
		if _, err := dec.Token(); err != nil {
			return
		}
		for dec.More() {
			tok, err := dec.Token()
			key, ok := tok.(string)
			if err != nil || !ok {
				return
			}
			var v json.RawMessage
			if err := dec.Decode(&v); err != nil {
				return
			}
			if prefix != "" {
				key = prefix + "." + key
			}
			flatten(key, v, out)
		}
		return
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		*out = append(*out, kv{Key: prefix, Value: s})
		return
	}
	*out = append(*out, kv{Key: prefix, Value: string(raw)})
}
