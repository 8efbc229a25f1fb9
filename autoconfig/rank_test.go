package autoconfig

import (
	"net"
	"strconv"
	"strings"
	"testing"
)

// Each test states one ranking or verdict rule of docs/json-schema.md in
// its name, on candidates built by hand.

// cand builds a candidate named by src from a key "proto host:port security".
func rcand(key string, src Source, trusted bool, probe *ProbeResult) Candidate {
	f := strings.Fields(key)
	host, port, _ := net.SplitHostPort(f[1])
	n, _ := strconv.Atoi(port)
	s := Server{Protocol: Protocol(f[0]), Host: host, Port: n, Security: Security(f[2])}
	return Candidate{Server: s, Sources: []Source{src}, Trusted: trusted, Probe: probe, srcRank: sourceRank(src),
		origins: map[Source]string{src: "query of " + string(src)}}
}

func verified() *ProbeResult {
	return &ProbeResult{Status: ProbeOK, TLS: &TLSInfo{ChainValid: true, NameValid: true}}
}

func verifiedSMTP(sasl ...string) *ProbeResult {
	r := verified()
	r.SASL = sasl
	return r
}

func failed(kind string) *ProbeResult {
	return &ProbeResult{Status: ProbeFailed, ErrorKind: kind, Error: kind}
}

func ranked(cs ...Candidate) []string {
	sortCandidates(cs)
	var keys []string
	for _, c := range cs {
		keys = append(keys, c.Key())
	}
	return keys
}

func wantFirst(t *testing.T, got []string, want string) {
	t.Helper()
	if len(got) == 0 || got[0] != want {
		t.Errorf("ranking %v, want %s first", got, want)
	}
}

func TestRankSubmissionWithAuthBeatsPort25WithStartTLS(t *testing.T) {
	got := ranked(
		rcand("smtp mail.example.com:25 starttls", SourceGuess, true, verifiedSMTP("PLAIN")),
		rcand("smtp mail.example.com:587 starttls", SourceGuess, true, verifiedSMTP("PLAIN")),
	)
	wantFirst(t, got, "smtp mail.example.com:587 starttls")
}

func TestRankPort25NeverBeatsSubmissionByPortNumber(t *testing.T) {
	// Port 25 with implicit TLS would win on security alone; rule (3)
	// comes first.
	got := ranked(
		rcand("smtp mail.example.com:25 tls", SourceGuess, true, verifiedSMTP("PLAIN")),
		rcand("smtp mail.example.com:587 starttls", SourceGuess, true, verifiedSMTP("PLAIN")),
	)
	wantFirst(t, got, "smtp mail.example.com:587 starttls")
}

func TestRankSMTPOfferingAuthBeatsOneWithout(t *testing.T) {
	got := ranked(
		rcand("smtp mail.example.com:465 tls", SourceSRV, true, verifiedSMTP()),
		rcand("smtp mail.example.com:587 starttls", SourceGuess, true, verifiedSMTP("PLAIN", "LOGIN")),
	)
	wantFirst(t, got, "smtp mail.example.com:587 starttls")
}

func TestRankSMTPWithoutAuthIsNotVerified(t *testing.T) {
	c := rcand("smtp mail.example.com:587 starttls", SourceSRV, true, verifiedSMTP())
	if tier := probeTier(&c); tier != tierAnswered {
		t.Errorf("tier %d, want answered-with-a-problem: no AUTH and no relay check passed", tier)
	}
	c.Probe.Relay = &RelayCheck{Outcome: RelayAccepted}
	if tier := probeTier(&c); tier != tierVerified {
		t.Errorf("tier %d after an accepted relay check, want verified", tier)
	}
}

func TestRankConfigSayingClientIPExpectsNoAuth(t *testing.T) {
	c := rcand("smtp relay.isp.example:25 none", SourceISPDB, true, &ProbeResult{Status: ProbeOK})
	c.Auth = []AuthMethod{AuthClientIP}
	if tier := probeTier(&c); tier != tierVerified {
		t.Errorf("tier %d, want verified: the configuration says client-IP-address", tier)
	}
	c.AuthFromProbe = true // methods read from capabilities say nothing of the configuration
	if c.configExpectsNoAuth() {
		t.Errorf("auth read from the probe counted as configuration")
	}
}

func TestRankAnswerWithAProblemBeatsSilence(t *testing.T) {
	got := ranked(
		rcand("imap imap.example.com:993 tls", SourceGuess, true, failed("refused")),
		rcand("imap mail.example.com:143 starttls", SourceAutoconfig, true, failed("starttls-refused")),
	)
	wantFirst(t, got, "imap mail.example.com:143 starttls")
}

func TestRankPublishedBeforeGuessedAmongServersWithProblems(t *testing.T) {
	badCert := &ProbeResult{Status: ProbeOK, TLS: &TLSInfo{ChainValid: false, NameValid: true}}
	got := ranked(
		rcand("imap imap.example.com:993 tls", SourceGuess, true, badCert),
		rcand("imap mail.example.com:143 starttls", SourceSRV, true, failed("tls")),
	)
	wantFirst(t, got, "imap mail.example.com:143 starttls")
}

func TestRankTLSBeatsStartTLSAmongVerified(t *testing.T) {
	got := ranked(
		rcand("imap mail.example.com:143 starttls", SourceSRV, true, verified()),
		rcand("imap imap.example.com:993 tls", SourceGuess, true, verified()),
	)
	wantFirst(t, got, "imap imap.example.com:993 tls")
}

func TestRankTrustedBeforeUntrusted(t *testing.T) {
	got := ranked(
		rcand("imap evil.example.net:993 tls", SourceAutoconfigHTTP, false, verified()),
		rcand("imap mail.example.com:143 starttls", SourceSRV, true, verified()),
	)
	wantFirst(t, got, "imap mail.example.com:143 starttls")
}

func TestRankIMAPBeforePOP3(t *testing.T) {
	got := ranked(
		rcand("pop3 mail.example.com:995 tls", SourceSRV, true, verified()),
		rcand("imap mail.example.com:993 tls", SourceSRV, true, verified()),
	)
	wantFirst(t, got, "imap mail.example.com:993 tls")
}

// judgeSide runs the verdict on hand-made candidates.
func judgeSide(side Side, cs ...Candidate) (SideResult, []Finding) {
	e := &engine{o: &Options{Prober: &fakeProber{}}}
	var fs []Finding
	return e.judge(side, cs, &fs), fs
}

func codes(fs []Finding) map[string]Severity {
	m := map[string]Severity{}
	for _, f := range fs {
		m[f.Code] = f.Severity
	}
	return m
}

func TestVerdictPort25RecommendedOnlyWithAFragileWarning(t *testing.T) {
	sr, fs := judgeSide(Outgoing,
		rcand("smtp mail.example.com:25 starttls", SourceGuess, true, verifiedSMTP("PLAIN")),
		rcand("smtp mail.example.com:587 starttls", SourceGuess, true, failed("refused")),
	)
	if sr.Recommended == nil || sr.Recommended.Port != 25 || sr.Status != StatusWarning {
		t.Fatalf("recommended %v status %s, want port 25 with a warning", sr.Recommended, sr.Status)
	}
	if codes(fs)[CodePort25] != SeverityWarning {
		t.Errorf("findings %v, want %s", codes(fs), CodePort25)
	}
}

func TestVerdictNoAuthAndRelayRefusedIsBroken(t *testing.T) {
	p := verifiedSMTP()
	p.Relay = &RelayCheck{Outcome: RelayRefused, Reply: "554 5.7.1 Relay access denied"}
	sr, fs := judgeSide(Outgoing, rcand("smtp mail.example.com:587 starttls", SourceSRV, true, p))
	if sr.Status != StatusBroken {
		t.Errorf("status %s, want broken", sr.Status)
	}
	if codes(fs)[CodeNoSubmission] != SeverityError {
		t.Errorf("findings %v, want %s", codes(fs), CodeNoSubmission)
	}
}

func TestVerdictRelayAcceptedWorksOnlyFromHereWithAWarning(t *testing.T) {
	p := verifiedSMTP()
	p.Relay = &RelayCheck{Outcome: RelayAccepted, Reply: "250 2.1.5 Ok"}
	sr, fs := judgeSide(Outgoing, rcand("smtp relay.isp.example:587 starttls", SourceSRV, true, p))
	if sr.Status != StatusWarning || sr.Recommended == nil {
		t.Errorf("status %s recommended %v, want a warning with the relay recommended", sr.Status, sr.Recommended)
	}
	if len(fs) == 0 {
		t.Errorf("no finding says it works only from this network")
	}
}

func TestVerdictRelayUnknownLeavesTheSideUnknown(t *testing.T) {
	p := verifiedSMTP()
	p.Relay = &RelayCheck{Outcome: RelayUnknown, Reply: "450 4.7.1 greylisted"}
	sr, _ := judgeSide(Outgoing, rcand("smtp mail.example.com:587 starttls", SourceSRV, true, p))
	if sr.Status != StatusUnknown {
		t.Errorf("status %s, want unknown", sr.Status)
	}
}

func TestVerdictNoAnswerNamesTheBestCandidatesCause(t *testing.T) {
	p := failed("refused")
	p.Error = "connection refused"
	p.Cause = &Finding{Code: "net.connect-refused", Severity: SeverityError, Side: Incoming, Server: "imap.example.com:993", Message: "refused"}
	sr, fs := judgeSide(Incoming, rcand("imap imap.example.com:993 tls", SourceSRV, true, p))
	if sr.Status != StatusBroken {
		t.Errorf("status %s, want broken", sr.Status)
	}
	if _, ok := codes(fs)["net.connect-refused"]; !ok {
		t.Errorf("findings %v, want the candidate's own cause net.connect-refused", codes(fs))
	}
}

func TestVerdictStartTLSRefusedIsBrokenWithItsCauseNotNoAnswer(t *testing.T) {
	p := failed("starttls-refused")
	p.Cause = &Finding{Code: "imap.starttls-refused", Severity: SeverityError, Side: Incoming}
	sr, fs := judgeSide(Incoming,
		rcand("imap imap.example.com:993 tls", SourceGuess, true, failed("refused")),
		rcand("imap mail.example.com:143 starttls", SourceAutoconfig, true, p),
	)
	if sr.Status != StatusBroken || sr.Candidates[0].Port != 143 {
		t.Errorf("status %s first %v, want broken on the published 143", sr.Status, sr.Candidates[0].Server)
	}
	c := codes(fs)
	if _, ok := c["imap.starttls-refused"]; !ok {
		t.Errorf("findings %v, want imap.starttls-refused", c)
	}
	if _, ok := c[CodeNoAnswer]; ok {
		t.Errorf("findings %v: a server that answered is not no-answer", c)
	}
}
