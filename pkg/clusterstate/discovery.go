package clusterstate

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
)

// Discovery is what a Reader asks of the API server's discovery. client-go's
// discovery.DiscoveryClient has these methods; the command uses
// RESTDiscovery.
type Discovery interface {
	ServerGroupsWithContext(ctx context.Context) (*metav1.APIGroupList, error)
	ServerResourcesForGroupVersionWithContext(ctx context.Context, groupVersion string) (*metav1.APIResourceList, error)
	RESTClient() rest.Interface
}

// RESTDiscovery answers discovery with the API server's unaggregated
// discovery documents (GET /api, /apis, /apis/GROUP/VERSION), read through
// a REST client the command has already.
//
// client-go's discovery client decodes with client-go's scheme of every
// built-in kind, whose package initialiser runs on every command (it is the
// largest one kubectl-hnp links); the reader needs three small documents,
// which encoding/json reads.
type RESTDiscovery struct {
	Client rest.Interface
}

// Discovery returns discovery through the dynamic client's connection.
func (d *Dynamic) Discovery() *RESTDiscovery {
	return &RESTDiscovery{Client: d.rest}
}

// RESTClient is the REST client discovery uses.
func (d *RESTDiscovery) RESTClient() rest.Interface { return d.Client }

// get reads the document at path into v.
func (d *RESTDiscovery) get(ctx context.Context, path string, v any) error {
	body, err := d.Client.Get().AbsPath(path).SetHeader("Accept", "application/json").Do(ctx).Raw()
	if err != nil {
		return err
	}
	if err := json.Unmarshal(body, v); err != nil {
		return fmt.Errorf("decoding the discovery document %s: %w", path, err)
	}
	return nil
}

// ServerGroupsWithContext returns the API groups the server serves, the
// core group ("") first when /api names versions, as client-go's discovery
// client returns them. Both documents are asked for at once; a 404 on
// either is an empty answer, as in client-go (aggregated API servers
// answer so).
func (d *RESTDiscovery) ServerGroupsWithContext(ctx context.Context) (*metav1.APIGroupList, error) {
	var core metav1.APIVersions
	var groups metav1.APIGroupList
	var coreErr error
	var wg sync.WaitGroup
	wg.Go(func() { coreErr = d.get(ctx, "/api", &core) })
	err := d.get(ctx, "/apis", &groups)
	wg.Wait()
	for _, err := range []error{coreErr, err} {
		if err != nil && !apierrors.IsNotFound(err) {
			return nil, err
		}
	}
	if len(core.Versions) > 0 {
		g := metav1.APIGroup{PreferredVersion: metav1.GroupVersionForDiscovery{GroupVersion: core.Versions[0], Version: core.Versions[0]}}
		for _, v := range core.Versions {
			g.Versions = append(g.Versions, metav1.GroupVersionForDiscovery{GroupVersion: v, Version: v})
		}
		groups.Groups = append([]metav1.APIGroup{g}, groups.Groups...)
	}
	return &groups, nil
}

// ServerResourcesForGroupVersionWithContext returns the resources served at
// groupVersion ("v1" is the core group's), as client-go's discovery client
// does: a 404 is a NotFound error, but for the core group's v1.
func (d *RESTDiscovery) ServerResourcesForGroupVersionWithContext(ctx context.Context, groupVersion string) (*metav1.APIResourceList, error) {
	if groupVersion == "" {
		return nil, fmt.Errorf("discovery: no group/version given")
	}
	path := "/apis/" + groupVersion
	if groupVersion == "v1" {
		path = "/api/v1"
	}
	list := &metav1.APIResourceList{GroupVersion: groupVersion}
	if err := d.get(ctx, path, list); err != nil && (groupVersion != "v1" || !apierrors.IsNotFound(err)) {
		return nil, err
	}
	return list, nil
}
