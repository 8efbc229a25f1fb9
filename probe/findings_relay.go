package probe

import (
	"strings"

	"github.com/postino-mail/postino/autoconfig"
)

// The findings of the relay check (relay.go): an SMTP server that offers
// no AUTH, asked whether it relays for this network. Each code is defined
// once here. Each has a second wording, for a server whose configuration
// says it takes no login (client-IP-address or none): noLoginForm.

// relayCheck says how postino found out, for every relay finding.
const relayCheck = " postino found out without sending mail: after EHLO (and TLS) it sent MAIL FROM with the account's address and RCPT TO:<postmaster@example.net>, a domain reserved by RFC 2606 that no server hosts, then RSET and QUIT, never DATA; -v shows the relay phase and its transcript."

// noAuth is how every relay finding's message begins.
const noAuth = "{server} offers no AUTH{after-tls}"

var (
	findRelayRefused = autoconfig.DefineFinding(autoconfig.FindingDef{
		Code: CodeRelayRefused, Severity: autoconfig.SeverityError,
		Message:     noAuth + " and refuses to relay ({reply}): this server only takes mail for its own domain or from its own network: you cannot send through it from here",
		Hint:        "use the provider's submission server with login (port 587 or 465, AUTH after TLS); if this is your access provider's relay, send from its network; if you run it, enable SMTP AUTH (Postfix: -o smtpd_sasl_auth_enable=yes in master.cf)",
		Explanation: "The SMTP server offers no login on its protected connection and refused mail for another domain (an RFC 3463 code 5.7.x such as Postfix's \"554 5.7.1 Relay access denied\", or a 5xx that says relay): it only takes mail for its own domain or from its own network. A mail client configured with it cannot send from this network, whatever its settings." + relayCheck,
	})
	findRelayWithoutLogin = autoconfig.DefineFinding(autoconfig.FindingDef{
		Code: CodeRelayWithoutLogin, Severity: autoconfig.SeverityWarning,
		Message:     noAuth + " but relays mail from this network without login: it works only from here (an access provider's relay tied to the customer's line, what autoconfig files mark client-IP-address)",
		Hint:        "fine on this network; elsewhere (mobile, travel) sending fails: configure a submission server with login as well, or, if you run it, enable SMTP AUTH",
		Explanation: "The SMTP server offers no login but accepted mail for another domain from this address: an access provider's relay tied to the customer's line, what autoconfig files mark client-IP-address (or a server open to its own network). Sending works from this network only; from elsewhere (mobile, travel) it is refused. If you run the server, make sure it relays only for your own networks." + relayCheck,
	})
	findRelayUnknown = autoconfig.DefineFinding(autoconfig.FindingDef{
		Code: CodeRelayUnknown, Severity: autoconfig.SeverityWarning,
		Message:     noAuth + "; asked to relay, it answered \"{reply}\", which says nothing about relaying",
		Hint:        "try again later (a 4xx reply is temporary, such as greylisting); if it persists, ask the provider whether this server takes mail without login from your network",
		Explanation: "The SMTP server offers no login, and its answer to the relay check says nothing about relaying: a recipient-domain error (5.1.x), a temporary error (4.x.x, such as greylisting), or a broken connection. Whether a client can send through it from here is unknown." + relayCheck,
	})
)

// noLoginForm is d for a server whose configuration says it takes no
// login: the message begins with that instead of the missing AUTH.
func noLoginForm(d autoconfig.FindingDef) autoconfig.FindingDef {
	d.Message = "{server} takes no login (its configuration says {auth})" + strings.TrimPrefix(d.Message, noAuth)
	return d
}
