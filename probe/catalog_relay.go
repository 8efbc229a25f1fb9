package probe

import "github.com/postino-mail/postino/autoconfig"

func init() {
	const e, w = autoconfig.SeverityError, autoconfig.SeverityWarning
	const check = " postino found out without sending mail: after EHLO (and TLS) it sent MAIL FROM with the account's address and RCPT TO:<postmaster@example.net>, a domain reserved by RFC 2606 that no server hosts, then RSET and QUIT, never DATA; -v shows the relay phase and its transcript."
	register(
		Entry{CodeRelayRefused, e, "{server} offers no AUTH and refuses to relay: you cannot send through it from here",
			"The SMTP server offers no login on its protected connection and refused mail for another domain (an RFC 3463 code 5.7.x such as Postfix's \"554 5.7.1 Relay access denied\", or a 5xx that says relay): it only takes mail for its own domain or from its own network. A mail client configured with it cannot send from this network, whatever its settings." + check,
			"Use the provider's submission server with login (port 587 STARTTLS or 465 implicit TLS, AUTH after TLS); if this is your access provider's relay, send from its network; if you run the server, enable SMTP AUTH (Postfix: -o smtpd_sasl_auth_enable=yes in master.cf)."},
		Entry{CodeRelayWithoutLogin, w, "{server} offers no AUTH but relays mail from this network: it works only from here",
			"The SMTP server offers no login but accepted mail for another domain from this address: an access provider's relay tied to the customer's line, what autoconfig files mark client-IP-address (or a server open to its own network). Sending works from this network only; from elsewhere (mobile, travel) it is refused." + check,
			"Fine on this network; for sending from anywhere configure a submission server with login as well; if you run the server, enable SMTP AUTH, and make sure it relays only for your own networks."},
		Entry{CodeRelayUnknown, w, "{server} offers no AUTH; asked to relay, it answered {reply}",
			"The SMTP server offers no login, and its answer to the relay check says nothing about relaying: a recipient-domain error (5.1.x), a temporary error (4.x.x, such as greylisting), or a broken connection. Whether a client can send through it from here is unknown." + check,
			"Try again later; if it persists, ask the provider whether this server takes mail without login from your network, or use a submission server with login."},
	)
}
