package apiclient_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	"jobboard/apiclient"
)

// gzipped compresses s.
func gzipped(t *testing.T, s string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := io.WriteString(zw, s); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// gzipServer answers every request with body, gzip-encoded, after checking
// that the client asked for gzip.
func gzipServer(t *testing.T, body []byte, opts ...apiclient.Option) (*apiclient.Client, *recorder) {
	t.Helper()
	c, rec, _ := serveFunc(t, func(w http.ResponseWriter, r *http.Request) {
		if !strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			t.Errorf("Accept-Encoding = %q, want gzip (added by the transport)", r.Header.Get("Accept-Encoding"))
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(body)
	}, opts...)
	return c, rec
}

func TestGzipBodyIsDecompressed(t *testing.T) {
	c, _ := gzipServer(t, gzipped(t, seedListResponse))
	page, err := c.ListJobs(ctxT(t), testToken, apiclient.ListQuery{})
	if err != nil {
		t.Fatalf("gzip-encoded answer: %v, want success", err)
	}
	if len(page.Items) != 1 || page.Items[0].ID != 115 {
		t.Errorf("page = %+v, want the seed's job 115", page)
	}
}

func TestGzipBombIsStoppedAtTheCap(t *testing.T) {
	const limit = 1 << 20 // 1 MiB cap on the decompressed body
	const bombSize = 10 << 20
	// A gzip stream may hold several members, decoded as one body: repeat
	// a compressed MiB of zeros instead of compressing 10 MiB (slow under
	// the race detector).
	zeros := gzipped(t, strings.Repeat("0", 1<<20))
	bomb := gzipped(t, `{"code":0,"data":{"items":[],"pad":"`)
	for i := 0; i < bombSize>>20; i++ {
		bomb = append(bomb, zeros...)
	}
	bomb = append(bomb, gzipped(t, `"}}`)...)
	if len(bomb) > 64<<10 {
		t.Fatalf("bomb is %d bytes compressed, want a few KB", len(bomb))
	}
	c, _ := gzipServer(t, bomb, apiclient.WithMaxBodyBytes(limit))
	ctx := ctxT(t)
	// Warm up the connection so that the measure covers the body only; the
	// answer is over the cap, so only the connection matters here.
	_, _ = c.ListJobs(ctx, testToken, apiclient.ListQuery{})

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err := c.ListJobs(ctx, testToken, apiclient.ListQuery{})
	runtime.ReadMemStats(&after)

	checkOnly(t, err, apiclient.ErrBadResponse)
	var re *apiclient.ResponseError
	if !errors.As(err, &re) || !strings.Contains(re.Reason, "larger than") {
		t.Errorf("err = %v, want a ResponseError for a body over the cap", err)
	}
	alloc := after.TotalAlloc - before.TotalAlloc
	t.Logf("a %d MB gzip bomb cost %d bytes of allocations with a %d byte cap", bombSize>>20, alloc, limit)
	if alloc > 2*limit {
		t.Errorf("reading a %d MB gzip bomb allocated %d bytes, want < %d (2× the cap)", bombSize>>20, alloc, 2*limit)
	}
}

func TestHugeBodyIsStoppedAtTheCap(t *testing.T) {
	const limit = 1 << 20
	for _, announced := range []bool{false, true} {
		name := "chunked"
		if announced {
			name = "with Content-Length"
		}
		t.Run(name, func(t *testing.T) {
			chunk := bytes.Repeat([]byte("0"), 64<<10)
			c, _, _ := serveFunc(t, func(w http.ResponseWriter, r *http.Request) {
				if announced {
					w.Header().Set("Content-Length", "104857600")
				}
				io.WriteString(w, `{"code":0,"data":{"pad":"`)
				// Up to 100 MB, stopped as soon as the client goes away.
				for i := 0; i < 1600; i++ {
					if _, err := w.Write(chunk); err != nil {
						return
					}
				}
			}, apiclient.WithMaxBodyBytes(limit))
			start := time.Now()
			_, err := c.ListJobs(ctxT(t), testToken, apiclient.ListQuery{})
			checkOnly(t, err, apiclient.ErrBadResponse)
			if elapsed := time.Since(start); elapsed > 2*time.Second {
				t.Errorf("call took %s: the body was not cut at the cap", elapsed)
			}
		})
	}
}

func TestClientGoneCancelsUpstreamRequest(t *testing.T) {
	started := make(chan struct{})
	upstreamDone := make(chan time.Time, 1)
	c, _, _ := serveFunc(t, func(w http.ResponseWriter, r *http.Request) {
		close(started)
		select {
		case <-r.Context().Done():
			upstreamDone <- time.Now()
		case <-time.After(5 * time.Second):
		}
	})
	// ctx plays the incoming browser request's context.
	ctx, cancel := context.WithCancel(ctxT(t))
	defer cancel()
	cancelled := make(chan time.Time, 1)
	go func() {
		<-started
		cancelled <- time.Now()
		cancel()
	}()
	_, err := c.ListJobs(ctx, testToken, apiclient.ListQuery{})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	select {
	case at := <-upstreamDone:
		if d := at.Sub(<-cancelled); d > 500*time.Millisecond {
			t.Errorf("upstream saw the cancellation %s after the client left, want promptly", d)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("upstream request still running 2 s after the client went away")
	}
	if st := c.BreakerState(); st != apiclient.BreakerClosed {
		t.Errorf("BreakerState = %q after a cancelled call, want closed", st)
	}
}
