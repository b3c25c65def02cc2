package testbed

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"k8s.io/client-go/kubernetes"
)

// ServerCPU returns the CPU time kube-apiserver and etcd have used since
// they started (user + system, their process_cpu_seconds_total metrics), so
// that a benchmark can tell the server's share of a run from the client's.
func (c *ControlPlane) ServerCPU(ctx context.Context) (time.Duration, error) {
	api, err := c.apiMetrics(ctx)
	if err != nil {
		return 0, err
	}
	apiCPU, err := processCPU(api)
	if err != nil {
		return 0, fmt.Errorf("kube-apiserver metrics: %w", err)
	}
	u := *c.env.ControlPlane.Etcd.URL
	u.Path = "/metrics"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return 0, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, fmt.Errorf("etcd metrics: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, fmt.Errorf("etcd metrics: %w", err)
	}
	etcdCPU, err := processCPU(body)
	if err != nil {
		return 0, fmt.Errorf("etcd metrics: %w", err)
	}
	return time.Duration((apiCPU + etcdCPU) * float64(time.Second)), nil
}

// processCPU reads process_cpu_seconds_total from a Prometheus text page.
func processCPU(page []byte) (float64, error) {
	sc := bufio.NewScanner(bytes.NewReader(page))
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "process_cpu_seconds_total "); ok {
			return strconv.ParseFloat(strings.TrimSpace(v), 64)
		}
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	return 0, fmt.Errorf("no process_cpu_seconds_total")
}

// apiMetrics reads kube-apiserver's Prometheus page.
func (c *ControlPlane) apiMetrics(ctx context.Context) ([]byte, error) {
	cs, err := kubernetes.NewForConfig(c.RestConfig)
	if err != nil {
		return nil, err
	}
	page, err := cs.CoreV1().RESTClient().Get().AbsPath("/metrics").DoRaw(ctx)
	if err != nil {
		return nil, fmt.Errorf("kube-apiserver metrics: %w", err)
	}
	return page, nil
}

// Requests returns how many requests of verb (LIST, GET, ...) for
// resources of group kube-apiserver has answered since it started
// (apiserver_request_total), so that a test or benchmark can count the
// requests a command made.
func (c *ControlPlane) Requests(ctx context.Context, verb, group string) (int, error) {
	page, err := c.apiMetrics(ctx)
	if err != nil {
		return 0, err
	}
	return countRequests(page, verb, group)
}

// countRequests sums apiserver_request_total's series of verb and group.
func countRequests(page []byte, verb, group string) (int, error) {
	sc := bufio.NewScanner(bytes.NewReader(page))
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	var n float64
	for sc.Scan() {
		line := sc.Text()
		labels, ok := strings.CutPrefix(line, "apiserver_request_total{")
		if !ok || !strings.Contains(labels, `verb="`+verb+`"`) || !strings.Contains(labels, `group="`+group+`"`) {
			continue
		}
		i := strings.LastIndexByte(labels, '}')
		v, err := strconv.ParseFloat(strings.TrimSpace(labels[i+1:]), 64)
		if err != nil {
			return 0, fmt.Errorf("apiserver_request_total: %q: %w", line, err)
		}
		n += v
	}
	return int(n), sc.Err()
}
