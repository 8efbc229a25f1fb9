package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/postino-mail/postino/autoconfig/resolver/resolvertest"
	"github.com/postino-mail/postino/probe/probetest"
)

// The end-to-end world: real Dovecot and Postfix on 127.0.1.1 at the
// standard ports, an HTTPS server on 127.0.3.1:443 for every autoconfig,
// autodiscover and ISPDB host, a DNS server on loopback, and a test CA.
// Four domains, each discoverable through one source only:
//
//	srv.test    SRV records (RFC 6186/8314) → store.srv.test
//	ac.test     https://autoconfig.ac.test/mail/config-v1.1.xml → box.ac.test
//	ad.test     https://autodiscover.ad.test/autodiscover/autodiscover.xml → mbox.ad.test
//	guess.test  nothing published; imap.guess.test and smtp.guess.test exist
const (
	mailIP = "127.0.1.1"
	webIP  = "127.0.3.1"
)

type world struct {
	dns    *resolvertest.Server
	caFile string
	ispdb  string
	// mail are the mail servers on mailIP; expired, with withExpiredMail,
	// those on expiredIP.
	mail, expired *probetest.MailServers
	// leaf is the certificate of every TLS server of the world.
	leaf *probetest.Leaf
}

// worldConfig holds the variants a test asks startWorld for.
type worldConfig struct {
	expiredMail bool
	// extra are what a group of tests adds to the world: records, names
	// on the certificate, web documents (see withExtra).
	extra []worldExtra
}

// worldExtra is a part of the world one group of tests adds.
type worldExtra struct {
	zone  resolvertest.Zone
	names []string                             // more names on the shared test certificate
	web   map[string]http.HandlerFunc          // mux pattern (host/path) → handler on https and http; "http://host/path" on http only
	start func(t *testing.T, w *world)         // more servers, started after the mail servers
	mail  func(o *probetest.MailServerOptions) // more of the mail servers: users, relay variants
}

// withExtra adds records, certificate names, web documents and servers.
func withExtra(x worldExtra) worldOption {
	return func(c *worldConfig) { c.extra = append(c.extra, x) }
}

// worldOption varies the world.
type worldOption func(*worldConfig)

// withExpiredMail adds a second Dovecot and Postfix on expiredIP whose
// certificate (for store.expired.test) expired two days ago; its user is
// alice@expired.test with password "wonderland-expired.test".
func withExpiredMail() worldOption { return func(c *worldConfig) { c.expiredMail = true } }

const expiredIP = "127.0.1.2"

var hostNames = []string{
	"store.srv.test", "box.ac.test", "mbox.ad.test", "imap.guess.test", "smtp.guess.test",
	"autoconfig.ac.test", "autodiscover.ad.test", "ispdb.test",
}

// needRoot skips (or, in CI, fails) a test that binds standard ports.
func needRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() == 0 {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("the end-to-end world binds ports 443, 993, … on 127.x: run the tests as root")
	}
	t.Skip("the end-to-end world binds ports 443, 993, … on 127.x: run as root (scripts/test.sh)")
}

func startWorld(t *testing.T, opts ...worldOption) *world {
	t.Helper()
	needRoot(t)
	var cfg worldConfig
	for _, o := range opts {
		o(&cfg)
	}
	w := &world{}
	dir := t.TempDir()
	ca, err := probetest.NewCA()
	if err != nil {
		t.Fatal(err)
	}
	caFile, err := ca.WriteFile(dir)
	if err != nil {
		t.Fatal(err)
	}
	names := append([]string(nil), hostNames...)
	web := map[string]http.HandlerFunc{}
	for _, x := range cfg.extra {
		names = append(names, x.names...)
		for k, h := range x.web {
			web[k] = h
		}
	}
	leaf, err := ca.Issue(probetest.LeafOptions{}, names...)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile, err := leaf.WriteFiles(dir, "mail")
	if err != nil {
		t.Fatal(err)
	}
	var users []probetest.MailUser
	for _, d := range []string{"srv.test", "ac.test", "ad.test", "guess.test"} {
		users = append(users, probetest.MailUser{Address: "alice@" + d, Password: "wonderland-" + d})
	}
	mo := probetest.MailServerOptions{
		Dir: filepath.Join(dir, "mail"), Addrs: []string{mailIP}, CertFile: certFile, KeyFile: keyFile,
		Users: users, Hostname: "store.srv.test",
	}
	for _, x := range cfg.extra {
		if x.mail != nil {
			x.mail(&mo)
		}
	}
	w.mail = probetest.StartMailServersT(t, mo)
	w.leaf = leaf
	startWeb(t, leaf.TLSConfig(), web)

	zone := resolvertest.Zone{
		"store.srv.test":             {A: []string{mailIP}},
		"_imaps._tcp.srv.test":       {SRV: []resolvertest.SRV{{Target: "store.srv.test", Port: 993, Priority: 0, Weight: 1}}},
		"_imap._tcp.srv.test":        {SRV: []resolvertest.SRV{{Target: "store.srv.test", Port: 143, Priority: 10, Weight: 1}}},
		"_pop3s._tcp.srv.test":       {SRV: []resolvertest.SRV{{Target: "store.srv.test", Port: 995, Priority: 20, Weight: 1}}},
		"_pop3._tcp.srv.test":        {SRV: []resolvertest.SRV{{Target: ".", Port: 0}}},
		"_submissions._tcp.srv.test": {SRV: []resolvertest.SRV{{Target: "store.srv.test", Port: 465, Priority: 0, Weight: 1}}},
		"_submission._tcp.srv.test":  {SRV: []resolvertest.SRV{{Target: "store.srv.test", Port: 587, Priority: 10, Weight: 1}}},
		"autoconfig.ac.test":         {A: []string{webIP}},
		"box.ac.test":                {A: []string{mailIP}},
		"autodiscover.ad.test":       {A: []string{webIP}},
		"mbox.ad.test":               {A: []string{mailIP}},
		"imap.guess.test":            {A: []string{mailIP}},
		"smtp.guess.test":            {A: []string{mailIP}},
		"ispdb.test":                 {A: []string{webIP}},
	}
	for _, x := range cfg.extra {
		for name, r := range x.zone {
			zone[name] = r
		}
		if x.start != nil {
			x.start(t, w)
		}
	}
	if cfg.expiredMail {
		w.expired = startExpiredMail(t, ca, dir)
		zone["store.expired.test"] = resolvertest.Records{A: []string{expiredIP}}
	}
	dns, err := resolvertest.Start("127.0.0.1:0", zone)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { dns.Close() })
	w.dns, w.caFile, w.ispdb = dns, caFile, "https://ispdb.test/v1.1/"
	return w
}

// startExpiredMail starts the mail servers of withExpiredMail.
func startExpiredMail(t *testing.T, ca *probetest.CA, dir string) *probetest.MailServers {
	t.Helper()
	now := time.Now()
	leaf, err := ca.Issue(probetest.LeafOptions{NotBefore: now.Add(-92 * 24 * time.Hour), NotAfter: now.Add(-48 * time.Hour)}, "store.expired.test")
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile, err := leaf.WriteFiles(dir, "expired")
	if err != nil {
		t.Fatal(err)
	}
	return probetest.StartMailServersT(t, probetest.MailServerOptions{
		Dir: filepath.Join(dir, "expired"), Addrs: []string{expiredIP}, CertFile: certFile, KeyFile: keyFile,
		Users:    []probetest.MailUser{{Address: "alice@expired.test", Password: "wonderland-expired.test"}},
		Hostname: "store.expired.test",
	})
}

// startWeb serves the autoconfig and autodiscover documents over HTTPS on
// webIP:443, choosing by Host header as a real virtual-hosting server does;
// extra's documents are served over plain http on webIP:80 too.
func startWeb(t *testing.T, cfg *tls.Config, extra map[string]http.HandlerFunc) {
	mux := http.NewServeMux()
	plain := http.NewServeMux()
	for pattern, h := range extra {
		if p, ok := strings.CutPrefix(pattern, "http://"); ok {
			plain.HandleFunc(p, h)
			continue
		}
		mux.HandleFunc(pattern, h)
		plain.HandleFunc(pattern, h)
	}
	mux.HandleFunc("autoconfig.ac.test/mail/config-v1.1.xml", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/xml")
		io.WriteString(w, acConfig)
	})
	mux.HandleFunc("autodiscover.ad.test/autodiscover/autodiscover.xml", func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			http.Error(w, "POST only", http.StatusMethodNotAllowed)
			return
		}
		w.Header().Set("Content-Type", "text/xml; charset=utf-8")
		io.WriteString(w, adResponse)
	})
	ln, err := net.Listen("tcp", webIP+":443")
	if err != nil {
		t.Fatalf("listen %s:443: %v", webIP, err)
	}
	srv := &http.Server{Handler: mux, TLSConfig: cfg, ReadHeaderTimeout: 5 * time.Second}
	go srv.ServeTLS(ln, "", "")
	t.Cleanup(func() { srv.Close() })
	if len(extra) == 0 {
		return
	}
	pln, err := net.Listen("tcp", webIP+":80")
	if err != nil {
		t.Fatalf("listen %s:80: %v", webIP, err)
	}
	psrv := &http.Server{Handler: plain, ReadHeaderTimeout: 5 * time.Second}
	go psrv.Serve(pln)
	t.Cleanup(func() { psrv.Close() })
}

const acConfig = `<?xml version="1.0" encoding="UTF-8"?>
<clientConfig version="1.1">
  <emailProvider id="ac.test">
    <domain>ac.test</domain>
    <displayName>AC Test Mail</displayName>
    <incomingServer type="imap">
      <hostname>box.ac.test</hostname><port>993</port><socketType>SSL</socketType>
      <username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication>
    </incomingServer>
    <incomingServer type="pop3">
      <hostname>box.ac.test</hostname><port>995</port><socketType>SSL</socketType>
      <username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication>
    </incomingServer>
    <outgoingServer type="smtp">
      <hostname>box.ac.test</hostname><port>587</port><socketType>STARTTLS</socketType>
      <username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication>
    </outgoingServer>
  </emailProvider>
</clientConfig>`

const adResponse = `<?xml version="1.0" encoding="utf-8"?>
<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006">
  <Response xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a">
    <Account>
      <AccountType>email</AccountType>
      <Action>settings</Action>
      <Protocol>
        <Type>IMAP</Type><Server>mbox.ad.test</Server><Port>993</Port>
        <LoginName>alice@ad.test</LoginName><SPA>off</SPA><SSL>on</SSL><AuthRequired>on</AuthRequired>
      </Protocol>
      <Protocol>
        <Type>SMTP</Type><Server>mbox.ad.test</Server><Port>465</Port>
        <LoginName>alice@ad.test</LoginName><SPA>off</SPA><Encryption>SSL</Encryption><AuthRequired>on</AuthRequired>
      </Protocol>
    </Account>
  </Response>
</Autodiscover>`

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// postinoBinary builds the real binary once per test run.
func postinoBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		if bin := os.Getenv("POSTINO_TEST_BINARY"); bin != "" {
			// Another build (an earlier commit, say) run through the same
			// scenarios, to show what changed.
			binPath = bin
			return
		}
		dir, err := os.MkdirTemp("", "postino-bin-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "postino")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// runPostino runs the binary with no standard input; hardKill only stops
// a hung process so the test can report it.
func runPostino(t *testing.T, hardKill time.Duration, args ...string) (stdout, stderr string, status int, elapsed time.Duration) {
	t.Helper()
	return runPostinoWith(t, runOptions{hardKill: hardKill}, args...)
}

// runOptions are what runPostinoWith adds to a run.
type runOptions struct {
	hardKill time.Duration
	stdin    string   // standard input (a password for --password-stdin)
	env      []string // extra environment, NAME=value
}

// runPostinoWith runs the binary with standard input and environment.
func runPostinoWith(t *testing.T, o runOptions, args ...string) (stdout, stderr string, status int, elapsed time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), o.hardKill)
	defer cancel()
	cmd := exec.CommandContext(ctx, postinoBinary(t), args...)
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	if o.stdin != "" {
		cmd.Stdin = strings.NewReader(o.stdin)
	}
	cmd.Env = append(append(os.Environ(), "NO_COLOR=1"), o.env...)
	start := time.Now()
	err := cmd.Run()
	elapsed = time.Since(start)
	if ctx.Err() != nil {
		t.Fatalf("postino %s did not end by itself within %v\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), o.hardKill, out.String(), errb.String())
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		status = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), errb.String(), status, elapsed
}
