// Package manifest edits multi-document YAML manifests in place: it finds
// the documents of a file, rewrites one of them to express a new desired
// object, and writes the file back so that everything outside the edited
// document, and as much as possible inside it, stays byte for byte.
package manifest
