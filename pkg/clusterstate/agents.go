package clusterstate

import (
	"context"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/githedgehog/kubectl-hnp/pkg/hedgehog"
	"github.com/githedgehog/kubectl-hnp/pkg/kinds"
)

// Agents lists the switches' Agents (agent.githedgehog.com) in the fabric's
// namespaces: one LIST (paginated) per namespace, so one request for a
// fabric in one namespace. Agents are status to show, never a reason to
// fail: a cluster without the Agent CRD (404), a user who may not list them
// (403), or any other failure gives Agents that are all unknown, with a
// one-line note saying why.
func (r *Reader) Agents(ctx context.Context) *hedgehog.Agents {
	limit := r.PageSize
	if limit == 0 {
		limit = DefaultPageSize
	}
	var items []unstructured.Unstructured
	for _, ns := range r.namespaces() {
		client := r.Dynamic.Resource(hedgehog.AgentGVR).Namespace(ns)
		opts := metav1.ListOptions{Limit: limit}
		for {
			list, err := client.List(ctx, opts)
			if err != nil {
				return hedgehog.UnknownAgents(agentsNote(err, ns))
			}
			items = append(items, list.Items...)
			if opts.Continue = list.GetContinue(); opts.Continue == "" {
				break
			}
		}
	}
	return hedgehog.NewAgents(items)
}

// agentsNote says in one line why the Agents could not be read.
func agentsNote(err error, ns string) string {
	const what = "switch agents unknown"
	switch {
	case apierrors.IsNotFound(err):
		return what + ": the cluster does not serve agents.agent.githedgehog.com (no Agent CRD)"
	case apierrors.IsForbidden(err):
		return fmt.Sprintf("%s: not allowed to list agents.agent.githedgehog.com in namespace %s", what, ns)
	}
	return fmt.Sprintf("%s: listing agents.agent.githedgehog.com: %s", what, oneLine(err.Error()))
}

func oneLine(s string) string {
	for i, c := range s {
		if c == '\n' {
			return s[:i]
		}
	}
	return s
}

// agentKind is the Agent as a kind to watch; it is not one of the managed
// kinds (pkg/kinds), whose registry lists only those.
var agentKind = &kinds.Kind{Kind: hedgehog.AgentGVK.Kind, Group: hedgehog.AgentGVK.Group, Version: hedgehog.AgentGVK.Version,
	Plural: hedgehog.AgentGVR.Resource, Singular: "agent"}

// WatchAgents starts an informer on the Agents of the reader's namespace
// (one LIST, then a watch) and sends an Event for every change after the
// initial listing, which Initial holds. Stop it when done.
func (r *Reader) WatchAgents(ctx context.Context, events chan<- Event, opts WatchOptions) (*Watching, error) {
	return r.StartWatch(ctx, []*kinds.Kind{agentKind}, events, opts)
}
