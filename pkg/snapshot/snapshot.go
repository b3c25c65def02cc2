// Package snapshot saves the actual state of fabrics to a file and reads it
// back, so that drift and list can run where there is no cluster access
// (a CI job without credentials, an air-gapped review).
package snapshot

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"slices"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	utiljson "k8s.io/apimachinery/pkg/util/json"

	"github.com/githedgehog/kubectl-hnp/internal/atomicfile"
	"github.com/githedgehog/kubectl-hnp/internal/jsonvalue"
	"github.com/githedgehog/kubectl-hnp/pkg/drift"
	"github.com/githedgehog/kubectl-hnp/pkg/fabric"
	"github.com/githedgehog/kubectl-hnp/pkg/hedgehog"
	"github.com/githedgehog/kubectl-hnp/pkg/kinds"
	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

// Identity of a snapshot file.
const (
	APIVersion = "hnp.githedgehog.com/v1alpha1"
	Kind       = "Snapshot"
)

// Snapshot is the actual state of one or more fabrics at a time.
type Snapshot struct {
	APIVersion string    `json:"apiVersion"`
	Kind       string    `json:"kind"`
	Time       time.Time `json:"time"`
	Fabrics    []Fabric  `json:"fabrics"`
}

// Fabric is one fabric's cluster state.
type Fabric struct {
	Name string `json:"name"`
	// Server is the API server's address (never credentials).
	Server    string                   `json:"server"`
	Namespace string                   `json:"namespace"`
	Objects   []map[string]interface{} `json:"objects"`
	// Agents are the switches' Agents as read with the objects; absent
	// when they were not read (no Switch among the kinds, or a snapshot
	// written before snapshots held them).
	Agents *Agents `json:"agents,omitempty"`
	// Deployer is the fabric's deployer (Flux Kustomization, Argo CD
	// Application) as read with the objects, without Behind (which is
	// counted against Git when the snapshot is read); absent when it has
	// none, or it was not read.
	Deployer *drift.Pipeline `json:"deployer,omitempty"`
	// DeployerIgnores are the fields the deployer leaves out of its own
	// comparison (an Argo CD Application's ignoreDifferences), as ignore
	// rules, so that drift on the snapshot follows them as drift on the
	// live cluster does.
	DeployerIgnores []fabric.IgnoreRule `json:"deployerIgnores,omitempty"`
}

// Agents are a fabric's switch Agents, judged as they were read.
type Agents struct {
	// Note, when set, says why they could not be read.
	Note  string  `json:"note,omitempty"`
	Items []Agent `json:"items"`
}

// Agent is one switch's Agent: its verdict and what it was judged on.
type Agent struct {
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
	hedgehog.AgentStatus
}

// NoAgentsNote is the note of a snapshot fabric without Agents.
const NoAgentsNote = "switch agents unknown: the snapshot holds no Agents (taken without Switches, or by an older kubectl-hnp)"

// New returns an empty snapshot taken at t.
func New(t time.Time) *Snapshot {
	return &Snapshot{APIVersion: APIVersion, Kind: Kind, Time: t.UTC(), Fabrics: []Fabric{}}
}

// serverOwned are the metadata fields a snapshot leaves out: noise that the
// drift engine never compares. Labels and annotations stay, the
// last-applied-configuration included, and so do the managed fields (without
// their times): drift reads an object's deployer and what it applied from
// them, so drift on a snapshot equals drift on the live cluster.
var serverOwned = []string{"uid", "resourceVersion", "generation", "creationTimestamp", "selfLink"}

// Clean returns a copy of a cluster object without status and server-owned
// metadata.
func Clean(u *unstructured.Unstructured) map[string]interface{} {
	c := u.DeepCopy()
	jsonvalue.ExpandFieldsV1(c.Object) // as the API server sent them
	unstructured.RemoveNestedField(c.Object, "status")
	for _, f := range serverOwned {
		unstructured.RemoveNestedField(c.Object, "metadata", f)
	}
	if mf, ok, _ := unstructured.NestedSlice(c.Object, "metadata", "managedFields"); ok {
		for _, e := range mf {
			if m, ok := e.(map[string]interface{}); ok {
				delete(m, "time")
			}
		}
		_ = unstructured.SetNestedSlice(c.Object, mf, "metadata", "managedFields")
	}
	return c.Object
}

// Add records a fabric's actual state, sorted by kind, namespace and name.
func (s *Snapshot) Add(name, server, namespace string, set resource.Set) {
	f := Fabric{Name: name, Server: server, Namespace: namespace, Objects: []map[string]interface{}{}}
	for _, k := range set.Keys() {
		f.Objects = append(f.Objects, Clean(set[k].Obj))
	}
	s.Fabrics = append(s.Fabrics, f)
}

// AddAgents records the Agents of a fabric added before (nil: not read).
func (s *Snapshot) AddAgents(name string, a *hedgehog.Agents) {
	if a == nil {
		return
	}
	f := s.fabric(name)
	if f == nil {
		return
	}
	rec := &Agents{Note: a.Note, Items: []Agent{}}
	for _, key := range slices.SortedFunc(maps.Keys(a.ByName), hedgehog.AgentKey.Compare) {
		rec.Items = append(rec.Items, Agent{Namespace: key.Namespace, Name: key.Name, AgentStatus: a.ByName[key]})
	}
	f.Agents = rec
}

// Agents returns a fabric's Agents as the snapshot recorded them, to be
// judged at the snapshot's time (a heartbeat is stale or not as of then);
// Agents of unknown state with NoAgentsNote when it recorded none, and nil
// for a fabric it does not hold.
func (s *Snapshot) Agents(fabric string) *hedgehog.Agents {
	f := s.fabric(fabric)
	switch {
	case f == nil:
		return nil
	case f.Agents == nil:
		return hedgehog.UnknownAgents(NoAgentsNote)
	case f.Agents.Note != "":
		return hedgehog.UnknownAgents(f.Agents.Note)
	}
	a := &hedgehog.Agents{ByName: make(map[hedgehog.AgentKey]hedgehog.AgentStatus, len(f.Agents.Items))}
	for _, it := range f.Agents.Items {
		a.ByName[hedgehog.AgentKey{Namespace: it.Namespace, Name: it.Name}] = it.AgentStatus
	}
	return a
}

// AddDeployer records the deployer of a fabric added before (nil: none),
// and the fields it leaves out of its comparison.
func (s *Snapshot) AddDeployer(name string, p *drift.Pipeline, ignores []fabric.IgnoreRule) {
	if p == nil {
		return
	}
	if f := s.fabric(name); f != nil {
		c := *p
		c.Behind = 0
		f.Deployer = &c
		f.DeployerIgnores = ignores
	}
}

// DeployerIgnores returns the ignore rules of a fabric's deployer as the
// snapshot recorded them.
func (s *Snapshot) DeployerIgnores(name string) []fabric.IgnoreRule {
	if f := s.fabric(name); f != nil {
		return f.DeployerIgnores
	}
	return nil
}

// Deployer returns a fabric's deployer as the snapshot recorded it, nil
// when it recorded none.
func (s *Snapshot) Deployer(fabric string) *drift.Pipeline {
	if f := s.fabric(fabric); f != nil && f.Deployer != nil {
		c := *f.Deployer
		return &c
	}
	return nil
}

// fabric is the snapshot's fabric of that name, nil when it has none.
func (s *Snapshot) fabric(name string) *Fabric {
	for i := range s.Fabrics {
		if s.Fabrics[i].Name == name {
			return &s.Fabrics[i]
		}
	}
	return nil
}

// Write saves the snapshot atomically, readable by the owner only (it may
// describe a production network).
func Write(path string, s *Snapshot) error {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(path, append(b, '\n'), 0o600)
}

// Read loads and checks a snapshot file.
func Read(path string) (*Snapshot, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var s Snapshot
	// utiljson keeps integers as int64, as the cluster reader has them.
	if err := utiljson.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("snapshot %s: %w", path, err)
	}
	if s.APIVersion != APIVersion || s.Kind != Kind {
		return nil, fmt.Errorf("snapshot %s: not a kubectl-hnp snapshot (apiVersion %q, kind %q)", path, s.APIVersion, s.Kind)
	}
	return &s, nil
}

// Actual returns a fabric's objects of the given kinds that match the
// selector, as the cluster reader would have listed them.
func (s *Snapshot) Actual(fabric string, ks []*kinds.Kind, sel labels.Selector) (resource.Set, error) {
	f := s.fabric(fabric)
	if f == nil {
		names := make([]string, len(s.Fabrics))
		for i, fb := range s.Fabrics {
			names[i] = fb.Name
		}
		return nil, fmt.Errorf("the snapshot (taken %s) has no fabric %q; it has %v", s.Time.Format(time.RFC3339), fabric, names)
	}
	want := map[string]bool{}
	for _, k := range ks {
		want[k.Kind] = true
	}
	set := resource.Set{}
	for _, obj := range f.Objects {
		u := &unstructured.Unstructured{Object: obj}
		if !want[u.GetKind()] || kinds.ForObject(u.GetAPIVersion(), u.GetKind()) == nil {
			continue
		}
		if sel != nil && !sel.Empty() && !sel.Matches(labels.Set(u.GetLabels())) {
			continue
		}
		key := resource.KeyOf(u)
		set[key] = &resource.Object{Key: key, Obj: u}
	}
	return set, nil
}
