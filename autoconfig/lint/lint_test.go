package lint

import (
	"strings"
	"testing"

	"github.com/postino-mail/postino/autoconfig"
)

var alice = autoconfig.Address{Local: "alice", Domain: "example.com"}

func server(p autoconfig.Protocol, host string, port int, sec autoconfig.Security) autoconfig.Server {
	return autoconfig.Server{Protocol: p, Host: host, Port: port, Security: sec}
}

// result builds a discovery result from lookups; every server they name
// becomes a candidate whose probe works unless broken lists its host.
func result(lks []autoconfig.Lookup, broken ...string) *autoconfig.Result {
	res := &autoconfig.Result{Address: alice, Lookups: lks}
	seen := map[string]bool{}
	for _, lk := range lks {
		for _, s := range lk.Servers {
			if seen[s.Key()] {
				continue
			}
			seen[s.Key()] = true
			c := autoconfig.Candidate{Server: s, Sources: []autoconfig.Source{lk.Source}, Trusted: lk.Trusted,
				Probe: &autoconfig.ProbeResult{Status: autoconfig.ProbeOK, SASL: []string{"PLAIN"}}}
			for _, b := range broken {
				if s.Host == b {
					c.Probe = &autoconfig.ProbeResult{Status: autoconfig.ProbeFailed, ErrorKind: "refused", Error: "connection refused"}
				}
			}
			side := &res.Incoming
			if s.Side() == autoconfig.Outgoing {
				side = &res.Outgoing
			}
			side.Candidates = append(side.Candidates, c)
			if side.Recommended == nil && c.Probe.Status == autoconfig.ProbeOK {
				side.Recommended = &side.Candidates[len(side.Candidates)-1]
			}
		}
	}
	return res
}

func foundLookup(src autoconfig.Source, q string, trusted bool, doc string, ss ...autoconfig.Server) autoconfig.Lookup {
	return autoconfig.Lookup{Source: src, Query: q, Outcome: autoconfig.OutcomeFound, Trusted: trusted, Servers: ss, Document: []byte(doc),
		HTTP: &autoconfig.HTTPExchange{Method: "GET", Status: 200, ContentType: "text/xml", Secure: trusted}}
}

const acHTTPS = "https://autoconfig.example.com/mail/config-v1.1.xml?emailaddress=alice%40example.com"

func rowOf(r *Report, client string) ClientRow {
	for _, c := range r.Clients {
		if c.Client == client {
			return c
		}
	}
	return ClientRow{}
}

func codes(r *Report) string {
	var out []string
	for _, f := range r.Findings {
		out = append(out, f.Code)
	}
	return strings.Join(out, " ")
}

// TestK9RejectsPlain: K-9's strict parser drops the whole file for one
// plain section, so it finds nothing while Thunderbird uses the file.
func TestK9RejectsPlain(t *testing.T) {
	doc := `<clientConfig version="1.1"><emailProvider id="example.com"><domain>example.com</domain>
<incomingServer type="imap"><hostname>mail.example.com</hostname><port>993</port><socketType>SSL</socketType><username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication></incomingServer>
<incomingServer type="imap"><hostname>mail.example.com</hostname><port>143</port><socketType>plain</socketType><username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication></incomingServer>
<outgoingServer type="smtp"><hostname>mail.example.com</hostname><port>465</port><socketType>SSL</socketType><username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication></outgoingServer>
</emailProvider></clientConfig>`
	in, plain, out := server(autoconfig.IMAP, "mail.example.com", 993, autoconfig.SecurityTLS), server(autoconfig.IMAP, "mail.example.com", 143, autoconfig.SecurityNone), server(autoconfig.SMTP, "mail.example.com", 465, autoconfig.SecurityTLS)
	r := Run(result([]autoconfig.Lookup{foundLookup(autoconfig.SourceAutoconfig, acHTTPS, true, doc, in, plain, out)}))
	if k := rowOf(r, "k9"); k.Status != StatusBroken || k.Steps[0].Outcome != "rejected" || !strings.Contains(k.Steps[0].Detail, "socketType plain") {
		t.Errorf("k9 row %+v", k)
	}
	if tb := rowOf(r, "thunderbird"); tb.Status != StatusOK || tb.Incoming.Port != 993 {
		t.Errorf("thunderbird row %+v", tb)
	}
	if !strings.Contains(codes(r), "lint.cleartext-password") {
		t.Errorf("findings %s lack lint.cleartext-password", codes(r))
	}
}

// TestDeltaChatSkipsPOSTAutodiscoverAndSRV: an Outlook-only publication
// leaves Delta Chat to the usual names, and a dead one is broken.
func TestDeltaChatSkipsPOSTAutodiscoverAndSRV(t *testing.T) {
	in, out := server(autoconfig.IMAP, "mx.example.com", 993, autoconfig.SecurityTLS), server(autoconfig.SMTP, "mx.example.com", 465, autoconfig.SecurityTLS)
	lks := []autoconfig.Lookup{
		foundLookup(autoconfig.SourceAutodiscover, "https://autodiscover.example.com/autodiscover/autodiscover.xml", true, "", in, out),
		foundLookup(autoconfig.SourceSRV, "SRV _imaps._tcp.example.com", true, "", in),
	}
	r := Run(result(lks))
	if o := rowOf(r, "outlook"); o.Status != StatusOK || o.Incoming.Host != "mx.example.com" {
		t.Errorf("outlook row %+v", o)
	}
	dc := rowOf(r, "deltachat")
	if dc.Status != StatusBroken || dc.Source != "" || dc.Incoming.Host != "imap.example.com" || dc.Incoming.Works {
		t.Errorf("deltachat row %+v", dc)
	}
}

// TestOutlookBrokenServer: the configured server does not answer.
func TestOutlookBrokenServer(t *testing.T) {
	in, out := server(autoconfig.IMAP, "dead.example.com", 993, autoconfig.SecurityTLS), server(autoconfig.SMTP, "mx.example.com", 465, autoconfig.SecurityTLS)
	r := Run(result([]autoconfig.Lookup{foundLookup(autoconfig.SourceAutodiscover, "https://example.com/autodiscover/autodiscover.xml", true, "", in, out)}, "dead.example.com"))
	o := rowOf(r, "outlook")
	if o.Status != StatusBroken || o.Incoming.Works || !strings.Contains(o.Problems[0], "does not work") || len(o.Publish) == 0 {
		t.Errorf("outlook row %+v", o)
	}
}

func TestBadPlaceholder(t *testing.T) {
	for in, want := range map[string]string{
		"%EMAILADDRESS%": "", "%EMAILLOCALPART%@x": "", "plain": "",
		"%EMAILADDRESS": "without its closing", "%EMAIL%": "%EMAIL%, which clients do not expand",
	} {
		if got := badPlaceholder(in); (want == "") != (got == "") || !strings.Contains(got, want) {
			t.Errorf("badPlaceholder(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestSRVUndeclared: a domain that publishes some RFC 6186 records is
// told to say "." for the others; equal priorities say nothing.
func TestSRVUndeclared(t *testing.T) {
	srv := func(label string, s autoconfig.Server) autoconfig.Lookup {
		lk := foundLookup(autoconfig.SourceSRV, "SRV "+label+".example.com", true, "", s)
		lk.HTTP = nil
		return lk
	}
	none := func(label string) autoconfig.Lookup {
		return autoconfig.Lookup{Source: autoconfig.SourceSRV, Query: "SRV " + label + ".example.com", Outcome: autoconfig.OutcomeNone, ErrorKind: "nxdomain"}
	}
	imaps := server(autoconfig.IMAP, "mail.example.com", 993, autoconfig.SecurityTLS)
	pop3s := server(autoconfig.POP3, "mail.example.com", 995, autoconfig.SecurityTLS)
	r := Run(result([]autoconfig.Lookup{srv("_imaps._tcp", imaps), srv("_pop3s._tcp", pop3s), none("_imap._tcp")}))
	if strings.Contains(codes(r), "lint.srv-priority") || len(r.Findings) != 1 || r.Findings[0].Code != "lint.srv-undeclared" ||
		!strings.Contains(r.Findings[0].Message, "_imap._tcp.example.com") {
		t.Errorf("findings %+v", r.Findings)
	}
}

func TestShortCertError(t *testing.T) {
	long := "tls: failed to verify certificate: x509: certificate is valid for a.test, b.test, c.test, d.test, e.test, not x.test"
	if got, want := shortCertError(long), "tls: failed to verify certificate: x509: certificate is valid for a.test, b.test, c.test and 2 more, not x.test"; got != want {
		t.Errorf("shortCertError = %q, want %q", got, want)
	}
	for _, e := range []string{"x509: certificate is valid for a.test, not x.test", "x509: certificate signed by unknown authority"} {
		if got := shortCertError(e); got != e {
			t.Errorf("shortCertError(%q) = %q", e, got)
		}
	}
}

// TestThunderbirdAutodiscover401: a 401 from autodiscover ends
// Thunderbird's search before guessing, though a guess would work.
func TestThunderbirdAutodiscover401(t *testing.T) {
	guess := autoconfig.Lookup{Source: autoconfig.SourceGuess, Query: "guess mail.example.com", Outcome: autoconfig.OutcomeFound,
		Servers: []autoconfig.Server{server(autoconfig.IMAP, "mail.example.com", 993, autoconfig.SecurityTLS), server(autoconfig.SMTP, "mail.example.com", 465, autoconfig.SecurityTLS)}}
	unauthorized := autoconfig.Lookup{Source: autoconfig.SourceAutodiscover, Query: "https://autodiscover.example.com/autodiscover/autodiscover.xml",
		Outcome: autoconfig.OutcomeError, ErrorKind: "http-status", HTTP: &autoconfig.HTTPExchange{Method: "POST", Status: 401, Secure: true}}
	r := Run(result([]autoconfig.Lookup{guess}))
	if tb := rowOf(r, "thunderbird"); tb.Status != StatusWarning || tb.Source != autoconfig.SourceGuess {
		t.Errorf("without autodiscover: %+v", tb)
	}
	r = Run(result([]autoconfig.Lookup{guess, unauthorized}))
	if tb := rowOf(r, "thunderbird"); tb.Status != StatusBroken || tb.Incoming != nil || !strings.Contains(strings.Join(tb.Problems, " "), "Exchange auth error") {
		t.Errorf("with a 401: %+v", tb)
	}
	if !strings.Contains(codes(r), "lint.autodiscover-auth-required") {
		t.Errorf("findings %s", codes(r))
	}
}

// TestAutodiscoverDocChecks: namespaces, Protocol blocks and the parser's
// data problems (SPA) reach lint's findings with the URL.
func TestAutodiscoverDocChecks(t *testing.T) {
	doc := `<Autodiscover><Response><Account><Action>settings</Action>
<Protocol><Type>IMAP</Type><Server>mail.example.com</Server><Port>993</Port></Protocol>
<Protocol><Type>FTP</Type></Protocol></Account></Response></Autodiscover>`
	const q = "https://autodiscover.example.com/autodiscover/autodiscover.xml"
	lk := foundLookup(autoconfig.SourceAutodiscover, q, true, doc, server(autoconfig.IMAP, "mail.example.com", 993, autoconfig.SecurityTLS))
	lk.Findings = []autoconfig.Finding{{Code: "autodiscover.data-problem", Severity: autoconfig.SeverityWarning, Message: "Protocol 1 (IMAP): no SPA given; read as on", Hint: "publish <SPA>off</SPA>"}}
	r := Run(result([]autoconfig.Lookup{lk}))
	want := map[string]int{"lint.autodiscover-namespace": 2, "lint.autodiscover-protocol": 1, "lint.autodiscover-data": 1}
	got := map[string]int{}
	for _, f := range r.Findings {
		got[f.Code]++
		if !strings.HasPrefix(f.Message, q) {
			t.Errorf("%s does not name the URL: %s", f.Code, f.Message)
		}
	}
	for code, n := range want {
		if got[code] != n {
			t.Errorf("%s: %d findings, want %d (all: %v)", code, got[code], n, got)
		}
	}
}

// TestRedirectToHTTP: an https publication that redirects to plain http.
func TestRedirectToHTTP(t *testing.T) {
	doc := `<clientConfig version="1.1"><emailProvider id="example.com"><domain>example.com</domain></emailProvider></clientConfig>`
	lk := foundLookup(autoconfig.SourceAutoconfig, acHTTPS, false, doc, server(autoconfig.IMAP, "mail.example.com", 993, autoconfig.SecurityTLS))
	lk.HTTP.Hops = []autoconfig.HTTPHop{{URL: acHTTPS, Status: 301}, {URL: "http://autoconfig.example.com/mail/config-v1.1.xml", Status: 200}}
	r := Run(result([]autoconfig.Lookup{lk}))
	if !strings.Contains(codes(r), "lint.redirect") {
		t.Errorf("findings %s lack lint.redirect", codes(r))
	}
}
