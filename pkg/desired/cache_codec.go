package desired

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/githedgehog/kubectl-hnp/pkg/resource"
)

// The parse cache's binary form: what one file yielded (objects, skipped
// documents, parse errors, YAML 1.1 notes), with the generic values written
// by type, so that they come back exactly (int64 stays int64, float64
// float64, a nil map stays a nil map). Lengths are uvarints, strings their
// length and bytes.

// Value tags.
const (
	tagNil byte = iota
	tagFalse
	tagTrue
	tagInt
	tagFloat
	tagString
	tagMap
	tagSlice
	tagNilMap
	tagNilSlice
)

// errUncacheable says a result holds something the cache cannot carry
// exactly; it is parsed again next time instead.
var errUncacheable = errors.New("not cacheable")

// encoder appends the binary form to buf.
type encoder struct{ buf []byte }

func (e *encoder) uint(n uint64) { e.buf = binary.AppendUvarint(e.buf, n) }
func (e *encoder) int(n int)     { e.buf = binary.AppendVarint(e.buf, int64(n)) }

func (e *encoder) str(s string) {
	e.uint(uint64(len(s)))
	e.buf = append(e.buf, s...)
}

func (e *encoder) value(v interface{}) error {
	switch x := v.(type) {
	case nil:
		e.buf = append(e.buf, tagNil)
	case bool:
		if x {
			e.buf = append(e.buf, tagTrue)
		} else {
			e.buf = append(e.buf, tagFalse)
		}
	case int64:
		e.buf = append(e.buf, tagInt)
		e.buf = binary.AppendVarint(e.buf, x)
	case float64:
		e.buf = append(e.buf, tagFloat)
		e.buf = binary.LittleEndian.AppendUint64(e.buf, math.Float64bits(x))
	case string:
		e.buf = append(e.buf, tagString)
		e.str(x)
	case map[string]interface{}:
		if x == nil {
			e.buf = append(e.buf, tagNilMap)
			return nil
		}
		e.buf = append(e.buf, tagMap)
		e.uint(uint64(len(x)))
		for k, v := range x {
			e.str(k)
			if err := e.value(v); err != nil {
				return err
			}
		}
	case []interface{}:
		if x == nil {
			e.buf = append(e.buf, tagNilSlice)
			return nil
		}
		e.buf = append(e.buf, tagSlice)
		e.uint(uint64(len(x)))
		for _, v := range x {
			if err := e.value(v); err != nil {
				return err
			}
		}
	default:
		return fmt.Errorf("%w: a value of type %T", errUncacheable, v)
	}
	return nil
}

// result writes what one file yielded. Its error must be nil or the join
// of *ParseError that parseFile makes; anything else (a file that could
// not be read) is not cacheable.
func (e *encoder) result(r *fileResult) error {
	perrs, ok := parseErrors(r.err)
	if !ok {
		return errUncacheable
	}
	e.uint(uint64(len(r.objects)))
	index := make(map[*resource.Object]int, len(r.objects))
	for i, o := range r.objects {
		if o.Rendered || o.Patches != nil || o.Origin == nil || o.Obj == nil {
			return errUncacheable
		}
		index[o] = i
		e.str(o.Key.Kind)
		e.str(o.Key.Namespace)
		e.str(o.Key.Name)
		e.str(o.Origin.File)
		e.int(o.Origin.Doc)
		e.int(o.Origin.Line)
		if err := e.value(o.Obj.Object); err != nil {
			return err
		}
	}
	e.uint(uint64(len(r.skipped)))
	for _, s := range r.skipped {
		e.str(s.File)
		e.int(s.Line)
		e.str(s.APIVersion)
		e.str(s.Kind)
		e.str(s.Name)
	}
	e.uint(uint64(len(perrs)))
	for _, pe := range perrs {
		e.str(pe.File)
		e.int(pe.Line)
		e.str(pe.Msg)
	}
	e.uint(uint64(len(r.notes)))
	for _, n := range r.notes {
		i, ok := index[n.obj]
		if !ok || n.note.Key != n.obj.Key || n.note.Origin != *n.obj.Origin {
			return errUncacheable
		}
		e.uint(uint64(i))
		e.uint(uint64(len(n.path)))
		for _, p := range n.path {
			e.str(p)
		}
		e.str(n.note.Path)
		if err := e.value(n.note.YAML12); err != nil {
			return err
		}
		if err := e.value(n.note.YAML11); err != nil {
			return err
		}
	}
	return nil
}

// parseErrors returns the *ParseError of a file's error as parseFile joins
// them; ok is false for any other error.
func parseErrors(err error) ([]*ParseError, bool) {
	if err == nil {
		return nil, true
	}
	joined, ok := err.(interface{ Unwrap() []error })
	if !ok {
		return nil, false
	}
	list := joined.Unwrap()
	out := make([]*ParseError, 0, len(list))
	for _, e := range list {
		pe, ok := e.(*ParseError)
		if !ok {
			return nil, false
		}
		out = append(out, pe)
	}
	return out, true
}

// errCorrupt is what a decoder meets in a damaged entry.
var errCorrupt = errors.New("corrupt parse cache entry")

// decoder reads the binary form from data. Strings are slices of one
// string made of the whole entry: one copy, no allocation per string.
type decoder struct {
	data string
	off  int
	err  error
}

func (d *decoder) fail() { d.err, d.off = errCorrupt, len(d.data) }

func (d *decoder) uint() uint64 {
	if d.err != nil {
		return 0
	}
	var n uint64
	var shift uint
	for i := 0; d.off+i < len(d.data) && i < binary.MaxVarintLen64; i++ {
		b := d.data[d.off+i]
		if b < 0x80 {
			d.off += i + 1
			return n | uint64(b)<<shift
		}
		n |= uint64(b&0x7f) << shift
		shift += 7
	}
	d.fail()
	return 0
}

func (d *decoder) int() int {
	u := d.uint()
	x := int64(u >> 1)
	if u&1 != 0 {
		x = ^x
	}
	return int(x)
}

// count reads a length, which cannot exceed the bytes left (every element
// takes at least one).
func (d *decoder) count() int {
	n := d.uint()
	if n > uint64(len(d.data)-d.off) {
		d.fail()
		return 0
	}
	return int(n)
}

func (d *decoder) str() string {
	n := d.count()
	s := d.data[d.off : d.off+n]
	d.off += n
	return s
}

func (d *decoder) byte() byte {
	if d.err != nil || d.off >= len(d.data) {
		d.fail()
		return 0
	}
	b := d.data[d.off]
	d.off++
	return b
}

// maxDepth bounds the nesting a damaged entry could claim.
const maxDepth = 10000

func (d *decoder) value(depth int) interface{} {
	if depth > maxDepth {
		d.fail()
		return nil
	}
	switch d.byte() {
	case tagNil:
		return nil
	case tagFalse:
		return false
	case tagTrue:
		return true
	case tagInt:
		u := d.uint()
		x := int64(u >> 1)
		if u&1 != 0 {
			x = ^x
		}
		return x
	case tagFloat:
		if d.off+8 > len(d.data) {
			d.fail()
			return nil
		}
		var bits uint64
		for i := 7; i >= 0; i-- {
			bits = bits<<8 | uint64(d.data[d.off+i])
		}
		d.off += 8
		return math.Float64frombits(bits)
	case tagString:
		return d.str()
	case tagMap:
		n := d.count()
		m := make(map[string]interface{}, n)
		for range n {
			k := d.str()
			m[k] = d.value(depth + 1)
		}
		return m
	case tagSlice:
		n := d.count()
		s := make([]interface{}, n)
		for i := range s {
			s[i] = d.value(depth + 1)
		}
		return s
	case tagNilMap:
		return map[string]interface{}(nil)
	case tagNilSlice:
		return []interface{}(nil)
	}
	d.fail()
	return nil
}

// result reads what one file yielded.
func (d *decoder) result() fileResult {
	var r fileResult
	if n := d.count(); n > 0 {
		r.objects = make([]*resource.Object, n)
		for i := range r.objects {
			o := &resource.Object{Key: resource.Key{Kind: d.str(), Namespace: d.str(), Name: d.str()}}
			o.Origin = &resource.Origin{File: d.str(), Doc: d.int(), Line: d.int()}
			obj, ok := d.value(0).(map[string]interface{})
			if !ok {
				d.fail()
				return fileResult{}
			}
			o.Obj = &unstructured.Unstructured{Object: obj}
			r.objects[i] = o
		}
	}
	if n := d.count(); n > 0 {
		r.skipped = make([]resource.Skipped, n)
		for i := range r.skipped {
			r.skipped[i] = resource.Skipped{File: d.str(), Line: d.int(), APIVersion: d.str(), Kind: d.str(), Name: d.str()}
		}
	}
	if n := d.count(); n > 0 {
		errs := make([]error, n)
		for i := range errs {
			errs[i] = &ParseError{File: d.str(), Line: d.int(), Msg: d.str()}
		}
		r.err = errors.Join(errs...)
	}
	if n := d.count(); n > 0 {
		r.notes = make([]yaml11Note, n)
		for i := range r.notes {
			idx := d.count()
			if idx >= len(r.objects) {
				d.fail()
				return fileResult{}
			}
			o := r.objects[idx]
			path := make([]string, d.count())
			for j := range path {
				path[j] = d.str()
			}
			note := ScalarNote{Origin: *o.Origin, Key: o.Key, Path: d.str()}
			note.YAML12, note.YAML11 = d.value(0), d.value(0)
			r.notes[i] = yaml11Note{note: note, obj: o, path: path}
		}
	}
	if d.err != nil {
		return fileResult{}
	}
	return r
}
