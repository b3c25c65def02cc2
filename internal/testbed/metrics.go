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
	cs, err := kubernetes.NewForConfig(c.RestConfig)
	if err != nil {
		return 0, err
	}
	api, err := cs.CoreV1().RESTClient().Get().AbsPath("/metrics").DoRaw(ctx)
	if err != nil {
		return 0, fmt.Errorf("kube-apiserver metrics: %w", err)
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
