package hedgehog

// Connection: api/wiring/v1beta1/connection_types.go, pkg/ctrl/connection_wh.go.

func init() {
	register("Connection", KindRules{
		Webhook:        true,
		Default:        connectionDefault,
		Validate:       connectionValidate,
		ValidateFabric: connectionValidateFabric,
		ValidateDelete: connectionValidateDelete,
	})
}

// connectionDefault: label cleanup; for a deprecated MCLAG connection
// nothing else; otherwise the connection-type label, the vpc label of a
// staticExternal withinVPC, and a list label per switch and server endpoint
// when the endpoint analysis succeeds. When that changed the object, the
// re-marshalled link structs are stored as {} where absent.
func connectionDefault(obj map[string]interface{}) {
	l := wiringBeginLabels(obj)
	spec := mapAt(obj, "spec")
	if !connIsMCLAG(spec) {
		ends := connAnalyse(spec)
		l.put(wiringLabelConnectionType, ends.label())
		if se := mapAt(spec, "staticExternal"); se != nil {
			if vpc := str(se, "withinVPC"); vpc != "" {
				l.put(wiringLabelVPC, vpc)
			}
		}
		if ends.ok() {
			for _, s := range ends.switches {
				l.put(wiringListSwitch+s, wiringListValue)
			}
			for _, s := range ends.servers {
				l.put(wiringListServer+s, wiringListValue)
			}
		}
	}
	if l.done() {
		wiringEnsureEmpty(obj, "spec")
		connMarshalEmpty(mapAt(obj, "spec"))
	}
}

// connIsMCLAG says whether a deprecated mclag or mclagDomain is set.
func connIsMCLAG(spec map[string]interface{}) bool {
	return mapAt(spec, "mclag") != nil || mapAt(spec, "mclagDomain") != nil
}

// connMarshalEmpty stores {} for the non-pointer link structs of every
// connection type present, as marshalling the typed object does.
func connMarshalEmpty(spec map[string]interface{}) {
	for i := range connShapes {
		sh := &connShapes[i]
		t := mapAt(spec, sh.key)
		if t == nil {
			continue
		}
		if !sh.many {
			wiringEnsureEmpty(t, "link")
			link := mapAt(t, "link")
			for _, side := range sh.sides {
				if side.name != "" && link != nil {
					wiringEnsureEmpty(link, side.name)
				}
			}
			continue
		}
		for _, it := range list(t, "links") {
			if link, ok := it.(map[string]interface{}); ok {
				for _, side := range sh.sides {
					if side.name != "" {
						wiringEnsureEmpty(link, side.name)
					}
				}
			}
		}
	}
	if md := mapAt(spec, "mclagDomain"); md != nil {
		for _, key := range [...]string{"peerLinks", "sessionLinks"} {
			for _, it := range list(md, key) {
				if link, ok := it.(map[string]interface{}); ok {
					wiringEnsureEmpty(link, "switch1")
					wiringEnsureEmpty(link, "switch2")
				}
			}
		}
	}
}
