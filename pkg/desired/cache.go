package desired

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash/crc32"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"unsafe"

	"github.com/githedgehog/kubectl-hnp/internal/atomicfile"
)

// ContentFS is an fs.FS that names the content of its files and
// directories by hash, as a Git tree does: equal hashes, equal content (a
// directory's hash covers everything below it). LoadFS keeps what it
// parsed from one in its ParseCache, and parses again only the files whose
// content changed: nothing at all when the fabric's directory is the same.
type ContentFS interface {
	fs.FS
	// ContentHash returns the hash of the content of name, a file (its
	// blob) or a directory (its tree), following symbolic links; ok is
	// false when it is not known.
	ContentHash(name string) (hash string, ok bool)
	// ParseCache returns the cache of parsed files; nil for none.
	ParseCache() *Cache
}

// HashedEntry is a directory entry of a ContentFS that knows the hash of
// its file's content, as ContentHash would return it (a Git tree entry):
// LoadFS then need not look each file up by its path.
type HashedEntry interface {
	fs.DirEntry
	// ContentHash returns the hash of the file's content; ok is false
	// when it is not known (a symbolic link).
	ContentHash() (hash string, ok bool)
}

// Cache keeps the parsed manifests of a fabric's directory on disk, one
// entry per directory: the directory's hash, and for each file its path,
// its content's hash and everything its parse yielded (objects with their
// origins, skipped documents, parse errors, YAML 1.1 notes). LoadFS
// returns the entry whole when the directory's hash is unchanged (and it
// holds no symbolic link), and otherwise reuses the results of the files
// whose path and hash are unchanged. An entry is written atomically and
// checked when read (a checksum, the format and the binary that wrote it):
// a damaged, foreign or older entry is ignored and written again. The
// cache only ever saves parsing: what LoadFS returns is what a parse
// returns.
type Cache struct {
	// Dir holds the entries.
	Dir string

	mu      sync.Mutex
	pending map[string]<-chan *cacheEntry
}

// Prefetch starts reading the entry of dir (a fabric's directory, as LoadFS
// is given it) in the background, so that it overlaps other work (a fetch):
// the next LoadFS of dir takes what it read instead of reading the file. What
// it read is checked against the directory's tree as any entry is.
func (c *Cache) Prefetch(dir string) {
	clean := path.Clean("./" + filepath.ToSlash(dir))
	ch := make(chan *cacheEntry, 1)
	c.mu.Lock()
	if c.pending == nil {
		c.pending = map[string]<-chan *cacheEntry{}
	}
	c.pending[clean] = ch
	c.mu.Unlock()
	go func() { ch <- c.readFile(clean) }()
}

// cacheFormat changes whenever the entry's layout or the meaning of what
// it holds changes.
const cacheFormat = "hnp-desired-cache/1\n"

// buildID names the binary that writes an entry: its module version and
// VCS stamp, and the executable's size and time, so that a rebuilt binary
// (whose parser may differ) never reads the entries of another.
var buildID = sync.OnceValue(func() string {
	var b strings.Builder
	if bi, ok := debug.ReadBuildInfo(); ok {
		b.WriteString(bi.GoVersion + " " + bi.Main.Path + "@" + bi.Main.Version)
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" || s.Key == "vcs.modified" {
				b.WriteString(" " + s.Value)
			}
		}
	}
	if exe, err := os.Executable(); err == nil {
		if fi, err := os.Stat(exe); err == nil {
			fmt.Fprintf(&b, " %s %d %d", exe, fi.Size(), fi.ModTime().UnixNano())
		}
	}
	return b.String()
})

// castagnoli is the checksum of an entry (hardware-assisted CRC-32C).
var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// cacheEntry is an entry read or to write.
type cacheEntry struct {
	tree  string
	whole bool
	files []cachedFile
}

// decodeRecord decodes what one file yielded; false when the record is
// damaged.
func decodeRecord(raw string) (fileResult, bool) {
	d := &decoder{data: raw}
	r := d.result()
	return r, d.err == nil && d.off == len(d.data)
}

// fileKey is a file's path and content hash.
type fileKey struct{ rel, hash string }

// byFile indexes the entry's files by path and content hash; nil for no
// entry.
func (e *cacheEntry) byFile() map[fileKey]int {
	if e == nil {
		return nil
	}
	m := make(map[fileKey]int, len(e.files))
	for i, f := range e.files {
		m[fileKey{f.rel, f.hash}] = i
	}
	return m
}

// cachedFile is one file of an entry and what its parse yielded: raw, as
// stored (decoded on demand), or result.
type cachedFile struct {
	rel, hash string
	raw       string
	result    fileResult
}

// path returns the entry file of the fabric directory dir.
func (c *Cache) path(dir string) string {
	sum := sha256.Sum256([]byte(dir))
	return filepath.Join(c.Dir, hex.EncodeToString(sum[:16])+".bin")
}

// read returns the entry of dir, nil when there is none that this binary
// wrote intact for dir. The files' results stay encoded (raw).
func (c *Cache) read(dir string) *cacheEntry {
	c.mu.Lock()
	ch := c.pending[dir]
	delete(c.pending, dir)
	c.mu.Unlock()
	if ch != nil {
		return <-ch
	}
	return c.readFile(dir)
}

// readFile reads the entry of dir from its file.
func (c *Cache) readFile(dir string) *cacheEntry {
	b, err := os.ReadFile(c.path(dir))
	if err != nil || len(b) < 4 {
		return nil
	}
	body := b[:len(b)-4]
	if crc32.Checksum(body, castagnoli) != binary.LittleEndian.Uint32(b[len(b)-4:]) {
		return nil
	}
	// The decoder reads strings; the file's bytes are never changed, so
	// they are used as one without a copy of the whole entry.
	d := &decoder{data: unsafe.String(&body[0], len(body))}
	if d.str() != cacheFormat || d.str() != buildID() || d.str() != dir {
		return nil
	}
	e := &cacheEntry{}
	for d.err == nil && d.byte() == 1 {
		rec := &decoder{data: d.str()}
		f := cachedFile{rel: rec.str(), hash: rec.str()}
		if rec.err != nil {
			return nil
		}
		f.raw = rec.data[rec.off:]
		e.files = append(e.files, f)
	}
	e.tree, e.whole = d.str(), d.byte() == 1
	if d.err != nil || d.off != len(d.data) {
		return nil
	}
	return e
}

// decode decodes the results of the files at idx of e concurrently; ok is
// false when one is damaged.
func (e *cacheEntry) decode(idx []int) bool {
	workers := min(runtime.GOMAXPROCS(0), len(idx)/256+1)
	bad := make([]bool, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for k := w; k < len(idx); k += workers {
				f := &e.files[idx[k]]
				var ok bool
				if f.result, ok = decodeRecord(f.raw); !ok {
					bad[w] = true
				}
			}
		})
	}
	wg.Wait()
	return !slices.Contains(bad, true)
}

// write stores the entry of dir: its files (those whose result can be
// stored exactly; a file read from the entry is copied as it was), and
// whether it is whole, all of the directory. A cache that cannot be
// written is not an error: the next run parses again.
func (c *Cache) write(dir string, e *cacheEntry) {
	size := 4096
	for i := range e.files {
		size += len(e.files[i].raw) + 512 // a file not yet encoded: a guess
	}
	enc := &encoder{buf: make([]byte, 0, size)}
	enc.str(cacheFormat)
	enc.str(buildID())
	enc.str(dir)
	whole := e.whole
	rec := &encoder{}
	for i := range e.files {
		f := &e.files[i]
		rec.buf = rec.buf[:0]
		rec.str(f.rel)
		rec.str(f.hash)
		if f.raw != "" {
			rec.buf = append(rec.buf, f.raw...)
		} else if err := rec.result(&f.result); err != nil {
			whole = false
			continue
		}
		enc.buf = append(enc.buf, 1)
		enc.uint(uint64(len(rec.buf)))
		enc.buf = append(enc.buf, rec.buf...)
	}
	enc.buf = append(enc.buf, 0)
	enc.str(e.tree)
	if whole {
		enc.buf = append(enc.buf, 1)
	} else {
		enc.buf = append(enc.buf, 0)
	}
	enc.buf = binary.LittleEndian.AppendUint32(enc.buf, crc32.Checksum(enc.buf, castagnoli))
	if err := os.MkdirAll(c.Dir, 0o700); err != nil {
		return
	}
	_ = atomicfile.WriteCache(c.path(dir), enc.buf, 0o600)
}

// loadCached is LoadFS through the cache of fsys. dir is clean.
func (c *Cache) loadCached(fsys ContentFS, dir string) (*State, error) {
	tree, treeKnown := fsys.ContentHash(dir)
	old := c.read(dir)
	if old != nil && treeKnown && old.whole && old.tree == tree {
		all := make([]int, len(old.files))
		for i := range all {
			all[i] = i
		}
		if old.decode(all) {
			results := make([]fileResult, len(old.files))
			for i := range old.files {
				results[i] = old.files[i].result
			}
			return assemble(dir, results, nil)
		}
		old = nil
	}
	known := old.byFile()
	files, errs := listFS(fsys, dir)
	e := &cacheEntry{tree: tree, whole: treeKnown && len(errs) == 0, files: make([]cachedFile, 0, len(files))}
	// at is the entry's file of each of files; -1 for one not stored.
	at := make([]int, len(files))
	var reuse []int
	for i, m := range files {
		h, ok := m.hash, m.hash != ""
		if !ok {
			h, ok = fsys.ContentHash(m.path)
		}
		if m.link || !ok {
			e.whole = false
		}
		at[i] = -1
		if !ok {
			continue
		}
		at[i] = len(e.files)
		f := cachedFile{rel: m.rel, hash: h}
		if j, hit := known[fileKey{m.rel, h}]; hit {
			f.raw = old.files[j].raw
			reuse = append(reuse, at[i])
		}
		e.files = append(e.files, f)
	}
	if !e.decode(reuse) {
		for _, j := range reuse {
			e.files[j].raw = ""
		}
		reuse = nil
	}
	results := make([]fileResult, len(files))
	var todo []int
	for i := range files {
		if at[i] >= 0 && e.files[at[i]].raw != "" {
			results[i] = e.files[at[i]].result
		} else {
			todo = append(todo, i)
		}
	}
	if len(todo) > 0 {
		parse := make([]manifest, len(todo))
		for j, i := range todo {
			parse[j] = files[i]
		}
		for j, r := range parseFiles(parse) {
			i := todo[j]
			results[i] = r
			if at[i] >= 0 {
				e.files[at[i]].result = r
			}
		}
	}
	if len(todo) > 0 || old == nil || old.tree != e.tree || old.whole != e.whole || len(old.files) != len(e.files) {
		c.write(dir, e)
	}
	return assemble(dir, results, errs)
}
