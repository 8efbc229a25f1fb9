package autoconfig

import (
	"context"
	"net"
	"strings"
	"testing"

	"github.com/postino-mail/postino/autoconfig/resolver"
)

// panickyProber panics on one server, as a bug triggered by one server's
// answers would, and answers the others through fakeProber.
type panickyProber struct {
	fakeProber
	key string
}

func (p *panickyProber) Probe(ctx context.Context, s Server) *ProbeResult {
	if s.Key() == p.key {
		panic("injected: a bug triggered by this server")
	}
	return p.fakeProber.Probe(ctx, s)
}

// panickyResolver panics on every question about names containing one of
// bad, as a bug triggered by one DNS answer would.
type panickyResolver struct {
	resolver.Resolver
	bad []string
}

func (r panickyResolver) check(name string) {
	for _, b := range r.bad {
		if strings.Contains(name, b) {
			panic("injected: " + name)
		}
	}
}

func (r panickyResolver) LookupSRV(ctx context.Context, name string) ([]resolver.SRV, resolver.Answer, error) {
	r.check(name)
	return r.Resolver.LookupSRV(ctx, name)
}

func (r panickyResolver) LookupMX(ctx context.Context, domain string) ([]resolver.MX, resolver.Answer, error) {
	r.check(domain)
	return r.Resolver.LookupMX(ctx, domain)
}

func (r panickyResolver) LookupIP(ctx context.Context, host string, f resolver.Family) ([]net.IP, resolver.Answer, error) {
	r.check(host)
	return r.Resolver.LookupIP(ctx, host, f)
}

// TestDiscoverSurvivesPanics: a panic in a probe or in a source's code,
// in whichever goroutine discovery runs it, fails only that probe or
// lookup (kind internal, where and a request to report it); the run
// completes and the rest of the result is there.
func TestDiscoverSurvivesPanics(t *testing.T) {
	p := &panickyProber{key: "pop3 pop.example.com:995 tls", fakeProber: fakeProber{ok: map[string]bool{
		"imap imap.example.com:993 tls":      true,
		"smtp smtp.example.com:587 starttls": true,
	}}}
	o, _ := testOptions(t, srvZone(), p)
	// _imap._tcp: a task's own goroutine. _autodiscover._tcp: one of
	// autodiscover's four. mail.example.com: a guess, run by parallel.
	o.Resolver = panickyResolver{Resolver: o.Resolver, bad: []string{"_imap._tcp.", "_autodiscover._tcp.", "mail.example.com"}}
	res := discover(t, "alice@example.com", o)

	internal := func(what, msg string) {
		t.Helper()
		for _, want := range []string{"internal error: ", "panics_test.go:", "bug in postino", "-v"} {
			if !strings.Contains(msg, want) {
				t.Errorf("%s: error %q lacks %q", what, msg, want)
			}
		}
	}
	for _, c := range res.Incoming.Candidates {
		if c.Key() == p.key {
			if c.Probe == nil || c.Probe.Status != ProbeFailed || c.Probe.ErrorKind != KindInternal {
				t.Fatalf("probe of %s: %+v, want failed, internal", p.key, c.Probe)
			}
			internal("probe", c.Probe.Error)
			t.Logf("probe: %s", c.Probe.Error)
		}
	}
	for _, q := range []string{"SRV _imap._tcp.example.com", "SRV _autodiscover._tcp.example.com", "guesses for example.com"} {
		var lk *Lookup
		for i := range res.Lookups {
			if res.Lookups[i].Query == q {
				lk = &res.Lookups[i]
			}
		}
		if lk == nil || lk.Outcome != OutcomeError || lk.ErrorKind != KindInternal {
			t.Errorf("lookup %q: %+v, want error, internal", q, lk)
			continue
		}
		internal(q, lk.Error)
	}
	if got := res.Incoming.Recommended; got == nil || got.Key() != "imap imap.example.com:993 tls" {
		t.Errorf("incoming recommended %v, want imap.example.com:993: the rest of the run goes on", got)
	}
}
