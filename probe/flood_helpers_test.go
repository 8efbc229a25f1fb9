package probe_test

import (
	"testing"

	"github.com/postino-mail/postino/autoconfig"
	"github.com/postino-mail/postino/probe/probetest"
)

// floodCase is a server that takes the pre-authentication conversation
// and the start of the login, then sends without end.
type floodCase struct {
	name  string
	proto autoconfig.Protocol
	flood string // repeated after the login command
}

// loginFloods are the floods after the handover to the client libraries:
// an endless line and an endless multi-line reply, per protocol.
var loginFloods = []floodCase{
	{"imap endless line after AUTHENTICATE", autoconfig.IMAP, "A"},
	{"imap endless untagged lines after AUTHENTICATE", autoconfig.IMAP, "* OK still thinking\r\n"},
	{"smtp endless line after AUTH", autoconfig.SMTP, "A"},
	{"smtp endless 535- lines", autoconfig.SMTP, "535-5.7.8 nope\r\n"},
	{"pop3 endless line after PASS", autoconfig.POP3, "A"},
}

// startLoginFlood starts a server (implicit TLS) that floods with c.flood
// once the client sends its credentials.
func startLoginFlood(t testing.TB, c floodCase) int {
	t.Helper()
	tlsStep := probetest.Step{TLS: goodCert()}
	var steps []probetest.Step
	switch c.proto {
	case autoconfig.IMAP:
		steps = []probetest.Step{tlsStep,
			{Send: "* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=PLAIN] ready"},
			{Expect: "T1 CAPABILITY", Send: "* CAPABILITY IMAP4rev1 SASL-IR AUTH=PLAIN\n{tag} OK done"},
			{Expect: "T2 AUTHENTICATE", Flood: c.flood}}
	case autoconfig.SMTP:
		ehlo := "250-smtp.example.test\n250 AUTH PLAIN"
		steps = []probetest.Step{tlsStep, {Send: "220 smtp.example.test ESMTP"},
			{Expect: "EHLO", Send: ehlo}, {Expect: "EHLO", Send: ehlo}, {Expect: "AUTH", Flood: c.flood}}
	case autoconfig.POP3:
		steps = []probetest.Step{tlsStep, {Send: "+OK ready"},
			{Expect: "CAPA", Send: "+OK\nUSER\n."},
			{Expect: "USER", Send: "+OK"}, {Expect: "PASS", Flood: c.flood}}
	}
	return probetest.StartScript(t, steps...).Port()
}

// startHeapPeak starts sampling the heap (see probetest.HeapPeak).
func startHeapPeak() *probetest.HeapPeak { return probetest.StartHeapPeak() }
