package probe

import "github.com/postino-mail/postino/autoconfig"

// The codes of package autoconfig: discovery's verdicts and the problems
// of published configuration files. They are documented here, with the
// others, so that one catalogue holds every code.
func init() {
	const e, w, i = autoconfig.SeverityError, autoconfig.SeverityWarning, autoconfig.SeverityInfo
	register(
		Entry{"discovery.nothing-found", e, "no source named an {side} server",
			"None of the discovery sources (provider database, SRV records, autoconfig, ISPDB, MX-based lookup, autodiscover, guessing) named a server for this side of the account.",
			"Publish SRV records (RFC 6186/8314) or an autoconfig file for the domain, or give the server with --imap, --pop3 or --smtp."},
		Entry{"discovery.no-answer", e, "none of the {n} {side} candidates answered; the best, {server}: {cause}",
			"Sources named servers, but none of them answered at all when probed: the connection was refused, timed out, or the name has no address. The finding on the best-ranked candidate (net.connect-refused, server.silent, dns.no-address …) names its own cause. A server that answered with a problem (a refused STARTTLS, a bad certificate) is reported with that problem instead.",
			"Check that the servers are up and reachable; run postino test for the details of each."},
		Entry{"discovery.no-submission", e, "{server} offers no AUTH, so no client can log in to send",
			"The SMTP server answers and its TLS is fine, but it offers no AUTH on its protected connection and refused to relay mail for another domain (or was not asked): it only takes mail for its own domains or from its own network. It is a server for delivery between mail servers, or a relay for another network, not a submission server for this account. When it does relay without a login from here (the access provider's relay for its own lines), this code is a warning: it works only from that network.",
			"Use the provider's submission server (465 with implicit TLS or 587 with STARTTLS, with AUTH); the admin enables SMTP AUTH on the submission service (Postfix: -o smtpd_sasl_auth_enable=yes in master.cf)."},
		Entry{"discovery.port-25", w, "{server} is port 25, where mail servers deliver to each other; it is recommended because {why}, but it is fragile",
			"Port 25 is the port of mail exchange between servers (RFC 5321). Access providers and clouds commonly block outgoing connections to it, and servers often take no login there. postino recommends it only when no submission port answers (or only port 25 is published), and never ranks it above an answering submission port.",
			"Offer submission on 465 (implicit TLS) or 587 (STARTTLS) with AUTH (RFC 8314, RFC 6409) and publish it in SRV records and the autoconfig file."},
		Entry{"discovery.wrong-security", w, "port {port} is published with {configured}, but the server speaks {actual} there; published by {sources}",
			"A published configuration (SRV record, autoconfig file, autodiscover answer, provider entry) names a port with the wrong security mode: implicit TLS where the server speaks STARTTLS, or the reverse. Clients that follow it wait for a greeting that never comes or fail the TLS handshake. postino probes the same host and port in the mode it speaks and recommends that.",
			"Correct the publication (autoconfig socketType SSL for implicit TLS, STARTTLS for STARTTLS; SRV _submissions/_imaps/_pop3s for implicit TLS, _submission/_imap/_pop3 for STARTTLS), or move the service to the port its mode belongs on."},
		Entry{"discovery.autoconfig-http-only", w, "the autoconfig file is served only over plain http ({url})",
			"The domain's autoconfig file is reachable over http but not over https. Thunderbird for Android (K-9) and Delta Chat do not use plain http, and anyone on the network path can change a file fetched over http, so postino does not trust it either.",
			"Serve it over https at https://autoconfig.DOMAIN/mail/config-v1.1.xml (or /.well-known/autoconfig/mail/config-v1.1.xml on the domain) with a certificate valid for that name."},
		Entry{"dns.srv-target-dead", w, "{record} names {host}, which has no address in DNS",
			"An SRV record (RFC 6186/8314) points at a host name with no A or AAAA record. Clients that follow the record cannot connect.",
			"Publish an address for the target, or correct the record; a target of \".\" says a service is decidedly not offered (RFC 2782)."},
		Entry{"discovery.no-valid-certificate", e, "the best {side} server answers, but its certificate is not valid for {host}",
			"The best server found speaks its protocol, but its certificate is untrusted, expired or for another name, so mail clients refuse it.",
			"Install a certificate from a trusted authority that names the host; postino test lists every certificate problem."},
		Entry{"discovery.untrusted-source", w, "{server} was only named by a source that cannot be trusted",
			"The recommended server comes only from sources an attacker could control (plain http autoconfig, SRV or MX answers leading outside the domain without DNSSEC, cross-domain redirects). postino will not send a password there without --trust-untrusted.",
			"Check that the server belongs to the mail provider; publishers should serve autoconfig over https from their own domain or sign their DNS."},
		Entry{"discovery.no-encryption", w, "{server} offers no encryption",
			"The best server found has neither implicit TLS nor STARTTLS: passwords and mail cross the network in clear text.",
			"Enable implicit TLS (RFC 8314) or STARTTLS on the server."},
		Entry{"discovery.not-verified", w, "not probed: nothing confirmed that {server} answers or that its certificate is valid",
			"With --no-probe postino ranks what the sources say without connecting to any server, so the recommendation may point at a server that is down, speaks another security mode, or has an invalid certificate.",
			"Run without --no-probe from a network where the mail ports are reachable, or run postino test on the recommended servers."},
		Entry{"discovery.sources-disagree", i, "{side} sources disagree: {a} names {x}, {b} names {y}",
			"Different discovery sources recommend different servers or security for the same side. Clients that use one source get other settings than clients that use another.",
			"Keep every published record (SRV, autoconfig, autodiscover, provider entries) in step."},
		Entry{"autoconfig.data-problem", w, "a problem in the published autoconfig file: {problem}",
			"The Mozilla autoconfig file (config-v1.1.xml) has a problem that clients may read differently: an unknown value, a missing element, a placeholder that does not fit.",
			"Correct the published file so that every client reads it the same way; validate it against the autoconfig RELAX NG schema."},
		Entry{"autodiscover.data-problem", w, "a problem in the published autodiscover answer: {problem}",
			"The Outlook autodiscover (POX) answer has a problem that clients may read differently.",
			"Correct the autodiscover answer so that every client reads it the same way."},
		Entry{"provider.hint", i, "{provider}: {hint} (source: {source}, checked {date})",
			"The built-in provider database (from the Thunderbird ISPDB, Delta Chat's provider notes and postino's sourced overlay) has advice for this provider: an app password is needed, IMAP must be switched on in the web settings first, and the like. The finding names the source of the advice and when it was last checked: advice ages as providers change their rules.",
			"Follow the hint before entering the password in a mail client; the provider's documentation link is shown with it."},
		Entry{"provider.restricted-server", i, "{server} only works from {provider}'s own network (source: {source}, checked {date})",
			"The provider offers this SMTP server without authentication, but only to connections from its own access network (authentication by client IP address). From anywhere else it refuses or will not relay.",
			"Use it only while connected through that provider's line, for example when port 25 or submission elsewhere is blocked; otherwise use the authenticated submission server."},
		Entry{"autodiscover.redirect-cross-domain", w, "autodiscover for {address} led via {via} to {host}, outside {domain}",
			"An autodiscover lookup was redirected to another registrable domain. Credentials are never sent there: an attacker who can redirect could collect them. Hosted mail (Microsoft 365, hosters) does this legitimately.",
			"If the other domain really hosts this mail, let the domain's own autodiscover answer, or set the account up by hand."},
	)
}
