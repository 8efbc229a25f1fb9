package autoconfig

import (
	"context"
	"time"
)

// Prober checks that a server answers. Discovery calls it for every
// candidate as soon as the candidate appears; package probe implements it.
// Probe must honour ctx's deadline and never return nil.
type Prober interface {
	Probe(ctx context.Context, s Server) *ProbeResult
}

// ProbeStatus is the outcome of a probe.
type ProbeStatus string

const (
	ProbeOK      ProbeStatus = "ok"
	ProbeFailed  ProbeStatus = "failed"
	ProbeSkipped ProbeStatus = "skipped"
)

// Phase names, in the order a probe runs them.
const (
	PhaseResolve      = "resolve"
	PhaseConnect      = "connect"
	PhaseTLS          = "tls"
	PhaseGreeting     = "greeting"
	PhaseCapabilities = "capabilities"
	PhaseStartTLS     = "starttls"
	PhaseAuth         = "auth"
	PhaseSend         = "send"
	PhaseRoundtrip    = "roundtrip"
)

// ProbeResult is what a probe saw. It is evidence, not only a verdict.
type ProbeResult struct {
	Status   ProbeStatus `json:"status"`
	Duration Duration    `json:"duration_ms"`
	// ErrorKind classifies a failure: nxdomain, servfail, timeout, refused,
	// unreachable, tls, cert, protocol, starttls-missing, closed; internal
	// for a bug in postino (a recovered panic).
	ErrorKind string   `json:"error_kind,omitempty"`
	Error     string   `json:"error,omitempty"`
	Phases    []Phase  `json:"phases,omitempty"`
	TLS       *TLSInfo `json:"tls,omitempty"`
	// Greeting is the server's banner, all lines joined by "\n".
	Greeting string `json:"greeting,omitempty"`
	// Capabilities as the server listed them last (after STARTTLS if any).
	Capabilities []string `json:"capabilities,omitempty"`
	// SASL mechanisms offered on the protected connection (AUTH= / SASL / AUTH).
	SASL []string `json:"sasl,omitempty"`
	// Transcript is the redacted conversation, for --verbose.
	Transcript []TranscriptLine `json:"transcript,omitempty"`
	Findings   []Finding        `json:"findings,omitempty"`
	// Relay is what an SMTP server that offers no AUTH on its protected
	// connection said when asked to relay (MAIL FROM, RCPT TO a domain it
	// does not host, RSET; never DATA). Nil when not asked.
	Relay *RelayCheck `json:"relay,omitempty"`
	// Cause, for a failed probe, is the finding that names why it failed
	// (net.connect-refused, server.silent, tls.handshake …), so that a
	// side whose best candidate failed can say so specifically.
	Cause *Finding `json:"cause,omitempty"`
	// SpeaksSecurity is set when the port answered in the other security
	// mode than the one asked (plain text where implicit TLS was asked,
	// TLS records where a plain greeting was expected): the mode it
	// speaks, tls or starttls.
	SpeaksSecurity Security `json:"speaks_security,omitempty"`
}

// Relay check outcomes.
const (
	RelayRefused  = "refused"  // 5.7.1 and the like: it takes no mail for other domains from here
	RelayAccepted = "accepted" // it would relay without login from this network
	RelayUnknown  = "unknown"  // a recipient or temporary error: nothing learnt about relaying
)

// RelayCheck is the outcome of the relay check and the reply it rests on.
type RelayCheck struct {
	Outcome string `json:"outcome"`
	// Reply is the server's answer to RCPT TO (or to MAIL FROM when that
	// already failed), code and text, printable.
	Reply string `json:"reply,omitempty"`
}

// SubmissionReady reports whether an SMTP probe shows a server a client can
// send through: it offers AUTH on its protected connection, or it accepted
// the relay check. Only meaningful for SMTP.
func (r *ProbeResult) SubmissionReady() bool {
	if r == nil {
		return false
	}
	return len(r.SASL) > 0 || (r.Relay != nil && r.Relay.Outcome == RelayAccepted)
}

// Verified reports whether the probe proved the server usable: it answered
// the protocol and, where TLS was used, the certificate is valid for the
// name asked.
func (r *ProbeResult) Verified() bool {
	if r == nil || r.Status != ProbeOK {
		return false
	}
	return r.TLS == nil || (r.TLS.ChainValid && r.TLS.NameValid && !r.TLS.Expired)
}

// Phase is one timed step of a probe.
type Phase struct {
	Name     string   `json:"name"`
	Address  string   `json:"address,omitempty"`
	OK       bool     `json:"ok"`
	Duration Duration `json:"duration_ms"`
	Detail   string   `json:"detail,omitempty"`
}

// TLSInfo describes a negotiated TLS session and the server's certificate.
type TLSInfo struct {
	Version    string    `json:"version"`
	Cipher     string    `json:"cipher"`
	Names      []string  `json:"names,omitempty"` // DNS names the leaf is valid for
	Issuer     string    `json:"issuer,omitempty"`
	NotAfter   time.Time `json:"not_after"`
	DaysLeft   int       `json:"days_left"`
	ChainValid bool      `json:"chain_valid"`
	NameValid  bool      `json:"name_valid"`
	Expired    bool      `json:"expired,omitempty"`
	SelfSigned bool      `json:"self_signed,omitempty"`
	// Problems lists every certificate problem found in the one handshake.
	Problems []string `json:"problems,omitempty"`
}

// TranscriptLine is one line of a protocol conversation.
type TranscriptLine struct {
	Dir  string `json:"dir"`  // "send" or "recv"
	TLS  bool   `json:"tls"`  // sent inside TLS
	Text string `json:"text"` // passwords and tokens already redacted
}
