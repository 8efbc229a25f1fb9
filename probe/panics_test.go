package probe_test

import (
	"context"
	"errors"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/postino-mail/postino/autoconfig"
	"github.com/postino-mail/postino/probe"
	"github.com/postino-mail/postino/probe/probetest"
)

// panickyDial dials addr for the first n calls and panics after, as a bug
// triggered by one server would in a goroutine the probe started.
func panickyDial(addr string, n int32) func(ctx context.Context, network, _ string) (net.Conn, error) {
	var calls atomic.Int32
	return func(ctx context.Context, network, _ string) (net.Conn, error) {
		if calls.Add(1) > n {
			panic("injected: a bug triggered by this server")
		}
		var d net.Dialer
		return d.DialContext(ctx, network, addr)
	}
}

// TestProbeSurvivesPanicsInItsGoroutines: a panic in the connection race
// or in the TLS sniffer fails that probe (kind internal, where, and a
// request to report it) within its deadline, instead of ending the
// process.
func TestProbeSurvivesPanicsInItsGoroutines(t *testing.T) {
	const timeout = 2 * time.Second
	tarpit := probetest.StartTarpit(t) // silent: the sniffer starts
	rows := []struct {
		name string
		dial func(ctx context.Context, network, _ string) (net.Conn, error)
	}{
		{"connection race", panickyDial(tarpit.Addr, 0)},
		{"TLS sniffer", panickyDial(tarpit.Addr, 1)},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			p := probe.New(&probe.Options{Resolve: fakeResolve, DialContext: row.dial, Timeout: timeout})
			start := time.Now()
			res := p.Probe(context.Background(), server(autoconfig.IMAP, autoconfig.SecurityNone, tarpit.Port()))
			if took := time.Since(start); took > timeout {
				t.Errorf("took %v, want the probe cancelled at the panic", took)
			}
			if res.Status != autoconfig.ProbeFailed || res.ErrorKind != probe.KindInternal {
				t.Fatalf("status %s, kind %q (%s); want failed, internal", res.Status, res.ErrorKind, res.Error)
			}
			for _, want := range []string{"internal error: injected: a bug triggered by this server", "panics_test.go:", "-v"} {
				if !strings.Contains(res.Error, want) {
					t.Errorf("error %q lacks %q", res.Error, want)
				}
			}
		})
	}
}

// TestDiagnoseRaisesPanicsOfItsGoroutines: a panic in one of a diagnosis's
// per-address goroutines comes back in the caller's goroutine, where the
// command's boundary recovers it, and not in a goroutine no one can
// recover.
func TestDiagnoseRaisesPanicsOfItsGoroutines(t *testing.T) {
	tarpit := probetest.StartTarpit(t)
	p := probe.New(&probe.Options{Resolve: fakeResolve, DialContext: panickyDial(tarpit.Addr, 0), Timeout: 2 * time.Second})
	var got any
	func() {
		defer func() { got = recover() }()
		p.Diagnose(context.Background(), server(autoconfig.IMAP, autoconfig.SecurityNone, tarpit.Port()), nil)
	}()
	var ie *autoconfig.InternalError
	if err, ok := got.(error); !ok || !errors.As(err, &ie) || !strings.Contains(ie.Site, "panics_test.go:") {
		t.Fatalf("recovered %v; want the *autoconfig.InternalError of the dial", got)
	}
}
