package manifest

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
