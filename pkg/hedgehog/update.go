package hedgehog

import (
	"reflect"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// Update-only rules: the [local] checks the validating webhook makes on an
// UPDATE between the stored object and the new one. They need the object
// as it was, which a change to Git has: the version before the change.

// ValidateUpdate checks the update-only rules of a change from old to obj
// (both defaulted): a Connection keeps its type and its staticExternal
// withinVPC; a Switch with RoCE on in either keeps its portBreakouts.
func ValidateUpdate(old, obj *unstructured.Unstructured) []Violation {
	r := &Reporter{obj: obj}
	if old == nil || old.GetKind() != obj.GetKind() {
		return nil
	}
	switch obj.GetKind() {
	case "Connection":
		connectionValidateUpdate(old.Object, obj.Object, r)
	case "Switch":
		switchValidateUpdate(old.Object, obj.Object, r)
	}
	return r.out
}

// connectionValidateUpdate: the connection type (the spec field that is
// set: unbundled, bundled, ...) and staticExternal.withinVPC are immutable.
func connectionValidateUpdate(old, obj map[string]interface{}, r *Reporter) {
	was, now := connTypeOf(mapAt(old, "spec")), connTypeOf(mapAt(obj, "spec"))
	if was != now {
		r.Add(ScopeLocal, "type-immutable", "spec", "the connection type cannot change ("+quote(was)+" to "+quote(now)+")",
			"delete the connection and create a new one (under another name, or in two commits)")
		return
	}
	wasVPC, nowVPC := str(mapAt(old, "spec", "staticExternal"), "withinVPC"), str(mapAt(obj, "spec", "staticExternal"), "withinVPC")
	if was == "staticExternal" && wasVPC != nowVPC {
		r.Add(ScopeLocal, "within-vpc-immutable", "spec.staticExternal.withinVPC", "withinVPC cannot change ("+quote(wasVPC)+" to "+quote(nowVPC)+")",
			"delete the connection and create a new one")
	}
}

// connTypeOf returns the spec field of the first connection type set, in
// the precedence order of ConnectionSpec.Type() ("" when none).
func connTypeOf(spec map[string]interface{}) string {
	for i := range connShapes {
		if mapAt(spec, connShapes[i].key) != nil {
			return connShapes[i].key
		}
	}
	return ""
}

// switchValidateUpdate: with roce true before or after, portBreakouts is
// immutable.
func switchValidateUpdate(old, obj map[string]interface{}, r *Reporter) {
	roce := func(o map[string]interface{}) bool { b, _ := mapAt(o, "spec")["roce"].(bool); return b }
	if !roce(old) && !roce(obj) {
		return
	}
	was, _ := mapAt(old, "spec")["portBreakouts"].(map[string]interface{})
	now, _ := mapAt(obj, "spec")["portBreakouts"].(map[string]interface{})
	if len(was) == 0 && len(now) == 0 || reflect.DeepEqual(was, now) {
		return
	}
	r.Add(ScopeLocal, "roce-breakouts-immutable", "spec.portBreakouts", "port breakouts cannot change while RoCE is enabled",
		"turn roce off in one change, change the breakouts in the next, then turn roce on again")
}
