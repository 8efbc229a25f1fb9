package commands

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/postino-mail/postino/autoconfig"
	"github.com/postino-mail/postino/autoconfig/resolver/resolvertest"
	"github.com/postino-mail/postino/probe/probetest"
)

// TestConfigDiscovers runs config without --from: discovery and probes
// exactly as discover does, here against a loopback DNS server publishing
// SRV records for in-process IMAP and SMTP servers with a test CA.
func TestConfigDiscovers(t *testing.T) {
	ca, err := probetest.NewCA()
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := ca.Issue(probetest.LeafOptions{}, "mail.live.test")
	if err != nil {
		t.Fatal(err)
	}
	caFile, err := ca.WriteFile(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	imap := probetest.StartIMAP(t, probetest.IMAPOptions{TLS: probetest.ImplicitTLS, TLSConfig: leaf.TLSConfig()})
	smtp := probetest.StartSMTP(t, probetest.SMTPOptions{TLS: probetest.ImplicitTLS, TLSConfig: leaf.TLSConfig()})
	dns := resolvertest.NewServer(t, resolvertest.Zone{
		"_imaps._tcp.live.test":       {SRV: []resolvertest.SRV{{Target: "mail.live.test.", Port: uint16(imap.Port())}}},
		"_submissions._tcp.live.test": {SRV: []resolvertest.SRV{{Target: "mail.live.test.", Port: uint16(smtp.Port())}}},
		"mail.live.test":              {A: []string{"127.0.0.1"}},
	})
	// The committed database, which always matches its parser.
	db, err := os.ReadFile(filepath.Join("..", "providers.json"))
	if err != nil {
		t.Fatal(err)
	}
	var o, e bytes.Buffer
	status := Run(context.Background(), []string{"postino", "config", "alice@live.test", "--format", "thunderbird",
		"--resolver", dns.Addr(), "--ca-file", caFile, "--ispdb-url", "http://127.0.0.1:1/",
		"--skip", "guess", "--timeout", "20s", "--probe-timeout", "5s"},
		strings.NewReader(""), &o, &e, BuildInfo{Providers: db})
	out, stderr := o.String(), e.String()
	if status != 0 {
		t.Fatalf("status %d, stderr:\n%s", status, stderr)
	}
	cfg, err := autoconfig.ParseMozilla([]byte(out), autoconfig.Address{Local: "alice", Domain: "live.test"})
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	wantIn := autoconfig.Server{Protocol: autoconfig.IMAP, Host: "mail.live.test", Port: imap.Port(), Security: autoconfig.SecurityTLS}
	wantOut := autoconfig.Server{Protocol: autoconfig.SMTP, Host: "mail.live.test", Port: smtp.Port(), Security: autoconfig.SecurityTLS}
	if len(cfg.Incoming) != 1 || cfg.Incoming[0].Key() != wantIn.Key() || len(cfg.Outgoing) != 1 || cfg.Outgoing[0].Key() != wantOut.Key() {
		t.Errorf("discovered settings: in %v, out %v\n%s", cfg.Incoming, cfg.Outgoing, out)
	}
	t.Logf("stdout:\n%s\nstderr:\n%s", out, stderr)
	if strings.Contains(stderr, "postino: error") {
		t.Errorf("stderr: %s", stderr)
	}
}
