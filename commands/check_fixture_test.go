package commands

import (
	"errors"
	"strconv"
	"time"

	"github.com/postino-mail/postino/autoconfig"
	"github.com/postino-mail/postino/probe"
)

// Fixed results for the golden tests of check's formats: what check
// would make of four targets, with fixed durations and dates so the
// output is byte for byte stable.
var fixtureNotAfter = time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)

func fixtureServer(proto autoconfig.Protocol, host string, port int, fs ...autoconfig.Finding) testServer {
	srv := autoconfig.Server{Protocol: proto, Host: host, Port: port, Security: autoconfig.SecurityTLS}
	addr := "192.0.2.10:" + strconv.Itoa(port)
	ms := func(n float64) autoconfig.Duration { return autoconfig.Duration(n * float64(time.Millisecond)) }
	d := &probe.Diagnosis{
		Server: srv, Trusted: true, Duration: ms(42),
		Addresses: []probe.AddressResult{{Address: "192.0.2.10", Family: "ipv4", OK: true, Duration: ms(30)}},
		Phases: []autoconfig.Phase{
			{Name: "resolve", OK: true, Duration: ms(2), Detail: "192.0.2.10"},
			{Name: "connect", Address: addr, OK: true, Duration: ms(5)},
			{Name: "tls", Address: addr, OK: true, Duration: ms(15), Detail: "TLS1.3 TLS_AES_128_GCM_SHA256"},
			{Name: "greeting", Address: addr, OK: true, Duration: ms(8), Detail: "ready"},
			{Name: "capabilities", Address: addr, OK: true, Duration: ms(2)},
		},
		TLS: &autoconfig.TLSInfo{Version: "TLS1.3", Cipher: "TLS_AES_128_GCM_SHA256", Names: []string{host}, Issuer: "CN=Test CA",
			NotAfter: fixtureNotAfter, DaysLeft: 80, ChainValid: true, NameValid: true},
		Findings: append([]autoconfig.Finding{}, fs...),
		Transcript: []autoconfig.TranscriptLine{
			{Dir: "recv", TLS: true, Text: "* OK ready"},
			{Dir: "send", TLS: true, Text: "a1 AUTHENTICATE PLAIN [redacted]"},
		},
	}
	return testServer{Diagnosis: d}
}

func fixtureReport(addr string, in, out testServer) *testReport {
	rep := &testReport{Schema: SchemaV1, Command: "check", Address: addr, Domain: "example.test",
		Duration: autoconfig.Duration(50 * time.Millisecond), Lookups: []autoconfig.Lookup{}, Findings: []autoconfig.Finding{}}
	rep.Incoming = testSide{Status: autoconfig.StatusOK, Servers: []testServer{in}}
	rep.Outgoing = testSide{Status: autoconfig.StatusOK, Servers: []testServer{out}}
	return rep
}

func fixtureResults() []*checkResult {
	ok := fixtureReport("alice@example.test", fixtureServer(autoconfig.IMAP, "imap.example.test", 993), fixtureServer(autoconfig.SMTP, "smtp.example.test", 465))

	expiring := fixtureServer(autoconfig.IMAP, "old.example.test", 993, autoconfig.Finding{Code: probe.CodeCertExpiring, Severity: autoconfig.SeverityWarning,
		Side: autoconfig.Incoming, Server: "old.example.test:993", Message: "the certificate of old.example.test:993 expires in 10 days (2030-01-02)", Hint: "renew it now"})
	expiring.TLS.DaysLeft = 10
	warn := &testReport{Schema: SchemaV1, Command: "check", Address: "old.example.test", Domain: "old.example.test",
		Duration: autoconfig.Duration(20 * time.Millisecond), Lookups: []autoconfig.Lookup{}, Findings: expiring.Findings,
		Incoming: testSide{Status: autoconfig.StatusWarning, Servers: []testServer{expiring}}, Outgoing: testSide{Status: statusSkipped, Servers: []testServer{}}}
	expiring.Status = autoconfig.StatusWarning

	refused := fixtureServer(autoconfig.SMTP, "smtp.broken.test", 465, autoconfig.Finding{Code: probe.CodeConnectRefused, Severity: autoconfig.SeverityError,
		Side: autoconfig.Outgoing, Server: "smtp.broken.test:465", Message: "smtp.broken.test:465: connection refused, 100% sure: really", Hint: "start the server"})
	refused.Addresses[0].OK = false
	refused.Phases = refused.Phases[:2]
	refused.Phases[1].OK, refused.Phases[1].Detail = false, "connection refused"
	refused.TLS, refused.Transcript, refused.Status = nil, nil, autoconfig.StatusBroken
	bad := fixtureReport("bob@broken.test", fixtureServer(autoconfig.IMAP, "imap.broken.test", 993), refused)
	bad.Outgoing.Status = autoconfig.StatusBroken
	bad.Findings = refused.Findings

	return []*checkResult{
		(&checkResult{Target: "alice@example.test", Report: ok}).finish(),
		(&checkResult{Target: "imaps://old.example.test:993", Report: warn}).finish(),
		(&checkResult{Target: "bob@broken.test", Report: bad}).finish(),
		(&checkResult{Target: "dead.test", Err: errors.New("the DNS resolver did not answer any question")}).finish(),
	}
}
