package bench

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/postino-mail/postino/autoconfig/resolver/resolvertest"
	"github.com/postino-mail/postino/probe/probetest"
)

// The bulk check benchmark with addresses (docs/benchmarks.md, "Check in
// bulk", "Addresses: discovery per target"): the same `postino check
// --from` run as BenchmarkCheckBulk, but the targets are 200 or 2,000
// addresses alice@d0001.test … alice@d2000.test, so every target runs full
// discovery before its diagnosis.
//
// Each domain publishes only SRV records, as a hosting provider's
// customers do:
//
//	_imaps._tcp.dNNNN.test        SRV 0 1 PORT imap.shared.test.
//	_submissions._tcp.dNNNN.test  SRV 0 1 PORT smtp.shared.test.
//	imap.shared.test, smtp.shared.test  A 127.0.0.1
//
// where PORT are the ports of one in-process IMAP and one SMTP server
// (implicit TLS, certificates from the test CA for those names). The zone
// is served by a resolvertest server on loopback (--resolver); every other
// name is NXDOMAIN, so every other source fails fast without leaving the
// machine: autoconfig. and the domain's web site (no such host), MX (no
// such domain), autodiscover (no host, no SRV), guesses (no such host),
// the ISPDB at https://127.0.0.1:1/ (connection refused). The built-in
// provider database is asked too (offline; it knows no .test domain).
//
// `check` has no --skip (only discover, config and test have it), and it
// would not be wanted: a health check asks every source, and on this zone
// autodiscover costs a few NXDOMAIN answers like the other failing
// sources, so the figures include what each source costs when it finds
// nothing.

// domainsMax is the size of the zone: the longest list.
const domainsMax = 2000

// domainWorld starts the shared servers and the DNS server and returns
// the DNS server and the CA file.
func domainWorld(b *testing.B) (dns *resolvertest.Server, caFile string) {
	ca, err := probetest.NewCA()
	if err != nil {
		b.Fatal(err)
	}
	if caFile, err = ca.WriteFile(b.TempDir()); err != nil {
		b.Fatal(err)
	}
	imapLeaf, err := ca.Issue(probetest.LeafOptions{}, "imap.shared.test")
	if err != nil {
		b.Fatal(err)
	}
	smtpLeaf, err := ca.Issue(probetest.LeafOptions{}, "smtp.shared.test")
	if err != nil {
		b.Fatal(err)
	}
	imap := probetest.StartIMAP(b, probetest.IMAPOptions{TLS: probetest.ImplicitTLS, TLSConfig: imapLeaf.TLSConfig()})
	smtp := probetest.StartSMTP(b, probetest.SMTPOptions{TLS: probetest.ImplicitTLS, TLSConfig: smtpLeaf.TLSConfig(), Domain: "smtp.shared.test"})

	zone := resolvertest.Zone{
		"imap.shared.test": {A: []string{"127.0.0.1"}},
		"smtp.shared.test": {A: []string{"127.0.0.1"}},
	}
	for i := 1; i <= domainsMax; i++ {
		d := domainName(i)
		zone["_imaps._tcp."+d] = resolvertest.Records{SRV: []resolvertest.SRV{{Target: "imap.shared.test", Port: uint16(imap.Port()), Priority: 0, Weight: 1}}}
		zone["_submissions._tcp."+d] = resolvertest.Records{SRV: []resolvertest.SRV{{Target: "smtp.shared.test", Port: uint16(smtp.Port()), Priority: 0, Weight: 1}}}
	}
	return resolvertest.NewServer(b, zone), caFile
}

func domainName(i int) string { return fmt.Sprintf("d%04d.test", i) }

func BenchmarkCheckBulkAddresses(b *testing.B) {
	dns, caFile := domainWorld(b)
	bin := postinoBin(b)
	for _, n := range []int{200, 2000} {
		list := make([]string, n)
		for i := range list {
			list[i] = "alice@" + domainName(i+1)
		}
		file := filepath.Join(b.TempDir(), "targets")
		if err := os.WriteFile(file, []byte(strings.Join(list, "\n")+"\n"), 0o644); err != nil {
			b.Fatal(err)
		}
		for _, conc := range []int{32, 256} {
			b.Run(fmt.Sprintf("postino/targets=%d/concurrency=%d", n, conc), func(b *testing.B) {
				var rss float64
				queries := dns.Queries()
				start := time.Now()
				for range b.N {
					cmd := exec.Command(bin, "check", "--from", file, "--resolver", dns.Addr(), "--ca-file", caFile,
						"--ispdb-url", "https://127.0.0.1:1/", "--concurrency", fmt.Sprint(conc),
						"--format", "nagios", "--fail-on", "error", "--timeout", "20s", "--probe-timeout", "10s")
					var stderr strings.Builder
					cmd.Stderr = &stderr
					out, err := cmd.Output()
					if err != nil || !strings.HasPrefix(string(out), "POSTINO OK") {
						b.Fatalf("postino check: %v\n%.2000s\n%.1000s", err, out, stderr.String())
					}
					rss = max(rss, maxRSS(cmd.ProcessState))
				}
				b.ReportMetric(float64(n*b.N)/time.Since(start).Seconds(), "targets/s")
				b.ReportMetric(rss, "peak-RSS-MiB")
				b.ReportMetric(float64(dns.Queries()-queries)/float64(n*b.N), "DNS-queries/target")
			})
		}
	}
}
