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
)

// Flags of `postino serve`.
const (
	flgListen        = "listen"
	flgConfig        = "config"
	flgMaxConcurrent = "max-concurrent"
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
			"answers ok. Modules and the allow-list come from --config (JSON, see docs/check.md); without an\n" +
			"allow-list any target is accepted. Each probe ends before Prometheus' scrape timeout\n" +
			"(X-Prometheus-Scrape-Timeout-Seconds); at most --max-concurrent probes run, the rest wait or get 503.",
		// serve's modules give the format, the verdicts and their own
		// concurrency (--max-concurrent): those global flags mean nothing here.
		Flags: append(globalFlagsExcept(flgFormat, flgNoColor, flgConcurrency),
			&cli.StringFlag{Name: flgListen, Value: "127.0.0.1:9719", Usage: "Listen on this address (:9719 for every interface)."},
			&cli.StringFlag{Name: flgConfig, Usage: "Read modules and the allow-list from this JSON file."},
			&cli.IntFlag{Name: flgMaxConcurrent, Value: 16, Usage: "Run at most this many probes at once."},
			&cli.StringFlag{Name: flgISPDBURL, Value: autoconfig.DefaultISPDBURL, Usage: "Ask this ISPDB (the domain is appended).", EnvVars: []string{"POSTINO_ISPDB_URL"}},
		),
		Action: runServe,
	}
}

func runServe(c *cli.Context) error {
	h, err := newServeHandler(c)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", c.String(flgListen))
	if err != nil {
		return withHint(fmt.Errorf("listen: %w", err), "choose another address with --listen HOST:PORT")
	}
	fmt.Fprintf(c.App.ErrWriter, "postino: serving on http://%s/probe?target=…\n", ln.Addr())
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-c.Context.Done()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
	}()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
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
	n := c.Int(flgMaxConcurrent)
	if n < 1 {
		return nil, usageError{fmt.Errorf("--max-concurrent %d: want at least 1", n)}
	}
	for _, m := range cfg.Modules {
		m.runner, err = newCheckRunner(c.App, runSettings{
			Resolver: c.String(flgResolver), CAFile: c.String(flgCAFile), IPv4: c.Bool(flgIPv4), IPv6: c.Bool(flgIPv6),
			ProbeTimeout: time.Duration(m.ProbeTimeout), CertWarnDays: m.policy.CertWarnDays, ISPDBURL: c.String(flgISPDBURL),
			DiscoveryConcurrency: 16,
		}, m.policy, time.Duration(m.Timeout))
		if err != nil {
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

// deadline is when a probe must be done: the module's timeout, or
// Prometheus' scrape timeout less scrapeMargin if that is sooner.
func deadline(r *http.Request, m *serveModule) time.Duration {
	d := time.Duration(m.Timeout)
	if v, err := strconv.ParseFloat(r.Header.Get("X-Prometheus-Scrape-Timeout-Seconds"), 64); err == nil && v > 0 {
		scrape := time.Duration(v*float64(time.Second)) - scrapeMargin
		// A very short scrape timeout still gets half of itself.
		scrape = max(scrape, time.Duration(v*float64(time.Second))/2)
		d = min(d, scrape)
	}
	return d
}

func (h *serveHandler) probe(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	q := r.URL.Query()
	modName := q.Get("module")
	if modName == "" {
		modName = "default"
	}
	m := h.cfg.Modules[modName]
	if m == nil {
		h.stats.scrape(modName, "bad-request", 0)
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
	ctx, cancel := context.WithTimeout(r.Context(), deadline(r, m))
	defer cancel()
	h.stats.waiting.Add(1)
	select {
	case h.sem <- struct{}{}:
		h.stats.waiting.Add(-1)
	case <-ctx.Done():
		h.stats.waiting.Add(-1)
		h.stats.scrape(modName, "overloaded", 0)
		http.Error(w, "too many probes at once: try again, raise --max-concurrent, or run more instances", http.StatusServiceUnavailable)
		return
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

func (h *serveHandler) metrics(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	h.stats.write(w)
}
