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
		Entry{"discovery.no-answer", e, "none of the {n} {side} candidates answered",
			"Sources named servers, but none of them answered its protocol when probed.",
			"Check that the servers are up and reachable; run postino test for the details of each."},
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
		Entry{"provider.hint", i, "{provider}: {hint}",
			"The built-in provider database (from the Thunderbird ISPDB and Delta Chat's provider notes) has advice for this provider: an app password is needed, IMAP must be switched on in the web settings first, and the like.",
			"Follow the hint before entering the password in a mail client; the provider's documentation link is shown with it."},
		Entry{"provider.restricted-server", i, "{server} only works from {provider}'s own network",
			"The provider offers this SMTP server without authentication, but only to connections from its own access network (authentication by client IP address). From anywhere else it refuses or will not relay.",
			"Use it only while connected through that provider's line, for example when port 25 or submission elsewhere is blocked; otherwise use the authenticated submission server."},
		Entry{"autodiscover.redirect-cross-domain", w, "autodiscover for {address} led via {via} to {host}, outside {domain}",
			"An autodiscover lookup was redirected to another registrable domain. Credentials are never sent there: an attacker who can redirect could collect them. Hosted mail (Microsoft 365, hosters) does this legitimately.",
			"If the other domain really hosts this mail, let the domain's own autodiscover answer, or set the account up by hand."},
	)
}
