package commands

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/netip"
	"strconv"
	"time"

	"github.com/postino-mail/postino/autoconfig"
	"github.com/postino-mail/postino/probe"
	"github.com/urfave/cli/v2"
)

// The adapter between check (and serve) and test's machinery. test.go reads
// its settings from a *cli.Context; check runs many targets with settings
// of its own (and serve with a module's), so each runner carries a private
// cli.Context over a flag set that holds exactly the values test reads.
// Nothing of test's logic is repeated here.

// runSettings are the values test's machinery reads for one target.
type runSettings struct {
	Resolver, CAFile string
	IPv4, IPv6       bool
	ProbeTimeout     time.Duration
	CertWarnDays     int
	ISPDBURL         string
	// DiscoveryConcurrency bounds the probes of one target's discovery.
	DiscoveryConcurrency int
	// DialCheck, when set, may refuse an address before a probe connects
	// (serve's rule on internal addresses).
	DialCheck func(ctx context.Context, ip netip.Addr) error
}

// checkRunner runs one target the way `postino test` does, without login.
// It is safe for concurrent use: every run has its own testRun, and the
// network setup (resolver, HTTP client, trust store) is shared.
type checkRunner struct {
	tc      *cli.Context
	ns      *netSetup
	prober  *probe.Prober
	policy  checkPolicy
	timeout time.Duration // one target's budget
	// paths, when set, are the only paths tested (serve's modules);
	// the others are reported as skipped.
	paths map[autoconfig.Side]bool
}

func newCheckRunner(app *cli.App, s runSettings, pol checkPolicy, timeout time.Duration) (*checkRunner, error) {
	fs := flag.NewFlagSet("check-run", flag.ContinueOnError)
	for name, v := range map[string]string{
		flgResolver: s.Resolver, flgCAFile: s.CAFile,
		flgIPv4: strconv.FormatBool(s.IPv4), flgIPv6: strconv.FormatBool(s.IPv6),
		flgProbeTimeout: s.ProbeTimeout.String(), flgCertWarnDays: strconv.Itoa(s.CertWarnDays),
		flgISPDBURL: s.ISPDBURL, flgConcurrency: strconv.Itoa(max(1, s.DiscoveryConcurrency)),
		// A health check never logs in, sends, or trusts what discovery
		// did not verify.
		flgTrustUntrust: "false", flgAllowPlain: "false", flgSend: "false", flgRoundtrip: "false",
	} {
		fs.String(name, v, "")
	}
	tc := cli.NewContext(app, fs, nil)
	ns, err := newNetSetup(tc)
	if err != nil {
		return nil, err
	}
	ns.dialCheck = s.DialCheck
	return &checkRunner{tc: tc, ns: ns, prober: ns.prober(s.ProbeTimeout), policy: pol, timeout: timeout}, nil
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
	ctx, cancel := context.WithTimeout(ctx, r.timeout)
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
	} else if err := run.discover(ctx, r.tc, r.ns, r.prober, &output{}); err != nil {
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
	rep := run.diagnose(ctx, r.tc, r.prober, nil)
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
