package manifest

import (
	"bytes"
	"encoding/json"

	sigsyaml "sigs.k8s.io/yaml"
)

// vpcDoc is a typical Hedgehog object as an operator writes it.
const vpcDoc = `# VPC for rack 1
apiVersion: vpc.githedgehog.com/v1beta1
kind: VPC
metadata:
  name: vpc-1 # the first
  namespace: default
  labels:
    team: "net"
spec:
  ipv4Namespace: default
  subnets:
    default:
      subnet: 10.0.1.0/24
      gateway: 10.0.1.1
      vlan: 1001 # access VLAN
      dhcp: {enable: true, range: {start: 10.0.1.10}}
  # who may talk to whom
  permit:
  - - default
    - backup
  ports:
  - name: E1/1
    speed: 100G

  - name: E1/2 # the uplink
    speed: 25G
# end of VPC
`

// k8sRead reads a document the way Kubernetes tools do: sigs.k8s.io/yaml,
// a YAML 1.1 reader, to JSON; integers become int64, other numbers
// float64.
func k8sRead(doc []byte) (map[string]interface{}, error) {
	j, err := sigsyaml.YAMLToJSON(doc)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(j))
	dec.UseNumber()
	var v interface{}
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	m, _ := fromJSON(v).(map[string]interface{})
	return m, nil
}

func fromJSON(v interface{}) interface{} {
	switch x := v.(type) {
	case map[string]interface{}:
		for k, e := range x {
			x[k] = fromJSON(e)
		}
	case []interface{}:
		for i, e := range x {
			x[i] = fromJSON(e)
		}
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return i
		}
		f, _ := x.Float64()
		return f
	}
	return v
}
