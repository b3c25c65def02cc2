package clusterstate

import (
	"bytes"
	"errors"
	"io"
	"strconv"

	"github.com/go-json-experiment/json/jsontext"
)

// unmarshalObject decodes a JSON object into the values client-go's
// unstructured decoder gives (k8s.io/apimachinery/pkg/util/json.Unmarshal):
// map[string]any, []any (never nil), string, bool, nil, int64 for an
// integer without a decimal point that fits, else float64; a repeated name
// keeps its last value, invalid UTF-8 becomes U+FFFD.
//
// It reads the bytes once with jsontext's validating tokenizer (where
// encoding/json validates the whole document first and then decodes it
// again), and allocates each distinct short string once per document: the
// names and the many repeated values of a LIST page (managedFields' "f:"
// keys, apiVersions, namespaces, managers). Any error means "decode it the
// other way" to the caller, which leaves the message to client-go.
func unmarshalObject(data []byte) (map[string]any, error) {
	r := jsonReader{
		dec:    jsontext.NewDecoder(bytes.NewBuffer(data), jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true)),
		strs:   map[string]string{},
		unique: 0,
	}
	if r.dec.PeekKind() != '{' {
		return nil, errors.New("not a JSON object")
	}
	v, err := r.value()
	if err != nil {
		return nil, err
	}
	if _, err := r.dec.ReadToken(); err != io.EOF {
		return nil, errors.New("data after the top-level value")
	}
	return v.(map[string]any), nil
}

// internMax is the longest string interned; internEntries bounds the
// table (a page of 500 objects has a few thousand distinct short strings).
const (
	internMax     = 48
	internEntries = 1 << 14
)

type jsonReader struct {
	dec    *jsontext.Decoder
	strs   map[string]string
	unique int
}

// value reads one value.
func (r *jsonReader) value() (any, error) {
	switch r.dec.PeekKind() {
	case '{':
		if _, err := r.dec.ReadToken(); err != nil {
			return nil, err
		}
		m := map[string]any{}
		for r.dec.PeekKind() == '"' {
			raw, err := r.dec.ReadValue()
			if err != nil {
				return nil, err
			}
			// raw is void once the decoder moves on.
			key := r.text(raw)
			v, err := r.value()
			if err != nil {
				return nil, err
			}
			m[key] = v
		}
		if _, err := r.dec.ReadToken(); err != nil { // '}' or the error
			return nil, err
		}
		return m, nil
	case '[':
		if _, err := r.dec.ReadToken(); err != nil {
			return nil, err
		}
		a := []any{}
		for r.dec.PeekKind() != ']' {
			v, err := r.value()
			if err != nil {
				return nil, err
			}
			a = append(a, v)
		}
		if _, err := r.dec.ReadToken(); err != nil {
			return nil, err
		}
		return a, nil
	}
	raw, err := r.dec.ReadValue()
	if err != nil {
		return nil, err
	}
	switch raw[0] {
	case '"':
		return r.text(raw), nil
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
func (r *jsonReader) text(raw []byte) string {
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
	if s, ok := r.strs[string(body)]; ok {
		return s
	}
	s := string(body)
	if r.unique < internEntries {
		r.strs[s] = s
		r.unique++
	}
	return s
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
