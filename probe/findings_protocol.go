package probe

import (
	"strconv"
	"strings"

	"github.com/postino-mail/postino/autoconfig"
)

// The findings about a server's conversation: STARTTLS and passwords
// before it (probe.go, failures.go), the ways to log in (checks.go,
// auth.go), and servers that are slow, silent, hang up, refuse or talk
// nonsense (checks.go, failures.go, handover_limit.go). Each code is
// defined once here; a code with a second wording has it as an
// unregistered definition of the same code next to it.

// protocolDefs are the findings each protocol has under its own code.
type protocolDefs struct {
	starttlsMissing  autoconfig.FindingDef // not advertised, not accepted
	starttlsHidden   autoconfig.FindingDef // the same, a firewall strips it
	starttlsAccepted autoconfig.FindingDef // not advertised, but accepted
	starttlsFailed   autoconfig.FindingDef // the failure as the probe saw it
	starttlsRefused  autoconfig.FindingDef
	authBeforeTLS    autoconfig.FindingDef
}

var protocolFindings = map[autoconfig.Protocol]protocolDefs{
	autoconfig.IMAP: defineProtocol(autoconfig.IMAP, CodeIMAPStartTLS, CodeIMAPStartTLSRefus, CodeIMAPAuthBeforeTLS, "STARTTLS",
		"make the server refuse LOGIN and AUTHENTICATE PLAIN before STARTTLS and advertise LOGINDISABLED (Dovecot: auth_allow_cleartext = no, or disable_plaintext_auth = yes before 2.4)"),
	autoconfig.POP3: defineProtocol(autoconfig.POP3, CodePOP3StartTLS, CodePOP3StartTLSRefus, CodePOP3AuthBeforeTLS, "STLS",
		"make the server refuse USER/PASS and AUTH PLAIN before STLS and stop listing them (Dovecot: auth_allow_cleartext = no, or disable_plaintext_auth = yes before 2.4)"),
	autoconfig.SMTP: defineProtocol(autoconfig.SMTP, CodeSMTPStartTLS, CodeSMTPStartTLSRefus, CodeSMTPAuthBeforeTLS, "STARTTLS",
		"offer AUTH only after STARTTLS (Postfix: smtpd_tls_auth_only = yes; Exim: auth_advertise_hosts = ${if eq{$tls_in_cipher}{}{}{*}})"),
}

// defineProtocol defines the codes of protocol p, whose STARTTLS command
// is cmd; authHint says how to stop it taking passwords before cmd.
func defineProtocol(p autoconfig.Protocol, missing, refused, authBefore, cmd, authHint string) protocolDefs {
	proto := map[autoconfig.Protocol]string{autoconfig.IMAP: "IMAP", autoconfig.POP3: "POP3", autoconfig.SMTP: "SMTP"}[p]
	tlsPort := strconv.Itoa(autoconfig.DefaultPort(p, autoconfig.SecurityTLS))
	e, w := autoconfig.SeverityError, autoconfig.SeverityWarning
	m := autoconfig.DefineFinding(autoconfig.FindingDef{
		Code: missing, Severity: e,
		Message:     "{server} does not offer " + cmd,
		Hint:        "enable TLS on the server, or use implicit TLS on port " + tlsPort + "; without " + cmd + ", passwords travel in plain text",
		Explanation: "The " + proto + " server neither lists " + cmd + " in its capabilities nor accepts the command, so a client configured for STARTTLS cannot protect the connection; a client that falls back sends the password in plain text. When the capability is listed as XXXXXXXA, a firewall (such as Cisco ASA ESMTP inspection) is stripping it; switch off STARTTLS stripping in the firewall. If the server accepts " + cmd + " without listing it, the finding is a warning: clients that check the list refuse to connect or fall back to plain text.",
	})
	return protocolDefs{
		starttlsMissing: m,
		starttlsHidden: autoconfig.FindingDef{Code: missing, Severity: e,
			Message: m.Message + " (its capabilities list {capability}: a firewall, such as Cisco ASA ESMTP inspection, is hiding STARTTLS)",
			Hint:    m.Hint},
		starttlsAccepted: autoconfig.FindingDef{Code: missing, Severity: w,
			Message: "{server} does not advertise " + cmd + ", but accepts it",
			Hint:    "make the server list " + cmd + " in its capabilities: clients that check the list refuse to connect, or send the password in plain text"},
		starttlsFailed: autoconfig.FindingDef{Code: missing, Severity: e,
			Message: "{server}: {error}",
			Hint:    "enable TLS on the server, or use implicit TLS on port " + tlsPort},
		starttlsRefused: autoconfig.DefineFinding(autoconfig.FindingDef{
			Code: refused, Severity: e,
			Message:     "{server}: {error}",
			Hint:        "the server advertises STARTTLS but cannot start it: usually its certificate or key file is missing or unreadable; check the server's log",
			Explanation: "The " + proto + " server advertises " + cmd + " and then answers the command with an error, so no client can get a protected connection. It usually means the server cannot load its certificate or key: check the certificate and key paths and their permissions, and reload it.",
		}),
		authBeforeTLS: autoconfig.DefineFinding(autoconfig.FindingDef{
			Code: authBefore, Severity: w,
			Message:     "{server} accepts passwords before " + cmd + ", where they travel in plain text",
			Hint:        authHint,
			Explanation: "On the plain connection, before the upgrade to TLS, the " + proto + " server offers to take a password. A client that does not insist on TLS (or an attacker who strips STARTTLS) sends it in clear text.",
		}),
	}
}

var (
	findIMAPLoginDisabled = autoconfig.DefineFinding(autoconfig.FindingDef{
		Code: CodeIMAPLoginDisabled, Severity: autoconfig.SeverityError,
		Message:     "{server} announces LOGINDISABLED and no AUTHENTICATE mechanism on this connection: no client can log in",
		Hint:        "use TLS (implicit on 993, or STARTTLS) if this was plain text; otherwise enable a login mechanism on the server (Dovecot: auth_mechanisms = plain login)",
		Explanation: "After TLS (or on a server tested without TLS), the IMAP server says LOGIN is disabled and lists no AUTH= mechanism, so no client can log in on this connection.",
	})
	findNoAuthMechanism = autoconfig.DefineFinding(autoconfig.FindingDef{
		Code: CodeNoAuthMechanism, Severity: autoconfig.SeverityError,
		Message:     "{server} offers no login mechanism postino can use with these credentials: {error}",
		Hint:        "a token needs XOAUTH2 or OAUTHBEARER, a password PLAIN or LOGIN (IMAP: LOGIN; POP3: USER/PASS); check what the server offers after TLS",
		Explanation: "The server lists no mechanism that fits the credentials: a password needs PLAIN or LOGIN (IMAP also LOGIN, POP3 USER/PASS), an OAuth2 token needs XOAUTH2 or OAUTHBEARER. A POP3 server that offers neither USER nor SASL gets this code too. An SMTP server without any AUTH gets the relay check instead (smtp.relay-refused, smtp.relay-without-login, smtp.relay-unknown). Enable the mechanism on the server (Postfix submission: -o smtpd_sasl_auth_enable=yes; Dovecot: auth_mechanisms), or use the kind of credentials the server takes.",
	})
	findPOP3NoLogin = autoconfig.FindingDef{
		Code: CodeNoAuthMechanism, Severity: autoconfig.SeverityError,
		Message: "{server} offers neither USER nor SASL: no client can log in",
		Hint:    "enable a login mechanism on the server",
	}
	findSlowGreeting = autoconfig.DefineFinding(autoconfig.FindingDef{
		Code: CodeSlowGreeting, Severity: autoconfig.SeverityWarning,
		Message:     "{server} took {duration} to greet",
		Hint:        "a deliberately slow greeting (postscreen, a tarpit) is meant for port 25, not for clients; on 993, 995, 465 and 587 it makes clients time out: check the server's load and its greeting delay settings",
		Explanation: "The server answered the connection but waited seconds before its greeting. Postfix postscreen and tarpits do this on purpose on port 25; on client ports (993, 995, 465, 587) it makes clients time out or feel broken. Postfix: postscreen_greet_wait only on port 25; Kerio: Spam Repellent.",
	})
	findServerSilent = autoconfig.DefineFinding(autoconfig.FindingDef{
		Code: CodeServerSilent, Severity: autoconfig.SeverityError,
		Message:     "{server}: {error}",
		Hint:        "the server accepts connections but does not answer: it is overloaded, a tarpit, or waits for TLS on a port configured for plain text",
		Explanation: "TCP connected, but the server said nothing before the deadline: a tarpit, an overloaded server, a process that accepts connections and hangs, or a port that speaks implicit TLS while the client waits for a plain greeting (see tls.mode-mismatch).",
	})
	findServerClosed = autoconfig.DefineFinding(autoconfig.FindingDef{
		Code: CodeServerClosed, Severity: autoconfig.SeverityError,
		Message:     "{server}: {error}",
		Hint:        "the server hangs up: it may limit connections per address, reject this network, or crash; check its log",
		Explanation: "The server hung up during the conversation: it may limit connections per address, reject this client's network, or crash. Check the server's log at the time of the test and its connection limits (Dovecot mail_max_userip_connections, Postfix smtpd_client_connection_count_limit).",
	})
	findServerRefused = autoconfig.DefineFinding(autoconfig.FindingDef{
		Code: CodeServerRefused, Severity: autoconfig.SeverityError,
		Message:     "{server}: {error}",
		Hint:        "the server refuses service to this client: it may be overloaded, or block this network; its message says more",
		Explanation: "The server greeted with a refusal (SMTP 554 or 421, IMAP BYE, POP3 -ERR): it is overloaded, in maintenance, or blocks this client's network. Read the server's message; try again later or from another network; ask the provider whether this network is blocked.",
	})
	findServerProtocol = autoconfig.DefineFinding(autoconfig.FindingDef{
		Code: CodeServerProtocol, Severity: autoconfig.SeverityError,
		Message:     "{server}: {error}",
		Hint:        "check that port {port} runs {protocol} and nothing else (a proxy, a firewall's inspection, another service)",
		Explanation: "The server said something that is not the expected protocol: another service on the port, a line without end, a proxy or a firewall's inspection that mangles the conversation. The transcript with -v shows what it said. A server asked for a protocol, host, port or security postino does not know gets this code too.",
	})
	findServerProtocolLogin = autoconfig.FindingDef{
		Code: CodeServerProtocol, Severity: autoconfig.SeverityError,
		Message: "the login to {server} failed: {error}",
		Hint:    findServerProtocol.Hint,
	}
	findUnknownServer = autoconfig.FindingDef{
		Code: CodeServerProtocol, Severity: autoconfig.SeverityError,
		Message: "{error}",
		Hint:    "give a protocol, host, port and security postino knows",
	}
	findResponseTooLarge = autoconfig.DefineFinding(autoconfig.FindingDef{
		Code: CodeResponseTooLarge, Severity: autoconfig.SeverityError,
		Message:     "{server}: {error}; postino stopped reading",
		Hint:        "a server that talks without end is broken or hostile; check what listens on the port (the transcript with -v shows the start of what it sent)",
		Explanation: "After the login, while a client library read the server's answers, the server sent a line longer than 64 KiB or more than 4 MiB in one session: a line without end, or a multi-line reply without end (such as endless 535- lines). postino stops reading rather than let its memory grow. Before the login the same floods are reported as server.protocol-error (line too long, response too long).",
	})
)

// protocolValues are the values of server.protocol-error.
func protocolValues(s autoconfig.Server, err string) autoconfig.Values {
	return autoconfig.Values{"error": err, "protocol": strings.ToUpper(string(s.Protocol))}
}

// starttlsMissingFinding: srv does not advertise STARTTLS (STLS); works
// says whether it accepted the command anyway; caps are its capabilities.
func starttlsMissingFinding(srv autoconfig.Server, caps []string, works bool) autoconfig.Finding {
	defs := protocolFindings[srv.Protocol]
	if works {
		return defs.starttlsAccepted.On(srv, nil)
	}
	for _, c := range caps {
		if strings.HasPrefix(strings.ToUpper(c), "XXXXXXXA") {
			return defs.starttlsHidden.On(srv, autoconfig.Values{"capability": strconv.Quote(c)})
		}
	}
	return defs.starttlsMissing.On(srv, nil)
}
