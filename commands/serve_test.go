package commands

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/postino-mail/postino/probe/probetest"
)

// syncBuffer is a bytes.Buffer safe for the server goroutine and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// emptyProviders is a provider database that knows no domain.
const emptyProviders = `{"schema":"postino-providers/v2","providers":[]}`

// startServe runs `postino serve` in process on a free port and returns
// its base URL; it stops with the test.
func startServe(t *testing.T, config string, args ...string) string {
	t.Helper()
	if config != "" {
		f := filepath.Join(t.TempDir(), "serve.json")
		os.WriteFile(f, []byte(config), 0o644)
		args = append(args, "--config", f)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var stderr syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- Run(ctx, append([]string{"postino", "serve", "--listen", "127.0.0.1:0"}, args...), strings.NewReader(""), io.Discard, &stderr, BuildInfo{Providers: []byte(emptyProviders)})
	}()
	t.Cleanup(func() { cancel(); <-done })
	re := regexp.MustCompile(`serving on (http://[0-9.:]+)/`)
	for range 200 {
		if m := re.FindStringSubmatch(stderr.String()); m != nil {
			return m[1]
		}
		select {
		case st := <-done:
			done <- st // for the cleanup, which waits for the end
			t.Fatalf("serve exited with %d: %s", st, stderr.String())
		case <-time.After(10 * time.Millisecond):
		}
	}
	t.Fatalf("serve did not start: %s", stderr.String())
	return ""
}

// scrape sends what Prometheus sends for a probe: GET with its Accept
// header and X-Prometheus-Scrape-Timeout-Seconds.
func scrape(t *testing.T, base, target, module string, timeout float64) (int, string) {
	t.Helper()
	u := base + "/probe?" + url.Values{"target": {target}, "module": {module}}.Encode()
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	req.Header.Set("Accept", "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1")
	req.Header.Set("User-Agent", "Prometheus/2.42.0")
	req.Header.Set("X-Prometheus-Scrape-Timeout-Seconds", strconv.FormatFloat(timeout, 'f', -1, 64))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestServe scrapes in-process servers concurrently through modules, and
// checks the allow-list, bad requests, /metrics and /healthz.
func TestServe(t *testing.T) {
	imapPort, smtpPort, caFile, _ := testServers(t)
	cfg := `{"modules": {"default": {}, "incoming": {"paths": ["incoming"], "timeout": "5s", "cert_warn_days": 100}},
	         "allow": ["127.0.0.*", "*.example.test"]}`
	base := startServe(t, cfg, "--ca-file", caFile, "--max-concurrent", "3")
	imap := "imaps://127.0.0.1:" + strconv.Itoa(imapPort)
	smtp := "smtps://127.0.0.1:" + strconv.Itoa(smtpPort)

	var wg sync.WaitGroup
	for i := range 12 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			target := []string{imap, smtp}[i%2]
			// 15 s scrapes, 10 s probes: a scrape may wait 4.5 s for
			// one of the 3 slots.
			code, body := scrape(t, base, target, "default", 15)
			if code != 200 || !strings.Contains(body, "probe_success 1\n") {
				t.Errorf("scrape %s: %d\n%s", target, code, body)
			}
			checkExposition(t, body)
		}()
	}
	wg.Wait()

	// cert_warn_days 100 > the test leaf's 90 days: a warning, which still
	// counts as success (fail_on error).
	code, body := scrape(t, base, imap, "incoming", 5)
	if code != 200 || !strings.Contains(body, `postino_finding{path="incoming",code="tls.cert-expiring",severity="warning"} 1`) || !strings.Contains(body, "probe_success 1\n") {
		t.Errorf("incoming module: %d\n%s", code, body)
	}
	code, body = scrape(t, base, smtp, "incoming", 5)
	if code != 200 || !strings.Contains(body, "probe_success 0\n") || !strings.Contains(body, "postino_check_state 3\n") {
		t.Errorf("an outgoing server through an incoming module: %d\n%s", code, body)
	}
	for _, tc := range []struct {
		target, module string
		want           int
	}{
		{"imaps://mail.elsewhere.test", "default", http.StatusForbidden},
		{"alice@elsewhere.test", "default", http.StatusForbidden},
		{imap, "nosuch", http.StatusBadRequest},
		{"", "default", http.StatusBadRequest},
	} {
		if code, body := scrape(t, base, tc.target, tc.module, 5); code != tc.want {
			t.Errorf("%s %s: %d, want %d: %s", tc.target, tc.module, code, tc.want, body)
		}
	}
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	checkExposition(t, string(b))
	for _, want := range []string{`postino_serve_probes_total{module="default",result="success"} 12`, `result="forbidden"} 2`, "postino_serve_max_concurrent 3"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("/metrics lacks %q:\n%s", want, b)
		}
	}
	if resp, err := http.Get(base + "/healthz"); err != nil || resp.StatusCode != 200 {
		t.Errorf("/healthz: %v %v", resp, err)
	}
}

// TestServeDeadlines: a probe of a server that never answers ends before
// the scrape timeout, and a scrape that finds every slot taken waits
// until its own deadline, then gets 503.
func TestServeDeadlines(t *testing.T) {
	tarpit := probetest.StartTarpit(t)
	base := startServe(t, "", "--max-concurrent", "1")
	target := fmt.Sprintf("imaps://127.0.0.1:%d", tarpit.Port())
	first := make(chan time.Duration)
	go func() {
		start := time.Now()
		code, body := scrape(t, base, target, "default", 2)
		if code != 200 || !strings.Contains(body, "probe_success 0") {
			t.Errorf("tarpit: %d %s", code, body)
		}
		first <- time.Since(start)
	}()
	time.Sleep(200 * time.Millisecond)
	start := time.Now()
	code, _ := scrape(t, base, target, "default", 1)
	if waited := time.Since(start); code != http.StatusServiceUnavailable || waited > time.Second {
		t.Errorf("second scrape: %d after %v, want 503 within the 1s scrape timeout", code, waited)
	}
	if d := <-first; d > 2*time.Second {
		t.Errorf("the tarpit probe took %v, more than the 2s scrape timeout", d)
	}
}
