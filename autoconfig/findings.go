package autoconfig

// The findings of discovery: the verdict of a side, the problems of what a
// domain publishes, and the provider database's advice. Each is defined
// once here; judge.go, correct.go, publication.go, providers_discover.go,
// autodiscoverfetch.go and xmldoc.go build their findings from these.
var (
	findNothingFound = DefineFinding(FindingDef{
		Code: CodeNothingFound, Severity: SeverityError,
		Message:     "no source named an {side} server",
		Hint:        "publish SRV records (RFC 6186/8314) or an autoconfig file; if you know the server, test it with postino test --imap/--pop3/--smtp HOST",
		Explanation: "None of the discovery sources (provider database, SRV records, autoconfig, ISPDB, MX-based lookup, autodiscover, guessing) named a server for this side of the account.",
	})
	findNoAnswer = DefineFinding(FindingDef{
		Code: CodeNoAnswer, Severity: SeverityError,
		Message:     "none of the {n} {side} candidates answered; the best, {server}: {cause}",
		Hint:        "check that the servers are up and that no firewall blocks their ports; the finding on {server} says what failed, postino test gives every detail",
		Explanation: "Sources named servers, but none of them answered at all when probed: the connection was refused, timed out, or the name has no address. The finding on the best-ranked candidate (net.connect-refused, server.silent, dns.no-address …) names its own cause. A server that answered with a problem (a refused STARTTLS, a bad certificate) is reported with that problem instead.",
	})
	findNoSubmission = DefineFinding(FindingDef{
		Code: CodeNoSubmission, Severity: SeverityError,
		Message:     "{server} offers no AUTH{after-tls}, so no client can log in to send{relay}",
		Hint:        "this server only takes mail for its own domain or from its own network: you cannot send through it from here; use the provider's submission server (465 or 587 with AUTH)",
		Explanation: "The SMTP server answers and its TLS is fine, but it offers no AUTH on its protected connection and refused to relay mail for another domain (or was not asked): it only takes mail for its own domains or from its own network. It is a server for delivery between mail servers, or a relay for another network, not a submission server for this account. The admin enables SMTP AUTH on the submission service (Postfix: -o smtpd_sasl_auth_enable=yes in master.cf). When it does relay without a login from here (the access provider's relay for its own lines), this code is a warning with its own message: it works only from that network.",
	})
	// findRelayFromOwnNetwork is discovery.no-submission's warning form,
	// which its explanation describes: the server takes mail without a
	// login, from the network it trusts.
	findRelayFromOwnNetwork = FindingDef{
		Code: CodeNoSubmission, Severity: SeverityWarning,
		Message: "{server} takes mail without a login: this works only from the network it trusts (an access provider's relay for its own lines)",
		Hint:    "from any other network use the provider's submission server with a login (465 or 587)",
	}
	findPort25 = DefineFinding(FindingDef{
		Code: CodePort25, Severity: SeverityWarning,
		Message:     "{server} is port 25, where mail servers deliver to each other; it is recommended because {why}, but it is fragile",
		Hint:        "many access providers and clouds block outgoing port 25, and it often takes no login: offer submission on 465 (implicit TLS) or 587 (STARTTLS) with AUTH, and publish it",
		Explanation: "Port 25 is the port of mail exchange between servers (RFC 5321). Access providers and clouds commonly block outgoing connections to it, and servers often take no login there. postino recommends it only when no submission port answers (or only port 25 is published), and never ranks it above an answering submission port. Publish submission in SRV records and the autoconfig file (RFC 8314, RFC 6409).",
	})
	findWrongSecurity = DefineFinding(FindingDef{
		Code: CodeWrongSecurity, Severity: SeverityWarning,
		Message:     "port {port} is published with {configured}, but the server speaks {actual} there; published by {sources}",
		Hint:        "correct the publication: {actual} on port {port} (autoconfig socketType {socket-type}), or move the service to port {other-port}",
		Explanation: "A published configuration (SRV record, autoconfig file, autodiscover answer, provider entry) names a port with the wrong security mode: implicit TLS where the server speaks STARTTLS, or the reverse. Clients that follow it wait for a greeting that never comes or fail the TLS handshake. postino probes the same host and port in the mode it speaks and recommends that. In SRV records, _submissions/_imaps/_pop3s are implicit TLS and _submission/_imap/_pop3 STARTTLS; in autoconfig, socketType SSL is implicit TLS.",
	})
	findAutoconfigHTTPOnly = DefineFinding(FindingDef{
		Code: CodeAutoconfigHTTPOnly, Severity: SeverityWarning,
		Message:     "the autoconfig file is served only over plain http ({url}): Thunderbird for Android and Delta Chat will not use it, and anyone on the way can change it",
		Hint:        "serve it over https, at https://autoconfig.{domain}/mail/config-v1.1.xml with a certificate valid for that name",
		Explanation: "The domain's autoconfig file is reachable over http but not over https. Thunderbird for Android (K-9) and Delta Chat do not use plain http, and anyone on the network path can change a file fetched over http, so postino does not trust it either. https://DOMAIN/.well-known/autoconfig/mail/config-v1.1.xml serves as well.",
	})
	findSRVTargetDead = DefineFinding(FindingDef{
		Code: CodeSRVTargetDead, Severity: SeverityWarning,
		Message:     "{record} names {host}, which has no address in DNS",
		Hint:        "publish an A or AAAA record for {host}, or correct the SRV record (target \".\" says a service is not offered, RFC 2782)",
		Explanation: "An SRV record (RFC 6186/8314) points at a host name with no A or AAAA record. Clients that follow the record cannot connect.",
	})
	findNoValidCert = DefineFinding(FindingDef{
		Code: CodeNoValidCert, Severity: SeverityError,
		Message:     "the best {side} server answers, but its certificate is not valid for {host}",
		Hint:        "mail clients will refuse it; install a certificate from a trusted CA that names {host}",
		Explanation: "The best server found speaks its protocol, but its certificate is untrusted, expired or for another name, so mail clients refuse it. postino test lists every certificate problem.",
	})
	findUntrusted = DefineFinding(FindingDef{
		Code: CodeUntrusted, Severity: SeverityWarning,
		Message:     "{server} was only named by a source that cannot be trusted ({sources})",
		Hint:        "check that this server really belongs to the mail provider before entering a password there",
		Explanation: "The recommended server comes only from sources an attacker could control (plain http autoconfig, SRV or MX answers leading outside the domain without DNSSEC, cross-domain redirects). postino will not send a password there without --trust-untrusted. Publishers should serve autoconfig over https from their own domain or sign their DNS.",
	})
	findNoEncryption = DefineFinding(FindingDef{
		Code: CodeNoEncryption, Severity: SeverityWarning,
		Message:     "{server} offers no encryption: passwords and mail would cross the network in clear text",
		Hint:        "enable implicit TLS (RFC 8314) or STARTTLS on the server",
		Explanation: "The best server found has neither implicit TLS nor STARTTLS: passwords and mail cross the network in clear text.",
	})
	findNotVerified = DefineFinding(FindingDef{
		Code: CodeNotVerified, Severity: SeverityWarning,
		Message:     "{reason}: nothing confirmed that {server} answers{unverified}",
		Hint:        "run {how}, or postino test, to verify",
		Explanation: "With --no-probe postino ranks what the sources say without connecting to any server, and when no probe finishes in time nothing is known either; so the recommendation may point at a server that is down, speaks another security mode, or has an invalid certificate.",
	})
	findSourcesDisagree = DefineFinding(FindingDef{
		Code: CodeSourcesDisagre, Severity: SeverityInfo,
		Message:     "{side} sources disagree: {a} names {x}, {b} names {y}",
		Hint:        "publishers should keep all their records ({a} and {b}) in step; the ranking prefers verified, trusted, encrypted servers",
		Explanation: "Different discovery sources recommend different servers or security for the same side. Clients that use one source get other settings than clients that use another.",
	})
	findAutoconfigData = DefineFinding(FindingDef{
		Code: "autoconfig.data-problem", Severity: SeverityWarning,
		Message:     "{problem}",
		Hint:        "correct the published file so that every client reads it the same way",
		Explanation: "The Mozilla autoconfig file (config-v1.1.xml) has a problem that clients may read differently: an unknown value, a missing element, a placeholder that does not fit. The message names the problem; where the parser knows the fix, the hint says it instead of the general one. Validate the file against the autoconfig RELAX NG schema.",
	})
	findAutodiscoverData = DefineFinding(FindingDef{
		Code: "autodiscover.data-problem", Severity: SeverityWarning,
		Message:     "{problem}",
		Hint:        "correct the published file so that every client reads it the same way",
		Explanation: "The Outlook autodiscover (POX) answer has a problem that clients may read differently. The message names the problem; where the parser knows the fix, the hint says it instead of the general one.",
	})
	findProviderHint = DefineFinding(FindingDef{
		Code: CodeProviderHint, Severity: SeverityInfo,
		Message:     "{provider}: {hint} (source: {source})",
		Hint:        "see {url}",
		Explanation: "The built-in provider database (from the Thunderbird ISPDB, Delta Chat's provider notes and postino's sourced overlay) has advice for this provider: an app password is needed, IMAP must be switched on in the web settings first, and the like. The finding names the source of the advice and when it was last checked: advice ages as providers change their rules. Follow it before entering the password in a mail client; the hint links the provider's documentation where the entry has one.",
	})
	findProviderRestricted = DefineFinding(FindingDef{
		Code: CodeProviderRestricted, Severity: SeverityInfo,
		Message:     "{condition} (source: {source})",
		Hint:        "use it only while connected through that provider's line; otherwise use the authenticated submission server",
		Explanation: "The provider offers this SMTP server without authentication, but only to connections from its own access network (authentication by client IP address). From anywhere else it refuses or will not relay. The message is the database's condition and names the source and when it was checked.",
	})
	findAutodiscoverCrossDomain = DefineFinding(FindingDef{
		Code: "autodiscover.redirect-cross-domain", Severity: SeverityWarning,
		Message:     "autodiscover for {address} led via {via} to {host}, outside {domain}",
		Hint:        "credentials will not be sent there; if {host-domain} really hosts this mail, let {domain}'s own autodiscover answer, or set the account up by hand",
		Explanation: "An autodiscover lookup was redirected to another registrable domain. Credentials are never sent there: an attacker who can redirect could collect them. Hosted mail (Microsoft 365, hosters) does this legitimately.",
	})
)
