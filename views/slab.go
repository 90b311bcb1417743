package views

import "sync"

// slabs recycles the byte slices the hand-written components (rows,
// pager, Share control) build their markup in before writing it: each is a few
// kilobytes, written every fragment.
var slabs = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

// getSlab returns an empty slice from slabs; putSlab gives b's array back.
func getSlab() *[]byte { return slabs.Get().(*[]byte) }

func putSlab(p *[]byte, b []byte) {
	if cap(b) > 64<<10 {
		return // an outsized one is left to the collector
	}
	*p = b[:0]
	slabs.Put(p)
}
