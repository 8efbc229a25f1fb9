package commands

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/postino-mail/postino/autoconfig"
	"github.com/urfave/cli/v2"
	"golang.org/x/net/netutil"
)

// Flags of `postino serve`.
const (
	flgListen         = "listen"
	flgConfig         = "config"
	flgMaxConcurrent  = "max-concurrent"
	flgMaxConnections = "max-connections"
)

// scrapeMargin is taken off Prometheus' scrape timeout so that the
// answer, even a failed probe's, arrives before Prometheus gives up.
const scrapeMargin = 500 * time.Millisecond

func serveCommand() *cli.Command {
	return &cli.Command{
		Name:  "serve",
		Usage: "run a Prometheus exporter: /probe?target=…&module=… checks a target as check does",
		Description: "Serves Prometheus' multi-target exporter pattern, as blackbox_exporter does: /probe?target=TARGET&module=NAME\n" +
			"answers with check's prometheus format for that target; /metrics has postino's own metrics; /healthz\n" +
			"answers ok. Modules (paths, timeouts, thresholds, fail_on) and the allow-list come from --config\n" +
			"(JSON, see docs/check.md); without an allow-list any target is accepted. Each probe ends before\n" +
			"Prometheus' scrape timeout (X-Prometheus-Scrape-Timeout-Seconds); at most --max-concurrent probes\n" +
			"run, the rest wait or get 503.",
		// serve's modules give the format, the verdicts (fail_on), the
		// timeouts and their own concurrency (--max-concurrent), and serve
		// prints no report: those global flags would be ignored here, so
		// serve refuses them.
		Flags: append(globalFlagsExcept(flgFormat, flgNoColor, flgConcurrency, flgTimeout, flgProbeTimeout, flgFailOn, flgVerbose),
			&cli.StringFlag{Name: flgListen, Value: "127.0.0.1:9719", Usage: "Listen on this address (:9719 for every interface)."},
			&cli.StringFlag{Name: flgConfig, Usage: "Read modules and the allow-list from this JSON file."},
			&cli.IntFlag{Name: flgMaxConcurrent, Value: 16, Usage: "Run at most this many probes at once.", Action: atLeast(flgMaxConcurrent, 1)},
			&cli.IntFlag{Name: flgMaxConnections, Value: 1024, Usage: "Keep at most this many HTTP connections open (keep it below the descriptor limit).", Action: atLeast(flgMaxConnections, 1)},
			&cli.StringFlag{Name: flgISPDBURL, Value: autoconfig.DefaultISPDBURL, Usage: "Ask this ISPDB (the domain is appended).", EnvVars: []string{"POSTINO_ISPDB_URL"}},
		),
		Action: runServe,
	}
}

// Connection handling of serve's HTTP server. Scrapes are small GETs:
// a request that takes longer than serveReadTimeout to arrive is not
// Prometheus. Idle keep-alive connections are closed after serveIdleTimeout
// (Prometheus reconnects at its next scrape), so idle clients cannot hold
// descriptors for long, and --max-connections bounds them all.
const (
	serveReadTimeout = 10 * time.Second
	serveIdleTimeout = 30 * time.Second
)

func runServe(c *cli.Context) error {
	h, err := newServeHandler(c)
	if err != nil {
		return err
	}
	maxConns := c.Int(flgMaxConnections)
	ln, err := net.Listen("tcp", c.String(flgListen))
	if err != nil {
		return withHint(fmt.Errorf("listen: %w", err), "choose another address with --listen HOST:PORT")
	}
	fmt.Fprintf(c.App.ErrWriter, "postino: serving on http://%s/probe?target=…\n", ln.Addr())
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: serveReadTimeout,
		ReadTimeout:       serveReadTimeout,
		// The longest answer: a wait for a slot and a whole probe.
		WriteTimeout: h.longestScrape() + serveReadTimeout,
		IdleTimeout:  serveIdleTimeout,
	}
	go func() {
		<-c.Context.Done()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
	}()
	if err := srv.Serve(netutil.LimitListener(ln, maxConns)); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// serveHandler is the exporter's HTTP side. It is safe for concurrent use.
type serveHandler struct {
	cfg   *serveConfig
	sem   chan struct{}
	stats *serveStats
	mux   *http.ServeMux
}

func newServeHandler(c *cli.Context) (*serveHandler, error) {
	cfg, err := loadServeConfig(c.String(flgConfig))
	if err != nil {
		return nil, err
	}
	s, err := settingsFromFlags(c)
	if err != nil {
		return nil, err
	}
	n := c.Int(flgMaxConcurrent)
	for _, m := range cfg.Modules {
		if m.runner, err = newCheckRunner(m.settings(s, cfg), m.policy); err != nil {
			return nil, err
		}
		m.runner.paths = map[autoconfig.Side]bool{}
		for _, p := range m.Paths {
			m.runner.paths[p] = true
		}
	}
	h := &serveHandler{cfg: cfg, sem: make(chan struct{}, n), stats: newServeStats(n), mux: http.NewServeMux()}
	h.mux.HandleFunc("/probe", h.probe)
	h.mux.HandleFunc("/metrics", h.metrics)
	h.mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "ok") })
	h.mux.HandleFunc("/", h.index)
	return h, nil
}

func (h *serveHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) { serveRecovered(w, r, h.mux) }

func (h *serveHandler) index(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/" {
		http.NotFound(w, r)
		return
	}
	fmt.Fprint(w, "postino exporter: /probe?target=alice@example.com&module=default, /metrics, /healthz\n")
}

// scrapeBudget splits a scrape's time: probe is how long the probe runs
// (the module's timeout, or Prometheus' scrape timeout less scrapeMargin
// if that is sooner), wait how long the scrape may wait for a free slot
// without cutting the probe short: what is left of the scrape timeout.
// Without the header the client's patience is unknown: it may wait as long
// as a probe takes.
func scrapeBudget(r *http.Request, m *serveModule) (probe, wait time.Duration) {
	probe = time.Duration(m.Timeout)
	v, err := strconv.ParseFloat(r.Header.Get("X-Prometheus-Scrape-Timeout-Seconds"), 64)
	if err != nil || !(v > 0 && v <= 1e6) { // NaN too
		return probe, probe
	}
	scrape := time.Duration(v * float64(time.Second))
	// A very short scrape timeout still gets half of itself.
	limit := max(scrape-scrapeMargin, scrape/2)
	probe = min(probe, limit)
	return probe, limit - probe
}

// longestScrape is the longest a /probe request may take.
func (h *serveHandler) longestScrape() time.Duration {
	var d time.Duration
	for _, m := range h.cfg.Modules {
		d = max(d, 2*time.Duration(m.Timeout))
	}
	return d
}

// unknownModule is the one label under which /metrics counts requests
// for modules the configuration does not have: the label's values stay
// those of the configuration, whatever clients send.
const unknownModule = "(unknown)"

func (h *serveHandler) probe(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	q := r.URL.Query()
	modName := q.Get("module")
	if modName == "" {
		modName = "default"
	}
	m := h.cfg.Modules[modName]
	if m == nil {
		h.stats.scrape(unknownModule, "bad-request", 0)
		http.Error(w, fmt.Sprintf("unknown module %q", modName), http.StatusBadRequest)
		return
	}
	t := parseTarget(q.Get("target"))
	if q.Get("target") == "" || t.err != nil {
		h.stats.scrape(modName, "bad-request", 0)
		http.Error(w, fmt.Sprintf("target %q: want an address, a domain or SCHEME://HOST[:PORT] (%v)", q.Get("target"), t.err), http.StatusBadRequest)
		return
	}
	if !h.cfg.allowed(t) {
		h.stats.scrape(modName, "forbidden", 0)
		http.Error(w, fmt.Sprintf("target %q is not in the allow-list of the configuration", t.Raw), http.StatusForbidden)
		return
	}
	budget, wait := scrapeBudget(r, m)
	if !h.acquire(r.Context(), wait) {
		// Not the target's failure: this exporter had no slot in time.
		h.stats.scrape(modName, "overloaded", 0)
		http.Error(w, "too many probes at once: try again, raise --max-concurrent, or run more instances", http.StatusServiceUnavailable)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), budget)
	defer cancel()
	if t.srv != nil {
		ctx = withNamedTarget(ctx)
	}
	h.stats.inFlight.Add(1)
	res := m.runner.run(ctx, t)
	h.stats.inFlight.Add(-1)
	<-h.sem
	var buf bytes.Buffer
	p := newCheckPrometheus(checkFormatOptions{w: &buf, single: true, failOn: m.FailOn})
	p.result(res)
	p.finish(nil)
	outcome := "success"
	if res.State != stateOK && !(res.State == stateWarning && m.FailOn != "warning") {
		outcome = "failure"
	}
	h.stats.scrape(modName, outcome, time.Since(start))
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	w.Write(buf.Bytes())
}

// acquire takes a probe slot, waiting at most wait; false means none came
// free in time (or the client left).
func (h *serveHandler) acquire(ctx context.Context, wait time.Duration) bool {
	select {
	case h.sem <- struct{}{}:
		return true
	default:
	}
	if wait <= 0 {
		return false
	}
	h.stats.waiting.Add(1)
	defer h.stats.waiting.Add(-1)
	timer := time.NewTimer(wait)
	defer timer.Stop()
	select {
	case h.sem <- struct{}{}:
		return true
	case <-timer.C:
	case <-ctx.Done():
	}
	return false
}

func (h *serveHandler) metrics(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	h.stats.write(w)
}
