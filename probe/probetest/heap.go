package probetest

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// HeapPeak samples the live heap while it runs: the peak is what a
// hostile server or document made the process hold, which a before/after
// comparison of one runtime.ReadMemStats would miss once the garbage
// collector has run. The heap is the process's: tests that measure it do
// not run in parallel.
type HeapPeak struct {
	peak atomic.Uint64
	stop chan struct{}
	wg   sync.WaitGroup
}

// StartHeapPeak collects garbage, then samples the heap every 5 ms until
// Done.
func StartHeapPeak() *HeapPeak {
	runtime.GC()
	h := &HeapPeak{stop: make(chan struct{})}
	h.sample()
	h.wg.Add(1)
	go func() {
		defer h.wg.Done()
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-h.stop:
				return
			case <-tick.C:
				h.sample()
			}
		}
	}()
	return h
}

func (h *HeapPeak) sample() {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	if m.HeapAlloc > h.peak.Load() {
		h.peak.Store(m.HeapAlloc)
	}
}

// Done stops sampling and returns the peak heap in bytes.
func (h *HeapPeak) Done() uint64 {
	h.sample()
	close(h.stop)
	h.wg.Wait()
	return h.peak.Load()
}
