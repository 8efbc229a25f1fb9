package probe_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/postino-mail/postino/autoconfig"
	"github.com/postino-mail/postino/probe"
	"github.com/postino-mail/postino/probe/probetest"
)

func phaseNamed(d *probe.Diagnosis, name string) (autoconfig.Phase, bool) {
	for _, ph := range d.Phases {
		if ph.Name == name {
			return ph, true
		}
	}
	return autoconfig.Phase{}, false
}

// TestSilenceIsNotRetriedInTheOtherMode: a port that accepts and sends no
// byte is not retried as STARTTLS (a STARTTLS server would have greeted
// into our handshake), and the verdict names the silence.
func TestSilenceIsNotRetriedInTheOtherMode(t *testing.T) {
	t.Parallel()
	for _, sec := range []autoconfig.Security{secTLS, secStartTLS} {
		t.Run(string(sec), func(t *testing.T) {
			t.Parallel()
			d := diagnose(t, 300*time.Millisecond, server(imap, sec, probetest.StartTarpit(t).Port()), nil)
			retry, ok := phaseNamed(d, "retry")
			if !ok || retry.OK || !strings.Contains(retry.Detail, "not retried") {
				t.Errorf("retry phase %+v, want not retried", retry)
			}
			if _, ok := diagFinding(d, probe.CodeServerSilent); !ok || d.Status != autoconfig.StatusBroken {
				t.Errorf("status %s, findings %v; want broken with %s", d.Status, diagCodes(d), probe.CodeServerSilent)
			}
		})
	}
}

// TestSilenceIsPaidOnce: after a probe found an endpoint silent, the same
// prober's diagnosis of it does not wait again, and says so.
func TestSilenceIsPaidOnce(t *testing.T) {
	t.Parallel()
	p := newProber(300 * time.Millisecond)
	srv := server(imap, secTLS, probetest.StartTarpit(t).Port())
	if r := p.Probe(context.Background(), srv); r.ErrorKind != probe.KindTimeout {
		t.Fatalf("first probe: %s %s, want timeout", r.ErrorKind, r.Error)
	}
	d := p.Diagnose(context.Background(), srv, nil)
	ph, ok := phaseNamed(d, autoconfig.PhaseTLS)
	if !ok || ph.OK || !strings.Contains(ph.Detail, "not waited for again") {
		logDiagnosis(t, d)
		t.Errorf("tls phase %+v, want the silence recalled", ph)
	}
	if _, ok := diagFinding(d, probe.CodeServerSilent); !ok {
		t.Errorf("findings %v, want %s", diagCodes(d), probe.CodeServerSilent)
	}
	// A working server on another port is not affected.
	ok2 := server(imap, secTLS, startServer(t, imap, probetest.ImplicitTLS))
	if r := p.Probe(context.Background(), ok2); r.Status != autoconfig.ProbeOK {
		t.Errorf("working server: %s %s", r.Status, r.Error)
	}
}

// TestSilenceSeenByAnotherAttempt: an attempt that waits on an endpoint
// while an earlier one finds it silent stops waiting (or, on a machine
// so slow that the first ended before the second began, recalls it).
func TestSilenceSeenByAnotherAttempt(t *testing.T) {
	t.Parallel()
	p := newProber(400 * time.Millisecond)
	srv := server(imap, secStartTLS, probetest.StartTarpit(t).Port())
	first := make(chan *autoconfig.ProbeResult)
	go func() { first <- p.Probe(context.Background(), srv) }()
	time.Sleep(200 * time.Millisecond) // the second starts while the first waits
	second := p.Probe(context.Background(), srv)
	r1 := <-first
	if r1.ErrorKind != probe.KindTimeout || second.ErrorKind != probe.KindTimeout || !(strings.Contains(second.Error, "another connection") || strings.Contains(second.Error, "not waited for again")) {
		logResult(t, second)
		t.Errorf("first %s %q, second %s %q; want the second told by the first", r1.ErrorKind, r1.Error, second.ErrorKind, second.Error)
	}
}
