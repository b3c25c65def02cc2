package hedgehog

import (
	"strings"
	"testing"
)

func TestConfigCheckAcceptsTheDocumentedExample(t *testing.T) {
	s := func(v string) *string { return &v }
	i := func(v int) *int { return &v }
	u := func(v uint32) *uint32 { return &v }
	c := &Config{
		ReservedSubnets: []string{"172.28.0.0/16"}, FabricMTU: i(9100), ServerFacingMTUOffset: i(64),
		FabricSubnet: s("172.30.128.0/17"), VPCIRBVLANRange: &VLANRange{From: 3000, To: 3999},
		ManagementSubnet: s("172.30.0.0/21"), ManagementDHCPStart: s("172.30.4.0"), ControlVIP: s("172.30.0.1/21"),
		ProtocolSubnet: s("172.30.8.0/22"), VTEPSubnet: s("172.30.12.0/22"),
		SpineASN: u(65100), LeafASNStart: u(65101), LeafASNEnd: u(65199),
	}
	if err := c.Check(); err != nil {
		t.Fatal(err)
	}
	if err := (*Config)(nil).Check(); err != nil {
		t.Fatal(err)
	}
}

func TestConfigCheckNamesEveryBadValue(t *testing.T) {
	s := func(v string) *string { return &v }
	i := func(v int) *int { return &v }
	u := func(v uint32) *uint32 { return &v }
	c := &Config{
		ReservedSubnets: []string{"10.0.0.0/8", "", "172.28/16"},
		FabricMTU:       i(9000), ServerFacingMTUOffset: i(9000),
		VTEPSubnet:             s("172.30.12.0"),
		ControlVIP:             s("vip"),
		TH5WorkaroundVLANRange: &VLANRange{From: 0, To: 10},
		LeafASNStart:           u(65200), LeafASNEnd: u(65100),
	}
	err := c.Check()
	if err == nil {
		t.Fatal("Check accepted bad values")
	}
	want := []string{
		`reservedSubnets[1] "": not a CIDR prefix`,
		`reservedSubnets[2] "172.28/16": not a CIDR prefix`,
		`vtepSubnet "172.30.12.0": not a CIDR prefix`,
		`controlVIP "vip": not an IP address or prefix`,
		`serverFacingMTUOffset 9000: must be at least 0 and below fabricMTU`,
		`th5WorkaroundVLANRange {from: 0, to: 10}`,
		`leafASNStart 65200 is above leafASNEnd 65100`,
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error does not say %q:\n%v", w, err)
		}
	}
	if strings.Contains(err.Error(), "reservedSubnets[0]") {
		t.Errorf("a good value is reported: %v", err)
	}
}
