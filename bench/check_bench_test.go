package bench

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/postino-mail/postino/probe/probetest"
)

// The bulk check benchmark (docs/benchmarks.md, "Check in bulk"):
// `postino check --from` a list of 200 or 2,000 targets, served by five
// in-process servers on loopback (IMAP, POP3 and SMTP with implicit TLS,
// certificates from a test CA), at the default and a high concurrency;
// and, in the same run, Debian's monitoring plugins (check_simap,
// check_spop, check_ssmtp) invoked once per target with the same
// parallelism. It reports targets per second and the peak resident memory
// of the checking process(es).

// bulkServers starts the servers and returns their target URLs and the CA
// file.
func bulkServers(b *testing.B) (targets []string, caFile string) {
	ca, err := probetest.NewCA()
	if err != nil {
		b.Fatal(err)
	}
	if caFile, err = ca.WriteFile(b.TempDir()); err != nil {
		b.Fatal(err)
	}
	leaf, err := ca.Issue(probetest.LeafOptions{}, "127.0.0.1")
	if err != nil {
		b.Fatal(err)
	}
	cfg := leaf.TLSConfig()
	for range 2 {
		s := probetest.StartIMAP(b, probetest.IMAPOptions{TLS: probetest.ImplicitTLS, TLSConfig: cfg})
		targets = append(targets, fmt.Sprintf("imaps://127.0.0.1:%d", s.Port()))
		m := probetest.StartSMTP(b, probetest.SMTPOptions{TLS: probetest.ImplicitTLS, TLSConfig: cfg, Domain: "127.0.0.1"})
		targets = append(targets, fmt.Sprintf("smtps://127.0.0.1:%d", m.Port()))
	}
	p := probetest.StartPOP3(b, probetest.POP3Options{TLS: probetest.ImplicitTLS, TLSConfig: cfg})
	targets = append(targets, fmt.Sprintf("pop3s://127.0.0.1:%d", p.Port()))
	return targets, caFile
}

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

func postinoBin(b *testing.B) string {
	binOnce.Do(func() {
		binPath = filepath.Join(os.TempDir(), fmt.Sprintf("postino-bench-%d", os.Getpid()))
		out, err := exec.Command("go", "build", "-o", binPath, "..").CombinedOutput()
		if err != nil {
			binErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		b.Fatal(binErr)
	}
	return binPath
}

// maxRSS is a finished process's peak resident memory in MiB.
func maxRSS(ps *os.ProcessState) float64 {
	if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
		return float64(ru.Maxrss) / 1024 // KiB on Linux
	}
	return 0
}

func BenchmarkCheckBulk(b *testing.B) {
	servers, caFile := bulkServers(b)
	bin := postinoBin(b)
	for _, n := range []int{200, 2000} {
		list := make([]string, n)
		for i := range list {
			list[i] = servers[i%len(servers)]
		}
		file := filepath.Join(b.TempDir(), "targets")
		os.WriteFile(file, []byte(strings.Join(list, "\n")+"\n"), 0o644)
		for _, conc := range []int{32, 256} {
			b.Run(fmt.Sprintf("postino/targets=%d/concurrency=%d", n, conc), func(b *testing.B) {
				var rss float64
				start := time.Now()
				for range b.N {
					cmd := exec.Command(bin, "check", "--from", file, "--ca-file", caFile, "--concurrency", fmt.Sprint(conc),
						"--format", "nagios", "--fail-on", "error", "--timeout", "20s", "--probe-timeout", "10s")
					out, err := cmd.Output()
					if err != nil || !strings.HasPrefix(string(out), "POSTINO OK") {
						b.Fatalf("postino check: %v\n%.500s", err, out)
					}
					rss = max(rss, maxRSS(cmd.ProcessState))
				}
				b.ReportMetric(float64(n*b.N)/time.Since(start).Seconds(), "targets/s")
				b.ReportMetric(rss, "peak-RSS-MiB")
			})
		}
		b.Run(fmt.Sprintf("monitoring-plugins/targets=%d/concurrency=32", n), func(b *testing.B) {
			benchPlugins(b, list, caFile, 32)
		})
	}
}

// pluginFor is the monitoring plugin (and its arguments) that checks the
// same service as a target: connect, TLS, greeting.
func pluginFor(target string) (string, []string) {
	scheme, hostport, _ := strings.Cut(target, "://")
	host, port, _ := strings.Cut(hostport, ":")
	plugin := map[string]string{"imaps": "check_simap", "pop3s": "check_spop", "smtps": "check_ssmtp"}[scheme]
	return "/usr/lib/nagios/plugins/" + plugin, []string{"-H", host, "-p", port, "-t", "10"}
}

// benchPlugins runs one plugin process per target, conc at a time (as a
// Nagios or Icinga scheduler would), and records the peak RSS of any one
// plugin process and of them all together at their peak.
func benchPlugins(b *testing.B, list []string, caFile string, conc int) {
	if _, err := os.Stat("/usr/lib/nagios/plugins/check_simap"); err != nil {
		b.Skip("monitoring-plugins-basic is not installed")
	}
	var mu sync.Mutex
	var rss float64
	start := time.Now()
	for range b.N {
		sem := make(chan struct{}, conc)
		var wg sync.WaitGroup
		for _, t := range list {
			sem <- struct{}{}
			wg.Add(1)
			go func() {
				defer func() { <-sem; wg.Done() }()
				p, args := pluginFor(t)
				cmd := exec.CommandContext(context.Background(), p, args...)
				if out, err := cmd.Output(); err != nil {
					b.Errorf("%s %v: %v %s", p, args, err, out)
					return
				}
				mu.Lock()
				rss = max(rss, maxRSS(cmd.ProcessState))
				mu.Unlock()
			}()
		}
		wg.Wait()
	}
	b.ReportMetric(float64(len(list)*b.N)/time.Since(start).Seconds(), "targets/s")
	b.ReportMetric(rss, "peak-RSS-MiB-per-process")
	b.ReportMetric(rss*float64(conc), "peak-RSS-MiB-all")
}
