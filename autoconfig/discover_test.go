package autoconfig

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/postino-mail/postino/autoconfig/resolver"
	"github.com/postino-mail/postino/autoconfig/resolver/resolvertest"
)

// fakeProber answers from a table keyed by Server.Key(); unknown servers
// refuse the connection. A delay makes a probe slow (it still honours ctx).
type fakeProber struct {
	mu    sync.Mutex
	ok    map[string]bool          // key → answers (with a valid certificate)
	delay map[string]time.Duration // key → time before answering
	// speaks: key → the security mode the port really speaks (the probe
	// fails as package probe does on a wrong mode).
	speaks map[string]Security
	// kinds: key → the error kind of a failure other than refused.
	kinds  map[string]string
	probed []string
}

func (f *fakeProber) Probe(ctx context.Context, s Server) *ProbeResult {
	f.mu.Lock()
	f.probed = append(f.probed, s.Key())
	ok, d, sp := f.ok[s.Key()], f.delay[s.Key()], f.speaks[s.Key()]
	f.mu.Unlock()
	if d > 0 {
		select {
		case <-time.After(d):
		case <-ctx.Done():
			return &ProbeResult{Status: ProbeFailed, ErrorKind: "timeout", Error: ctx.Err().Error()}
		}
	}
	if sp != "" {
		return &ProbeResult{Status: ProbeFailed, ErrorKind: "protocol", Error: "the port speaks " + string(sp), SpeaksSecurity: sp}
	}
	if k := f.kinds[s.Key()]; k != "" {
		return &ProbeResult{Status: ProbeFailed, ErrorKind: k, Error: k}
	}
	if !ok {
		return &ProbeResult{Status: ProbeFailed, ErrorKind: "refused", Error: "connection refused"}
	}
	r := &ProbeResult{Status: ProbeOK}
	if s.Protocol == SMTP {
		r.SASL = []string{"PLAIN"}
	}
	if s.Security != SecurityNone {
		r.TLS = &TLSInfo{Version: "TLS1.3", ChainValid: true, NameValid: true}
	}
	return r
}

// testOptions points discovery at an in-process DNS server; HTTP dials go
// through the same resolver, so names missing from the zone fail fast.
func testOptions(t *testing.T, zone resolvertest.Zone, p Prober) (*Options, *resolvertest.Server) {
	t.Helper()
	srv := resolvertest.NewServer(t, zone)
	res, err := resolver.New(srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	d := &resolver.Dialer{Resolver: res, Dial: func(ctx context.Context, network, addr string) (net.Conn, error) {
		return nil, &net.OpError{Op: "dial", Net: network, Err: errRefusedForTest}
	}}
	client := &http.Client{Transport: &http.Transport{DialContext: d.DialContext}}
	return &Options{Resolver: res, HTTP: &HTTPOptions{Client: client}, Prober: p, ISPDBURL: "https://ispdb.invalid/v1.1/", ProbeTimeout: 5 * time.Second}, srv
}

type refusedErr struct{}

func (refusedErr) Error() string { return "connection refused" }

var errRefusedForTest = refusedErr{}

func discover(t *testing.T, address string, o *Options) *Result {
	t.Helper()
	addr, err := ParseAddress(address)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	res, err := Discover(ctx, addr, o)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func srvZone() resolvertest.Zone {
	return resolvertest.Zone{
		"_imaps._tcp.example.com":       {SRV: []resolvertest.SRV{{Target: "imap.example.com", Port: 993, Priority: 10}}},
		"_imap._tcp.example.com":        {SRV: []resolvertest.SRV{{Target: "imap.example.com", Port: 143, Priority: 20}}},
		"_pop3s._tcp.example.com":       {SRV: []resolvertest.SRV{{Target: "pop.example.com", Port: 995, Priority: 0}}},
		"_pop3._tcp.example.com":        {SRV: []resolvertest.SRV{{Target: ".", Port: 0}}},
		"_submissions._tcp.example.com": {SRV: []resolvertest.SRV{{Target: "smtp.other.net", Port: 465, Priority: 0}}},
		"_submission._tcp.example.com":  {SRV: []resolvertest.SRV{{Target: "smtp.example.com", Port: 587, Priority: 0, Weight: 1}, {Target: "smtp2.example.com", Port: 587, Priority: 0, Weight: 9}}},
		"imap.example.com":              {A: []string{"192.0.2.1"}},
		"smtp.example.com":              {A: []string{"192.0.2.2"}},
	}
}

func TestDiscoverSRV(t *testing.T) {
	p := &fakeProber{ok: map[string]bool{
		"imap imap.example.com:993 tls":      true,
		"imap imap.example.com:143 starttls": true,
		"pop3 pop.example.com:995 tls":       true,
		"smtp smtp.other.net:465 tls":        true,
		"smtp smtp.example.com:587 starttls": true,
	}}
	o, _ := testOptions(t, srvZone(), p)
	res := discover(t, "alice@example.com", o)

	// Cross-label priority: the domain prefers POP3 (priority 0) over IMAP
	// (10); both are trusted implicit TLS from the domain, so the publisher's
	// preference decides before IMAP-before-POP3.
	if got := res.Incoming.Recommended; got == nil || got.Key() != "pop3 pop.example.com:995 tls" {
		t.Fatalf("incoming recommended %v, want pop3 pop.example.com:995 tls", got)
	}
	if res.Incoming.Status != StatusOK {
		t.Errorf("incoming status %s", res.Incoming.Status)
	}
	// The implicit-TLS submission server lies outside the domain and the
	// answer is unsigned: untrusted, so the in-domain STARTTLS one wins.
	out := res.Outgoing
	if out.Recommended == nil || out.Recommended.Key() != "smtp smtp.example.com:587 starttls" {
		t.Fatalf("outgoing recommended %v, want smtp.example.com:587", out.Recommended)
	}
	if out.Recommended.Username != "alice@example.com" {
		t.Errorf("username %q", out.Recommended.Username)
	}
	// Weight orders equal priorities, heaviest first; smtp2 does not answer
	// and sorts below every answering server, but above the dead guesses:
	// among failures the domain's own publication comes first.
	answering := true
	for _, c := range out.Candidates {
		if c.Answered() && !answering {
			t.Errorf("answering %v ranks below a dead candidate", c.Server)
		}
		answering = answering && c.Answered()
		if c.Host == "smtp2.example.com" {
			if c.Probe.Status != ProbeFailed {
				t.Errorf("smtp2 %+v, want failed", c.Probe)
			}
			break
		}
		if c.Probe != nil && c.Probe.Status == ProbeFailed && c.Sources[0] == SourceGuess {
			t.Errorf("dead guess %v ranks above the dead published smtp2", c.Server)
		}
	}
	var pop3Lookup *Lookup
	for i, lk := range res.Lookups {
		if lk.Query == "SRV _pop3._tcp.example.com" {
			pop3Lookup = &res.Lookups[i]
		}
	}
	if pop3Lookup == nil || pop3Lookup.Outcome != OutcomeNone || pop3Lookup.ErrorKind != "not-offered" {
		t.Errorf(`SRV target "." lookup = %+v, want none/not-offered`, pop3Lookup)
	}
}

func TestDiscoverNeverRecommendsTheSilent(t *testing.T) {
	// SRV names a better (implicit TLS) server that does not answer; the
	// STARTTLS one that does answer must be recommended.
	p := &fakeProber{ok: map[string]bool{"imap imap.example.com:143 starttls": true, "smtp smtp.example.com:587 starttls": true}}
	o, _ := testOptions(t, srvZone(), p)
	res := discover(t, "alice@example.com", o)
	if got := res.Incoming.Recommended; got == nil || got.Key() != "imap imap.example.com:143 starttls" {
		t.Fatalf("recommended %v, want the answering imap.example.com:143", got)
	}
	for _, c := range res.Incoming.Candidates[1:] {
		if c.Answered() {
			t.Errorf("an answering candidate %v sorts below the recommended one", c.Server)
		}
	}
}

func TestDiscoverNothing(t *testing.T) {
	o, _ := testOptions(t, resolvertest.Zone{}, &fakeProber{})
	res := discover(t, "bob@empty.example", o)
	if res.Incoming.Status != StatusBroken || res.Outgoing.Status != StatusBroken {
		t.Fatalf("statuses %s/%s, want broken/broken", res.Incoming.Status, res.Outgoing.Status)
	}
	codes := map[string]bool{}
	for _, f := range res.Findings {
		codes[f.Code] = true
	}
	if !codes["discovery.nothing-found"] {
		t.Errorf("findings %v lack discovery.nothing-found", res.Findings)
	}
	for _, lk := range res.Lookups {
		if lk.Outcome == OutcomeFound {
			t.Errorf("lookup %s %s found something in an empty world", lk.Source, lk.Query)
		}
	}
}

// TestDiscoverStopsEarly: once the best possible candidate is verified, a
// slow guess probe is not waited for.
func TestDiscoverStopsEarly(t *testing.T) {
	zone := srvZone()
	zone["mail.example.com"] = resolvertest.Records{A: []string{"192.0.2.9"}}
	p := &fakeProber{
		ok: map[string]bool{"imap imap.example.com:993 tls": true, "pop3 pop.example.com:995 tls": true, "smtp smtp.example.com:587 starttls": true, "smtp smtp.other.net:465 tls": true},
		delay: map[string]time.Duration{
			"imap mail.example.com:993 tls": time.Hour, "smtp mail.example.com:465 tls": time.Hour,
		},
	}
	o, _ := testOptions(t, zone, p)
	o.ProbeTimeout = time.Second
	res := discover(t, "alice@example.com", o)
	// Outgoing cannot settle early: the guess mail.example.com:465 (trusted
	// implicit TLS) would beat smtp.example.com:587 if it answered, so the
	// engine waits for it, but only until the probe deadline.
	if res.Outgoing.Recommended == nil {
		t.Fatal("no outgoing recommendation")
	}
	var incomingGuess *Candidate
	for i, c := range res.Incoming.Candidates {
		if c.Host == "mail.example.com" && c.Port == 993 {
			incomingGuess = &res.Incoming.Candidates[i]
		}
	}
	if incomingGuess == nil || incomingGuess.Probe == nil || incomingGuess.Probe.Status == ProbeOK {
		t.Fatalf("the hanging guess = %+v, want it failed or skipped", incomingGuess)
	}
}

func TestDiscoverDisagreementAndUsernameNotes(t *testing.T) {
	db, err := ParseProviders([]byte(`{"schema":"postino-providers/v2","providers":[{"id":"ex","display_name":"Example",
		"domains":["example.com"],"incoming":[{"protocol":"imap","host":"imap.example.com","port":993,"security":"tls","username":"%EMAILLOCALPART%"}],
		"outgoing":[{"protocol":"smtp","host":"mail.example.com","port":465,"security":"tls","username":"%EMAILADDRESS%"}]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	p := &fakeProber{ok: map[string]bool{"imap imap.example.com:993 tls": true, "smtp smtp.example.com:587 starttls": true, "smtp mail.example.com:465 tls": true}}
	o, _ := testOptions(t, srvZone(), p)
	o.Providers = db
	res := discover(t, "alice@example.com", o)
	var imap *Candidate
	for i, c := range res.Incoming.Candidates {
		if c.Key() == "imap imap.example.com:993 tls" {
			imap = &res.Incoming.Candidates[i]
		}
	}
	if imap == nil || len(imap.Sources) < 2 || !strings.Contains(strings.Join(imap.Notes, "\n"), `providers as "alice"`) {
		t.Fatalf("imap candidate sources %v notes %q: want two sources and a note on the username", imap.Sources, imap.Notes)
	}
	disagree := false
	for _, f := range res.Findings {
		disagree = disagree || (f.Code == "discovery.sources-disagree" && f.Side == Outgoing)
	}
	if !disagree {
		t.Errorf("no sources-disagree finding for outgoing (srv says smtp.example.com:587, providers mail.example.com:465): %v", res.Findings)
	}
	if got := res.Outgoing.Recommended; got == nil || got.Key() != "smtp mail.example.com:465 tls" {
		t.Errorf("outgoing recommended %v, want the provider's implicit-TLS server", got)
	}
}

func TestRankOrder(t *testing.T) {
	ok := &ProbeResult{Status: ProbeOK}
	badCert := &ProbeResult{Status: ProbeOK, TLS: &TLSInfo{ChainValid: false}}
	dead := &ProbeResult{Status: ProbeFailed}
	cs := []Candidate{
		{Server: Server{Protocol: IMAP, Host: "dead", Port: 993, Security: SecurityTLS}, Trusted: true, Probe: dead},
		{Server: Server{Protocol: IMAP, Host: "plain", Port: 143, Security: SecurityNone}, Trusted: true, Probe: ok},
		{Server: Server{Protocol: POP3, Host: "pop", Port: 995, Security: SecurityTLS}, Trusted: true, Probe: ok},
		{Server: Server{Protocol: IMAP, Host: "untrusted", Port: 993, Security: SecurityTLS}, Probe: ok},
		{Server: Server{Protocol: IMAP, Host: "badcert", Port: 993, Security: SecurityTLS}, Trusted: true, Probe: badCert},
		{Server: Server{Protocol: IMAP, Host: "guess", Port: 993, Security: SecurityTLS}, Trusted: true, Probe: ok, srcRank: 6},
		{Server: Server{Protocol: IMAP, Host: "best", Port: 993, Security: SecurityTLS}, Trusted: true, Probe: ok},
	}
	sortCandidates(cs)
	want := []string{"best", "pop", "guess", "plain", "untrusted", "badcert", "dead"}
	for i, w := range want {
		if cs[i].Host != w {
			var got []string
			for _, c := range cs {
				got = append(got, c.Host)
			}
			t.Fatalf("order %v, want %v", got, want)
		}
	}
}

func TestMXDomains(t *testing.T) {
	cases := []struct {
		host, domain string
		want         []string
	}{
		{"contoso-com.mail.protection.outlook.com", "contoso.com", []string{"mail.protection.outlook.com", "outlook.com"}},
		{"aspmx.l.google.com", "example.org", []string{"l.google.com", "google.com"}},
		{"mx.example.co.uk", "shop.example.co.uk", nil},
		{"mx1.ovh.net", "example.fr", []string{"ovh.net"}},
	}
	for _, c := range cases {
		got := mxDomains(c.host, c.domain)
		if len(got) != len(c.want) {
			t.Errorf("mxDomains(%s, %s) = %v, want %v", c.host, c.domain, got, c.want)
			continue
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("mxDomains(%s, %s) = %v, want %v", c.host, c.domain, got, c.want)
			}
		}
	}
}

func TestTopMX(t *testing.T) {
	got, _ := topMX([]resolver.MX{{Host: "b.example", Pref: 10}, {Host: "c.example", Pref: 20}, {Host: "a.example", Pref: 10}, {Host: "z.example", Pref: 5}})
	if len(got) != 1 || got[0] != "z.example" {
		t.Errorf("topMX = %v, want [z.example]: the lowest preference value wins", got)
	}
	got, _ = topMX([]resolver.MX{{Host: "b.example", Pref: 10}, {Host: "a.example", Pref: 10}})
	if len(got) != 2 || got[0] != "a.example" {
		t.Errorf("topMX = %v, want both, sorted", got)
	}
	var many []resolver.MX
	for i := range 25 {
		many = append(many, resolver.MX{Host: fmt.Sprintf("mx%02d.example", i), Pref: 10})
	}
	if got, more := topMX(many); len(got) != maxMXHosts || more != 25-maxMXHosts || got[0] != "mx00.example" {
		t.Errorf("topMX of 25 = %v, %d more; want the first %d by name and %d more", got, more, maxMXHosts, 25-maxMXHosts)
	}
}

func TestAuthFromProbe(t *testing.T) {
	cases := []struct {
		p    Protocol
		r    *ProbeResult
		want string
	}{
		{IMAP, &ProbeResult{Status: ProbeOK, SASL: []string{"PLAIN", "SCRAM-SHA-256", "XOAUTH2"}}, "password-encrypted password-cleartext oauth2"},
		{IMAP, &ProbeResult{Status: ProbeOK, Capabilities: []string{"IMAP4rev1", "LOGINDISABLED"}}, ""},
		{IMAP, &ProbeResult{Status: ProbeOK, Capabilities: []string{"IMAP4rev1"}}, "password-cleartext"},
		{POP3, &ProbeResult{Status: ProbeOK, Capabilities: []string{"USER", "UIDL"}}, "password-cleartext"},
		{SMTP, &ProbeResult{Status: ProbeOK, SASL: []string{"login"}}, "password-cleartext"},
		{SMTP, &ProbeResult{Status: ProbeOK}, ""},
		{SMTP, &ProbeResult{Status: ProbeFailed, SASL: []string{"PLAIN"}}, ""},
	}
	for _, c := range cases {
		var got []string
		for _, m := range authFromProbe(c.p, c.r) {
			got = append(got, string(m))
		}
		if g := strings.Join(got, " "); g != c.want {
			t.Errorf("authFromProbe(%s, %+v) = %q, want %q", c.p, c.r, g, c.want)
		}
	}
}

// TestDiscoverWithoutProbing: with no prober (--no-probe) the best-ranked
// candidate is still recommended, marked unknown and not verified.
func TestDiscoverWithoutProbing(t *testing.T) {
	o, _ := testOptions(t, srvZone(), nil)
	o.Prober = nil
	res := discover(t, "alice@example.com", o)
	if res.Incoming.Status != StatusUnknown || res.Incoming.Recommended == nil || res.Incoming.Recommended.Key() != "pop3 pop.example.com:995 tls" {
		t.Fatalf("incoming %s recommended %v, want unknown and the SRV's first choice", res.Incoming.Status, res.Incoming.Recommended)
	}
	found := false
	for _, f := range res.Findings {
		found = found || (f.Code == "discovery.not-verified" && f.Side == Incoming)
	}
	if !found {
		t.Errorf("no discovery.not-verified finding: %v", res.Findings)
	}
	st := SettingsFromResult(res)
	if len(st.Incoming) == 0 || st.Incoming[0].Host != "pop.example.com" {
		t.Errorf("settings from an unprobed result: %v", st.Incoming)
	}
}

// TestDiscoverBareDomainUsername: with only a domain, SRV and guessed
// servers carry the login name as the placeholder a client fills in.
func TestDiscoverBareDomainUsername(t *testing.T) {
	p := &fakeProber{ok: map[string]bool{"imap imap.example.com:993 tls": true}}
	o, _ := testOptions(t, srvZone(), p)
	res := discover(t, "example.com", o)
	for _, c := range append(res.Incoming.Candidates, res.Outgoing.Candidates...) {
		if c.Username != "%EMAILADDRESS%" {
			t.Errorf("%v: username %q, want %%EMAILADDRESS%%", c.Server, c.Username)
		}
	}
}

// TestDiscoverComplete: with Options.Complete, a probe that could not
// change the recommendation still runs to its end (postino lint needs
// every server's verdict); without it, the run stops once settled.
func TestDiscoverComplete(t *testing.T) {
	zone := srvZone()
	zone["mail.example.com"] = resolvertest.Records{A: []string{"192.0.2.9"}}
	slow := "imap mail.example.com:993 tls"
	for _, complete := range []bool{false, true} {
		p := &fakeProber{
			ok:    map[string]bool{"imap imap.example.com:993 tls": true, "pop3 pop.example.com:995 tls": true, "smtp smtp.example.com:587 starttls": true, "smtp smtp.other.net:465 tls": true, slow: true, "smtp mail.example.com:465 tls": true},
			delay: map[string]time.Duration{slow: 500 * time.Millisecond},
		}
		o, _ := testOptions(t, zone, p)
		o.Complete = complete
		res := discover(t, "alice@example.com", o)
		var got *Candidate
		for i, c := range res.Incoming.Candidates {
			if c.Key() == slow {
				got = &res.Incoming.Candidates[i]
			}
		}
		if got == nil || got.Probe == nil || (got.Probe.Status == ProbeOK) != complete {
			t.Errorf("Complete=%v: the slow guess's probe = %+v", complete, got)
		}
	}
}
