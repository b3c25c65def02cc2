package manifest

// opKind says what happens to list elements between an old list and a new.
type opKind int

const (
	opKeep   opKind = iota // old[i] stays as it is, as new[j]
	opMerge                // old[i] becomes new[j], updated in place
	opDelete               // old[i] goes
	opInsert               // new[j] is added
)

// op is one step of an alignment.
type op struct {
	kind opKind
	i, j int
}

// maxAlignCells bounds the table of a longest-common-subsequence
// alignment; longer lists are aligned by position.
const maxAlignCells = 1 << 20

// align lines up the elements of an old and a new list: equal elements
// that keep their relative order are kept, and between them removed and
// added elements pair up, in order, as elements updated in place; the rest
// are deleted or inserted. The steps come in list order: i and j never
// decrease.
func align(old, upd []interface{}) []op {
	// Equal heads and tails are kept; the middle is aligned.
	head := 0
	for head < len(old) && head < len(upd) && equalValues(old[head], upd[head]) {
		head++
	}
	tail := 0
	for tail < len(old)-head && tail < len(upd)-head && equalValues(old[len(old)-1-tail], upd[len(upd)-1-tail]) {
		tail++
	}
	var ops []op
	for k := 0; k < head; k++ {
		ops = append(ops, op{opKeep, k, k})
	}
	for _, o := range alignMiddle(old[head:len(old)-tail], upd[head:len(upd)-tail]) {
		if o.i >= 0 {
			o.i += head
		}
		if o.j >= 0 {
			o.j += head
		}
		ops = append(ops, o)
	}
	for k := tail; k > 0; k-- {
		ops = append(ops, op{opKeep, len(old) - k, len(upd) - k})
	}
	return ops
}

// alignMiddle aligns two lists by their longest common subsequence, or by
// position when they are too long for that.
func alignMiddle(old, upd []interface{}) []op {
	n, m := len(old), len(upd)
	if n*m > maxAlignCells {
		return byPosition(n, m)
	}
	// lcs[i][j] is the length of the longest common subsequence of
	// old[i:] and upd[j:].
	lcs := make([][]int, n+1)
	for i := range lcs {
		lcs[i] = make([]int, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if equalValues(old[i], upd[j]) {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var ops, dels, ins []op
	flush := func() {
		k := min(len(dels), len(ins))
		for t := 0; t < k; t++ {
			ops = append(ops, op{opMerge, dels[t].i, ins[t].j})
		}
		ops = append(ops, dels[k:]...)
		ops = append(ops, ins[k:]...)
		dels, ins = dels[:0], ins[:0]
	}
	i, j := 0, 0
	for i < n || j < m {
		switch {
		case i < n && j < m && equalValues(old[i], upd[j]) && lcs[i][j] == lcs[i+1][j+1]+1:
			flush()
			ops = append(ops, op{opKeep, i, j})
			i, j = i+1, j+1
		case j == m || (i < n && lcs[i+1][j] >= lcs[i][j+1]):
			dels = append(dels, op{opDelete, i, -1})
			i++
		default:
			ins = append(ins, op{opInsert, -1, j})
			j++
		}
	}
	flush()
	return ops
}

// byPosition aligns two lists element by element.
func byPosition(n, m int) []op {
	var ops []op
	for k := 0; k < max(n, m); k++ {
		switch {
		case k < n && k < m:
			ops = append(ops, op{opMerge, k, k})
		case k < n:
			ops = append(ops, op{opDelete, k, -1})
		default:
			ops = append(ops, op{opInsert, -1, k})
		}
	}
	return ops
}
