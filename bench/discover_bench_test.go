package bench

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/postino-mail/postino/autoconfig"
)

// benchRTT is the latency the benchmarks put on every round trip.
const benchRTT = 50 * time.Millisecond

// discover runs one discovery in w with the given sources disabled and
// returns its wall time.
func (w *world) discover(tb testing.TB, progress func(*autoconfig.Lookup, *autoconfig.Candidate), disabled ...autoconfig.Source) (time.Duration, *autoconfig.Result) {
	tb.Helper()
	opts, release := w.options(disabled...)
	defer release()
	opts.Progress = progress
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	start := time.Now()
	res, err := autoconfig.Discover(ctx, w.addr, opts)
	wall := time.Since(start)
	if err != nil {
		tb.Fatal(err)
	}
	return wall, res
}

// checkFound fails unless res recommends the provider's servers, verified.
func checkFound(tb testing.TB, res *autoconfig.Result) {
	tb.Helper()
	for _, c := range []struct {
		side autoconfig.SideResult
		want string
	}{{res.Incoming, wantIMAP}, {res.Outgoing, wantSMTP}} {
		r := c.side.Recommended
		switch {
		case r == nil:
			tb.Errorf("nothing recommended, want %s", c.want)
		case fmt.Sprintf("%s:%d", r.Host, r.Port) != c.want:
			tb.Errorf("recommended %s, want %s", r.Key(), c.want)
		case !r.Verified():
			tb.Errorf("%s recommended but not verified: %+v", r.Key(), r.Probe)
		}
	}
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// runStats is where one run of the whole engine spent its time.
type runStats struct {
	wall time.Duration
	// config: when the lookup of the MX-derived autoconfig reached the
	// engine (the chain says 5 RTT).
	config time.Duration
	// phases: the recorded phases of the slower recommended probe (the
	// chain says 5 RTT); tail: the rest of that probe's time, which is its
	// goodbye (LOGOUT or QUIT and the wait for the answer).
	phases, tail time.Duration
	// rest: the wall time outside those two, the engine's own.
	rest time.Duration
}

// measure runs the engine once, with every source, and checks its answer.
func (w *world) measure(tb testing.TB) runStats {
	var st runStats
	start := time.Now()
	wall, res := w.discover(tb, func(lk *autoconfig.Lookup, _ *autoconfig.Candidate) {
		if lk != nil && lk.Source == autoconfig.SourceMX && len(lk.Servers) > 0 && st.config == 0 {
			st.config = time.Since(start)
		}
	})
	checkFound(tb, res)
	st.wall = wall
	var probe time.Duration
	for _, r := range []*autoconfig.Candidate{res.Incoming.Recommended, res.Outgoing.Recommended} {
		if r == nil || r.Probe == nil || time.Duration(r.Probe.Duration) < probe {
			continue
		}
		probe = time.Duration(r.Probe.Duration)
		st.phases = 0
		for _, ph := range r.Probe.Phases {
			st.phases += time.Duration(ph.Duration)
		}
		st.tail = probe - st.phases
	}
	st.rest = wall - st.config - probe
	return st
}

// BenchmarkDiscoverParallel is the real engine, every source at once, in
// the latency world. wall/chain is the figure the issue sets a target for
// (at most 1.25); config-ms, probe-phases-ms, probe-goodbye-ms and
// engine-ms split the wall time (see runStats).
func BenchmarkDiscoverParallel(b *testing.B) { benchmarkParallel(b, false) }

// BenchmarkDiscoverParallelWildcard is the same in the wildcard variant of
// the world: every guessed name resolves, so the guesses are many, and
// example.test's own (trusted) ones must all fail before the engine may
// settle on the MX-derived (untrusted) servers.
func BenchmarkDiscoverParallelWildcard(b *testing.B) { benchmarkParallel(b, true) }

func benchmarkParallel(b *testing.B, wildcard bool) {
	w := newWorld(b, benchRTT, wildcard)
	_, chain := longestChain()
	chainMS := chain.rtts() * ms(benchRTT)
	var sum runStats
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		st := w.measure(b)
		sum.wall += st.wall
		sum.config += st.config
		sum.phases += st.phases
		sum.tail += st.tail
		sum.rest += st.rest
	}
	n := float64(b.N)
	wall := ms(sum.wall) / n
	b.ReportMetric(wall, "wall-ms/op")
	b.ReportMetric(chainMS, "chain-ms")
	b.ReportMetric(wall/chainMS, "wall/chain")
	b.ReportMetric(ms(sum.config)/n, "config-ms")
	b.ReportMetric(ms(sum.phases)/n, "probe-phases-ms")
	b.ReportMetric(ms(sum.tail)/n, "probe-goodbye-ms")
	b.ReportMetric(ms(sum.rest)/n, "engine-ms")
}

// BenchmarkDiscoverSequential runs each source alone (every other one
// disabled), one after another, and sums their wall times: what discovery
// would cost without the streaming engine. Each iteration also runs the
// engine once with every source, for seq/par.
func BenchmarkDiscoverSequential(b *testing.B) {
	w := newWorld(b, benchRTT, false)
	per := map[autoconfig.Source]time.Duration{}
	var seq, par time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, s := range allSources {
			wall, _ := w.discover(b, nil, allBut(s)...)
			per[s] += wall
			seq += wall
		}
		par += w.measure(b).wall
	}
	n := float64(b.N)
	b.ReportMetric(ms(seq)/n, "wall-ms/op")
	b.ReportMetric(ms(par)/n, "par-ms/op")
	b.ReportMetric(float64(seq)/float64(par), "seq/par")
	for _, s := range allSources {
		b.ReportMetric(ms(per[s])/n, string(s)+"-ms")
	}
}

// TestDiscoverInLatencyWorld checks that the world is what the benchmarks
// say it is: discovery finds the provider's servers through the MX, and
// takes at least the longest chain of round trips. With -v it prints the
// timeline of the run in RTTs, which shows where the time goes.
func TestDiscoverInLatencyWorld(t *testing.T) {
	t.Run("plain", func(t *testing.T) { testLatencyWorld(t, false) })
	t.Run("wildcard", func(t *testing.T) { testLatencyWorld(t, true) })
}

func testLatencyWorld(t *testing.T, wildcard bool) {
	rtt := benchRTT
	w := newWorld(t, rtt, wildcard)
	name, chain := longestChain()
	if name != "mx" {
		t.Errorf("longest chain is %s (%s), want the MX one", name, chain)
	}
	t.Logf("longest chain: %s = %g RTT = %v", chain, chain.rtts(), time.Duration(chain.rtts()*float64(rtt)))

	var mu sync.Mutex
	var events []string
	start := time.Now()
	at := func() string { return fmt.Sprintf("%5.2f", float64(time.Since(start))/float64(rtt)) }
	wall, res := w.discover(t, func(lk *autoconfig.Lookup, c *autoconfig.Candidate) {
		mu.Lock()
		defer mu.Unlock()
		switch {
		case lk != nil:
			events = append(events, fmt.Sprintf("%s RTT  lookup %-15s %-8s %s (took %.2f)", at(), lk.Source, lk.Outcome, lk.Query, float64(lk.Duration)/float64(rtt)))
		case c != nil && c.Probe != nil:
			var phases []string
			for _, ph := range c.Probe.Phases {
				phases = append(phases, fmt.Sprintf("%s %.2f", ph.Name, float64(ph.Duration)/float64(rtt)))
			}
			events = append(events, fmt.Sprintf("%s RTT  probe  %-22s %-7s %s (took %.2f: %s)", at(), c.Key(), c.Probe.Status, c.Probe.ErrorKind,
				float64(c.Probe.Duration)/float64(rtt), strings.Join(phases, ", ")))
		}
	})
	for _, e := range events {
		t.Log(e)
	}
	t.Logf("%s RTT  Discover returned (wall %v, %.2f × chain)", fmt.Sprintf("%5.2f", float64(wall)/float64(rtt)), wall.Round(time.Millisecond), float64(wall)/(chain.rtts()*float64(rtt)))
	checkFound(t, res)
	if min := time.Duration(chain.rtts() * float64(rtt)); wall < min {
		t.Errorf("discovery took %v, less than the %v the chain needs: the latency is not injected everywhere", wall, min)
	}
	var unanswered []string
	for _, lk := range res.Lookups {
		if lk.Outcome == autoconfig.OutcomeError && lk.ErrorKind == "timeout" {
			unanswered = append(unanswered, lk.Query)
		}
	}
	sort.Strings(unanswered)
	if len(unanswered) > 0 {
		t.Errorf("sources that never answered: %v", unanswered)
	}
}
