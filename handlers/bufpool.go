package handlers

import (
	"bytes"
	"context"
	"runtime"
	"sync"
)

// maxPooledBuffer is the largest render buffer kept for reuse: a buffer
// that grew past it (a 100-row page is about 80 KiB) is left to the GC, so
// one huge page does not pin its memory.
const maxPooledBuffer = 256 << 10

// bufferPool reuses the buffers pages are rendered into, and bounds how
// many renders run at once: rendering is CPU-bound, so beyond a few per
// core more of them only hold more buffers (500 busy readers would hold
// 500 half-rendered pages); the others wait their turn, holding nothing
// but their request. The zero value is ready to use.
type bufferPool struct {
	p     sync.Pool
	once  sync.Once
	slots chan struct{}
}

// acquire waits for a render slot (or ctx's end) and returns a buffer.
// Call done when rendering is over, then put once the buffer is written.
func (bp *bufferPool) acquire(ctx context.Context) (*bytes.Buffer, error) {
	bp.once.Do(func() { bp.slots = make(chan struct{}, max(8, 4*runtime.GOMAXPROCS(0))) })
	select {
	case bp.slots <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if b, ok := bp.p.Get().(*bytes.Buffer); ok {
		return b, nil
	}
	return bytes.NewBuffer(make([]byte, 0, 16<<10)), nil
}

// done frees the render slot taken by acquire.
func (bp *bufferPool) done() { <-bp.slots }

// put returns a written buffer to the pool.
func (bp *bufferPool) put(b *bytes.Buffer) {
	if b.Cap() > maxPooledBuffer {
		return
	}
	b.Reset()
	bp.p.Put(b)
}
