package commands

import (
	"io"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// serveStats are postino serve's own metrics, written by hand in the text
// format: a handful of counters and gauges do not justify the Prometheus
// client library and its dependencies.
type serveStats struct {
	inFlight, waiting atomic.Int64
	max               int

	mu      sync.Mutex
	scrapes map[[2]string]int64 // module, result → count
	durSum  map[string]float64  // module → seconds
	durN    map[string]int64
}

func newServeStats(max int) *serveStats {
	return &serveStats{max: max, scrapes: map[[2]string]int64{}, durSum: map[string]float64{}, durN: map[string]int64{}}
}

// scrape counts one /probe request by result: success, failure (the
// target failed its check), bad-request, forbidden, overloaded.
func (s *serveStats) scrape(module, result string, d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.scrapes[[2]string{module, result}]++
	if d > 0 {
		s.durSum[module] += d.Seconds()
		s.durN[module]++
	}
}

func (s *serveStats) write(w io.Writer) {
	s.mu.Lock()
	keys := make([][2]string, 0, len(s.scrapes))
	for k := range s.scrapes {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i][0]+"\x00"+keys[i][1] < keys[j][0]+"\x00"+keys[j][1] })
	ew := &errWriter{w: w}
	ew.printf("# HELP postino_serve_probes_total Probe requests by module and result (success, failure, bad-request, forbidden, overloaded).\n# TYPE postino_serve_probes_total counter\n")
	for _, k := range keys {
		ew.printf("postino_serve_probes_total{module=\"%s\",result=\"%s\"} %d\n", promEscape(k[0]), k[1], s.scrapes[k])
	}
	mods := make([]string, 0, len(s.durN))
	for m := range s.durN {
		mods = append(mods, m)
	}
	sort.Strings(mods)
	ew.printf("# HELP postino_serve_probe_duration_seconds How long probes took, by module.\n# TYPE postino_serve_probe_duration_seconds summary\n")
	for _, m := range mods {
		ew.printf("postino_serve_probe_duration_seconds_sum{module=\"%s\"} %s\n", promEscape(m), promFloat(s.durSum[m]))
		ew.printf("postino_serve_probe_duration_seconds_count{module=\"%s\"} %d\n", promEscape(m), s.durN[m])
	}
	s.mu.Unlock()
	gauge := func(name, help string, v float64) {
		ew.printf("# HELP %s %s\n# TYPE %s gauge\n%s %s\n", name, help, name, name, promFloat(v))
	}
	gauge("postino_serve_probes_in_flight", "Probes running now.", float64(s.inFlight.Load()))
	gauge("postino_serve_probes_waiting", "Probe requests waiting for a free slot.", float64(s.waiting.Load()))
	gauge("postino_serve_max_concurrent", "The most probes that run at once (--max-concurrent).", float64(s.max))
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	gauge("go_goroutines", "Number of goroutines that currently exist.", float64(runtime.NumGoroutine()))
	gauge("go_memstats_heap_inuse_bytes", "Number of heap bytes that are in use.", float64(ms.HeapInuse))
}
