package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/postino-mail/postino/autoconfig/resolver/resolvertest"
	"github.com/postino-mail/postino/probe/probetest"
)

// The comparison with the monitoring plugins: the built `postino test`
// binary and the Debian monitoring plugins plus swaks, run one after
// another, over the same real Dovecot (IMAP, POP3) and Postfix
// (submission) on two loopback addresses at the standard ports.
//
//	imap.example.test, pop.example.test, smtp.example.test
//	    A 127.0.40.1 and 127.0.40.2 (real servers; variant "loopback")
//	    A 127.0.41.1 and 127.0.41.2 (startConnectDelayProxy in front of them,
//	    and 50 ms on every DNS answer; variant "rtt50ms")
//
// Both sides cover the same ports on the same addresses: what postino
// test does with --imap, --pop3 and --smtp naming the hosts (the named
// implicit-TLS port on every address, the other port, STARTTLS, on the
// first), the plugins the same ports and addresses, one process each.
//
// It needs root (standard ports on 127.x), Dovecot and Postfix, the
// monitoring plugins and swaks (bench/install-bench-tools.sh installs
// them), and skips otherwise. With POSTINO_HYPERFINE_DIR set (as
// bench/compare-plugins.sh does) it also times both sides with hyperfine
// and writes hyperfine's JSON and Markdown exports there.
const (
	pluginsDir   = "/usr/lib/nagios/plugins"
	mailIP1      = "127.0.40.1"
	mailIP2      = "127.0.40.2"
	proxyIP1     = "127.0.41.1"
	proxyIP2     = "127.0.41.2"
	pluginsUser  = "alice@example.test"
	certWarnDays = "14" // postino's default --cert-warn-days, given to the plugins' -D
)

var pluginsHosts = []string{"imap.example.test", "pop.example.test", "smtp.example.test"}

// pluginsWorld is the real servers, the built binary and the CA.
type pluginsWorld struct {
	dir, bin, caFile string
	// once holds, per variant, what runs once however often the testing
	// package calls the sub-benchmark (first with b.N = 1, then with the
	// -benchtime count): the check that both sides pass, and hyperfine.
	once map[string]*variantOnce
}

type variantOnce struct {
	checked bool
	hf      *hyperfineResult
}

// hyperfineResult is what hyperfine measured for both sides, in seconds.
type hyperfineResult struct {
	postino, plugins float64
}

// pluginsVariant is one way to reach the servers.
type pluginsVariant struct {
	name     string
	rtt      time.Duration
	ip1, ip2 string // the addresses the host names resolve to
	dns      string // the DNS server postino asks
}

// pluginsCheck is one command of the plugins' side and what it checks.
type pluginsCheck struct {
	name string
	argv []string
}

// pluginsChecks are the plugins' side for v: the same ports on the same
// addresses as postino test checks (see the package comment above),
// one process each, one after another.
func pluginsChecks(v pluginsVariant) []pluginsCheck {
	p := func(name string) string { return filepath.Join(pluginsDir, name) }
	return []pluginsCheck{
		// check_imap and check_pop are check_tcp: connect, TLS with -S, read
		// the banner and match it, cert days left with -D, send the quit
		// string. No STARTTLS: on 143 and 110 they read the plain banner.
		{"imap 993 " + v.ip1, []string{p("check_imap"), "-H", v.ip1, "-p", "993", "-S", "-D", certWarnDays}},
		{"imap 993 " + v.ip2, []string{p("check_imap"), "-H", v.ip2, "-p", "993", "-S", "-D", certWarnDays}},
		{"imap 143 " + v.ip1, []string{p("check_imap"), "-H", v.ip1, "-p", "143"}},
		{"pop3 995 " + v.ip1, []string{p("check_pop"), "-H", v.ip1, "-p", "995", "-S", "-D", certWarnDays}},
		{"pop3 995 " + v.ip2, []string{p("check_pop"), "-H", v.ip2, "-p", "995", "-S", "-D", certWarnDays}},
		{"pop3 110 " + v.ip1, []string{p("check_pop"), "-H", v.ip1, "-p", "110"}},
		// check_smtp 2.3.3 has no implicit TLS: check_ssmtp (check_tcp,
		// TLS, expects 220) covers 465; check_smtp -S does EHLO, STARTTLS
		// and the cert days on 587.
		{"smtp 465 " + v.ip1, []string{p("check_ssmtp"), "-H", v.ip1, "-p", "465", "-D", certWarnDays}},
		{"smtp 465 " + v.ip2, []string{p("check_ssmtp"), "-H", v.ip2, "-p", "465", "-D", certWarnDays}},
		{"smtp 587 " + v.ip1, []string{p("check_smtp"), "-H", v.ip1, "-p", "587", "-S", "-D", certWarnDays}},
		// swaks shows what check_smtp does not: the EHLO answer (AUTH
		// mechanisms) before and after STARTTLS, and after implicit TLS.
		{"swaks 587 " + v.ip1, []string{"swaks", "--server", v.ip1, "--port", "587", "--tls", "--quit-after", "EHLO", "--to", pluginsUser}},
		{"swaks 465 " + v.ip1, []string{"swaks", "--server", v.ip1, "--port", "465", "--tlsc", "--quit-after", "EHLO", "--to", pluginsUser}},
	}
}

// postinoArgv is `postino test` of the three servers, as a user types it.
func (w *pluginsWorld) postinoArgv(v pluginsVariant, extra ...string) []string {
	argv := []string{w.bin, "test", pluginsUser,
		"--imap", pluginsHosts[0], "--pop3", pluginsHosts[1], "--smtp", pluginsHosts[2],
		"--resolver", v.dns, "--ca-file", w.caFile}
	return append(argv, extra...)
}

// shellLine quotes argv for sh (the paths and names here need no more
// than this).
func shellLine(argv []string) string {
	q := make([]string, len(argv))
	for i, a := range argv {
		if strings.ContainsAny(a, " '\"$\\") {
			a = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		q[i] = a
	}
	return strings.Join(q, " ")
}

// writePluginsScript writes the plugins' side as a shell script that stops
// at the first failing check, and returns its path.
func (w *pluginsWorld) writePluginsScript(v pluginsVariant) (string, error) {
	var b strings.Builder
	b.WriteString("#!/bin/sh\n# The monitoring plugins and swaks over the servers postino test checks,\n# one after another (written by bench/plugins_test.go).\nset -e\n")
	for _, c := range pluginsChecks(v) {
		fmt.Fprintf(&b, "%s\n", shellLine(c.argv))
	}
	path := filepath.Join(w.dir, "plugins-"+v.name+".sh")
	return path, os.WriteFile(path, []byte(b.String()), 0o755)
}

// needPlugins skips b unless everything the comparison runs is here.
func needPlugins(b *testing.B) {
	b.Helper()
	if err := probetest.MailServersAvailable(); err != nil {
		b.Skipf("%v (bench/install-bench-tools.sh installs everything)", err)
	}
	for _, c := range pluginsChecks(pluginsVariant{ip1: mailIP1, ip2: mailIP2}) {
		if _, err := exec.LookPath(c.argv[0]); err != nil {
			b.Skipf("%s is missing: run bench/install-bench-tools.sh as root", c.argv[0])
		}
	}
	if os.Getenv("POSTINO_HYPERFINE_DIR") != "" {
		if _, err := exec.LookPath("hyperfine"); err != nil {
			b.Skip("hyperfine is missing: run bench/install-bench-tools.sh as root")
		}
	}
}

// startPluginsWorld builds postino, starts Dovecot and Postfix on
// 127.0.40.1 and .2 with a certificate for the three names from a test
// CA, and returns the world and its two variants.
func startPluginsWorld(b *testing.B) (*pluginsWorld, []pluginsVariant) {
	b.Helper()
	dir := b.TempDir()
	w := &pluginsWorld{dir: dir, bin: filepath.Join(dir, "postino"), once: map[string]*variantOnce{}}
	build := exec.Command("go", "build", "-o", w.bin, ".")
	build.Dir = ".." // the module root, where package main is
	if out, err := build.CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	ca, err := probetest.NewCA()
	if err != nil {
		b.Fatal(err)
	}
	if w.caFile, err = ca.WriteFile(dir); err != nil {
		b.Fatal(err)
	}
	leaf, err := ca.Issue(probetest.LeafOptions{}, pluginsHosts...)
	if err != nil {
		b.Fatal(err)
	}
	certFile, keyFile, err := leaf.WriteFiles(dir, "mail")
	if err != nil {
		b.Fatal(err)
	}
	mail, err := probetest.StartMailServers(probetest.MailServerOptions{
		Dir: filepath.Join(dir, "mail"), Addrs: []string{mailIP1, mailIP2}, CertFile: certFile, KeyFile: keyFile,
		Users:    []probetest.MailUser{{Address: pluginsUser, Password: "wonderland"}},
		Hostname: "smtp.example.test",
	})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		if err := mail.Close(); err != nil {
			b.Errorf("closing the mail servers: %v", err)
		}
	})

	var variants []pluginsVariant
	for _, v := range []pluginsVariant{
		{name: "loopback", ip1: mailIP1, ip2: mailIP2},
		{name: "rtt50ms", rtt: benchRTT, ip1: proxyIP1, ip2: proxyIP2},
	} {
		if v.rtt > 0 {
			for _, pair := range [][2]string{{proxyIP1, mailIP1}, {proxyIP2, mailIP2}} {
				for _, port := range []int{993, 143, 995, 110, 465, 587} {
					p, err := startConnectDelayProxy(net.JoinHostPort(pair[0], strconv.Itoa(port)), net.JoinHostPort(pair[1], strconv.Itoa(port)), v.rtt)
					if err != nil {
						b.Fatal(err)
					}
					b.Cleanup(func() { p.Close() })
				}
			}
		}
		zone := resolvertest.Zone{}
		for _, h := range pluginsHosts {
			zone[h] = resolvertest.Records{A: []string{v.ip1, v.ip2}}
		}
		dns, err := resolvertest.Start("127.0.0.1:0", zone)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { dns.Close() })
		dns.SetLatency(v.rtt)
		v.dns = dns.Addr()
		variants = append(variants, v)
	}
	return w, variants
}

// runTimed runs argv and returns its wall time; output goes to out (nil:
// discarded). A failing command fails b.
func runTimed(b *testing.B, argv []string, out *bytes.Buffer) time.Duration {
	b.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Stdin = nil
	if out != nil {
		cmd.Stdout, cmd.Stderr = out, out
	}
	start := time.Now()
	err := cmd.Run()
	took := time.Since(start)
	if err != nil {
		msg := ""
		if out != nil {
			msg = out.String()
		}
		b.Fatalf("%s: %v\n%s", shellLine(argv), err, msg)
	}
	return took
}

// checkPostinoJSON runs postino once with --format json and fails unless
// both sides work, every server on both addresses and its other port.
func (w *pluginsWorld) checkPostinoJSON(b *testing.B, v pluginsVariant) {
	b.Helper()
	var out bytes.Buffer
	runTimed(b, w.postinoArgv(v, "--format", "json"), &out)
	var rep struct {
		Incoming, Outgoing struct {
			Status  string
			Servers []struct {
				Server    struct{ Host string }
				Status    string
				Addresses []struct{ OK bool }
				Phases    []struct {
					Name   string
					OK     bool
					Detail string
				}
				Findings []struct{ Code, Severity string }
			}
		}
	}
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		b.Fatalf("postino --format json: %v\n%s", err, out.String())
	}
	n := 0
	for _, side := range []string{"incoming", "outgoing"} {
		s := rep.Incoming
		if side == "outgoing" {
			s = rep.Outgoing
		}
		if s.Status != "ok" {
			b.Errorf("%s: %s, want ok", side, s.Status)
		}
		for _, srv := range s.Servers {
			n++
			ok := 0
			for _, a := range srv.Addresses {
				if a.OK {
					ok++
				}
			}
			other := ""
			for _, ph := range srv.Phases {
				if ph.Name == "other-port" {
					other = ph.Detail
				}
			}
			if ok != 2 || !strings.Contains(other, "works") {
				b.Errorf("%s: %d of %d addresses work, other port: %q", srv.Server.Host, ok, len(srv.Addresses), other)
			}
			for _, f := range srv.Findings {
				b.Logf("%s: finding %s (%s)", srv.Server.Host, f.Code, f.Severity)
			}
		}
	}
	if n != 3 {
		b.Errorf("%d servers diagnosed, want 3", n)
	}
}

// BenchmarkTestVsPlugins times, in the same run, `postino test` of the
// three servers and the monitoring plugins plus swaks over the same ports
// and addresses one after another, in each variant. Metrics: postino-ms
// and plugins-ms (wall time of one whole run each, process start
// included), plugins/postino, and <check>-ms for each plugin run.
func BenchmarkTestVsPlugins(b *testing.B) {
	needPlugins(b)
	w, variants := startPluginsWorld(b)
	for _, v := range variants {
		b.Run(v.name, func(b *testing.B) { benchmarkVsPlugins(b, w, v) })
	}
}

func benchmarkVsPlugins(b *testing.B, w *pluginsWorld, v pluginsVariant) {
	checks := pluginsChecks(v)
	script, err := w.writePluginsScript(v)
	if err != nil {
		b.Fatal(err)
	}
	once := w.once[v.name]
	if once == nil {
		once = &variantOnce{}
		w.once[v.name] = once
	}
	if !once.checked {
		// Once, to see that both sides pass, with their output in the log.
		once.checked = true
		w.checkPostinoJSON(b, v)
		var out bytes.Buffer
		took := runTimed(b, w.postinoArgv(v), &out)
		b.Logf("%s  (%v)\n%s", shellLine(w.postinoArgv(v)), took.Round(time.Millisecond), out.String())
		for _, c := range checks {
			out.Reset()
			took := runTimed(b, c.argv, &out)
			text := out.String()
			if strings.HasPrefix(c.argv[0], "swaks") {
				text = fmt.Sprintf("(%d lines of transcript)\n", strings.Count(text, "\n"))
			}
			b.Logf("%s  (%v)\n%s", shellLine(c.argv), took.Round(time.Millisecond), text)
		}
	}

	var postino, plugins time.Duration
	per := make([]time.Duration, len(checks))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		postino += runTimed(b, w.postinoArgv(v), nil)
		for j, c := range checks {
			t := runTimed(b, c.argv, nil)
			per[j] += t
			plugins += t
		}
	}
	b.StopTimer()
	n := float64(b.N)
	b.ReportMetric(ms(postino)/n, "postino-ms")
	b.ReportMetric(ms(plugins)/n, "plugins-ms")
	b.ReportMetric(float64(plugins)/float64(postino), "plugins/postino")
	for j, c := range checks {
		b.ReportMetric(ms(per[j])/n, strings.ReplaceAll(strings.ReplaceAll(c.name, " ", "-"), "127.0.", "")+"-ms")
	}

	if dir := os.Getenv("POSTINO_HYPERFINE_DIR"); dir != "" {
		if once.hf == nil {
			once.hf = w.hyperfine(b, v, script, dir)
		}
		b.ReportMetric(once.hf.postino*1000, "hf-postino-ms")
		b.ReportMetric(once.hf.plugins*1000, "hf-plugins-ms")
		b.ReportMetric(once.hf.plugins/once.hf.postino, "hf-plugins/postino")
	}
}

// hyperfine times both sides with hyperfine (warmups, several runs, each
// command through sh, whose start hyperfine subtracts) and exports its
// JSON and Markdown into dir.
func (w *pluginsWorld) hyperfine(b *testing.B, v pluginsVariant, script, dir string) *hyperfineResult {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.Fatal(err)
	}
	runs := "20"
	if v.rtt > 0 {
		runs = "10"
	}
	if r := os.Getenv("POSTINO_HYPERFINE_RUNS"); r != "" {
		runs = r
	}
	jsonPath := filepath.Join(dir, v.name+".json")
	argv := []string{"hyperfine", "--style", "basic", "--warmup", "3", "--runs", runs,
		"--export-json", jsonPath, "--export-markdown", filepath.Join(dir, v.name+".md"),
		"--command-name", "postino test (3 servers, 2 addresses, 2 ports each)", shellLine(w.postinoArgv(v)),
		"--command-name", "plugins + swaks, one after another (11 runs)", "sh " + script}
	var out bytes.Buffer
	runTimed(b, argv, &out)
	b.Logf("%s\n%s", shellLine(argv), out.String())
	// Keep what was compared beside the figures.
	cmds := fmt.Sprintf("# %s\n# postino side\n%s\n\n# plugins side (%s)\n", v.name, shellLine(w.postinoArgv(v)), script)
	for _, c := range pluginsChecks(v) {
		cmds += shellLine(c.argv) + "\n"
	}
	if err := os.WriteFile(filepath.Join(dir, v.name+"-commands.txt"), []byte(cmds), 0o644); err != nil {
		b.Fatal(err)
	}
	var res struct {
		Results []struct {
			Command string
			Mean    float64
			Stddev  float64
			Min     float64
			Max     float64
		}
	}
	data, err := os.ReadFile(jsonPath)
	if err == nil {
		err = json.Unmarshal(data, &res)
	}
	if err != nil || len(res.Results) != 2 {
		b.Fatalf("hyperfine's JSON %s: %v", jsonPath, err)
	}
	return &hyperfineResult{postino: res.Results[0].Mean, plugins: res.Results[1].Mean}
}
