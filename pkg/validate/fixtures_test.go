package validate

import (
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

// validDocs are objects of every Hedgehog kind that the API server accepts.
var validDocs = map[string]string{
	"vpc": `
apiVersion: vpc.githedgehog.com/v1beta1
kind: VPC
metadata:
  name: vpc-1
  namespace: default
  labels: {fabric.githedgehog.com/tenant: blue}
spec:
  ipv4Namespace: default
  vlanNamespace: default
  permit: [[default, backend]]
  staticRoutes:
  - prefix: 10.99.0.0/16
    nextHops: [10.0.1.254]
  subnets:
    default:
      subnet: 10.0.1.0/24
      gateway: 10.0.1.1
      vlan: 1001
      dhcp:
        enable: true
        range: {start: 10.0.1.10, end: 10.0.1.99}
        options: {interfaceMTU: 9036, leaseTimeSeconds: 3600, dnsServers: [1.1.1.1]}
        static:
          server-1: {ip: 10.0.1.20}
    backend:
      subnet: 10.0.2.0/24
      vlan: 1002
      isolated: true
`,
	"vpc-minimal-no-namespace": `
apiVersion: vpc.githedgehog.com/v1beta1
kind: VPC
metadata:
  name: vpc-2
spec: {}
`,
	"switch-partial-linkflap": `
apiVersion: wiring.githedgehog.com/v1beta1
kind: Switch
metadata:
  name: leaf-01
spec:
  role: server-leaf
  asn: 65101
  profile: dell-s5248f-on
  redundancy: {type: mclag, group: mclag-1}
  linkFlapErrDisable:
    flapThreshold: 10
  portFECs: {E1/1: rs}
  portAutoNegs: {E1/2: false}
`,
	"switch-null-defaulted": `
apiVersion: wiring.githedgehog.com/v1beta1
kind: Switch
metadata:
  name: spine-01
spec:
  role: spine
  linkFlapErrDisable:
    flapThreshold: null
    samplingInterval: 65535
`,
	// create drops status (the kind has a status subresource), so a status
	// that does not even match the schema is no error.
	"switch-status-dropped": `
apiVersion: wiring.githedgehog.com/v1beta1
kind: Switch
metadata:
  name: leaf-02
spec:
  role: border-leaf
status: not an object
`,
	"connection-fabric": `
apiVersion: wiring.githedgehog.com/v1beta1
kind: Connection
metadata:
  name: spine-01--fabric--leaf-01
spec:
  fabric:
    links:
    - spine: {port: spine-01/E1/1, ip: 172.30.0.0/31}
      leaf: {port: leaf-01/E1/49, ip: 172.30.0.1/31}
`,
	"connection-eslag": `
apiVersion: wiring.githedgehog.com/v1beta1
kind: Connection
metadata:
  name: server-01--eslag--leaf-01--leaf-02
spec:
  eslag:
    fallback: true
    links:
    - {server: {port: server-01/enp2s1}, switch: {port: leaf-01/E1/1}}
    - {server: {port: server-01/enp2s2}, switch: {port: leaf-02/E1/1}}
`,
	"server":        "apiVersion: wiring.githedgehog.com/v1beta1\nkind: Server\nmetadata: {name: server-01}\nspec: {description: web}\n",
	"switchgroup":   "apiVersion: wiring.githedgehog.com/v1beta1\nkind: SwitchGroup\nmetadata: {name: mclag-1}\nspec: {}\n",
	"vlannamespace": "apiVersion: wiring.githedgehog.com/v1beta1\nkind: VLANNamespace\nmetadata: {name: default}\nspec: {ranges: [{from: 1000, to: 2999}]}\n",
	"ipv4namespace": "apiVersion: vpc.githedgehog.com/v1beta1\nkind: IPv4Namespace\nmetadata: {name: default}\nspec: {subnets: [10.0.0.0/16]}\n",
	"vpcattachment": "apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPCAttachment\nmetadata: {name: vpc-1--server-01}\nspec: {connection: server-01--mclag, subnet: vpc-1/default, nativeVLAN: false}\n",
	"vpcpeering":    "apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPCPeering\nmetadata: {name: vpc-1--vpc-2}\nspec: {permit: [{vpc-1: {subnets: [default]}, vpc-2: {}}]}\n",
	"external":      "apiVersion: vpc.githedgehog.com/v1beta1\nkind: External\nmetadata: {name: internet}\nspec: {ipv4Namespace: default, inboundCommunity: '65102:5000', outboundCommunity: '5000:65102'}\n",
	"externalattachment": `
apiVersion: vpc.githedgehog.com/v1beta1
kind: ExternalAttachment
metadata:
  name: internet--border-01
spec:
  connection: border-01--external
  external: internet
  neighbor: {asn: 65102, ip: 100.100.0.6}
  switch: {ip: 100.100.0.1/24, vlan: 100}
`,
	"externalpeering": "apiVersion: vpc.githedgehog.com/v1beta1\nkind: ExternalPeering\nmetadata: {name: vpc-1--internet}\nspec: {permit: {vpc: {name: vpc-1, subnets: [default]}, external: {name: internet, prefixes: [{prefix: 0.0.0.0/0}]}}}\n",
}

// invalidCase is an object the API server rejects, and the field it names.
type invalidCase struct {
	name string
	doc  string
	// path and typ are the field and type of problem Validate must report.
	path string
	typ  field.ErrorType
	// strictOnly: the server rejects it only with fieldValidation=Strict, and
	// Validate only with RejectUnknownFields.
	strictOnly bool
	// notServed: the server answers 404 for the resource instead of naming a field.
	notServed bool
}

const switchHead = "apiVersion: wiring.githedgehog.com/v1beta1\nkind: Switch\nmetadata: {name: sw-1}\n"

// vlanRanges returns a VLANNamespace spec with n ranges.
func vlanRanges(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "{from: %d, to: %d}, ", 100*i+1, 100*i+50)
	}
	return "apiVersion: wiring.githedgehog.com/v1beta1\nkind: VLANNamespace\nmetadata: {name: many}\nspec: {ranges: [" + strings.TrimSuffix(b.String(), ", ") + "]}\n"
}

var invalidCases = []invalidCase{
	{name: "wrong type", path: "spec.subnets.default.vlan", typ: field.ErrorTypeTypeInvalid,
		doc: "apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata: {name: vpc-1}\nspec: {subnets: {default: {subnet: 10.0.1.0/24, vlan: x}}}\n"},
	{name: "enum", path: "spec.role", typ: field.ErrorTypeNotSupported, doc: switchHead + "spec: {role: router}\n"},
	{name: "maximum", path: "spec.linkFlapErrDisable.flapThreshold", typ: field.ErrorTypeInvalid,
		doc: switchHead + "spec: {role: spine, linkFlapErrDisable: {flapThreshold: 51}}\n"},
	{name: "minimum", path: "spec.linkFlapErrDisable.samplingInterval", typ: field.ErrorTypeInvalid,
		doc: switchHead + "spec: {role: spine, linkFlapErrDisable: {samplingInterval: 0}}\n"},
	{name: "format int32", path: "spec.asn", typ: field.ErrorTypeInvalid, doc: switchHead + "spec: {role: spine, asn: 4294967296}\n"},
	{name: "missing required", path: "spec.role", typ: field.ErrorTypeRequired, doc: switchHead + "spec: {profile: p}\n"},
	{name: "missing required spec", path: "spec", typ: field.ErrorTypeRequired,
		doc: "apiVersion: vpc.githedgehog.com/v1beta1\nkind: ExternalAttachment\nmetadata: {name: ea}\n"},
	{name: "missing nested required", path: "spec.subnets.default.dhcp.options.leaseTimeSeconds", typ: field.ErrorTypeRequired,
		doc: "apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata: {name: vpc-1}\nspec: {subnets: {default: {dhcp: {options: {interfaceMTU: 1500}}}}}\n"},
	{name: "enum in map value", path: "spec.portFECs.E1/1", typ: field.ErrorTypeNotSupported, doc: switchHead + "spec: {role: spine, portFECs: {E1/1: fast}}\n"},
	{name: "pattern", path: "spec.fabric.links[0].leaf.ip", typ: field.ErrorTypeInvalid,
		doc: "apiVersion: wiring.githedgehog.com/v1beta1\nkind: Connection\nmetadata: {name: c}\nspec: {fabric: {links: [{leaf: {ip: 10.0.0.1}}]}}\n"},
	{name: "min items", path: "spec.subnets", typ: field.ErrorTypeInvalid,
		doc: "apiVersion: vpc.githedgehog.com/v1beta1\nkind: IPv4Namespace\nmetadata: {name: ns}\nspec: {subnets: []}\n"},
	{name: "max items", path: "spec.ranges", typ: field.ErrorTypeTooMany, doc: vlanRanges(21)},
	{name: "bad name", path: "metadata.name", typ: field.ErrorTypeInvalid,
		doc: "apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata: {name: VPC_1}\nspec: {}\n"},
	{name: "missing name", path: "metadata.name", typ: field.ErrorTypeRequired,
		doc: "apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata: {labels: {a: b}}\nspec: {}\n"},
	{name: "bad label", path: "metadata.labels", typ: field.ErrorTypeInvalid,
		doc: "apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata: {name: vpc-1, labels: {a: 'not a label value!'}}\nspec: {}\n"},
	{name: "labels of the wrong type", path: "metadata.labels", typ: field.ErrorTypeInvalid,
		doc: "apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata: {name: vpc-1, labels: [a]}\nspec: {}\n"},
	{name: "unknown field", path: "spec.rol", typ: field.ErrorTypeForbidden, strictOnly: true,
		doc: switchHead + "spec: {role: spine, rol: spine}\n"},
	{name: "unknown nested field", path: "spec.linkFlapErrDisable.flapTreshold", typ: field.ErrorTypeForbidden, strictOnly: true,
		doc: switchHead + "spec: {role: spine, linkFlapErrDisable: {flapTreshold: 5}}\n"},
	{name: "unknown field in a list", path: "spec.staticRoutes[0].nextHop", typ: field.ErrorTypeForbidden, strictOnly: true,
		doc: "apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata: {name: vpc-1}\nspec: {staticRoutes: [{prefix: 10.0.0.0/8, nextHop: 10.0.0.1}]}\n"},
	{name: "unknown metadata field", path: "metadata.lables", typ: field.ErrorTypeForbidden, strictOnly: true,
		doc: "apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata: {name: vpc-1, lables: {a: b}}\nspec: {}\n"},
	{name: "unserved version", path: "apiVersion", typ: field.ErrorTypeNotSupported, notServed: true,
		doc: "apiVersion: vpc.githedgehog.com/v1\nkind: VPC\nmetadata: {name: vpc-1}\nspec: {}\n"},
}
