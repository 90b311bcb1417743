// Package static holds the dashboard's browser assets (vendored htmx, CSS,
// the small scripts) embedded in the binary, and serves them under
// content-hashed names so browsers may cache them forever.
package static

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
)

// files holds every asset; the .go, .md and version files are not served.
//
//go:embed *.js *.css *.svg
var files embed.FS

// Prefix is the URL path under which assets are served.
const Prefix = "/static/"

type asset struct {
	body        []byte
	gzipped     []byte // body gzipped once at Load; nil when that is no smaller
	contentType string
}

// Assets maps logical asset names ("htmx.min.js") to content-hashed URLs
// ("/static/htmx.min.3f2a9c1d0b4e.js") and serves those URLs.
type Assets struct {
	urls   map[string]string // logical name → hashed URL
	byPath map[string]asset  // hashed file name → content
}

// Load reads and hashes every embedded asset.
func Load() (*Assets, error) {
	return load(files)
}

func load(fsys fs.FS) (*Assets, error) {
	a := &Assets{urls: map[string]string{}, byPath: map[string]asset{}}
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("static: list assets: %w", err)
	}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		name := e.Name()
		body, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("static: read %s: %w", name, err)
		}
		sum := sha256.Sum256(body)
		ext := path.Ext(name)
		hashed := strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:6]) + ext
		ctype := mime.TypeByExtension(ext)
		if ctype == "" {
			ctype = "application/octet-stream"
		}
		a.urls[name] = Prefix + hashed
		a.byPath[hashed] = asset{body: body, gzipped: precompress(body), contentType: ctype}
	}
	return a, nil
}

// URL returns the content-hashed URL of a logical asset name. It panics on
// an unknown name: asset names are compile-time constants in the views, and
// a typo must fail the first test that renders the page.
func (a *Assets) URL(name string) string {
	u, ok := a.urls[name]
	if !ok {
		panic("static: unknown asset " + name)
	}
	return u
}

// Serve answers a request for a hashed asset path (Prefix and the hashed
// name) with Cache-Control: immutable and reports true. For any other path
// it writes nothing and reports false, so that the caller answers the miss
// with the same not-found page as every other address.
func (a *Assets) Serve(w http.ResponseWriter, r *http.Request) bool {
	name := strings.TrimPrefix(r.URL.Path, Prefix)
	f, ok := a.byPath[name]
	if !ok {
		return false
	}
	h := w.Header()
	h.Set("Content-Type", f.contentType)
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("X-Content-Type-Options", "nosniff")
	body := f.body
	if f.gzipped != nil {
		// Precompressed at Load: no compression work per request.
		if !VariesOnAcceptEncoding(h) {
			h.Add("Vary", "Accept-Encoding")
		}
		if AcceptsGzip(r.Header.Get("Accept-Encoding")) {
			h.Set("Content-Encoding", "gzip")
			body = f.gzipped
		}
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
	return true
}

// VariesOnAcceptEncoding reports whether a Vary value of h already names
// Accept-Encoding: the compression middleware in front of the assets names
// it too, and a response should say it once.
func VariesOnAcceptEncoding(h http.Header) bool {
	for _, v := range h["Vary"] {
		for v != "" {
			var f string
			f, v, _ = strings.Cut(v, ",")
			if strings.EqualFold(strings.TrimSpace(f), "Accept-Encoding") {
				return true
			}
		}
	}
	return false
}
