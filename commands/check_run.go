package commands

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/postino-mail/postino/autoconfig"
	"github.com/postino-mail/postino/probe"
)

// checkRunner runs one target the way `postino test` does, without login.
// It is safe for concurrent use: every run has its own testRun, and the
// network setup (resolver, HTTP client, trust store) and the discovery
// options are built once, from the settings, and shared.
type checkRunner struct {
	settings runSettings
	ns       *netSetup
	disc     *autoconfig.Options // discoveryOptions, copied by each run
	prober   *probe.Prober
	policy   checkPolicy
	// paths, when set, are the only paths tested (serve's modules);
	// the others are reported as skipped.
	paths map[autoconfig.Side]bool
}

// newCheckRunner builds what every target shares; a setting that cannot
// work (a missing --ca-file or --providers-file, a bad --resolver) fails
// here, before any target runs. s.Timeout is one target's budget. A
// health check never logs in, sends, or trusts what discovery did not
// verify: s.Login is ignored.
func newCheckRunner(s runSettings, pol checkPolicy) (*checkRunner, error) {
	s.Login = loginSettings{}
	ns, err := newNetSetup(s)
	if err != nil {
		return nil, err
	}
	disc, err := discoveryOptions(s, ns)
	if err != nil {
		return nil, err
	}
	return &checkRunner{settings: s, ns: ns, disc: disc, prober: ns.prober(), policy: pol}, nil
}

// run tests one target; it never returns nil. A target that could not be
// tested (unreadable, DNS dead, cancelled) carries Err and no report.
func (r *checkRunner) run(ctx context.Context, t checkTarget) *checkResult {
	res := &checkResult{Target: t.Raw}
	if t.err != nil {
		res.Err = t.err
		return res.finish()
	}
	start := time.Now()
	ctx, cancel := context.WithTimeout(ctx, r.settings.Timeout)
	defer cancel()
	run := &testRun{addr: t.addr, asked: map[autoconfig.Side]bool{}}
	if t.srv != nil {
		run.addr = autoconfig.Address{Domain: t.srv.Host}
		tg := target{srv: *t.srv, trusted: true}
		if t.srv.Side() == autoconfig.Incoming {
			run.in = append(run.in, tg)
		} else {
			run.out = append(run.out, tg)
		}
		run.asked[t.srv.Side()] = true
		if r.paths != nil && !r.paths[t.srv.Side()] {
			res.Err = fmt.Errorf("%s is an %s server, which this module does not test", t.Raw, t.srv.Side())
			return res.finish()
		}
	} else if err := run.discover(ctx, r.disc, r.prober, false, &output{}); err != nil {
		res.Err = err
		return res.finish()
	} else if r.paths != nil {
		// test reports a side nobody asked for as skipped.
		run.asked = r.paths
		if !r.paths[autoconfig.Incoming] {
			run.in = nil
		}
		if !r.paths[autoconfig.Outgoing] {
			run.out = nil
		}
	}
	rep := run.diagnose(ctx, r.settings, r.prober, nil)
	if errors.Is(context.Cause(ctx), context.Canceled) {
		// Interrupted, not timed out: nothing was learnt about the target.
		res.Err = context.Canceled
		return res.finish()
	}
	if t.srv != nil && r.ns.resolverDeadFor(ctx, rep) {
		// As for address targets (dnsDead): nothing was learnt about
		// the server, only that this machine's resolver is gone.
		res.Err = errResolverDead
		return res.finish()
	}
	rep.Command = "check"
	rep.Duration = autoconfig.Duration(time.Since(start))
	r.policy.apply(rep)
	res.Report = rep
	return res.finish()
}
