// Package autoconfig knows what an email account's settings are and where to
// find them: the account model, the discovery sources and their parsers, the
// merge and ranking of candidates, and the writers of client config formats.
//
// Each format's writer is one file, next to the reader it shares its
// vocabulary with (SRV labels, the autodiscover schema and host names,
// Thunderbird's socketType, the postino/v1 settings document):
//   - write_thunderbird.go: Mozilla autoconfig / Thunderbird config-v1.1.xml
//   - write_autodiscover.go: the Outlook POX autodiscover response
//   - write_mobileconfig.go (with plist.go): the Apple profile (iOS, macOS)
//   - write_text.go, write_text_clients.go: the fields to type, per client
//   - write_dns.go: the SRV records and autoconfig/autodiscover names
//   - write_json.go: the postino/v1 settings document (read by settings_json.go)
//   - loss.go: what a format cannot say, reported instead of dropped
//
// Specifications implemented:
//   - RFC 6186 and RFC 8314 (SRV records for mail submission and access)
//   - RFC 2782 (SRV priority and weight)
//   - Mozilla autoconfig clientConfig 1.1 and draft-ietf-mailmaint-autoconfig
//   - Microsoft Autodiscover POX (outlook responseschema 2006a)
package autoconfig

import (
	"encoding/json"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Protocol is the mail protocol a server speaks.
type Protocol string

const (
	IMAP Protocol = "imap"
	POP3 Protocol = "pop3"
	SMTP Protocol = "smtp"
)

// Security is how a connection is protected.
type Security string

const (
	SecurityTLS      Security = "tls"      // implicit TLS from the first byte (RFC 8314)
	SecurityStartTLS Security = "starttls" // plaintext upgraded with STARTTLS/STLS
	SecurityNone     Security = "none"     // no encryption at all
)

// AuthMethod is how a client proves who it is, in the vocabulary of the
// Mozilla autoconfig format.
type AuthMethod string

const (
	AuthPasswordCleartext AuthMethod = "password-cleartext"
	AuthPasswordEncrypted AuthMethod = "password-encrypted" // CRAM-MD5, SCRAM and the like
	AuthOAuth2            AuthMethod = "oauth2"
	AuthNTLM              AuthMethod = "ntlm"
	AuthGSSAPI            AuthMethod = "gssapi"
	AuthClientIP          AuthMethod = "client-ip-address" // SMTP relay for the provider's own network
	AuthTLSClientCert     AuthMethod = "tls-client-cert"
	AuthNone              AuthMethod = "none"
)

// Side is which path of an account something belongs to.
type Side string

const (
	Incoming  Side = "incoming"
	Outgoing  Side = "outgoing"
	Discovery Side = "discovery"
)

// Server is one way to reach one service of an account. It is the one model
// of settings shared by every source, probe and writer.
type Server struct {
	Protocol Protocol `json:"protocol"`
	Host     string   `json:"host"`
	Port     int      `json:"port"`
	Security Security `json:"security"`
	// Username is the login name with every placeholder already replaced
	// (%EMAILADDRESS% → alice@example.com). Empty when no source said.
	Username string       `json:"username,omitempty"`
	Auth     []AuthMethod `json:"auth,omitempty"`
}

// ExpectsNoLogin reports whether s's configuration says it takes mail
// without a login: it relays for the provider's own network
// (client-IP-address) or needs no authentication at all. A missing AUTH
// is then expected, and no login is tried.
func (s Server) ExpectsNoLogin() bool {
	return slices.Contains(s.Auth, AuthClientIP) || slices.Contains(s.Auth, AuthNone)
}

// Side reports whether s receives (IMAP, POP3) or sends (SMTP) mail.
func (s Server) Side() Side {
	if s.Protocol == SMTP {
		return Outgoing
	}
	return Incoming
}

// Addr is host:port, with IPv6 literals bracketed.
func (s Server) Addr() string { return net.JoinHostPort(s.Host, strconv.Itoa(s.Port)) }

// Key identifies a server independently of username and auth, so that two
// sources naming the same endpoint merge into one candidate.
func (s Server) Key() string {
	return fmt.Sprintf("%s %s %s", s.Protocol, s.Addr(), s.Security)
}

func (s Server) String() string { return fmt.Sprintf("%s %s (%s)", s.Protocol, s.Addr(), s.Security) }

// DefaultPort is the IANA port of a protocol at a security level.
func DefaultPort(p Protocol, sec Security) int {
	switch {
	case p == IMAP && sec == SecurityTLS:
		return 993
	case p == IMAP:
		return 143
	case p == POP3 && sec == SecurityTLS:
		return 995
	case p == POP3:
		return 110
	case p == SMTP && sec == SecurityTLS:
		return 465
	default:
		return 587
	}
}

// ParseSocketType reads the autoconfig socketType vocabulary (SSL,
// STARTTLS, plain; any case), which Delta Chat's provider notes share.
func ParseSocketType(v string) (Security, bool) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "ssl":
		return SecurityTLS, true
	case "starttls":
		return SecurityStartTLS, true
	case "plain":
		return SecurityNone, true
	}
	return "", false
}

// Severity says how much a finding matters.
type Severity string

const (
	SeverityError   Severity = "error"
	SeverityWarning Severity = "warning"
	SeverityInfo    Severity = "info"
)

// Status is the verdict a finding of this severity gives its side at
// least: broken for an error, a warning for a warning, ok for the rest.
func (s Severity) Status() Status {
	switch s {
	case SeverityError:
		return StatusBroken
	case SeverityWarning:
		return StatusWarning
	}
	return StatusOK
}

// Finding is one problem or notable fact, with a stable code that
// `postino explain` and docs/findings.md describe in full.
type Finding struct {
	Code     string   `json:"code"`
	Severity Severity `json:"severity"`
	Side     Side     `json:"side"`
	Server   string   `json:"server,omitempty"` // host:port it concerns, if any
	Message  string   `json:"message"`
	Hint     string   `json:"hint,omitempty"`
}

// Duration marshals to JSON as fractional milliseconds, the unit of the
// postino/v1 schema.
type Duration time.Duration

func (d Duration) MarshalJSON() ([]byte, error) {
	ms := float64(time.Duration(d).Microseconds()) / 1000
	return json.Marshal(ms)
}

func (d *Duration) UnmarshalJSON(b []byte) error {
	var ms float64
	if err := json.Unmarshal(b, &ms); err != nil {
		return err
	}
	*d = Duration(time.Duration(ms * float64(time.Millisecond)))
	return nil
}

func (d Duration) String() string { return time.Duration(d).Round(100 * time.Microsecond).String() }
