package bench

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/postino-mail/postino/probe/probetest"
)

// BenchmarkServeScrapes is docs/benchmarks.md's "serve under 200 parallel
// scrapes at --max-concurrent 16": a real `postino serve` process, an
// in-process IMAP server behind a loopback relay that holds every new
// connection for slowServerDelay (a slow but healthy server), and 200
// scrapes sent at once with Prometheus' headers (scrape timeout 2 s). It reports how many scrapes got a real result (200 with
// probe_success 1), a false failure (200 with probe_success 0: the server
// is healthy), or 503, and serve's goroutines and resident memory
// afterwards.
func BenchmarkServeScrapes(b *testing.B) {
	// The default module's timeout (10 s) is longer than the scrape's: the
	// probe gets the whole scrape timeout less serve's margin, and no time
	// is left to wait for a slot. A module timeout of 1 s leaves 0.5 s.
	for _, tc := range []struct{ name, config string }{
		{"default-module", `{}`},
		{"module-timeout-1s", `{"modules": {"default": {"timeout": "1s"}}}`},
	} {
		b.Run(tc.name, func(b *testing.B) { benchServeScrapes(b, tc.config) })
	}
}

func benchServeScrapes(b *testing.B, config string) {
	ca, err := probetest.NewCA()
	if err != nil {
		b.Fatal(err)
	}
	caFile, err := ca.WriteFile(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	leaf, err := ca.Issue(probetest.LeafOptions{}, "127.0.0.1")
	if err != nil {
		b.Fatal(err)
	}
	imap := probetest.StartIMAP(b, probetest.IMAPOptions{TLS: probetest.ImplicitTLS, TLSConfig: leaf.TLSConfig()})
	target := "imaps://" + slowRelay(b, imap.Addr)
	cfg := filepath.Join(b.TempDir(), "serve.json")
	os.WriteFile(cfg, []byte(config), 0o644)
	base, cmd := startServeProcess(b, "--max-concurrent", "16", "--ca-file", caFile, "--config", cfg)

	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256}}
	b.ResetTimer()
	for range b.N {
		var mu sync.Mutex
		counts := map[string]int{}
		var wg sync.WaitGroup
		for range 200 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				k := scrapeOnce(client, base, target)
				mu.Lock()
				counts[k]++
				mu.Unlock()
			}()
		}
		wg.Wait()
		b.ReportMetric(float64(counts["real"]), "real-results")
		b.ReportMetric(float64(counts["false-failure"]), "false-failures")
		b.ReportMetric(float64(counts["503"]), "http-503")
		b.ReportMetric(float64(counts["other"]), "other")
	}
	b.StopTimer()
	time.Sleep(time.Second) // let the last probes' goroutines end
	if g, err := metric(client, base, "go_goroutines"); err == nil {
		b.ReportMetric(g, "goroutines-after")
	}
	b.ReportMetric(rssMiB(cmd.Process.Pid), "rss-MiB-after")
}

// serveBin is the binary under test: POSTINO_BENCH_BIN (an older build,
// for a before/after comparison) or this tree's.
func serveBin(b *testing.B) string {
	if p := os.Getenv("POSTINO_BENCH_BIN"); p != "" {
		return p
	}
	return postinoBin(b)
}

// startServeProcess runs `postino serve` on a free loopback port until
// the benchmark ends, and returns its base URL.
func startServeProcess(b *testing.B, args ...string) (string, *exec.Cmd) {
	cmd := exec.Command(serveBin(b), append([]string{"serve", "--listen", "127.0.0.1:0"}, args...)...)
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	line, err := bufio.NewReader(stderr).ReadString('\n')
	m := regexp.MustCompile(`serving on (http://[0-9.:]+)/`).FindStringSubmatch(line)
	if m == nil {
		b.Fatalf("serve did not start: %q %v", line, err)
	}
	go io.Copy(io.Discard, stderr)
	return m[1], cmd
}

// BenchmarkServeIdleConnections: 1,000 clients each scrape /healthz once
// and keep their connection open, idle. It reports serve's open
// descriptors right after and 35 s later (serve closes idle connections
// after 30 s).
func BenchmarkServeIdleConnections(b *testing.B) {
	for range b.N {
		base, cmd := startServeProcess(b)
		var clients []*http.Client
		for range 1000 {
			c := &http.Client{Transport: &http.Transport{}}
			resp, err := c.Get(base + "/healthz")
			if err != nil {
				b.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			clients = append(clients, c)
		}
		b.ReportMetric(float64(openFDs(cmd.Process.Pid)), "fds-after-1000-clients")
		time.Sleep(35 * time.Second)
		b.ReportMetric(float64(openFDs(cmd.Process.Pid)), "fds-after-35s-idle")
		for _, c := range clients {
			c.CloseIdleConnections()
		}
	}
}

func openFDs(pid int) int {
	fds, _ := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	return len(fds)
}

// scrapeOnce sends what Prometheus sends and sorts the answer.
func scrapeOnce(client *http.Client, base, target string) string {
	req, _ := http.NewRequest(http.MethodGet, base+"/probe?"+url.Values{"target": {target}}.Encode(), nil)
	req.Header.Set("X-Prometheus-Scrape-Timeout-Seconds", "2")
	resp, err := client.Do(req)
	if err != nil {
		return "other"
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	switch {
	case resp.StatusCode == http.StatusServiceUnavailable:
		return "503"
	case resp.StatusCode == 200 && strings.Contains(string(body), "probe_success 1\n"):
		return "real"
	case resp.StatusCode == 200:
		return "false-failure"
	}
	return "other"
}

func metric(client *http.Client, base, name string) (float64, error) {
	resp, err := client.Get(base + "/metrics")
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	m := regexp.MustCompile(`(?m)^` + name + ` (\S+)$`).FindSubmatch(b)
	if m == nil {
		return 0, fmt.Errorf("no %s", name)
	}
	return strconv.ParseFloat(string(m[1]), 64)
}

// rssMiB is a running process's resident memory (VmRSS) in MiB.
func rssMiB(pid int) float64 {
	b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	m := regexp.MustCompile(`VmRSS:\s+(\d+) kB`).FindSubmatch(b)
	if m == nil {
		return 0
	}
	kb, _ := strconv.ParseFloat(string(m[1]), 64)
	return kb / 1024
}

// slowServerDelay is how long slowRelay holds a connection before it
// reaches the server: a healthy server far away or under load.
const slowServerDelay = 300 * time.Millisecond

// slowRelay forwards connections to backend after slowServerDelay and
// returns its own address.
func slowRelay(b *testing.B, backend string) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	b.Cleanup(func() { cancel(); ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				select {
				case <-time.After(slowServerDelay):
				case <-ctx.Done():
					return
				}
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
