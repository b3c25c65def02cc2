package manifest

import (
	"go.yaml.in/yaml/v3"
)

// blockMapping patches a block mapping with at least one pair into m,
// which has at least one key. Keys a "<<" merge key brings in stay as
// they are when m keeps their value; m may override them with keys of
// its own, but not drop them.
func (p *patcher) blockMapping(n *yaml.Node, m map[string]interface{}, at slot) error {
	pairs := len(n.Content) / 2
	seen := make(map[string]bool, pairs)
	var removed []int
	lastKept := -1
	merges := false
	for i := 0; i < pairs; i++ {
		k := n.Content[2*i]
		if isMergeKey(resolveAlias(k)) {
			merges, lastKept = true, i
			continue
		}
		if k.Kind != yaml.ScalarNode || seen[k.Value] {
			return errBail
		}
		seen[k.Value] = true
		v, ok := m[k.Value]
		if !ok {
			removed = append(removed, i)
			continue
		}
		lastKept = i
		if err := p.value(n.Content[2*i+1], v, p.child(n, i, at), false); err != nil {
			return err
		}
	}
	if lastKept < 0 {
		return p.replace(n, m, at, false)
	}
	if merges {
		if err := p.mergedKeys(n, m, seen); err != nil {
			return err
		}
	}
	if len(removed) > 0 && removed[0] == 0 {
		// The first pairs go: when the first sits on its list element's
		// "- " line, the first kept pair must take its place there.
		r := 0
		for r < len(removed) && removed[r] == r {
			r++
		}
		done, err := p.removeFromDash(n, r, at)
		if err != nil {
			return err
		}
		if done {
			removed = removed[r:]
		}
	}
	for _, i := range removed {
		if err := p.remove(p.child(n, i, at)); err != nil {
			return err
		}
	}
	added := newKeys(m, seen)
	if len(added) == 0 {
		return nil
	}
	fresh := make(map[string]interface{}, len(added))
	for _, k := range added {
		fresh[k] = m[k]
	}
	return p.insertAfter(p.child(n, lastKept, at), fresh)
}

// mergedKeys marks as seen the keys n's merge keys bring in that m keeps
// unchanged; it fails when m drops one, since only removing the merge
// key could express that.
func (p *patcher) mergedKeys(n *yaml.Node, m map[string]interface{}, seen map[string]bool) error {
	v, err := nodeValue(n)
	if err != nil {
		return err
	}
	for k, mv := range v.(map[string]interface{}) {
		if seen[k] {
			continue
		}
		want, ok := m[k]
		if !ok {
			return errBail
		}
		if equalValues(mv, want) {
			seen[k] = true
		}
	}
	return nil
}

// blockSequence patches a block list with at least one element into s,
// which has at least one element.
func (p *patcher) blockSequence(n *yaml.Node, s []interface{}, at slot) error {
	old := make([]interface{}, len(n.Content))
	for i, e := range n.Content {
		v, err := nodeValue(e)
		if err != nil {
			return err
		}
		old[i] = v
	}
	ops := align(old, s)
	if !keepsAny(ops) {
		return p.replace(n, s, at, false)
	}
	// pending collects the new elements that go after old element
	// anchor[k] (-1: before the first one kept).
	var anchors []int
	pending := map[int][]interface{}{}
	last, first := -1, -1
	for _, o := range ops {
		switch o.kind {
		case opKeep, opMerge:
			if first < 0 {
				first = o.i
			}
			last = o.i
			if o.kind == opMerge {
				if err := p.value(n.Content[o.i], s[o.j], p.child(n, o.i, at), false); err != nil {
					return err
				}
			}
		case opDelete:
			if err := p.remove(p.child(n, o.i, at)); err != nil {
				return err
			}
		case opInsert:
			if _, ok := pending[last]; !ok {
				anchors = append(anchors, last)
			}
			pending[last] = append(pending[last], s[o.j])
		}
	}
	for _, a := range anchors {
		fresh := pending[a]
		var err error
		if a < 0 {
			err = p.insertBefore(p.child(n, first, at), fresh)
		} else {
			err = p.insertAfter(p.child(n, a, at), fresh)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// child is the slot of the i-th pair or element of block collection n,
// itself at slot at.
func (p *patcher) child(n *yaml.Node, i int, at slot) slot {
	s := slot{parent: n, index: i, limit: at.limit, top: at.parent == nil}
	if n.Kind == yaml.MappingNode && 2*i+2 < len(n.Content) {
		s.limit = n.Content[2*i+2].Line - 1
	}
	if n.Kind == yaml.SequenceNode && i+1 < len(n.Content) {
		s.limit = -1 // unknown: region refuses it
		if off, ok := p.dash(n.Content[i+1]); ok {
			s.limit = p.l.lineOf(off)
		}
	}
	return s
}

func keepsAny(ops []op) bool {
	for _, o := range ops {
		if o.kind == opKeep || o.kind == opMerge {
			return true
		}
	}
	return false
}
