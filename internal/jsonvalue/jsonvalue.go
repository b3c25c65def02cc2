// Package jsonvalue decodes JSON into the values client-go's unstructured
// decoder gives (k8s.io/apimachinery/pkg/util/json.Unmarshal), faster:
// map[string]any, []any (never nil), string, bool, nil, int64 for an
// integer without a decimal point that fits, else float64; a repeated name
// keeps its last value, invalid UTF-8 becomes U+FFFD.
//
// It reads the bytes once with jsontext's validating tokenizer (where
// encoding/json validates the whole document first and then decodes it
// again), makes each map and slice once at its final size, and allocates
// each distinct short string once: the names and the many repeated values of
// a LIST page (managedFields' "f:" keys, apiVersions, namespaces, managers).
//
// List keeps one part of a LIST page as text: the fieldsV1 of each item's
// metadata.managedFields entries, the field sets server-side apply records.
// They are half the maps of an object, and only the removal rules of a
// server-side applied object read them (metav1.FieldsV1 keeps them as raw
// bytes too). FieldsV1 reads either form; ExpandFieldsV1 turns the text back
// into maps for output.
package jsonvalue

import (
	"bytes"
	"errors"
	"hash/maphash"
	"io"
	"strconv"
	"sync"

	"github.com/go-json-experiment/json/jsontext"
)

// Object decodes a JSON object. Any error means "decode it the other way"
// to the caller, which leaves the message to client-go.
func Object(data []byte) (map[string]any, error) {
	return decode(data, plain)
}

// List decodes a LIST response, a JSON object, keeping the fieldsV1 of
// items[*].metadata.managedFields[*] as JSON text (a string). Errors are as
// Object's.
func List(data []byte) (map[string]any, error) {
	return decode(data, list)
}

// ListFrom is List reading the response from r as it comes: no copy of
// the whole page is made (every value is copied out of the decoder's
// window). Errors are as List's; the caller tells a lost connection from
// a response that is not a list by what r returned.
func ListFrom(r io.Reader) (map[string]any, error) {
	dec := decoders.Get().(*jsontext.Decoder)
	dec.Reset(r, decodeOptions...)
	defer func() {
		dec.Reset(eof{}, decodeOptions...) // drop r
		decoders.Put(dec)
	}()
	return decodeWith(dec, list)
}

var (
	decodeOptions = []jsontext.Options{jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true)}
	decoders      = sync.Pool{New: func() any { return jsontext.NewDecoder(eof{}) }}
)

// eof is an empty reader.
type eof struct{}

func (eof) Read([]byte) (int, error) { return 0, io.EOF }

func decode(data []byte, top place) (map[string]any, error) {
	return decodeWith(jsontext.NewDecoder(bytes.NewBuffer(data), decodeOptions...), top)
}

func decodeWith(dec *jsontext.Decoder, top place) (map[string]any, error) {
	r := reader{dec: dec, strings: internTables.Get().(*internTable)}
	defer internTables.Put(r.strings)
	if r.dec.PeekKind() != '{' {
		return nil, errors.New("not a JSON object")
	}
	v, err := r.value(top)
	if err != nil {
		return nil, err
	}
	if _, err := r.dec.ReadToken(); err != io.EOF {
		return nil, errors.New("data after the top-level value")
	}
	return v.(map[string]any), nil
}

// place is where in a LIST page a value is, as far as List cares: the way
// down to the fieldsV1 it keeps as text.
type place uint8

const (
	plain        place = iota // anywhere else
	list                      // the page
	items                     // its items
	item                      // one item
	metadata                  // an item's metadata
	managedList               // its managedFields
	managedEntry              // one entry of them
)

// member is the place of a member named name of an object at p.
func (p place) member(name string) place {
	switch {
	case p == list && name == "items":
		return items
	case p == item && name == "metadata":
		return metadata
	case p == metadata && name == "managedFields":
		return managedList
	}
	return plain
}

// element is the place of an element of an array at p.
func (p place) element() place {
	switch p {
	case items:
		return item
	case managedList:
		return managedEntry
	}
	return plain
}

// internMax is the longest string interned.
const internMax = 48

// internTable is a direct-mapped cache of short strings, each with the
// same string as an any (boxed once too): a lookup is one hash and one
// comparison, and a collision replaces the entry. A page of 500 objects has
// a few thousand distinct short strings; entries left from an earlier page
// are strings like any other, shared further.
type internTable struct {
	slots [1 << 12]internSlot
}

type internSlot struct {
	s string
	v any // s as an any, once asked for; nil until then
}

var (
	internSeed   = maphash.MakeSeed()
	internTables = sync.Pool{New: func() any { return new(internTable) }}
)

// slot is body's entry, filled with body.
func (t *internTable) slot(body []byte) *internSlot {
	e := &t.slots[maphash.Bytes(internSeed, body)&(uint64(len(t.slots))-1)]
	if e.s != string(body) {
		e.s, e.v = string(body), nil
	}
	return e
}

type reader struct {
	dec     *jsontext.Decoder
	strings *internTable
	// pairs and elems hold the members of the objects and arrays being
	// read, so that each map and slice is made once at its final size.
	pairs []member
	elems []any
}

type member struct {
	name  string
	value any
}

// value reads one value at p.
func (r *reader) value(p place) (any, error) {
	switch r.dec.PeekKind() {
	case '{':
		if _, err := r.dec.ReadToken(); err != nil {
			return nil, err
		}
		base := len(r.pairs)
		for r.dec.PeekKind() == '"' {
			raw, err := r.dec.ReadValue()
			if err != nil {
				return nil, err
			}
			// raw is void once the decoder moves on.
			key := r.text(raw)
			var v any
			if p == managedEntry && key == "fieldsV1" && r.dec.PeekKind() == '{' {
				if raw, err = r.dec.ReadValue(); err != nil {
					return nil, err
				}
				v = string(raw)
			} else if v, err = r.value(p.member(key)); err != nil {
				return nil, err
			}
			r.pairs = append(r.pairs, member{key, v})
		}
		if _, err := r.dec.ReadToken(); err != nil { // '}' or the error
			return nil, err
		}
		m := make(map[string]any, len(r.pairs)-base)
		for _, p := range r.pairs[base:] {
			m[p.name] = p.value
		}
		clear(r.pairs[base:])
		r.pairs = r.pairs[:base]
		return m, nil
	case '[':
		if _, err := r.dec.ReadToken(); err != nil {
			return nil, err
		}
		base := len(r.elems)
		for r.dec.PeekKind() != ']' {
			v, err := r.value(p.element())
			if err != nil {
				return nil, err
			}
			r.elems = append(r.elems, v)
		}
		if _, err := r.dec.ReadToken(); err != nil {
			return nil, err
		}
		a := make([]any, len(r.elems)-base)
		copy(a, r.elems[base:])
		clear(r.elems[base:])
		r.elems = r.elems[:base]
		return a, nil
	}
	raw, err := r.dec.ReadValue()
	if err != nil {
		return nil, err
	}
	switch raw[0] {
	case '"':
		return r.textValue(raw), nil
	case 't':
		return true, nil
	case 'f':
		return false, nil
	case 'n':
		return nil, nil
	}
	if bytes.IndexByte(raw, '.') < 0 {
		if i, err := strconv.ParseInt(string(raw), 10, 64); err == nil {
			return i, nil
		}
	}
	return strconv.ParseFloat(string(raw), 64)
}

// text is the string a quoted JSON string stands for.
func (r *reader) text(raw []byte) string {
	body := raw[1 : len(raw)-1]
	if !plainASCII(body) {
		// The decoder has checked the syntax: the only error left is
		// invalid UTF-8, which is replaced as encoding/json replaces it.
		s, _ := jsontext.AppendUnquote(nil, raw)
		return string(s)
	}
	if len(body) > internMax {
		return string(body)
	}
	return r.strings.slot(body).s
}

// textValue is text(raw) as an any, interned as text interns.
func (r *reader) textValue(raw []byte) any {
	body := raw[1 : len(raw)-1]
	if len(body) > internMax || !plainASCII(body) {
		return r.text(raw)
	}
	e := r.strings.slot(body)
	if e.v == nil {
		e.v = e.s
	}
	return e.v
}

// plainASCII reports whether a JSON string's body has no escape and no
// byte outside ASCII (its bytes are its value).
func plainASCII(b []byte) bool {
	for _, c := range b {
		if c == '\\' || c >= 0x80 {
			return false
		}
	}
	return true
}

// FieldsV1 is a managedFields entry's fieldsV1 as a map, from either form:
// the map client-go decodes, or the JSON text List keeps (or some clients
// store). It is nil when absent or not a JSON object.
func FieldsV1(v any) map[string]any {
	switch f := v.(type) {
	case map[string]any:
		return f
	case string:
		m, _ := Object([]byte(f))
		return m
	}
	return nil
}

// ExpandFieldsV1 turns the fieldsV1 text of obj's metadata.managedFields
// entries into maps, in place, so that obj prints as the API server sent
// it.
func ExpandFieldsV1(obj map[string]any) {
	md, _ := obj["metadata"].(map[string]any)
	entries, _ := md["managedFields"].([]any)
	for _, e := range entries {
		entry, _ := e.(map[string]any)
		if text, ok := entry["fieldsV1"].(string); ok {
			if m := FieldsV1(text); m != nil {
				entry["fieldsV1"] = m
			}
		}
	}
}
