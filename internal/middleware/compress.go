package middleware

import (
	"bufio"
	"io"
	"mime"
	"net"
	"net/http"
	"runtime"
	"sync"

	"github.com/gin-gonic/gin"
	"github.com/klauspost/compress/gzip"

	"jobboard/static"
)

// Response compression. Text bodies (HTML, CSS, JavaScript, JSON, CSV) of
// at least CompressOptions.MinSize bytes are gzipped for clients that accept it;
// smaller ones, other types and responses that already carry a
// Content-Encoding (the precompressed static assets) go out as they are.
// Streaming responses keep streaming: Flush flushes the gzip stream, then
// the connection.
//
// The gzip writer is github.com/klauspost/compress/gzip, compress/gzip's
// API with a faster encoder: a browser's fragment request (20 rows, asked
// for gzip, dashboard against a canned upstream, interleaved A/B of the
// two builds) costs 12–16 % less CPU end to end for 3 % more bytes, and a
// pooled writer holds about 490 KiB instead of 1.2 MiB.
const (
	// DefaultCompressLevel trades CPU for bytes. Measured on a 20-row results
	// fragment (21 KB, views.BenchmarkGzipLevels): level 1 gives 3.5 KB
	// for about 28 µs, level 5 3.1 KB for 51 µs, level 6 3.0 KB for 72 µs.
	// The few hundred bytes are not worth twice the CPU.
	DefaultCompressLevel = gzip.BestSpeed
	// DefaultCompressMinSize is the smallest body worth a gzip header and
	// the CPU.
	DefaultCompressMinSize = 1024
)

// CompressOptions configures Compress; zero fields take the defaults.
type CompressOptions struct {
	Level   int // gzip level (DefaultCompressLevel)
	MinSize int // smallest body compressed (DefaultCompressMinSize)
}

// Compress gzips text responses for clients that accept them (see above).
// Every response says Vary: Accept-Encoding. Register it outside panic
// recovery, so that an error page after a panic is compressed too.
func Compress(opts CompressOptions) gin.HandlerFunc {
	if opts.Level == 0 {
		opts.Level = DefaultCompressLevel
	}
	if opts.MinSize == 0 {
		opts.MinSize = DefaultCompressMinSize
	}
	return newCompressor(opts.Level, opts.MinSize).handle
}

// Header values of every compressed or compressible response (SharedValue).
var (
	varyAcceptEncoding  = SharedValue("Accept-Encoding")
	contentEncodingGzip = SharedValue("gzip")
)

// compressor is the compression middleware with its pool of gzip writers.
// A gzip writer holds about 490 KiB of tables, so at most cap(slots)
// responses are compressed at once (compression is CPU-bound: more than a
// couple per core gains nothing); a response that finds no free slot goes
// out plain rather than wait or grow memory.
type compressor struct {
	level   int
	minSize int
	writers sync.Pool // *gzip.Writer at level
	slots   chan struct{}
}

func newCompressor(level, minSize int) *compressor {
	return &compressor{level: level, minSize: minSize, slots: make(chan struct{}, max(4, 2*runtime.GOMAXPROCS(0)))}
}

// handle gzips the response when the client accepts it.
func (z *compressor) handle(c *gin.Context) {
	if !static.AcceptsGzip(c.Request.Header.Get("Accept-Encoding")) || c.Request.Method == http.MethodHead {
		AddValue(c.Writer.Header(), "Vary", varyAcceptEncoding)
		c.Next()
		return
	}
	w := &gzipWriter{ResponseWriter: c.Writer, z: z}
	c.Writer = w
	defer func() {
		w.finish()
		c.Writer = w.ResponseWriter
	}()
	c.Next()
}

// get returns a gzip writer onto w, or nil when every slot is taken.
func (z *compressor) get(w io.Writer) *gzip.Writer {
	select {
	case z.slots <- struct{}{}:
	default:
		return nil
	}
	if gz, ok := z.writers.Get().(*gzip.Writer); ok {
		gz.Reset(w)
		return gz
	}
	gz, err := gzip.NewWriterLevel(w, z.level)
	if err != nil { // an invalid level is a programming error
		panic(err)
	}
	return gz
}

// compressible reports whether a Content-Type is text worth gzipping.
func compressible(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	switch mt {
	case "text/html", "text/css", "text/javascript", "application/javascript",
		"application/json", "text/csv", "text/plain", "image/svg+xml":
		return true
	}
	return false
}

// gzipWriter holds back the first bytes of a body until it knows whether
// to compress: once minSize bytes are written, at a Flush or at
// the end of the request.
type gzipWriter struct {
	gin.ResponseWriter
	z       *compressor
	held    []byte
	decided bool
	gz      *gzip.Writer // nil: the body goes out as it is
}

// decide chooses, once, between gzip and plain, then writes what was
// held back. final means the handler has finished: the whole body is held.
func (w *gzipWriter) decide(final bool) error {
	w.decided = true
	hd := w.Header()
	status := w.Status()
	text := compressible(hd.Get("Content-Type"))
	if text && !static.VariesOnAcceptEncoding(hd) {
		AddValue(hd, "Vary", varyAcceptEncoding)
	}
	// Not when the headers are out already (an explicit WriteHeaderNow),
	// the body is encoded already, or there is no body to speak of.
	ok := text && !w.ResponseWriter.Written() && hd.Get("Content-Encoding") == "" &&
		status >= 200 && status != http.StatusNoContent && status != http.StatusNotModified &&
		!(final && len(w.held) < w.z.minSize)
	if ok {
		if w.gz = w.z.get(w.ResponseWriter); w.gz != nil {
			hd["Content-Encoding"] = contentEncodingGzip
			hd.Del("Content-Length")
			hd.Del("Accept-Ranges")
		}
	}
	held := w.held
	w.held = nil
	if len(held) == 0 {
		return nil
	}
	_, err := w.write(held)
	return err
}

func (w *gzipWriter) write(p []byte) (int, error) {
	if w.gz != nil {
		return w.gz.Write(p)
	}
	return w.ResponseWriter.Write(p)
}

// Write implements io.Writer.
func (w *gzipWriter) Write(p []byte) (int, error) {
	if w.decided {
		return w.write(p)
	}
	if len(w.held)+len(p) < w.z.minSize {
		w.held = append(w.held, p...)
		return len(p), nil
	}
	if len(w.held) > 0 {
		// Join the held bytes and p into one write.
		w.held = append(w.held, p...)
		if err := w.decide(false); err != nil {
			return 0, err
		}
		return len(p), nil
	}
	if err := w.decide(false); err != nil {
		return 0, err
	}
	return w.write(p)
}

// WriteString implements io.StringWriter.
func (w *gzipWriter) WriteString(s string) (int, error) {
	if !w.decided && len(w.held)+len(s) < w.z.minSize {
		w.held = append(w.held, s...)
		return len(s), nil
	}
	return w.Write([]byte(s))
}

// Written reports whether the body has started, held back or sent.
func (w *gzipWriter) Written() bool {
	return len(w.held) > 0 || w.ResponseWriter.Written()
}

// Flush sends everything written so far: it decides (a flushed body is a
// stream, compressed whatever its size so far), flushes the gzip stream,
// then the connection. It implements http.Flusher.
func (w *gzipWriter) Flush() {
	if !w.decided {
		_ = w.decide(false)
	}
	if w.gz != nil {
		_ = w.gz.Flush()
	}
	w.ResponseWriter.Flush()
}

// Hijack hands the connection over (no compression on it).
func (w *gzipWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return w.ResponseWriter.Hijack()
}

// finish ends the body: what is still held back goes out (plain when
// small), the gzip stream is closed and its writer returned to the pool.
func (w *gzipWriter) finish() {
	if !w.decided {
		if len(w.held) == 0 {
			w.decided = true
			return
		}
		_ = w.decide(true)
	}
	if w.gz != nil {
		_ = w.gz.Close()
		w.gz.Reset(io.Discard)
		w.z.writers.Put(w.gz)
		w.gz = nil
		<-w.z.slots
	}
}
