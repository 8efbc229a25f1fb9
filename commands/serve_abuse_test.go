package commands

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/postino-mail/postino/autoconfig/resolver/resolvertest"
	"github.com/postino-mail/postino/probe/probetest"
)

func serveMetrics(t *testing.T, base string) string {
	t.Helper()
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	checkExposition(t, string(b))
	return string(b)
}

// TestServeOverload: a scrape waits for a slot only as long as the
// scrape timeout leaves beyond a whole probe; then the probe runs with
// its full budget (a real result), and a scrape that cannot have that
// gets 503 at once, counted as overloaded, not as the target failing.
func TestServeOverload(t *testing.T) {
	imapPort, _, caFile, _ := testServers(t)
	tarpit := probetest.StartTarpit(t)
	base := startServe(t, `{"modules": {"default": {"timeout": "1s"}}}`, "--ca-file", caFile, "--max-concurrent", "1")
	imap := "imaps://127.0.0.1:" + strconv.Itoa(imapPort)

	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // holds the only slot for the module's whole second
		defer wg.Done()
		if code, body := scrape(t, base, fmt.Sprintf("imaps://127.0.0.1:%d", tarpit.Port()), "default", 3); code != 200 || !strings.Contains(body, "probe_success 0") {
			t.Errorf("tarpit: %d %s", code, body)
		}
	}()
	time.Sleep(200 * time.Millisecond)
	wg.Add(1)
	go func() { // 3 s scrape, 1 s probe: may wait 1.5 s, then has its full second
		defer wg.Done()
		if code, body := scrape(t, base, imap, "default", 3); code != 200 || !strings.Contains(body, "probe_success 1\n") {
			t.Errorf("the scrape that waited: %d, want a real result\n%s", code, body)
		}
	}()
	// 1.2 s scrape: 0.7 s for the probe, no time to wait.
	start := time.Now()
	if code, body := scrape(t, base, imap, "default", 1.2); code != http.StatusServiceUnavailable || time.Since(start) > 500*time.Millisecond {
		t.Errorf("a scrape with no time to wait: %d after %v, want 503 at once: %s", code, time.Since(start), body)
	}
	wg.Wait()
	m := serveMetrics(t, base)
	for _, want := range []string{`{module="default",result="overloaded"} 1`, `{module="default",result="success"} 1`, `{module="default",result="failure"} 1`} {
		if !strings.Contains(m, want) {
			t.Errorf("/metrics lacks %s:\n%s", want, m)
		}
	}
}

// TestServeScrapeBudget is the arithmetic of scrapeBudget.
func TestServeScrapeBudget(t *testing.T) {
	for _, tc := range []struct {
		module      time.Duration
		header      string
		probe, wait time.Duration
	}{
		{10 * time.Second, "", 10 * time.Second, 10 * time.Second},
		{10 * time.Second, "10", 9500 * time.Millisecond, 0},
		{5 * time.Second, "10", 5 * time.Second, 4500 * time.Millisecond},
		{10 * time.Second, "0.6", 300 * time.Millisecond, 0},
		{10 * time.Second, "-1", 10 * time.Second, 10 * time.Second},
		{10 * time.Second, "NaN", 10 * time.Second, 10 * time.Second},
		{10 * time.Second, "1e300", 10 * time.Second, 10 * time.Second},
	} {
		r, _ := http.NewRequest("GET", "/probe", nil)
		if tc.header != "" {
			r.Header.Set("X-Prometheus-Scrape-Timeout-Seconds", tc.header)
		}
		p, w := scrapeBudget(r, &serveModule{Timeout: serveDuration(tc.module)})
		if p != tc.probe || w != tc.wait {
			t.Errorf("module %v, header %q: probe %v wait %v, want %v %v", tc.module, tc.header, p, w, tc.probe, tc.wait)
		}
	}
}

// TestServeRequestsBounded: unknown modules share one label, IPv6 zones
// are refused, and the HTTP server closes what it should.
func TestServeRequestsBounded(t *testing.T) {
	base := startServe(t, `{"allow": ["*.allowed.test", "allowed.test"]}`)
	for i := range 5 {
		if code, _ := scrape(t, base, "alice@allowed.test", fmt.Sprintf("nosuch-%d", i), 5); code != http.StatusBadRequest {
			t.Errorf("module nosuch-%d: %d", i, code)
		}
	}
	for _, target := range []string{"imaps://[::1%25.allowed.test]:993", "imaps://[fe80::1%25eth0]:993"} {
		if code, body := scrape(t, base, target, "default", 5); code != http.StatusBadRequest || !strings.Contains(body, "IPv6 zone") {
			t.Errorf("%s: %d %s", target, code, body)
		}
	}
	m := serveMetrics(t, base)
	if !strings.Contains(m, `postino_serve_probes_total{module="(unknown)",result="bad-request"} 5`) || strings.Contains(m, "nosuch") {
		t.Errorf("unknown modules in /metrics:\n%s", m)
	}
}

func TestServeConfigReservedModule(t *testing.T) {
	for _, cfg := range []string{`{"modules": {"(unknown)": {}}}`, `{"modules": {"x": null}}`} {
		f := t.TempDir() + "/c.json"
		if err := os.WriteFile(f, []byte(cfg), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := loadServeConfig(f); err == nil {
			t.Errorf("%s accepted", cfg)
		}
	}
}

func TestInternalAddresses(t *testing.T) {
	for _, tc := range []struct {
		ip       string
		internal bool
	}{
		{"127.0.0.1", true}, {"::1", true}, {"169.254.169.254", true}, {"fe80::1", true},
		{"10.1.2.3", true}, {"172.16.0.1", true}, {"192.168.1.1", true}, {"fd00::1", true},
		{"::ffff:10.0.0.1", true}, {"0.0.0.0", true}, {"::", true},
		{"192.0.2.1", false}, {"8.8.8.8", false}, {"2001:db8::1", false},
	} {
		if got := internalAddress(netip.MustParseAddr(tc.ip)) != ""; got != tc.internal {
			t.Errorf("%s internal %v, want %v", tc.ip, got, tc.internal)
		}
	}
	allow := []string{"*", "*.example.com", "10.1.0.0/16", "127.0.0.*", "fd00::/8"}
	for _, tc := range []struct {
		ip      string
		covered bool
	}{
		{"10.1.2.3", true}, {"10.2.0.1", false}, {"127.0.0.1", true}, {"::ffff:127.0.0.1", true},
		{"fd12::1", true}, {"169.254.169.254", false}, {"192.168.1.1", false},
	} {
		if got := coversAddress(allow, netip.MustParseAddr(tc.ip)); got != tc.covered {
			t.Errorf("%s covered %v, want %v", tc.ip, got, tc.covered)
		}
	}
	cfg := &serveConfig{Allow: []string{"example.com", "10.0.0.0/8"}}
	ctx := context.Background()
	if err := cfg.dialCheck(ctx, netip.MustParseAddr("169.254.169.254")); err == nil || !strings.Contains(err.Error(), "link-local") {
		t.Errorf("169.254.169.254 from discovery: %v", err)
	}
	if err := cfg.dialCheck(withNamedTarget(ctx), netip.MustParseAddr("169.254.169.254")); err != nil {
		t.Errorf("a server the scrape names: %v", err)
	}
	if err := cfg.dialCheck(ctx, netip.MustParseAddr("10.9.9.9")); err != nil {
		t.Errorf("10.9.9.9 under 10.0.0.0/8: %v", err)
	}
	if err := cfg.dialCheck(ctx, netip.MustParseAddr("192.0.2.7")); err != nil {
		t.Errorf("a public address: %v", err)
	}
}

// TestServeDialsDiscoveredInternal: a domain whose SRV record points at a
// loopback server. serve does not dial it while the allow-list names only
// the domain, and says why; an allow-list entry for 127.0.0.0/8 lets it.
func TestServeDialsDiscoveredInternal(t *testing.T) {
	ca, err := probetest.NewCA()
	if err != nil {
		t.Fatal(err)
	}
	caFile, _ := ca.WriteFile(t.TempDir())
	leaf, err := ca.Issue(probetest.LeafOptions{}, "imap.example.test", "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	imapPort := probetest.StartIMAP(t, probetest.IMAPOptions{TLS: probetest.ImplicitTLS, TLSConfig: leaf.TLSConfig()}).Port()
	dns := resolvertest.NewServer(t, resolvertest.Zone{
		"_imaps._tcp.example.test": {SRV: []resolvertest.SRV{{Target: "imap.example.test", Port: uint16(imapPort)}}},
		"imap.example.test":        {A: []string{"127.0.0.1"}},
	})
	ispdb := fmt.Sprintf("http://127.0.0.1:%d/", closedPort(t))
	args := []string{"--ca-file", caFile, "--resolver", dns.Addr(), "--ispdb-url", ispdb}
	module := `"modules": {"default": {"paths": ["incoming"], "timeout": "5s"}}`

	// The runner serve builds, to read the reason in the report.
	cfg := &serveConfig{Allow: []string{"example.test"}}
	r, err := newCheckRunner(runSettings{Resolver: dns.Addr(), CAFile: caFile, ProbeTimeout: 2 * time.Second, Timeout: 5 * time.Second,
		BuiltinProviders: []byte(emptyProviders), CertWarnDays: 14, ISPDBURL: ispdb, Concurrency: 4, DialCheck: cfg.dialCheck}, checkPolicy{})
	if err != nil {
		t.Fatal(err)
	}
	res := r.run(context.Background(), parseTarget("alice@example.test"))
	b, _ := json.Marshal(res.Report)
	if res.Err != nil {
		t.Fatal(res.Err)
	}
	if !strings.Contains(string(b), "skipped, 127.0.0.1 is a loopback address found by discovery") {
		t.Errorf("the report does not say why 127.0.0.1 was not dialled:\n%s", b)
	}

	base := startServe(t, `{`+module+`, "allow": ["example.test"]}`, args...)
	if code, body := scrape(t, base, "alice@example.test", "default", 5); code != 200 || !strings.Contains(body, "probe_success 0\n") {
		t.Errorf("allow-list without the address range: %d\n%s", code, body)
	}
	base = startServe(t, `{`+module+`, "allow": ["example.test", "127.0.0.0/8"]}`, args...)
	if code, body := scrape(t, base, "alice@example.test", "default", 5); code != 200 || !strings.Contains(body, "probe_success 1\n") {
		t.Errorf("allow-list with 127.0.0.0/8: %d\n%s", code, body)
	}
	// A URL target the allow-list names is the operator's own choice.
	base = startServe(t, `{`+module+`, "allow": ["127.0.0.1"]}`, args...)
	if code, body := scrape(t, base, "imaps://127.0.0.1:"+strconv.Itoa(imapPort), "default", 5); code != 200 || !strings.Contains(body, "probe_success 1\n") {
		t.Errorf("a URL target the allow-list names: %d\n%s", code, body)
	}
}

// slowRelay forwards connections to backend after delay: a healthy
// server that takes its time.
func slowRelay(t *testing.T, backend string, delay time.Duration) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				time.Sleep(delay)
				s, err := net.Dial("tcp", backend)
				if err != nil {
					return
				}
				defer s.Close()
				go io.Copy(s, c)
				io.Copy(c, s)
			}()
		}
	}()
	return ln.Addr().String()
}

// TestServe200Scrapes: 200 scrapes at once at --max-concurrent 16 of a
// healthy server that takes 0.3 s. Each gets a real result or a 503,
// never a failure the exporter made up, and /metrics counts the 503s as
// overloaded.
func TestServe200Scrapes(t *testing.T) {
	imapPort, _, caFile, _ := testServers(t)
	target := "imaps://" + slowRelay(t, "127.0.0.1:"+strconv.Itoa(imapPort), 300*time.Millisecond)
	base := startServe(t, `{"modules": {"default": {"timeout": "2s"}}}`, "--ca-file", caFile, "--max-concurrent", "16")
	var mu sync.Mutex
	counts := map[string]int{}
	var wg sync.WaitGroup
	for range 200 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// 4 s scrapes, 2 s probes (slack for a loaded machine): a scrape
			// may wait 1.5 s for a slot.
			code, body := scrape(t, base, target, "default", 4)
			k := fmt.Sprint(code)
			if code == 200 && !strings.Contains(body, "probe_success 1\n") {
				k = "false failure"
			}
			mu.Lock()
			counts[k]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	if counts["false failure"] > 0 || counts["200"] < 16 || counts["503"] == 0 || counts["200"]+counts["503"] != 200 {
		t.Errorf("200 scrapes: %v", counts)
	}
	if m := serveMetrics(t, base); !strings.Contains(m, fmt.Sprintf(`{module="default",result="overloaded"} %d`, counts["503"])) {
		t.Errorf("/metrics does not count %d overloaded:\n%s", counts["503"], m)
	}
	t.Logf("%v", counts)
}
