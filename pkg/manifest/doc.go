// Package manifest edits YAML manifests in place, for GitOps: a file may
// hold many documents, comments, "---" separators and kinds nobody here
// manages, and a change to one object must change only that object's text.
//
// Split finds the documents of a file, numbered as yaml.v3's Decoder
// numbers them. ParseDoc reads one document as an unstructured object.
// Rewrite turns a document's text into text for a changed object, editing
// the original in place so that everything it does not need to touch,
// comments and blank lines included, stays byte for byte. ReplaceDoc,
// AppendDoc and DeleteDoc put the result back into the file (or add or
// remove a whole document) without disturbing the other documents; Encode
// writes a new object the way kubectl users expect to read it.
//
// A typical edit:
//
//	docs := manifest.Split(src)
//	d := docs[i]
//	obj, err := manifest.ParseDoc(src[d.Start:d.End])
//	// ... change obj ...
//	text, err := manifest.Rewrite(src[d.Start:d.End], obj)
//	src = manifest.ReplaceDoc(src, d, text)
//
// Line breaks may be "\n" or "\r\n"; the package keeps whichever a file
// uses.
package manifest
