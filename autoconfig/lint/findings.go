package lint

import "github.com/postino-mail/postino/autoconfig"

// The findings of postino lint: problems of what a domain publishes for
// mail clients, addressed to its administrator. Each code is defined once
// here; the checks build their findings from these and pass only values.
// A code with more than one wording has its other forms as unregistered
// definitions of the same code next to it (the registered one is the one
// `postino explain` and docs/findings.md show).
var (
	findAutoconfigInvalid = autoconfig.DefineFinding(autoconfig.FindingDef{
		Code: "lint.autoconfig-invalid", Severity: sevError,
		Message:     "{url} is not valid against the autoconfig schema: {problems}",
		Hint:        "correct the file until xmllint --noout --relaxng autoconfig.rng accepts it (draft-ietf-mailmaint-autoconfig); postino config --format thunderbird writes a valid one",
		Explanation: "The clientConfig document breaks the RELAX NG schema of draft-ietf-mailmaint-autoconfig: a wrong root, a missing version, id or type attribute, an element of the format in the wrong place, markup inside a text element, a port that is not a positive number. Clients read such files differently or not at all.",
	})
	findAutoconfigDomainMissing = autoconfig.DefineFinding(autoconfig.FindingDef{
		Code: "lint.autoconfig-domain-missing", Severity: sevWarning,
		Message:     "{url} lists the domains {list}, not {domain}",
		Hint:        "add <domain>{domain}</domain> to the emailProvider: Thunderbird needs a <domain>, and the draft matches the domain asked against the list",
		Explanation: "The document's <domain> elements do not include the domain it was published for. Thunderbird needs at least one <domain>, and the draft's clients match the domain asked against the list.",
	})
	findAutoconfigPlaceholder = autoconfig.DefineFinding(autoconfig.FindingDef{
		Code: "lint.autoconfig-placeholder", Severity: sevError,
		Message:     "{url} {element} {n} ({type}): {field} {value} {problem}",
		Hint:        "write the placeholders exactly: %EMAILADDRESS%, %EMAILLOCALPART% or %EMAILDOMAIN%; clients send anything else literally as the login name",
		Explanation: "A username or hostname holds a % without its partner or a %NAME% that clients do not expand. Clients send the text literally, so the login fails.",
	})
	findCleartextPassword = autoconfig.DefineFinding(autoconfig.FindingDef{
		Code: "lint.cleartext-password", Severity: sevError,
		Message:     "{url} {element} {n} ({type}): socketType plain with {auth}: the password crosses the network unencrypted",
		Hint:        "offer implicit TLS (RFC 8314) or STARTTLS and publish socketType SSL or STARTTLS",
		Explanation: "A server is published without TLS while clients are told to send a password: the login and the mail cross the network in clear text.",
	})
	findNoEncryption = autoconfig.DefineFinding(autoconfig.FindingDef{
		Code: "lint.no-encryption", Severity: sevWarning,
		Message:     "{url} {element} {n} ({type}): socketType plain: mail crosses the network unencrypted",
		Hint:        "offer implicit TLS (RFC 8314) or STARTTLS and publish socketType SSL or STARTTLS",
		Explanation: "A server is published without TLS. No password is sent, but mail can be read and changed on the way.",
	})
	// findAutoconfigData carries a parser's autoconfig.data-problem over;
	// the emitter keeps the parser's hint, which names the fix.
	findAutoconfigData = autoconfig.DefineFinding(autoconfig.FindingDef{
		Code: "lint.autoconfig-data", Severity: sevWarning,
		Message:     "{url}: {problem}",
		Hint:        "correct the published file so that every client reads it the same way",
		Explanation: "The autoconfig file holds a value clients read differently or skip (an unknown socketType or authentication, a missing element, useGlobalPreferredServer, several emailProviders); the message names the publication and the element, and the hint says how to correct it.",
	})
	findAutoconfigHTTPOnly = autoconfig.DefineFinding(autoconfig.FindingDef{
		Code: "lint.autoconfig-http-only", Severity: sevWarning,
		Message:     "the autoconfig file is published at {url} only, over plain http",
		Hint:        "serve it at {https-url} over https with a valid certificate: Delta Chat never reads plain http, K-9 asks the user to approve it, and anyone on the network path can change it",
		Explanation: "Only the plain-http autoconfig URL answers. Delta Chat never reads plain http, K-9 shows the answer as untrusted and makes the user approve it, Thunderbird takes it silently, and anyone on the network path can change it.",
	})
	findHTTPSCertificate = autoconfig.DefineFinding(autoconfig.FindingDef{
		Code: "lint.https-certificate", Severity: sevError,
		Message:     "https://{host}/ cannot be used: {error}",
		Hint:        "install a certificate from a trusted authority that names {host} (clients refuse the publication otherwise)",
		Explanation: "A publication's https endpoint (autoconfig, .well-known, autodiscover) fails the TLS handshake: a certificate for another name, expired, or from an unknown authority. Every client refuses the answer and falls back to other sources or to guessing.",
	})
	findContentType = autoconfig.DefineFinding(autoconfig.FindingDef{
		Code: "lint.content-type", Severity: sevWarning,
		Message:     "{url} is served as {type}",
		Hint:        "serve it as text/xml or application/xml",
		Explanation: "The document is not labelled as XML. Most clients parse it anyway, but proxies and strict clients may not.",
	})
	findRedirectOutside = autoconfig.DefineFinding(autoconfig.FindingDef{
		Code: "lint.redirect", Severity: sevWarning,
		Message:     "{url} redirects to {target}, outside {domain}",
		Hint:        "serve the document from the domain itself: clients distrust answers that leave it",
		Explanation: "A publication redirects to plain http, outside the domain's organisation, or in a chain that does not end (a loop, too many hops, a bad Location). Clients distrust or abandon such answers; K-9 tracks trust through every hop.",
	})
	findRedirectToHTTP = autoconfig.FindingDef{
		Code: "lint.redirect", Severity: sevWarning,
		Message: "{url} redirects to plain http ({target})",
		Hint:    "redirect to https only: an http hop lets anyone on the path change the answer, and K-9 marks it untrusted",
	}
	findRedirectBroken = autoconfig.FindingDef{
		Code: "lint.redirect", Severity: sevError,
		Message: "{url}: {error}",
		Hint:    "end every redirect chain at the document, within a few hops, over https",
	}
	// findRedirectCrossDomain carries autodiscover.redirect-cross-domain
	// over, with its hint.
	findRedirectCrossDomain = autoconfig.FindingDef{
		Code: "lint.redirect", Severity: sevWarning,
		Message: "{url}: {problem}",
		Hint:    "{hint}",
	}
	findAutodiscoverGetOnly = autoconfig.DefineFinding(autoconfig.FindingDef{
		Code: "lint.autodiscover-get-only", Severity: sevError,
		Message:     "{url} answers GET with settings but POST with HTTP {status}",
		Hint:        "answer POST requests (Outlook and Thunderbird POST the request document) with the same POX response; Delta Chat alone uses GET",
		Explanation: "The autodiscover endpoint answers only GET. Outlook and Thunderbird POST the request document, get an error and find nothing; only Delta Chat, which uses GET, gets the settings.",
	})
	findAutodiscoverAuthRequired = autoconfig.DefineFinding(autoconfig.FindingDef{
		Code: "lint.autodiscover-auth-required", Severity: sevWarning,
		Message:     "{url} answers HTTP {status}: it wants credentials before it says anything",
		Hint:        "answer without authentication for IMAP/POP3/SMTP settings: Thunderbird stops with an \"Exchange auth error\" on a 401, and the settings are not secret",
		Explanation: "The autodiscover endpoint demands authentication. postino sends none during discovery, and Thunderbird stops with an \"Exchange auth error\" instead of falling back to IMAP when every autodiscover URL answers 401.",
	})
	findAutodiscoverOuterNS = autoconfig.DefineFinding(autoconfig.FindingDef{
		Code: "lint.autodiscover-namespace", Severity: sevWarning,
		Message:     "{url}: <Autodiscover> is in namespace {ns}",
		Hint:        "put <Autodiscover> in xmlns=\"" + poxOuterNS + "\": Outlook ignores elements in any other",
		Explanation: "Outlook matches POX elements by namespace: <Autodiscover> must be in …/autodiscover/responseschema/2006 and <Response> in …/outlook/responseschema/2006a. Elsewhere it finds nothing. A document that is not well-formed XML at all is an error under this code.",
	})
	findAutodiscoverInnerNS = autoconfig.FindingDef{
		Code: "lint.autodiscover-namespace", Severity: sevWarning,
		Message: "{url}: <Response> is in namespace {ns}",
		Hint:    "put <Response> in xmlns=\"" + poxInnerNS + "\", the schema Outlook asked for",
	}
	findAutodiscoverMalformed = autoconfig.FindingDef{
		Code: "lint.autodiscover-namespace", Severity: sevError,
		Message: "{url}: not well-formed XML: {error}",
		Hint:    "answer with the POX response document (postino config --format autodiscover writes one)",
	}
	findAutodiscoverUnknownType = autoconfig.DefineFinding(autoconfig.FindingDef{
		Code: "lint.autodiscover-protocol", Severity: sevWarning,
		Message:     "{url}: Protocol block {n} has the unknown Type {type}",
		Hint:        "use the Types IMAP, POP3 and SMTP for mail",
		Explanation: "A settings answer lacks mail Protocol blocks, or has one without a Type or with a Type Outlook does not know. Publish one <Protocol> per mail service, with Type IMAP or POP3, and SMTP.",
	})
	findAutodiscoverNoType = autoconfig.FindingDef{
		Code: "lint.autodiscover-protocol", Severity: sevWarning,
		Message: "{url}: Protocol block {n} has no <Type>",
		Hint:    "give every <Protocol> a <Type>: IMAP, POP3 or SMTP",
	}
	findAutodiscoverNoMail = autoconfig.FindingDef{
		Code: "lint.autodiscover-protocol", Severity: sevWarning,
		Message: "{url}: the settings answer has no IMAP, POP3 or SMTP Protocol block",
		Hint:    "add one <Protocol> block per mail service (Type IMAP or POP3, and SMTP)",
	}
	// findAutodiscoverData carries a parser's autodiscover.data-problem
	// over; the emitter keeps the parser's hint, which names the fix.
	findAutodiscoverData = autoconfig.DefineFinding(autoconfig.FindingDef{
		Code: "lint.autodiscover-data", Severity: sevWarning,
		Message:     "{url}: {problem}",
		Hint:        "correct the published file so that every client reads it the same way; publish <SPA>off</SPA> and Encryption SSL or TLS explicitly",
		Explanation: "The autodiscover answer holds a value clients read differently: SPA missing (it defaults to on, so Outlook tries NTLM), SSL and Encryption that contradict the port, a Server or Port missing. The hint says how to correct the element.",
	})
	findAutodiscoverSRVTarget = autoconfig.DefineFinding(autoconfig.FindingDef{
		Code: "lint.autodiscover-srv-target", Severity: sevError,
		Message:     "{record}, which does not answer: {error}",
		Hint:        "point the SRV record at a host that answers POST at /autodiscover/autodiscover.xml over https, or remove it",
		Explanation: "The _autodiscover._tcp SRV record names a host that does not answer autodiscover over https. Outlook and Thunderbird try it last and fail there.",
	})
	findSRVTargetNoAddress = autoconfig.DefineFinding(autoconfig.FindingDef{
		Code: "lint.srv-target-no-address", Severity: sevError,
		Message:     "{record} points to {host}, which has no address ({error})",
		Hint:        "publish A/AAAA records for {host}, or point the SRV record at the host that serves it",
		Explanation: "An RFC 6186 SRV record names a target with no A or AAAA record. Clients that use SRV cannot connect.",
	})
	findSRVTargetDead = autoconfig.DefineFinding(autoconfig.FindingDef{
		Code: "lint.srv-target-dead", Severity: sevError,
		Message:     "{record} points to {server}, which {why}",
		Hint:        "make the target answer on that port with a certificate valid for its name, or correct the record",
		Explanation: "An RFC 6186 SRV target resolves but does not answer its protocol on that port, or its certificate is not valid for the target's name (RFC 6186 section 6).",
	})
	findSRVPriorityTLS = autoconfig.DefineFinding(autoconfig.FindingDef{
		Code: "lint.srv-priority", Severity: sevWarning,
		Message:     "{starttls} (STARTTLS) has priority {starttls-priority}, ahead of {tls} (implicit TLS) at {tls-priority}",
		Hint:        "give the implicit-TLS record the lower priority number: RFC 8314 section 5.1 prefers implicit TLS, and clients take the lowest number first",
		Explanation: "The SRV priorities say something the administrator may not mean: a STARTTLS service preferred over its implicit-TLS twin (RFC 8314 section 5.1 prefers implicit TLS), or POP3 preferred over IMAP (RFC 6186 section 3.4, an info then).",
	})
	findSRVPriorityPOP3 = autoconfig.FindingDef{
		Code: "lint.srv-priority", Severity: sevInfo,
		Message: "the POP3 records (priority {pop3-priority}) come before the IMAP ones ({imap-priority}): clients that honour RFC 6186 will set up POP3",
		Hint:    "if IMAP is meant to be the default, give its records the lower priority number (RFC 6186 section 3.4)",
	}
	findSRVUndeclared = autoconfig.DefineFinding(autoconfig.FindingDef{
		Code: "lint.srv-undeclared", Severity: sevInfo,
		Message:     "no SRV record at {names}",
		Hint:        "publish each service you do not offer as \"SRV 0 0 0 .\" (RFC 2782, RFC 6186 section 3.4), so that clients need not guess",
		Explanation: "The domain publishes some RFC 6186 records but says nothing about other services. A record with target \".\" states that a service is not offered, so clients need not guess.",
	})
	findSourcesDisagree = autoconfig.DefineFinding(autoconfig.FindingDef{
		Code: "lint.sources-disagree", Severity: sevWarning,
		Message:     "{side}: {source} names {server}, {source2} names {server2}",
		Hint:        "publish the same preferred server, port and security everywhere: each client reads another source, so users get different settings",
		Explanation: "Two publications name different preferred servers, ports or security for the same side. Each client reads another source (Thunderbird autoconfig, Outlook autodiscover, SRV for others), so users get different settings.",
	})
)
