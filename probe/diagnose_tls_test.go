package probe_test

import (
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/postino-mail/postino/autoconfig"
	"github.com/postino-mail/postino/probe"
	"github.com/postino-mail/postino/probe/probetest"
)

// TestDiagnoseCertificates: every certificate problem is a finding with
// the right code and severity, and decides the verdict.
func TestDiagnoseCertificates(t *testing.T) {
	t.Parallel()
	now := time.Now()
	inter, err := testCA().NewIntermediate()
	if err != nil {
		t.Fatal(err)
	}
	aia := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write(inter.Cert.Raw)
	}))
	t.Cleanup(aia.Close)
	fromInter := func(url string) func(t *testing.T) *tls.Config {
		return func(t *testing.T) *tls.Config {
			l, err := inter.Issue(probetest.LeafOptions{IssuingURL: url}, testHost)
			if err != nil {
				t.Fatal(err)
			}
			return l.TLSConfig() // the leaf alone, without the intermediate
		}
	}
	cases := []struct {
		name   string
		cfg    func(t *testing.T) *tls.Config
		status autoconfig.Status
		want   []string
		words  string // in the message of the first wanted finding
	}{
		{"good", func(*testing.T) *tls.Config { return goodCert() }, autoconfig.StatusOK, nil, ""},
		{"expired", func(t *testing.T) *tls.Config {
			return leaf(t, probetest.LeafOptions{NotBefore: now.Add(-60 * 24 * time.Hour), NotAfter: now.Add(-3 * 24 * time.Hour)}, testHost)
		}, autoconfig.StatusBroken, []string{probe.CodeCertExpired}, "expired 3 days ago"},
		{"expiring", func(t *testing.T) *tls.Config {
			return leaf(t, probetest.LeafOptions{NotAfter: now.Add(5*24*time.Hour + time.Hour)}, testHost)
		}, autoconfig.StatusWarning, []string{probe.CodeCertExpiring}, "expires in 5 days"},
		{"wrong name", func(t *testing.T) *tls.Config { return leaf(t, probetest.LeafOptions{}, "other.example.test") },
			autoconfig.StatusBroken, []string{probe.CodeNameMismatch}, "other.example.test"},
		{"self-signed", func(t *testing.T) *tls.Config { return leaf(t, probetest.LeafOptions{SelfSigned: true}, testHost) },
			autoconfig.StatusBroken, []string{probe.CodeSelfSigned}, "self-signed"},
		{"intermediate missing, fetchable", fromInter(aia.URL + "/int.crt"),
			autoconfig.StatusBroken, []string{probe.CodeChainIncomplete}, "without the intermediate"},
		{"intermediate missing, no AIA", fromInter(""),
			autoconfig.StatusBroken, []string{probe.CodeCertUntrusted}, "no intermediate"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			port := probetest.StartIMAP(t, probetest.IMAPOptions{TLS: probetest.ImplicitTLS, TLSConfig: tc.cfg(t)}).Port()
			d := diagnose(t, 5*time.Second, server(autoconfig.IMAP, autoconfig.SecurityTLS, port), nil)
			if d.Status != tc.status {
				t.Errorf("status %s, want %s", d.Status, tc.status)
			}
			if got := diagCodes(d); !slices.Equal(got, tc.want) {
				t.Errorf("findings %v, want %v", got, tc.want)
			}
			if len(tc.want) > 0 {
				if f, _ := diagFinding(d, tc.want[0]); !strings.Contains(f.Message, tc.words) {
					t.Errorf("message %q does not say %q", f.Message, tc.words)
				}
			}
		})
	}
}

// TestDiagnoseLegacyTLS: a server that only completes an old handshake is
// named for what it lacks, not reported as a bare handshake failure.
func TestDiagnoseLegacyTLS(t *testing.T) {
	t.Parallel()
	rsaLeaf, err := testCA().Issue(probetest.LeafOptions{RSA: true}, testHost)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		cfg   *tls.Config
		words []string
	}{
		{"TLS 1.1 only", &tls.Config{Certificates: goodCert().Certificates, MinVersion: tls.VersionTLS10, MaxVersion: tls.VersionTLS11}, []string{"TLS 1.1"}},
		{"RSA key exchange only", &tls.Config{Certificates: rsaLeaf.TLSConfig().Certificates, MaxVersion: tls.VersionTLS12,
			CipherSuites: []uint16{tls.TLS_RSA_WITH_AES_128_GCM_SHA256}}, []string{"RSA key exchange"}},
		{"3DES only", &tls.Config{Certificates: rsaLeaf.TLSConfig().Certificates, MaxVersion: tls.VersionTLS12,
			CipherSuites: []uint16{tls.TLS_RSA_WITH_3DES_EDE_CBC_SHA}}, []string{"3DES"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			port := probetest.StartIMAP(t, probetest.IMAPOptions{TLS: probetest.ImplicitTLS, TLSConfig: tc.cfg}).Port()
			d := diagnose(t, 3*time.Second, server(autoconfig.IMAP, autoconfig.SecurityTLS, port), nil)
			f, ok := diagFinding(d, probe.CodeTLSLegacyOnly)
			if !ok || d.Status != autoconfig.StatusBroken {
				t.Fatalf("status %s, findings %v; want broken with %s", d.Status, diagCodes(d), probe.CodeTLSLegacyOnly)
			}
			for _, w := range tc.words {
				if !strings.Contains(f.Message, w) {
					t.Errorf("message %q does not say %q", f.Message, w)
				}
			}
		})
	}
}

// TestDiagnoseModeMismatch: implicit TLS asked of a STARTTLS port and the
// reverse are named as such, with the flag that fixes it.
func TestDiagnoseModeMismatch(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		mode  probetest.TLSMode
		asked autoconfig.Security
		words string
	}{
		{"STARTTLS port asked for implicit TLS", probetest.StartTLS, autoconfig.SecurityTLS, "speaks STARTTLS, not implicit TLS"},
		{"implicit TLS port asked for STARTTLS", probetest.ImplicitTLS, autoconfig.SecurityStartTLS, "speaks implicit TLS, not STARTTLS"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			port := probetest.StartSMTP(t, probetest.SMTPOptions{TLS: tc.mode, TLSConfig: goodCert(), Domain: testHost}).Port()
			d := diagnose(t, 2*time.Second, server(autoconfig.SMTP, tc.asked, port), nil)
			f, ok := diagFinding(d, probe.CodeTLSModeMismatch)
			if !ok || !strings.Contains(f.Message, tc.words) || !strings.Contains(f.Hint, "--security") {
				t.Errorf("findings %v; mode mismatch %+v, want %q and a --security hint", diagCodes(d), f, tc.words)
			}
			if d.Status != autoconfig.StatusBroken {
				t.Errorf("status %s, want broken", d.Status)
			}
		})
	}
}

// TestDiagnoseSTARTTLS: STARTTLS missing, refused, or accepted though not
// advertised, and passwords offered before TLS.
func TestDiagnoseSTARTTLS(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		o      probetest.POP3Options
		status autoconfig.Status
		want   []string
	}{
		{"missing", probetest.POP3Options{TLS: probetest.Plain}, autoconfig.StatusBroken, []string{probe.CodePOP3StartTLS}},
		{"refused", probetest.POP3Options{TLS: probetest.StartTLS, RefuseSTLS: true}, autoconfig.StatusBroken, []string{probe.CodePOP3StartTLSRefus}},
		{"accepted, not advertised", probetest.POP3Options{TLS: probetest.StartTLS, HideSTLS: true}, autoconfig.StatusWarning, []string{probe.CodePOP3StartTLS}},
		{"auth before TLS", probetest.POP3Options{TLS: probetest.StartTLS, PlaintextAuth: true}, autoconfig.StatusWarning, []string{probe.CodePOP3AuthBeforeTLS}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			o := tc.o
			o.TLSConfig = goodCert()
			port := probetest.StartPOP3(t, o).Port()
			d := diagnose(t, 2*time.Second, server(autoconfig.POP3, autoconfig.SecurityStartTLS, port), nil)
			if got := diagCodes(d); d.Status != tc.status || !slices.Equal(got, tc.want) {
				t.Errorf("status %s, findings %v; want %s, %v", d.Status, got, tc.status, tc.want)
			}
		})
	}
}

// TestDiagnoseBrokenServers: a tarpit, an endless line and a close in the
// middle of the handshake each end within the deadline with a finding.
func TestDiagnoseBrokenServers(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		port  func(t *testing.T) int
		sec   autoconfig.Security
		want  string
		limit time.Duration
	}{
		{"tarpit", func(t *testing.T) int { return probetest.StartTarpit(t).Port() }, autoconfig.SecurityStartTLS, probe.CodeServerSilent, 4 * time.Second},
		{"endless line", func(t *testing.T) int { return probetest.StartFlood(t, "* OK ", "A").Port() }, autoconfig.SecurityStartTLS, probe.CodeServerProtocol, 4 * time.Second},
		{"close mid-handshake", func(t *testing.T) int { return probetest.StartHandshakeCloser(t).Port() }, autoconfig.SecurityTLS, probe.CodeTLSHandshake, 6 * time.Second},
		{"closed port", func(t *testing.T) int { return probetest.StartCloser(t).Port() }, autoconfig.SecurityTLS, probe.CodeTLSHandshake, 6 * time.Second},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			start := time.Now()
			d := diagnose(t, time.Second, server(autoconfig.IMAP, tc.sec, tc.port(t)), nil)
			if took := time.Since(start); took > tc.limit {
				t.Errorf("took %v, want at most %v", took, tc.limit)
			}
			if _, ok := diagFinding(d, tc.want); !ok || d.Status != autoconfig.StatusBroken {
				t.Errorf("status %s, findings %v; want broken with %s", d.Status, diagCodes(d), tc.want)
			}
		})
	}
}

// TestDiagnoseSlowGreeting: a greeting that takes seconds is a warning.
func TestDiagnoseSlowGreeting(t *testing.T) {
	t.Parallel()
	srv, err := probetest.ServeAddr("", func(c net.Conn) {
		time.Sleep(2100 * time.Millisecond)
		c.Write([]byte("* OK [CAPABILITY IMAP4rev1 LOGINDISABLED STARTTLS] slow\r\n"))
		io.Copy(io.Discard, c)
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	d := diagnose(t, 5*time.Second, server(autoconfig.IMAP, autoconfig.SecurityNone, srv.Port()), nil)
	if f, ok := diagFinding(d, probe.CodeSlowGreeting); !ok || !strings.Contains(f.Message, "2.1s") {
		t.Errorf("findings %v, want %s saying 2.1s", diagCodes(d), probe.CodeSlowGreeting)
	}
}
