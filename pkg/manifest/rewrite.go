package manifest

import (
	"bytes"
	"errors"
	"fmt"
)

// Rewrite returns the text of one document (doc, as Split delimits it)
// changed to express updated, an object in the generic form ParseDoc
// returns, disturbing the text as little as it can:
//
//   - When doc already means updated (key order and 1001 against 1001.0
//     do not matter), doc itself comes back, byte for byte.
//   - Otherwise the text is edited in place where it can be: a scalar's
//     new value is spliced over its old text, in the old quoting where
//     the value allows and before any line comment; a removed key or list
//     element loses its lines and the comments that introduce it; new keys
//     are added at the end of their mapping in sorted order; list elements
//     are matched up so that unchanged ones stay put, and those that change
//     are updated in place; only new content and values that change kind
//     are encoded, in the indentation the document uses. A flow collection
//     ({a: 1}) that changes shape is rewritten on one line. Every other
//     byte, comments and blank lines included, stays.
//   - When that cannot be done (aliases into changed values, merge keys,
//     keys of unusual shape, a top that is not a mapping), the document's
//     node tree is updated the same way and encoded whole, in its
//     indentation: comments and key order survive, blank lines and spacing
//     may not.
//
// The result always reads back as updated (numbers by value), keeps doc's
// line breaks ("\r\n" or "\n") and ends with a line break only if doc
// does (or a multi-line string at its very end needs one). A doc without content (empty or only comments) gets updated
// encoded as by Encode after its comments. doc must parse.
func Rewrite(doc []byte, updated map[string]interface{}) ([]byte, error) {
	if updated == nil {
		return nil, errors.New("no object to write")
	}
	cv, err := canonical(updated, "")
	if err != nil {
		return nil, err
	}
	want := cv.(map[string]interface{})
	if bytes.HasPrefix(doc, bom) {
		out, err := Rewrite(doc[len(bom):], want)
		return append(append([]byte{}, bom...), out...), err
	}
	docNode, err := parseNode(doc)
	if err != nil {
		return nil, fmt.Errorf("the document does not parse: %w", err)
	}
	br := eol(doc)
	if docNode == nil {
		return rewriteEmpty(doc, want, br)
	}
	root := docNode.Content[0]
	have, err := nodeValue(root)
	if err != nil {
		return nil, err
	}
	if equalValues(have, want) {
		noteTier("unchanged")
		return doc, nil
	}
	lay := detectLayout(root)
	if out, err := patch(doc, root, want, lay, br); err == nil {
		if out, ok := accept(out, want, br); ok {
			noteTier("patch")
			return out, nil
		}
	}
	if out, err := reencode(doc, want, lay, br); err == nil {
		if out, ok := accept(out, want, br); ok {
			noteTier("reencode")
			return out, nil
		}
	}
	out, err := encodeNode(topNode(want), lay)
	if err != nil {
		return nil, err
	}
	if out, ok := accept(finish(out, doc, br), want, br); ok {
		noteTier("encode")
		return out, nil
	}
	return nil, errors.New("the object has no YAML form that reads back the same")
}

// accept returns out if it reads back as want, or else out with a final
// line break if that does: a block scalar at the very end of a document
// may need it.
func accept(out []byte, want map[string]interface{}, br string) ([]byte, bool) {
	if means(out, want) {
		return out, true
	}
	if !endsWithEOL(out) {
		out = append(out, br...)
		return out, means(out, want)
	}
	return nil, false
}

// noteTier is told which way Rewrite produced its result: "unchanged",
// "patch" (edited in place), "reencode" (the updated node tree encoded) or
// "encode" (the object encoded afresh). Tests watch it.
var noteTier = func(string) {}

// rewriteEmpty writes want after the comments of a document without
// content.
func rewriteEmpty(doc []byte, want map[string]interface{}, br string) ([]byte, error) {
	enc, err := Encode(want)
	if err != nil {
		return nil, err
	}
	var out []byte
	if len(bytes.TrimSpace(doc)) > 0 {
		out = append(out, doc...)
		if !endsWithEOL(out) {
			out = append(out, br...)
		}
	}
	return append(out, withEOL(enc, br)...), nil
}

// reencode updates the document's node tree to want and encodes it whole.
func reencode(doc []byte, want map[string]interface{}, lay layout, br string) ([]byte, error) {
	d, err := parseNode(doc)
	if err != nil {
		return nil, err
	}
	d.Content[0] = mergeNode(d.Content[0], want)
	out, err := encodeNode(d, lay)
	if err != nil {
		return nil, err
	}
	return finish(out, doc, br), nil
}

// finish gives encoded text doc's line breaks and final line break.
func finish(out, doc []byte, br string) []byte {
	out = withEOL(out, br)
	if !endsWithEOL(doc) {
		out = trimEOL(out)
	}
	return out
}

// means reports whether text is one document that reads back as want.
func means(text []byte, want map[string]interface{}) bool {
	got, err := ParseDoc(text)
	return err == nil && got != nil && equalValues(got, want)
}
