package bench

import (
	"bytes"
	"context"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/postino-mail/postino/autoconfig/resolver/resolvertest"
	"github.com/postino-mail/postino/commands"
	"github.com/postino-mail/postino/probe/probetest"
)

// The tarpit world: `postino test alice@tarpit.test`, whose IMAP host
// accepts TCP on every mail port and never says a byte, while its
// submission server works.
//
//	_imaps._tcp.tarpit.test       SRV imap.tarpit.test:993
//	_submission._tcp.tarpit.test  SRV smtp.tarpit.test:587
//	imap.tarpit.test  A 127.23.0.1  tarpit on 143, 993, 110, 995
//	smtp.tarpit.test  A 127.23.0.2  probetest SMTP (go-smtp), STARTTLS on 587
//
// The run is the CLI's own (commands.Run, in process): discovery, whose
// probe of the tarpit waits --probe-timeout, then the diagnosis of each
// side. No latency is injected: the figure is how many probe timeouts the
// silence costs. The addresses are real loopback listeners at the
// standard ports, so the benchmark needs root (or the port capability).
const (
	tarpitDomain   = "tarpit.test"
	ipTarpitIMAP   = "127.23.0.1"
	ipTarpitSMTP   = "127.23.0.2"
	tarpitProbeTTL = 2 * time.Second // --probe-timeout of the benchmark
)

// tarpit accepts connections on addr and holds them open, silent, until
// it is closed.
type tarpit struct {
	ln    net.Listener
	mu    sync.Mutex
	conns []net.Conn
}

func startTarpit(tb testing.TB, addr string) *tarpit {
	tb.Helper()
	ln, err := net.Listen("tcp4", addr)
	if err != nil {
		tb.Skipf("tarpit on %s: %v (needs root for the standard mail ports)", addr, err)
	}
	tp := &tarpit{ln: ln}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			tp.mu.Lock()
			tp.conns = append(tp.conns, c)
			tp.mu.Unlock()
			// Read and drop what the client sends (a ClientHello): a
			// tarpit never answers.
			go io.Copy(io.Discard, c)
		}
	}()
	tb.Cleanup(func() {
		ln.Close()
		tp.mu.Lock()
		defer tp.mu.Unlock()
		for _, c := range tp.conns {
			c.Close()
		}
	})
	return tp
}

type tarpitWorld struct {
	dns       *resolvertest.Server
	caFile    string
	providers []byte // providers.json, as the binary embeds it
}

func newTarpitWorld(tb testing.TB) *tarpitWorld {
	tb.Helper()
	for _, port := range []int{143, 993, 110, 995} {
		startTarpit(tb, net.JoinHostPort(ipTarpitIMAP, strconv.Itoa(port)))
	}
	ca, err := probetest.NewCA()
	if err != nil {
		tb.Fatal(err)
	}
	leaf, err := ca.Issue(probetest.LeafOptions{}, "smtp.tarpit.test")
	if err != nil {
		tb.Fatal(err)
	}
	probetest.StartSMTP(tb, probetest.SMTPOptions{Addr: ipTarpitSMTP + ":587", Domain: "smtp.tarpit.test", TLS: probetest.StartTLS, TLSConfig: leaf.TLSConfig()})
	caFile, err := ca.WriteFile(tb.TempDir())
	if err != nil {
		tb.Fatal(err)
	}
	dns := resolvertest.NewServer(tb, resolvertest.Zone{
		"_imaps._tcp." + tarpitDomain:      {SRV: []resolvertest.SRV{{Target: "imap.tarpit.test", Port: 993, Priority: 0, Weight: 1}}},
		"_submission._tcp." + tarpitDomain: {SRV: []resolvertest.SRV{{Target: "smtp.tarpit.test", Port: 587, Priority: 0, Weight: 1}}},
		"imap.tarpit.test":                 {A: []string{ipTarpitIMAP}},
		"smtp.tarpit.test":                 {A: []string{ipTarpitSMTP}},
	})
	providers, err := os.ReadFile("../providers.json")
	if err != nil {
		tb.Fatal(err)
	}
	return &tarpitWorld{dns: dns, caFile: caFile, providers: providers}
}

// run is one `postino test alice@tarpit.test -v`: its wall time, exit
// status and output.
func (w *tarpitWorld) run() (time.Duration, int, string) {
	var out, errb bytes.Buffer
	args := []string{"postino", "test", "alice@" + tarpitDomain, "-v", "--no-color",
		"--resolver", w.dns.Addr(), "--ca-file", w.caFile, "--ispdb-url", "https://127.0.0.1:1/",
		"--probe-timeout", tarpitProbeTTL.String()}
	start := time.Now()
	st := commands.Run(context.Background(), args, strings.NewReader(""), &out, &errb, commands.BuildInfo{Providers: w.providers})
	return time.Since(start), st, out.String() + errb.String()
}

// BenchmarkTestTarpit is `postino test` of a domain whose IMAP host is a
// tarpit. wall/probe-timeout is the figure docs/benchmarks.md ("Tarpit")
// sets a target for: at most one probe timeout and a second.
func BenchmarkTestTarpit(b *testing.B) {
	w := newTarpitWorld(b)
	var sum time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		wall, st, out := w.run()
		b.StopTimer()
		checkTarpitRun(b, st, out)
		sum += wall
		b.StartTimer()
	}
	wall := ms(sum) / float64(b.N)
	b.ReportMetric(wall, "wall-ms/op")
	b.ReportMetric(ms(tarpitProbeTTL), "probe-timeout-ms")
	b.ReportMetric(wall/ms(tarpitProbeTTL), "wall/probe-timeout")
}

// checkTarpitRun fails unless the run found the incoming side broken by
// a silent server and the outgoing side working: a run that failed for
// another reason would measure nothing.
func checkTarpitRun(tb testing.TB, st int, out string) {
	tb.Helper()
	if st != 2 || !strings.Contains(out, "server.silent") || !strings.Contains(out, "smtp.tarpit.test") {
		tb.Fatalf("postino test: exit %d, want 2 with server.silent; output:\n%s", st, out)
	}
}

// TestTarpitWorld checks the world the benchmark measures, and with -v
// prints the run's output.
func TestTarpitWorld(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("the tarpit listens on the standard mail ports: needs root")
	}
	w := newTarpitWorld(t)
	wall, st, out := w.run()
	checkTarpitRun(t, st, out)
	t.Logf("%v, exit %d\n%s", wall, st, out)
}
