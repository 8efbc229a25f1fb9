package probe

import "github.com/postino-mail/postino/autoconfig"

// The findings about a login: the server's refusal, classified
// (authclass.go), a login that broke (auth.go), and the logins postino
// does not try (roundtrip.go's refuseCredentials). Each code is defined
// once here; a code with a second wording has it as an unregistered
// definition of the same code next to it.
var (
	findAuthWrongPassword = autoconfig.DefineFinding(autoconfig.FindingDef{
		Code: CodeAuthWrongPassword, Severity: autoconfig.SeverityError,
		Message:     "{server} rejected the user name {user} or its password (server said: {said})",
		Hint:        "check the password, and that the user name is what the provider expects (often the full address); an account with 2-step verification may need an app password",
		Explanation: "The server refused the login as wrong credentials (IMAP NO [AUTHENTICATIONFAILED], SMTP 535 5.7.8, POP3 -ERR [AUTH]). The password may be wrong, or the user name is not in the form the provider expects (full address versus local part); --username sets it.",
	})
	findAuthAppPassword = autoconfig.DefineFinding(autoconfig.FindingDef{
		Code: CodeAuthAppPassword, Severity: autoconfig.SeverityError,
		Message:     "{server} wants an app password for {user}, not the account password (server said: {said})",
		Hint:        "create an app password in the account's security settings (Google: myaccount.google.com/apppasswords, with 2-step verification on) and use it instead, or log in with OAuth2 (--oauth2-token-stdin)",
		Explanation: "The provider refuses the account password for mail clients and wants an application-specific password: Gmail answers 534 5.7.9 \"Application-specific password required\" on SMTP and [ALERT] Application-specific password required on IMAP; Yahoo and iCloud behave alike.",
	})
	findAuthOAuth2Required = autoconfig.DefineFinding(autoconfig.FindingDef{
		Code: CodeAuthOAuth2Required, Severity: autoconfig.SeverityError,
		Message:     "{server} does not accept passwords (basic authentication) for {user}: it wants OAuth2 (server said: {said})",
		Hint:        "use a client that logs in with OAuth2 (or pass a token with --oauth2-token-stdin); Microsoft 365 admins can re-enable SMTP AUTH per mailbox (Set-CASMailbox -SmtpClientAuthenticationDisabled $false) until the retirement date",
		Explanation: "The provider has switched off password logins (\"basic authentication\") and only accepts OAuth2: Microsoft 365 answers 535 5.7.139 (SMTP AUTH disabled for the tenant or mailbox) and, after the retirement, 550 5.7.30 \"Basic authentication is not supported for Client Submission\".",
	})
	findAuthProtocolDisabled = autoconfig.DefineFinding(autoconfig.FindingDef{
		Code: CodeAuthProtocolDisabled, Severity: autoconfig.SeverityError,
		Message:     "{protocol} is disabled for {user} in the provider's settings (server said: {said})",
		Hint:        "enable {protocol} access in the account's web settings (Gmail: Settings → Forwarding and POP/IMAP; Outlook.com: Settings → Mail → Forwarding and IMAP/POP), or ask the administrator",
		Explanation: "The server connects and speaks the protocol, but refuses this account because IMAP or POP3 access is switched off for it: Gmail (\"Your account is not enabled for IMAP use\", POP needs enabling), Outlook.com (POP off by default), or a Workspace/365 admin policy.",
	})
	findAuthTemporary = autoconfig.DefineFinding(autoconfig.FindingDef{
		Code: CodeAuthTemporary, Severity: autoconfig.SeverityError,
		Message:     "{server} could not check the login of {user} just now (server said: {said})",
		Hint:        "try again in a few minutes; if it persists, the provider's authentication service is down or the account is locked for too many attempts",
		Explanation: "The server answered the login with a temporary failure (IMAP [UNAVAILABLE], SMTP 454 4.7.0 or another 4xx, POP3 [SYS/TEMP] or [IN-USE]): its authentication backend is down, the mailbox is locked by another session, or too many attempts were made.",
	})
	findAuthFailed = autoconfig.DefineFinding(autoconfig.FindingDef{
		Code: CodeAuthFailed, Severity: autoconfig.SeverityError,
		Message:     "the login to {server} failed: {error}",
		Hint:        "the connection broke during the login; try again, and check the server's log",
		Explanation: "The login failed for a reason postino could not classify, or the connection broke during it. When the server refused it, the message quotes its reply and the hint says to read it; run with -v for the transcript (credentials redacted).",
	})
	findAuthRefused = autoconfig.FindingDef{
		Code: CodeAuthFailed, Severity: autoconfig.SeverityError,
		Message: "{server} refused the login of {user} (server said: {said})",
		Hint:    "the server's message says why; check the account with the provider",
	}
	findAuthUntrusted = autoconfig.DefineFinding(autoconfig.FindingDef{
		Code: CodeAuthUntrusted, Severity: autoconfig.SeverityWarning,
		Message:     "login not verified: no password was sent to {server}, because only a source that cannot be trusted named it, so it may belong to someone collecting passwords",
		Hint:        "check that the server really belongs to the mail provider, then name it yourself (--imap, --pop3, --smtp) or pass --trust-untrusted",
		Explanation: "A policy refusal, not a failure: the login was not tested, so the side is a warning, never broken. postino sends credentials only to a server the user named or one a trusted source published (https from the domain, the ISPDB, the built-in database, DNSSEC-signed DNS). An attacker who controls an untrusted answer (plain http, an SRV record pointing outside the domain, a cross-domain redirect) could otherwise collect passwords.",
	})
	findAuthPlaintext = autoconfig.DefineFinding(autoconfig.FindingDef{
		Code: CodeAuthPlaintext, Severity: autoconfig.SeverityWarning,
		Message:     "login not verified: no password was sent to {server}, because the connection has no TLS and anyone on the way could read it",
		Hint:        "use implicit TLS or STARTTLS (--security tls or starttls); if you accept the risk on a network you control, pass --allow-plaintext-auth",
		Explanation: "A policy refusal, not a failure: the login was not tested. The server was tested without TLS, and postino never sends a password over a plain connection unless told to: anyone on the network path could read it.",
	})
)
