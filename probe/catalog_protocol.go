package probe

import "github.com/postino-mail/postino/autoconfig"

func init() {
	const e, w = autoconfig.SeverityError, autoconfig.SeverityWarning
	starttlsMissing := func(code, proto, cmd string, tlsPort int) Entry {
		return Entry{code, e, "{server} does not offer " + cmd,
			"The " + proto + " server neither lists " + cmd + " in its capabilities nor accepts the command, so a client configured for STARTTLS cannot protect the connection; a client that falls back sends the password in plain text. When the capability is listed as XXXXXXXA, a firewall (such as Cisco ASA ESMTP inspection) is stripping it. If the server accepts " + cmd + " without listing it, the finding is a warning: clients that check the list refuse to connect or fall back to plain text.",
			"Enable TLS on the server (or make it list " + cmd + "), or use implicit TLS on port " + itoa(tlsPort) + "; switch off STARTTLS stripping in the firewall."}
	}
	starttlsRefused := func(code, proto, cmd string) Entry {
		return Entry{code, e, "{server} lists " + cmd + " but refuses it: {reply}",
			"The " + proto + " server advertises " + cmd + " and then answers the command with an error, so no client can get a protected connection. It usually means the server cannot load its certificate or key.",
			"Check the server's log for TLS errors, the certificate and key paths and their permissions; reload it."}
	}
	authBeforeTLS := func(code, proto, how string) Entry {
		return Entry{code, w, "{server} accepts passwords before " + map[bool]string{true: "STLS", false: "STARTTLS"}[proto == "POP3"] + ", where they travel in plain text",
			"On the plain connection, before the upgrade to TLS, the " + proto + " server offers to take a password. A client that does not insist on TLS (or an attacker who strips STARTTLS) sends it in clear text.",
			how}
	}
	register(
		starttlsMissing(CodeIMAPStartTLS, "IMAP", "STARTTLS", 993),
		starttlsMissing(CodePOP3StartTLS, "POP3", "STLS", 995),
		starttlsMissing(CodeSMTPStartTLS, "SMTP", "STARTTLS", 465),
		starttlsRefused(CodeIMAPStartTLSRefus, "IMAP", "STARTTLS"),
		starttlsRefused(CodePOP3StartTLSRefus, "POP3", "STLS"),
		starttlsRefused(CodeSMTPStartTLSRefus, "SMTP", "STARTTLS"),
		authBeforeTLS(CodeIMAPAuthBeforeTLS, "IMAP", "Make the server refuse LOGIN and AUTHENTICATE PLAIN before STARTTLS and advertise LOGINDISABLED (Dovecot: auth_allow_cleartext = no, or disable_plaintext_auth = yes before 2.4)."),
		authBeforeTLS(CodePOP3AuthBeforeTLS, "POP3", "Make the server refuse USER/PASS and AUTH PLAIN before STLS and stop listing them (Dovecot: auth_allow_cleartext = no, or disable_plaintext_auth = yes before 2.4)."),
		authBeforeTLS(CodeSMTPAuthBeforeTLS, "SMTP", "Offer AUTH only after STARTTLS (Postfix: smtpd_tls_auth_only = yes; Exim: auth_advertise_hosts = ${if eq{$tls_in_cipher}{}{}{*}})."),
		Entry{CodeIMAPLoginDisabled, e, "{server} announces LOGINDISABLED and no AUTHENTICATE mechanism",
			"After TLS (or on a server tested without TLS), the IMAP server says LOGIN is disabled and lists no AUTH= mechanism, so no client can log in on this connection.",
			"Connect with TLS if this was plain text; otherwise enable a login mechanism (Dovecot: auth_mechanisms = plain login)."},
		Entry{CodeNoAuthMechanism, e, "{server} offers no login mechanism postino can use",
			"The server lists no mechanism that fits the credentials: a password needs PLAIN or LOGIN (IMAP also LOGIN, POP3 USER/PASS), an OAuth2 token needs XOAUTH2 or OAUTHBEARER. An SMTP server without any AUTH gets the relay check instead (smtp.relay-refused, smtp.relay-without-login, smtp.relay-unknown).",
			"Enable the mechanism on the server (Postfix submission: -o smtpd_sasl_auth_enable=yes; Dovecot: auth_mechanisms), or use the kind of credentials the server takes."},
		Entry{CodeSlowGreeting, w, "{server} took {duration} to greet",
			"The server answered the connection but waited seconds before its greeting. Postfix postscreen and tarpits do this on purpose on port 25; on client ports (993, 995, 465, 587) it makes clients time out or feel broken.",
			"Check the server's load and greeting delay settings (Postfix: postscreen_greet_wait only on port 25; Kerio: Spam Repellent)."},
		Entry{CodeServerSilent, e, "{server}: no answer within {timeout}",
			"TCP connected, but the server said nothing before the deadline: a tarpit, an overloaded server, a process that accepts connections and hangs, or a port that speaks implicit TLS while the client waits for a plain greeting.",
			"Check that the server process is healthy and not overloaded; check whether the port expects implicit TLS (see tls.mode-mismatch)."},
		Entry{CodeServerClosed, e, "{server}: the server closed the connection",
			"The server hung up during the conversation: it may limit connections per address, reject this client's network, or crash.",
			"Check the server's log at the time of the test and its connection limits (Dovecot mail_max_userip_connections, Postfix smtpd_client_connection_count_limit)."},
		Entry{CodeServerProtocol, e, "{server}: unexpected reply: {reply}",
			"The server said something that is not the expected protocol: another service on the port, a line without end, a proxy or a firewall's inspection that mangles the conversation.",
			"Check what listens on the port (the transcript with -v shows what it said) and that no middlebox rewrites the conversation."},
		Entry{CodeResponseTooLarge, e, "{server} sent too much: {reply}",
			"After the login, while a client library read the server's answers, the server sent a line longer than 64 KiB or more than 4 MiB in one session: a line without end, or a multi-line reply without end (such as endless 535- lines). postino stops reading rather than let its memory grow. Before the login the same floods are reported as server.protocol-error (line too long, response too long).",
			"Check what listens on the port and the server's log; the transcript with -v shows the start of what it sent."},
		Entry{CodeServerRefused, e, "{server} refused service: {greeting}",
			"The server greeted with a refusal (SMTP 554 or 421, IMAP BYE, POP3 -ERR): it is overloaded, in maintenance, or blocks this client's network.",
			"Read the server's message; try again later or from another network; ask the provider whether this network is blocked."},
	)
}
