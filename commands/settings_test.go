package commands

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/postino-mail/postino/autoconfig/resolver/resolvertest"
	"github.com/postino-mail/postino/probe/probetest"
)

// TestCheckRefusesBadSettingsLikeDiscover: a setting the workflow cannot
// use is an error before anything runs (exit 3), the same in check as in
// discover, for an address target as for a URL target. check once read
// its settings through a private flag set that lacked --providers-file:
// a missing file went unnoticed and the built-in database was used.
func TestCheckRefusesBadSettingsLikeDiscover(t *testing.T) {
	dir := t.TempDir()
	notPEM := filepath.Join(dir, "not.pem")
	notJSON := filepath.Join(dir, "not.json")
	os.WriteFile(notPEM, []byte("no certificate here\n"), 0o600)
	os.WriteFile(notJSON, []byte("{"), 0o600)
	missing := filepath.Join(dir, "missing")
	// A URL target on a closed port fails its check (exit 2) when the
	// settings are ignored; a dead resolver makes an address target exit 3
	// for another reason: the error line tells the two apart.
	dead := "127.0.0.1:" + strconv.Itoa(closedPort(t))
	url := "imaps://127.0.0.1:" + strconv.Itoa(closedPort(t))
	for _, c := range []struct {
		name string
		args []string
		env  map[string]string
		want string // in the error line
	}{
		{"providers file missing", []string{"--providers-file", missing}, nil, "--providers-file: open " + missing},
		{"providers file from the environment", nil, map[string]string{"POSTINO_PROVIDERS_FILE": missing}, "--providers-file: open " + missing},
		{"providers file not JSON", []string{"--providers-file", notJSON}, nil, "provider database " + notJSON},
		{"CA file missing", []string{"--ca-file", missing}, nil, "--ca-file: open " + missing},
		{"CA file without PEM", []string{"--ca-file", notPEM}, nil, "no PEM certificate"},
		{"resolver with a bad port", []string{"--resolver", "127.0.0.1:99999"}, nil, "cannot set up DNS"},
		{"both families", []string{"-4", "-6"}, nil, "-4 and -6 exclude each other"},
		// A missing hosts file is an empty one, as for /etc/hosts; a
		// directory cannot be read.
		{"hosts file unreadable", nil, map[string]string{envHostsFile: dir}, envHostsFile + ": resolver: hosts file: "},
	} {
		t.Run(c.name, func(t *testing.T) {
			for _, cmd := range [][]string{
				{"discover", "alice@example.test"},
				{"check", "alice@example.test"},
				{"check", url},
				{"check", "alice@example.test", url, "--format", "json"},
			} {
				args := append(append(append([]string{}, cmd...), "--resolver", dead, "--timeout", "5s"), c.args...)
				out, errOut, st := runIn("", c.env, args...)
				if st != exitCannotRun || !strings.Contains(errOut, "postino: error: ") || !strings.Contains(errOut, c.want) || out != "" {
					t.Errorf("%v: exit %d, want %d with %q on stderr and nothing on stdout\nstdout:\n%s\nstderr:\n%s",
						args, st, exitCannotRun, c.want, out, errOut)
				}
			}
		})
	}
}

// TestServeRefusesMissingProvidersFile: serve reads --providers-file too,
// and a missing one stops it before it listens.
func TestServeRefusesMissingProvidersFile(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var e bytes.Buffer
	st := Run(ctx, []string{"postino", "serve", "--listen", "127.0.0.1:0", "--providers-file", missing},
		strings.NewReader(""), io.Discard, &e, BuildInfo{Providers: []byte(emptyProviders)})
	if st != exitCannotRun || !strings.Contains(e.String(), "--providers-file: open "+missing) || strings.Contains(e.String(), "serving on") {
		t.Errorf("serve --providers-file %s: exit %d, want %d before listening; stderr:\n%s", missing, st, exitCannotRun, e.String())
	}
}

// TestCheckUsesProvidersFile: the database of --providers-file is the one
// check's discovery asks. Only it knows mailco.test, whose servers work:
// with it the check passes, with the built-in (empty) one nothing is
// found.
func TestCheckUsesProvidersFile(t *testing.T) {
	ca, err := probetest.NewCA()
	if err != nil {
		t.Fatal(err)
	}
	caFile, err := ca.WriteFile(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := ca.Issue(probetest.LeafOptions{}, "mail.mailco.test")
	if err != nil {
		t.Fatal(err)
	}
	imapPort := probetest.StartIMAP(t, probetest.IMAPOptions{TLS: probetest.ImplicitTLS, TLSConfig: leaf.TLSConfig()}).Port()
	smtpPort := probetest.StartSMTP(t, probetest.SMTPOptions{TLS: probetest.ImplicitTLS, TLSConfig: leaf.TLSConfig(), Domain: "mail.mailco.test"}).Port()
	dns := resolvertest.NewServer(t, resolvertest.Zone{"mail.mailco.test": {A: []string{"127.0.0.1"}}})
	db := writeDB(t, entry("mailco", "Mail Co", "mailco.test",
		server("imap", "mail.mailco.test", imapPort, "tls"), server("smtp", "mail.mailco.test", smtpPort, "tls")))
	common := []string{"check", "alice@mailco.test", "--resolver", dns.Addr(), "--ca-file", caFile,
		"--ispdb-url", "http://127.0.0.1:" + strconv.Itoa(closedPort(t)) + "/", "--timeout", "20s", "--probe-timeout", "5s"}

	out, errOut, st := runIn("", nil, append(common, "--providers-file", db)...)
	if st != 0 || !strings.Contains(out, "mail.mailco.test:"+strconv.Itoa(imapPort)) || !strings.Contains(out, "mail.mailco.test:"+strconv.Itoa(smtpPort)) {
		t.Errorf("with --providers-file: exit %d, want 0 and both servers named\nstdout:\n%s\nstderr:\n%s", st, out, errOut)
	}
	out, errOut, st = runIn("", nil, common...)
	// Guessing finds mail.mailco.test on the standard ports, where
	// nothing listens: only the database names the servers' ports.
	if st != exitProblem || strings.Contains(out, "mail.mailco.test:"+strconv.Itoa(imapPort)) {
		t.Errorf("with the built-in database: exit %d, want %d and not the database's servers\nstdout:\n%s\nstderr:\n%s", st, exitProblem, out, errOut)
	}
}

// TestServeRefusesFlagsItWouldIgnore: the modules give serve's timeouts
// and verdicts, and serve prints no report: --timeout, --probe-timeout,
// --fail-on and --verbose are usage errors, not silently ignored.
func TestServeRefusesFlagsItWouldIgnore(t *testing.T) {
	for _, args := range [][]string{{"--timeout", "5s"}, {"--probe-timeout", "2s"}, {"--fail-on", "warning"}, {"--verbose"}, {"-v"}} {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		var e bytes.Buffer
		st := Run(ctx, append([]string{"postino", "serve", "--listen", "127.0.0.1:0"}, args...),
			strings.NewReader(""), io.Discard, &e, BuildInfo{Providers: []byte(emptyProviders)})
		cancel()
		if st != exitCannotRun || !strings.Contains(e.String(), "flag provided but not defined: "+args[0]) || strings.Contains(e.String(), "serving on") {
			t.Errorf("serve %v: exit %d, want %d before listening; stderr:\n%s", args, st, exitCannotRun, e.String())
		}
	}
}
