package probe

import (
	"context"
	"sync"

	"github.com/postino-mail/postino/autoconfig"
)

// A probe starts goroutines of its own: the TLS sniffer, the connection
// race over a host's addresses, and in a diagnosis the per-address
// attempts, the A and AAAA queries and the other-port check. recover works
// only in the goroutine that panics, so a panic there (a bug, triggered by
// one server's answers) would end the whole process: discover, every
// target of check, serve. Each such goroutine defers catchPanic, which
// hands the panic to the probe's guard and cancels the probe, so that
// whatever waits on the goroutine ends at once. Probe then fails with
// kind internal; Diagnose and Roundtrip raise the panic again in their
// caller's goroutine, whose boundary makes it an internal error (test
// exits 3, check makes that target UNKNOWN, serve answers 500): a bug is
// not the server's fault and must not pass for a broken server.

// KindInternal is the error kind of a probe that ended in a panic.
const KindInternal = autoconfig.KindInternal

type guardKey struct{}

// panicGuard collects the first panic of a probe's goroutines.
type panicGuard struct {
	cancel context.CancelFunc
	mu     sync.Mutex
	err    *autoconfig.InternalError
}

// guardPanics returns a context for one probe whose goroutines hand their
// panics to the returned guard.
func guardPanics(ctx context.Context) (context.Context, *panicGuard) {
	g := &panicGuard{}
	ctx, g.cancel = context.WithCancel(ctx)
	return context.WithValue(ctx, guardKey{}, g), g
}

func (g *panicGuard) record(err *autoconfig.InternalError) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.err == nil {
		g.err = err
	}
	g.cancel()
}

func (g *panicGuard) first() *autoconfig.InternalError {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.err
}

// catchPanic, deferred at the start of a goroutine a probe starts, hands
// a panic of that goroutine to the probe's guard (see guardPanics). With
// no guard in ctx it lets the panic go on.
func catchPanic(ctx context.Context) {
	if v := recover(); v != nil {
		g, ok := ctx.Value(guardKey{}).(*panicGuard)
		if !ok {
			panic(v)
		}
		g.record(autoconfig.NewInternalError(v))
	}
}

// failProbe, deferred by Probe, makes a panic of the probe (in its own
// goroutine or one it started) the probe's failure.
func (g *panicGuard) failProbe(res **autoconfig.ProbeResult) {
	if v := recover(); v != nil {
		g.record(autoconfig.NewInternalError(v))
	}
	g.cancel()
	if err := g.first(); err != nil {
		*res = &autoconfig.ProbeResult{Status: autoconfig.ProbeFailed, ErrorKind: KindInternal, Error: err.Error()}
	}
}

// raise, deferred by Diagnose and Roundtrip, raises a panic of one of
// their goroutines again in the caller's goroutine.
func (g *panicGuard) raise() {
	g.cancel()
	if err := g.first(); err != nil {
		panic(err)
	}
}
