package testbed

import (
	"errors"
	"fmt"
)

// StopAPIServer stops kube-apiserver alone, as an outage would: etcd and
// its data stay, and clients see connection errors until StartAPIServer.
func (c *ControlPlane) StopAPIServer() error {
	c.stopMu.Lock()
	defer c.stopMu.Unlock()
	if c.stopped {
		return errors.New("the control plane is stopped")
	}
	if err := c.env.ControlPlane.GetAPIServer().Stop(); err != nil {
		return fmt.Errorf("stopping kube-apiserver: %w", err)
	}
	return nil
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
