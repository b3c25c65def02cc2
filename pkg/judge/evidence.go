package judge

import (
	"context"

	"github.com/githedgehog/kubectl-hnp/pkg/fabric"
	"github.com/githedgehog/kubectl-hnp/pkg/kinds"
	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

// labelledKinds are the kinds whose Hedgehog webhook labels every object
// it stores: their cluster copies are the evidence "auto" reads.
var labelledKinds = []string{"VPC", "Connection", "Switch", "VPCAttachment", "VPCPeering", "External", "ExternalAttachment", "ExternalPeering"}

// NeedsEvidence reports whether a comparison of the given kinds (with a
// label selector sel, "" for none) in the fabric needs cluster objects
// beyond the compared ones to decide "auto" webhook defaulting: the
// selection holds no kind the webhook labels, or a label selector may
// leave such objects out. Then Sample reads a few.
func NeedsEvidence(fab *fabric.Fabric, ks []*kinds.Kind, sel string) bool {
	if fab.WebhookMode() != fabric.WebhooksAuto {
		return false
	}
	if sel != "" {
		return true
	}
	for _, k := range ks {
		for _, l := range labelledKinds {
			if k.Kind == l {
				return false
			}
		}
	}
	return true
}

// Sampler reads at most limit cluster objects of one kind (see
// clusterstate.Reader.Sample and Resolve).
type Sampler func(ctx context.Context, kind string, limit int64) (resource.Set, error)

// Sample looks for the webhook's mark in a few cluster objects of the
// kinds it labels, VPCs first: at most one request per kind, and usually
// one (the first sample that shows the mark ends the search). It returns
// the sample that shows it, or nil.
func Sample(ctx context.Context, read Sampler) (resource.Set, error) {
	for _, kind := range labelledKinds[:3] {
		set, err := read(ctx, kind, 5)
		if err != nil {
			return nil, err
		}
		if ShowsWebhook(set) {
			return set, nil
		}
	}
	return nil, nil
}

// ShowsWebhook reports whether some object of the set carries every label
// the fabric's webhook derives from it: the webhook stored it.
func ShowsWebhook(set resource.Set) bool {
	for _, a := range set {
		if clusterEvidence(nil, a) == stored {
			return true
		}
	}
	return false
}
