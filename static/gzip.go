package static

import (
	"bytes"
	"compress/gzip"
	"strings"
)

// precompress returns body gzipped at the best compression, or nil when
// that does not make it smaller (tiny or already compressed files).
func precompress(body []byte) []byte {
	var buf bytes.Buffer
	gz, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil
	}
	if _, err := gz.Write(body); err != nil {
		return nil
	}
	if err := gz.Close(); err != nil || buf.Len() >= len(body) {
		return nil
	}
	return buf.Bytes()
}

// AcceptsGzip reports whether an Accept-Encoding request header allows a
// gzip-encoded answer: gzip (or "*") is listed without q=0.
func AcceptsGzip(header string) bool {
	for header != "" {
		var part string
		part, header, _ = strings.Cut(header, ",")
		name, params, _ := strings.Cut(part, ";")
		name = strings.TrimSpace(name)
		if !strings.EqualFold(name, "gzip") && name != "*" {
			continue
		}
		q := strings.ToLower(strings.ReplaceAll(params, " ", ""))
		if strings.HasPrefix(q, "q=0") && strings.Trim(q[len("q=0"):], ".0") == "" {
			return false
		}
		return true
	}
	return false
}
