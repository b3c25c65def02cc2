package fabric

import (
	"fmt"

	"github.com/githedgehog/kubectl-hnp/pkg/hedgehog"
)

// Webhook modes of a fabric's controller.
const (
	// WebhooksAuto (the default) decides per object: the cluster copy
	// carrying the labels the Hedgehog webhook adds is the evidence that the
	// webhook stored it, and the desired object is then defaulted the same
	// way before the comparison.
	WebhooksAuto = "auto"
	// WebhooksOn always defaults desired objects as the webhook would.
	WebhooksOn = "on"
	// WebhooksOff never does (a cluster with the CRDs but no controller).
	WebhooksOff = "off"
)

// Hedgehog describes the fabric's Hedgehog controller.
type Hedgehog struct {
	// Webhooks is auto (default), on or off.
	Webhooks string `json:"webhooks,omitempty" mapstructure:"webhooks"`
	// Config gives the FabricConfig values that [config] validation rules
	// need; rules whose values are missing are skipped with a note.
	Config *hedgehog.Config `json:"config,omitempty" mapstructure:"config"`
}

// WebhookMode returns the fabric's webhook mode, WebhooksAuto when unset.
func (f *Fabric) WebhookMode() string {
	if f.Hedgehog == nil || f.Hedgehog.Webhooks == "" {
		return WebhooksAuto
	}
	return f.Hedgehog.Webhooks
}

// HedgehogConfig returns the fabric's FabricConfig values (never nil).
func (f *Fabric) HedgehogConfig() *hedgehog.Config {
	if f.Hedgehog == nil || f.Hedgehog.Config == nil {
		return &hedgehog.Config{}
	}
	return f.Hedgehog.Config
}

func (h *Hedgehog) validate() error {
	if h == nil {
		return nil
	}
	switch h.Webhooks {
	case "", WebhooksAuto, WebhooksOn, WebhooksOff:
	default:
		return fmt.Errorf("hedgehog.webhooks %q: use auto, on or off", h.Webhooks)
	}
	if err := h.Config.Check(); err != nil {
		return fmt.Errorf("hedgehog.config: %w", err)
	}
	return nil
}
