package probe_test

import (
	"context"
	"crypto/tls"
	"net"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/postino-mail/postino/autoconfig"
	"github.com/postino-mail/postino/probe"
	"github.com/postino-mail/postino/probe/probetest"
)

const (
	imap = autoconfig.IMAP
	pop3 = autoconfig.POP3
	smtp = autoconfig.SMTP

	secTLS      = autoconfig.SecurityTLS
	secStartTLS = autoconfig.SecurityStartTLS
	secNone     = autoconfig.SecurityNone
)

func TestProbeOK(t *testing.T) {
	modes := map[autoconfig.Security]probetest.TLSMode{secTLS: probetest.ImplicitTLS, secStartTLS: probetest.StartTLS, secNone: probetest.Plain}
	wantPhases := map[autoconfig.Security][]string{
		secTLS:      {"resolve", "connect", "tls", "greeting", "capabilities"},
		secStartTLS: {"resolve", "connect", "greeting", "capabilities", "starttls", "capabilities"},
		secNone:     {"resolve", "connect", "greeting", "capabilities"},
	}
	for _, p := range []autoconfig.Protocol{imap, pop3, smtp} {
		for _, sec := range []autoconfig.Security{secTLS, secStartTLS, secNone} {
			t.Run(string(p)+"/"+string(sec), func(t *testing.T) {
				t.Parallel()
				port := startServer(t, p, modes[sec])
				res := run(t, 5*time.Second, server(p, sec, port))
				if res.Status != autoconfig.ProbeOK {
					t.Fatalf("status = %s (%s: %s), want ok", res.Status, res.ErrorKind, res.Error)
				}
				if !res.Verified() {
					t.Errorf("Verified() = false, want true")
				}
				phases, findings := wantPhases[sec], []string(nil)
				if p == smtp && sec == secNone {
					// go-smtp offers AUTH only inside TLS, so the relay
					// check runs, and its server wants a login first.
					phases, findings = append(slices.Clone(phases), probe.PhaseRelay), []string{probe.CodeRelayRefused}
				}
				if got := phaseNames(res); !slices.Equal(got, phases) {
					t.Errorf("phases = %v, want %v", got, phases)
				}
				for _, ph := range res.Phases {
					if !ph.OK && ph.Name != probe.PhaseRelay {
						t.Errorf("phase %s not ok", ph.Name)
					}
					if ph.Name != "resolve" && ph.Address != "127.0.0.1:"+itoa(port) {
						t.Errorf("phase %s address = %q", ph.Name, ph.Address)
					}
				}
				if res.Greeting == "" || len(res.Capabilities) == 0 {
					t.Errorf("greeting %q, capabilities %v: want both", res.Greeting, res.Capabilities)
				}
				if !slices.Equal(codes(res), findings) {
					t.Errorf("findings = %v, want %v", codes(res), findings)
				}
				if sec == secNone {
					if res.TLS != nil {
						t.Errorf("TLS = %+v for a plain connection", res.TLS)
					}
					return
				}
				if !slices.Contains(res.SASL, "PLAIN") {
					t.Errorf("SASL = %v, want PLAIN", res.SASL)
				}
				tl := res.TLS
				if tl == nil || tl.Version != "TLS1.3" || tl.Cipher == "" || !tl.ChainValid || !tl.NameValid || tl.Expired ||
					tl.DaysLeft < 85 || tl.DaysLeft > 90 || !slices.Contains(tl.Names, testHost) || !strings.Contains(tl.Issuer, "postino test CA") {
					t.Errorf("TLS = %+v", tl)
				}
				last := res.Transcript[len(res.Transcript)-1]
				if !last.TLS {
					t.Errorf("last transcript line %+v not inside TLS", last)
				}
				if sec == secStartTLS && res.Transcript[0].TLS {
					t.Errorf("first transcript line %+v inside TLS before STARTTLS", res.Transcript[0])
				}
			})
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestSMTPDetails(t *testing.T) {
	t.Parallel()
	port := startServer(t, smtp, probetest.StartTLS)
	res := run(t, 5*time.Second, server(smtp, secStartTLS, port))
	if res.Status != autoconfig.ProbeOK {
		t.Fatalf("status = %s", res.Status)
	}
	// The EHLO name defaults to the address literal of the local end.
	var ehlo []string
	for _, l := range res.Transcript {
		if l.Dir == "send" && strings.HasPrefix(l.Text, "EHLO ") {
			ehlo = append(ehlo, l.Text)
		}
	}
	if !slices.Equal(ehlo, []string{"EHLO [127.0.0.1]", "EHLO [127.0.0.1]"}) {
		t.Errorf("EHLO lines = %q", ehlo)
	}
	if slices.Contains(res.Capabilities, "STARTTLS") {
		t.Errorf("capabilities after STARTTLS still list STARTTLS: %v", res.Capabilities)
	}
}

func TestCertificateProblems(t *testing.T) {
	otherCA, err := probetest.NewCA()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	tests := []struct {
		name      string
		clock     time.Duration // how far the prober's clock is ahead
		cfg       func(t *testing.T) *tls.Config
		wantCodes []string
		check     func(t *testing.T, tl *autoconfig.TLSInfo)
	}{{
		// The clock runs 3 days and 2 hours ahead: the test CA is
		// only valid from an hour ago, so the certificate cannot have
		// expired in the past.
		name:  "expired",
		clock: 3*24*time.Hour + 2*time.Hour,
		cfg: func(t *testing.T) *tls.Config {
			return leaf(t, probetest.LeafOptions{NotAfter: now.Add(time.Hour)}, testHost)
		},
		wantCodes: []string{probe.CodeCertExpired},
		check: func(t *testing.T, tl *autoconfig.TLSInfo) {
			if !tl.Expired || !tl.ChainValid || !tl.NameValid || tl.DaysLeft != -4 {
				t.Errorf("TLS = %+v, want expired, chain and name valid, -4 days left", tl)
			}
			if len(tl.Problems) != 1 || !strings.Contains(tl.Problems[0], "expired 3 days ago") {
				t.Errorf("problems = %q", tl.Problems)
			}
		},
	}, {
		name: "not yet valid",
		cfg: func(t *testing.T) *tls.Config {
			return leaf(t, probetest.LeafOptions{NotBefore: now.Add(48 * time.Hour), NotAfter: now.Add(100 * 24 * time.Hour)}, testHost)
		},
		wantCodes: []string{probe.CodeCertNotYetValid},
		check: func(t *testing.T, tl *autoconfig.TLSInfo) {
			if tl.ChainValid || tl.Expired {
				t.Errorf("TLS = %+v, want chain not valid, not expired", tl)
			}
		},
	}, {
		name: "wrong name",
		cfg: func(t *testing.T) *tls.Config {
			return leaf(t, probetest.LeafOptions{}, "other.example.test", "127.0.0.1")
		},
		wantCodes: []string{probe.CodeNameMismatch},
		check: func(t *testing.T, tl *autoconfig.TLSInfo) {
			if tl.NameValid || !tl.ChainValid {
				t.Errorf("TLS = %+v, want name invalid, chain valid", tl)
			}
			if len(tl.Problems) != 1 || !strings.Contains(tl.Problems[0], "valid for other.example.test, 127.0.0.1, not "+testHost) {
				t.Errorf("problems = %q", tl.Problems)
			}
		},
	}, {
		name:      "self-signed",
		cfg:       func(t *testing.T) *tls.Config { return leaf(t, probetest.LeafOptions{SelfSigned: true}, testHost) },
		wantCodes: []string{probe.CodeSelfSigned},
		check: func(t *testing.T, tl *autoconfig.TLSInfo) {
			if !tl.SelfSigned || tl.ChainValid || !tl.NameValid {
				t.Errorf("TLS = %+v, want self-signed, chain invalid, name valid", tl)
			}
		},
	}, {
		name: "unknown authority",
		cfg: func(t *testing.T) *tls.Config {
			l, err := otherCA.Issue(probetest.LeafOptions{}, testHost)
			if err != nil {
				t.Fatal(err)
			}
			return l.TLSConfig()
		},
		wantCodes: []string{probe.CodeCertUntrusted},
		check: func(t *testing.T, tl *autoconfig.TLSInfo) {
			if tl.ChainValid || tl.SelfSigned || len(tl.Problems) != 1 || !strings.Contains(tl.Problems[0], "unknown authority") {
				t.Errorf("TLS = %+v", tl)
			}
		},
	}, {
		name: "everything wrong",
		cfg: func(t *testing.T) *tls.Config {
			return leaf(t, probetest.LeafOptions{SelfSigned: true, NotBefore: now.Add(-48 * time.Hour), NotAfter: now.Add(-30 * time.Minute)}, "other.example.test")
		},
		wantCodes: []string{probe.CodeCertExpired, probe.CodeNameMismatch, probe.CodeSelfSigned},
		check: func(t *testing.T, tl *autoconfig.TLSInfo) {
			if len(tl.Problems) != 3 || !strings.Contains(tl.Problems[2], "expired less than a day ago") {
				t.Errorf("problems = %q, want 3", tl.Problems)
			}
		},
	}}
	for _, tt := range tests {
		for _, p := range []autoconfig.Protocol{imap, smtp} {
			for _, sec := range []autoconfig.Security{secTLS, secStartTLS} {
				t.Run(tt.name+"/"+string(p)+"/"+string(sec), func(t *testing.T) {
					t.Parallel()
					mode := probetest.ImplicitTLS
					if sec == secStartTLS {
						mode = probetest.StartTLS
					}
					var port int
					if p == imap {
						port = probetest.StartIMAP(t, probetest.IMAPOptions{TLS: mode, TLSConfig: tt.cfg(t)}).Port()
					} else {
						port = probetest.StartSMTP(t, probetest.SMTPOptions{TLS: mode, TLSConfig: tt.cfg(t)}).Port()
					}
					srv := server(p, sec, port)
					prober := probe.New(&probe.Options{Resolve: fakeResolve, RootCAs: testCA().Pool(), Timeout: 5 * time.Second,
						Now: func() time.Time { return time.Now().Add(tt.clock) }})
					res := prober.Probe(context.Background(), srv)
					t.Cleanup(func() {
						if t.Failed() {
							logResult(t, res)
						}
					})
					if res.Status != autoconfig.ProbeOK {
						t.Fatalf("status = %s (%s), want ok: a certificate problem must not fail the probe", res.Status, res.Error)
					}
					if res.Verified() {
						t.Errorf("Verified() = true, want false")
					}
					if got := codes(res); !slices.Equal(got, tt.wantCodes) {
						t.Errorf("finding codes = %v, want %v", got, tt.wantCodes)
					}
					for _, f := range res.Findings {
						if f.Severity != autoconfig.SeverityError || f.Side != srv.Side() || f.Server != srv.Addr() || f.Message == "" || f.Hint == "" || strings.Contains(f.Message, "\n") {
							t.Errorf("finding %+v", f)
						}
					}
					tt.check(t, res.TLS)
				})
			}
		}
	}
}

// An untrusted certificate that the caller trusts explicitly (--ca-file
// with a self-signed certificate) verifies.
func TestSelfSignedTrusted(t *testing.T) {
	t.Parallel()
	l, err := testCA().Issue(probetest.LeafOptions{SelfSigned: true}, testHost)
	if err != nil {
		t.Fatal(err)
	}
	port := probetest.StartIMAP(t, probetest.IMAPOptions{TLS: probetest.ImplicitTLS, TLSConfig: l.TLSConfig()}).Port()
	pool := testCA().Pool()
	pool.AddCert(l.Cert.Leaf)
	res := probe.New(&probe.Options{Resolve: fakeResolve, RootCAs: pool, Timeout: 5 * time.Second}).
		Probe(context.Background(), server(imap, secTLS, port))
	if !res.Verified() || len(res.Findings) > 0 || !res.TLS.SelfSigned {
		logResult(t, res)
		t.Errorf("Verified() = %v, findings %v; want verified, none", res.Verified(), codes(res))
	}
}

func TestStartTLSNotAdvertisedButWorks(t *testing.T) {
	t.Parallel()
	t.Run("smtp", func(t *testing.T) {
		t.Parallel()
		s := probetest.StartScript(t,
			probetest.Step{Send: "220 mx.example.test ESMTP"},
			probetest.Step{Expect: "EHLO", Send: "250-mx.example.test\n250 8BITMIME"},
			probetest.Step{Expect: "STARTTLS", Send: "220 2.0.0 go ahead", TLS: goodCert()},
			probetest.Step{Expect: "EHLO", Send: "250-mx.example.test\n250 AUTH PLAIN LOGIN"},
			probetest.Step{Expect: "QUIT", Send: "221 bye", Close: true},
		)
		res := run(t, 5*time.Second, server(smtp, secStartTLS, s.Port()))
		if res.Status != autoconfig.ProbeOK || !res.Verified() {
			t.Fatalf("status = %s, verified %v; want ok, verified", res.Status, res.Verified())
		}
		f, ok := findingOf(res, probe.CodeSMTPStartTLS)
		if !ok || f.Severity != autoconfig.SeverityWarning {
			t.Errorf("findings = %+v, want a %s warning", res.Findings, probe.CodeSMTPStartTLS)
		}
		if !slices.Equal(res.SASL, []string{"PLAIN", "LOGIN"}) {
			t.Errorf("SASL = %v", res.SASL)
		}
	})
	t.Run("pop3", func(t *testing.T) {
		t.Parallel()
		s := probetest.StartPOP3(t, probetest.POP3Options{TLS: probetest.StartTLS, TLSConfig: goodCert(), HideSTLS: true})
		res := run(t, 5*time.Second, server(pop3, secStartTLS, s.Port()))
		if res.Status != autoconfig.ProbeOK {
			t.Fatalf("status = %s", res.Status)
		}
		if got := codes(res); !slices.Equal(got, []string{probe.CodePOP3StartTLS}) {
			t.Errorf("codes = %v", got)
		}
		if !slices.Equal(res.SASL, []string{"PLAIN"}) {
			t.Errorf("SASL = %v", res.SASL)
		}
	})
	t.Run("pop3 without CAPA", func(t *testing.T) {
		t.Parallel()
		s := probetest.StartPOP3(t, probetest.POP3Options{TLS: probetest.StartTLS, TLSConfig: goodCert(), NoCAPA: true})
		res := run(t, 5*time.Second, server(pop3, secStartTLS, s.Port()))
		if res.Status != autoconfig.ProbeOK || !slices.Equal(codes(res), []string{probe.CodePOP3StartTLS}) {
			t.Errorf("status %s, codes %v", res.Status, codes(res))
		}
	})
}

func TestStartTLSMissing(t *testing.T) {
	t.Parallel()
	for _, p := range []autoconfig.Protocol{imap, pop3, smtp} {
		t.Run(string(p), func(t *testing.T) {
			t.Parallel()
			port := startServer(t, p, probetest.Plain)
			res := run(t, 5*time.Second, server(p, secStartTLS, port))
			wantFailure(t, res, probe.KindStartTLSMissing, "starttls", "does not offer")
			f, ok := findingOf(res, string(p)+".starttls-missing")
			if !ok || f.Severity != autoconfig.SeverityError {
				t.Errorf("findings = %+v", res.Findings)
			}
		})
	}
}

// A server that neither lists STARTTLS nor survives the command.
func TestStartTLSMissingClosed(t *testing.T) {
	t.Parallel()
	s := probetest.StartScript(t,
		probetest.Step{Send: "220 mx.example.test ESMTP"},
		probetest.Step{Expect: "EHLO", Send: "250-mx.example.test\n250 AUTH PLAIN"},
		probetest.Step{Expect: "STARTTLS", Close: true},
	)
	res := run(t, 5*time.Second, server(smtp, secStartTLS, s.Port()))
	wantFailure(t, res, probe.KindStartTLSMissing, "starttls", "does not offer STARTTLS", "closed the connection")
	if got := codes(res); !slices.Equal(got, []string{probe.CodeSMTPAuthBeforeTLS, probe.CodeSMTPStartTLS}) {
		t.Errorf("codes = %v", got)
	}
	if !slices.Equal(res.Capabilities, []string{"AUTH PLAIN"}) || res.SASL != nil {
		t.Errorf("capabilities %q, SASL %q; want the plain-text list and no SASL", res.Capabilities, res.SASL)
	}
}

func TestStartTLSRefused(t *testing.T) {
	t.Parallel()
	t.Run("pop3", func(t *testing.T) {
		t.Parallel()
		s := probetest.StartPOP3(t, probetest.POP3Options{TLS: probetest.StartTLS, TLSConfig: goodCert(), RefuseSTLS: true})
		res := run(t, 5*time.Second, server(pop3, secStartTLS, s.Port()))
		wantFailure(t, res, probe.KindStartTLSRefused, "starttls", "refused STLS", "STLS not available")
		if len(res.Findings) > 0 {
			t.Errorf("findings = %v", codes(res))
		}
	})
	t.Run("smtp", func(t *testing.T) {
		t.Parallel()
		s := probetest.StartScript(t,
			probetest.Step{Send: "220 mx.example.test ESMTP"},
			probetest.Step{Expect: "EHLO", Send: "250-mx.example.test\n250 STARTTLS"},
			probetest.Step{Expect: "STARTTLS", Send: "454 4.7.0 TLS not available due to local problem"},
			probetest.Step{Expect: "QUIT", Send: "221 bye", Close: true},
		)
		res := run(t, 5*time.Second, server(smtp, secStartTLS, s.Port()))
		wantFailure(t, res, probe.KindStartTLSRefused, "starttls", "454 ")
		// The goodbye is still said after a refused STARTTLS; its answer
		// is drained in the background, not waited for.
		if got := res.Transcript[len(res.Transcript)-1]; got.Text != "QUIT" || got.Dir != "send" {
			t.Errorf("last line = %+v, want the polite goodbye", got)
		}
	})
	t.Run("imap", func(t *testing.T) {
		t.Parallel()
		s := probetest.StartScript(t,
			probetest.Step{Send: "* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] ready"},
			probetest.Step{Expect: "a1 STARTTLS", Send: "{tag} NO [UNAVAILABLE] TLS is broken today"},
			probetest.Step{Expect: "a2 LOGOUT", Send: "* BYE\n{tag} OK bye", Close: true},
		)
		res := run(t, 5*time.Second, server(imap, secStartTLS, s.Port()))
		wantFailure(t, res, probe.KindStartTLSRefused, "starttls", "TLS is broken today")
	})
}

// Data between the STARTTLS reply and the handshake is an injection.
func TestStartTLSInjection(t *testing.T) {
	t.Parallel()
	s := probetest.StartScript(t,
		probetest.Step{Send: "220 mx.example.test ESMTP"},
		probetest.Step{Expect: "EHLO", Send: "250-mx.example.test\n250 STARTTLS"},
		probetest.Step{Expect: "STARTTLS", Send: "220 go ahead\n250 injected"},
	)
	res := run(t, 5*time.Second, server(smtp, secStartTLS, s.Port()))
	wantFailure(t, res, probe.KindProtocol, "starttls", "after its STARTTLS reply")
}

func TestAuthBeforeTLS(t *testing.T) {
	t.Parallel()
	for _, p := range []autoconfig.Protocol{imap, pop3, smtp} {
		t.Run(string(p), func(t *testing.T) {
			t.Parallel()
			var port int
			switch p {
			case imap:
				port = probetest.StartIMAP(t, probetest.IMAPOptions{TLS: probetest.StartTLS, TLSConfig: goodCert(), InsecureAuth: true}).Port()
			case pop3:
				port = probetest.StartPOP3(t, probetest.POP3Options{TLS: probetest.StartTLS, TLSConfig: goodCert(), PlaintextAuth: true}).Port()
			case smtp:
				port = probetest.StartSMTP(t, probetest.SMTPOptions{TLS: probetest.StartTLS, TLSConfig: goodCert(), AllowInsecureAuth: true}).Port()
			}
			res := run(t, 5*time.Second, server(p, secStartTLS, port))
			if res.Status != autoconfig.ProbeOK || !res.Verified() {
				t.Fatalf("status = %s", res.Status)
			}
			f, ok := findingOf(res, string(p)+".auth-before-tls")
			if !ok || f.Severity != autoconfig.SeverityWarning || len(res.Findings) != 1 {
				t.Errorf("findings = %+v", res.Findings)
			}
		})
	}
}

func TestTarpit(t *testing.T) {
	t.Parallel()
	for _, sec := range []autoconfig.Security{secTLS, secStartTLS} {
		t.Run(string(sec), func(t *testing.T) {
			t.Parallel()
			s := probetest.StartTarpit(t)
			res := run(t, time.Second, server(smtp, sec, s.Port()))
			phase := "greeting"
			if sec == secTLS {
				phase = "tls"
			}
			wantFailure(t, res, probe.KindTimeout, phase, "within 1s")
		})
	}
}

func TestCancel(t *testing.T) {
	t.Parallel()
	accepted := make(chan struct{}, 1)
	s, err := probetest.ServeAddr("", func(c net.Conn) {
		accepted <- struct{}{}
		c.Read(make([]byte, 1))
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-accepted
		cancel()
	}()
	res := newProber(time.Minute).Probe(ctx, server(imap, secStartTLS, s.Port()))
	if res.Status != autoconfig.ProbeFailed || res.ErrorKind != probe.KindCanceled {
		logResult(t, res)
		t.Errorf("status, kind = %s, %s; want failed, canceled", res.Status, res.ErrorKind)
	}
}

func TestEndless(t *testing.T) {
	t.Parallel()
	t.Run("line", func(t *testing.T) {
		t.Parallel()
		s := probetest.StartFlood(t, "* OK ", "A")
		res := run(t, 5*time.Second, server(imap, secStartTLS, s.Port()))
		wantFailure(t, res, probe.KindProtocol, "greeting", "line too long")
		if n := len(res.Transcript); n != 1 || len(res.Transcript[0].Text) > 600 {
			t.Errorf("transcript has %d lines, first %d bytes; want one short line", n, len(res.Transcript[0].Text))
		}
	})
	t.Run("response", func(t *testing.T) {
		t.Parallel()
		s := probetest.StartFlood(t, "220-mx.example.test\r\n", "220-more\r\n")
		res := run(t, 5*time.Second, server(smtp, secStartTLS, s.Port()))
		wantFailure(t, res, probe.KindProtocol, "greeting", "response too long")
		if n := len(res.Transcript); n > 201 {
			t.Errorf("transcript has %d lines", n)
		}
	})
	t.Run("capabilities", func(t *testing.T) {
		t.Parallel()
		s := probetest.StartScript(t,
			probetest.Step{Send: "+OK ready"},
			probetest.Step{Expect: "CAPA", Send: "+OK\n" + strings.Repeat("X-CAP\n", 150) + "."},
		)
		res := run(t, 5*time.Second, server(pop3, secStartTLS, s.Port()))
		wantFailure(t, res, probe.KindProtocol, "capabilities", "response too long")
	})
}

func TestClosed(t *testing.T) {
	t.Parallel()
	t.Run("plain", func(t *testing.T) {
		t.Parallel()
		s := probetest.StartCloser(t)
		res := run(t, 5*time.Second, server(pop3, secStartTLS, s.Port()))
		wantFailure(t, res, probe.KindClosed, "greeting", "closed the connection")
	})
	t.Run("after accept, tls", func(t *testing.T) {
		t.Parallel()
		s := probetest.StartCloser(t)
		res := run(t, 5*time.Second, server(imap, secTLS, s.Port()))
		wantFailure(t, res, probe.KindClosed, "tls", "during the TLS handshake")
	})
	t.Run("mid-handshake", func(t *testing.T) {
		t.Parallel()
		s := probetest.StartHandshakeCloser(t)
		res := run(t, 5*time.Second, server(smtp, secTLS, s.Port()))
		wantFailure(t, res, probe.KindClosed, "tls", "during the TLS handshake")
	})
	t.Run("mid-starttls-handshake", func(t *testing.T) {
		t.Parallel()
		s := probetest.StartScript(t,
			probetest.Step{Send: "+OK ready"},
			probetest.Step{Expect: "CAPA", Send: "+OK\nSTLS\n."},
			probetest.Step{Expect: "STLS", Send: "+OK go", Close: true},
		)
		res := run(t, 5*time.Second, server(pop3, secStartTLS, s.Port()))
		wantFailure(t, res, probe.KindClosed, "starttls", "during the TLS handshake")
	})
}

func TestWrongTLSMode(t *testing.T) {
	t.Parallel()
	// Implicit TLS against ports that speak plain text first.
	for _, p := range []autoconfig.Protocol{imap, pop3, smtp} {
		t.Run("tls on plain "+string(p), func(t *testing.T) {
			t.Parallel()
			port := startServer(t, p, probetest.StartTLS)
			res := run(t, 5*time.Second, server(p, secTLS, port))
			wantFailure(t, res, probe.KindProtocol, "tls", "speaks plain text ("+strings.ToUpper(string(p))+" greeting", "not implicit TLS")
		})
	}
	t.Run("tls on plain other protocol", func(t *testing.T) {
		t.Parallel()
		port := startServer(t, pop3, probetest.Plain)
		res := run(t, 5*time.Second, server(imap, secTLS, port))
		wantFailure(t, res, probe.KindProtocol, "tls", "speaks POP3 in plain text", "not IMAP over TLS")
	})
	// Plain text against implicit TLS ports, which wait for the client's
	// handshake: the second-connection check names the problem.
	for _, p := range []autoconfig.Protocol{imap, pop3, smtp} {
		t.Run("plain on tls "+string(p), func(t *testing.T) {
			t.Parallel()
			port := startServer(t, p, probetest.ImplicitTLS)
			res := run(t, 4*time.Second, server(p, secStartTLS, port))
			wantFailure(t, res, probe.KindProtocol, "greeting", "speaks implicit TLS, not plain text", "use security tls")
		})
	}
}

func TestNotThisProtocol(t *testing.T) {
	t.Parallel()
	port := startServer(t, pop3, probetest.Plain)
	res := run(t, 5*time.Second, server(imap, secNone, port))
	wantFailure(t, res, probe.KindProtocol, "greeting", "speaks POP3, not IMAP")

	port = startServer(t, imap, probetest.Plain)
	res = run(t, 5*time.Second, server(smtp, secNone, port))
	wantFailure(t, res, probe.KindProtocol, "greeting", "speaks IMAP, not SMTP")
}

func TestRefusedService(t *testing.T) {
	t.Parallel()
	s := probetest.StartScript(t, probetest.Step{Send: "554-mx.example.test\n554 5.7.1 your address is listed", Close: true})
	res := run(t, 5*time.Second, server(smtp, secStartTLS, s.Port()))
	wantFailure(t, res, probe.KindRefused, "greeting", "refused service", "listed")
	if res.Greeting != "554-mx.example.test\n554 5.7.1 your address is listed" {
		t.Errorf("greeting = %q", res.Greeting)
	}
}

func TestSMTPMultilineGreetingAndHELO(t *testing.T) {
	t.Parallel()
	s := probetest.StartScript(t,
		probetest.Step{Send: "220-mx.example.test ESMTP\n220-please wait\n220 welcome"},
		probetest.Step{Expect: "EHLO", Send: "502 5.5.2 EHLO not implemented"},
		probetest.Step{Expect: "HELO", Send: "250 mx.example.test"},
		probetest.Step{Expect: "QUIT", Send: "221 bye", Close: true},
	)
	res := run(t, 5*time.Second, server(smtp, secNone, s.Port()))
	if res.Status != autoconfig.ProbeOK {
		t.Fatalf("status = %s", res.Status)
	}
	if res.Greeting != "220-mx.example.test ESMTP\n220-please wait\n220 welcome" {
		t.Errorf("greeting = %q", res.Greeting)
	}
	if ph := res.Phases[3]; ph.Name != "capabilities" || !strings.Contains(ph.Detail, "HELO accepted") {
		t.Errorf("phase = %+v", ph)
	}
	if !res.Verified() {
		t.Errorf("Verified() = false for a working plain server")
	}
}

func TestIMAPLiteralInResponse(t *testing.T) {
	t.Parallel()
	s := probetest.StartScript(t,
		probetest.Step{Send: "* OK ready"},
		probetest.Step{Expect: "a1 CAPABILITY", Send: "* ID (\"name\" {5}\r\nDovec)\n* CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED\n{tag} OK done"},
		probetest.Step{Expect: "a2 STARTTLS", Send: "{tag} OK begin", TLS: goodCert()},
		probetest.Step{Expect: "a3 CAPABILITY", Send: "* CAPABILITY IMAP4rev1 AUTH=PLAIN AUTH=XOAUTH2\n{tag} OK done"},
		probetest.Step{Expect: "a4 LOGOUT", Send: "* BYE\n{tag} OK bye", Close: true},
	)
	res := run(t, 5*time.Second, server(imap, secStartTLS, s.Port()))
	if res.Status != autoconfig.ProbeOK {
		t.Fatalf("status = %s", res.Status)
	}
	if !slices.Equal(res.SASL, []string{"PLAIN", "XOAUTH2"}) || len(res.Findings) > 0 {
		t.Errorf("SASL = %v, findings %v", res.SASL, codes(res))
	}
}

func TestResolve(t *testing.T) {
	t.Parallel()
	t.Run("nxdomain", func(t *testing.T) {
		res := newProber(time.Second).Probe(context.Background(), autoconfig.Server{Protocol: imap, Host: nxHost, Port: 993, Security: secTLS})
		wantFailure(t, res, probe.KindNXDomain, "resolve", nxHost, "does not exist")
	})
	t.Run("system-style error", func(t *testing.T) {
		p := probe.New(&probe.Options{Resolve: func(context.Context, string) ([]net.IP, error) {
			return nil, &net.DNSError{Err: "no such host", Name: "x.example.test", IsNotFound: true}
		}})
		res := p.Probe(context.Background(), server(imap, secTLS, 993))
		wantFailure(t, res, probe.KindNXDomain, "resolve")
	})
	t.Run("servfail", func(t *testing.T) {
		p := probe.New(&probe.Options{Resolve: func(context.Context, string) ([]net.IP, error) {
			return nil, &net.DNSError{Err: "server misbehaving", Name: "x.example.test", IsTemporary: true}
		}})
		res := p.Probe(context.Background(), server(imap, secTLS, 993))
		wantFailure(t, res, probe.KindServFail, "resolve")
	})
	t.Run("family filter", func(t *testing.T) {
		p := probe.New(&probe.Options{Network: "tcp6", Resolve: fakeResolve})
		res := p.Probe(context.Background(), server(imap, secTLS, 993))
		wantFailure(t, res, probe.KindNXDomain, "resolve", "no AAAA (IPv6) record")
	})
	t.Run("ip literal", func(t *testing.T) {
		port := startServer(t, imap, probetest.ImplicitTLS)
		res := newProber(5*time.Second).Probe(context.Background(), autoconfig.Server{Protocol: imap, Host: "127.0.0.1", Port: port, Security: secTLS})
		if res.Status != autoconfig.ProbeOK || phaseNames(res)[0] != "connect" {
			t.Errorf("status %s, phases %v; want ok without a resolve phase", res.Status, phaseNames(res))
		}
		// The test certificate names mail.example.test only.
		if got := codes(res); !slices.Equal(got, []string{probe.CodeNameMismatch}) {
			t.Errorf("codes = %v", got)
		}
	})
}

func TestConnect(t *testing.T) {
	t.Parallel()
	t.Run("refused", func(t *testing.T) {
		t.Parallel()
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := ln.Addr().(*net.TCPAddr).Port
		ln.Close()
		res := run(t, 5*time.Second, server(smtp, secStartTLS, port))
		wantFailure(t, res, probe.KindRefused, "connect", "refused", "nothing listens")
	})
	t.Run("second address wins", func(t *testing.T) {
		t.Parallel()
		port := startServer(t, imap, probetest.ImplicitTLS)
		// The first address never answers (dropped packets), the second
		// refuses, the third works.
		p := probe.New(&probe.Options{
			Resolve: func(context.Context, string) ([]net.IP, error) {
				return []net.IP{net.ParseIP("2001:db8::1"), net.ParseIP("192.0.2.1"), net.ParseIP("127.0.0.1")}, nil
			},
			DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
				switch {
				case strings.HasPrefix(addr, "[2001:db8::1]"):
					<-ctx.Done()
					return nil, ctx.Err()
				case strings.HasPrefix(addr, "192.0.2.1"):
					return nil, &net.OpError{Op: "dial", Net: network, Err: syscall.ECONNREFUSED}
				}
				return (&net.Dialer{}).DialContext(ctx, network, addr)
			},
			RootCAs: testCA().Pool(),
			Timeout: 5 * time.Second,
		})
		res := p.Probe(context.Background(), server(imap, secTLS, port))
		if res.Status != autoconfig.ProbeOK {
			logResult(t, res)
			t.Fatalf("status = %s", res.Status)
		}
		ph := res.Phases[1]
		if ph.Name != "connect" || ph.Address != "127.0.0.1:"+itoa(port) || !strings.Contains(ph.Detail, "192.0.2.1:"+itoa(port)+": refused") {
			t.Errorf("connect phase = %+v", ph)
		}
		if res.Phases[0].Detail != "2001:db8::1, 192.0.2.1, 127.0.0.1" {
			t.Errorf("resolve detail = %q", res.Phases[0].Detail)
		}
	})
	t.Run("all fail", func(t *testing.T) {
		t.Parallel()
		p := probe.New(&probe.Options{
			Resolve: func(context.Context, string) ([]net.IP, error) {
				return []net.IP{net.ParseIP("2001:db8::1"), net.ParseIP("192.0.2.1")}, nil
			},
			DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
				if strings.HasPrefix(addr, "[") {
					return nil, &net.OpError{Op: "dial", Net: network, Err: syscall.ENETUNREACH}
				}
				return nil, &net.OpError{Op: "dial", Net: network, Err: syscall.ECONNREFUSED}
			},
		})
		res := p.Probe(context.Background(), server(smtp, secStartTLS, 587))
		wantFailure(t, res, probe.KindRefused, "connect", "any of 2 addresses", "[2001:db8::1]:587 network is unreachable", "192.0.2.1:587 refused")
	})
}

func TestInvalidServer(t *testing.T) {
	t.Parallel()
	for _, srv := range []autoconfig.Server{
		{Protocol: "jmap", Host: testHost, Port: 443, Security: secTLS},
		{Protocol: imap, Host: testHost, Port: 993, Security: "ssl"},
		{Protocol: imap, Port: 993, Security: secTLS},
	} {
		res := newProber(time.Second).Probe(context.Background(), srv)
		if res.Status != autoconfig.ProbeSkipped || res.ErrorKind != probe.KindInvalid || res.Error == "" {
			t.Errorf("Probe(%v) = %s %s %q; want skipped, invalid", srv, res.Status, res.ErrorKind, res.Error)
		}
	}
}

// The transcript never holds a password: this basic probe sends none.
func TestTranscriptHasNoAuth(t *testing.T) {
	t.Parallel()
	port := startServer(t, smtp, probetest.StartTLS)
	res := run(t, 5*time.Second, server(smtp, secStartTLS, port))
	for _, l := range res.Transcript {
		if l.Dir == "send" && strings.HasPrefix(strings.ToUpper(l.Text), "AUTH") {
			t.Errorf("sent %q", l.Text)
		}
	}
}
