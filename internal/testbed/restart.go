package testbed

import (
	"errors"
	"fmt"
	"net"
	"strings"
	"time"
)

// apiserverKillAfter is how long StopAPIServer lets kube-apiserver shut
// down gracefully before killing it (open watches can hold it for long).
const apiserverKillAfter = 3 * time.Second

// StopAPIServer stops kube-apiserver alone, as an outage would: etcd and
// its data stay, and clients see connection errors until StartAPIServer.
// It returns once connections to the server are refused.
func (c *ControlPlane) StopAPIServer() error {
	c.stopMu.Lock()
	defer c.stopMu.Unlock()
	if c.stopped {
		return errors.New("the control plane is stopped")
	}
	s := c.env.ControlPlane.GetAPIServer()
	graceful := s.StopTimeout
	s.StopTimeout = apiserverKillAfter
	err := s.Stop()
	s.StopTimeout = graceful
	// A server that outlived apiserverKillAfter was killed: an outage all
	// the same.
	if err != nil && !strings.Contains(err.Error(), "timeout waiting for process") {
		return fmt.Errorf("stopping kube-apiserver: %w", err)
	}
	addr := net.JoinHostPort(s.SecureServing.Address, s.SecureServing.Port)
	deadline := time.Now().Add(10 * time.Second)
	for {
		conn, err := net.DialTimeout("tcp", addr, time.Second)
		if err != nil {
			return nil
		}
		_ = conn.Close()
		if time.Now().After(deadline) {
			return fmt.Errorf("kube-apiserver still accepts connections on %s after being stopped", addr)
		}
		time.Sleep(20 * time.Millisecond) // polling a condition, with the deadline above
	}
}

// StartAPIServer starts kube-apiserver again after StopAPIServer, on the
// same address, with the same serving certificate and etcd, so that
// RestConfig and the kubeconfig keep working. It returns once the server
// is healthy.
func (c *ControlPlane) StartAPIServer() error {
	c.stopMu.Lock()
	defer c.stopMu.Unlock()
	if c.stopped {
		return errors.New("the control plane is stopped")
	}
	if err := c.env.ControlPlane.GetAPIServer().Start(); err != nil {
		return fmt.Errorf("starting kube-apiserver again: %w", err)
	}
	return nil
}
