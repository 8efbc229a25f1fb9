package probe

import "github.com/postino-mail/postino/autoconfig"

func init() {
	const e, w = autoconfig.SeverityError, autoconfig.SeverityWarning
	register(
		Entry{CodeAuthWrongPassword, e, "{server} rejected the user name {user} or its password",
			"The server refused the login as wrong credentials (IMAP NO [AUTHENTICATIONFAILED], SMTP 535 5.7.8, POP3 -ERR [AUTH]). The password may be wrong, or the user name is not in the form the provider expects (full address versus local part).",
			"Check the password and the user name (--username); an account with 2-step verification may need an app password instead of the account password."},
		Entry{CodeAuthAppPassword, e, "{server} wants an app password for {user}, not the account password",
			"The provider refuses the account password for mail clients and wants an application-specific password: Gmail answers 534 5.7.9 \"Application-specific password required\" on SMTP and [ALERT] Application-specific password required on IMAP; Yahoo and iCloud behave alike.",
			"Create an app password in the account's security settings (Google: myaccount.google.com/apppasswords, with 2-step verification on) and use it, or log in with OAuth2 (--oauth2-token-stdin)."},
		Entry{CodeAuthOAuth2Required, e, "{server} does not accept passwords (basic authentication) for {user}",
			"The provider has switched off password logins (\"basic authentication\") and only accepts OAuth2: Microsoft 365 answers 535 5.7.139 (SMTP AUTH disabled for the tenant or mailbox) and, after the retirement, 550 5.7.30 \"Basic authentication is not supported for Client Submission\".",
			"Use a client that logs in with OAuth2, or test with a token (--oauth2-token-stdin); Microsoft 365 admins can re-enable SMTP AUTH per mailbox (Set-CASMailbox -SmtpClientAuthenticationDisabled $false) until Microsoft retires it."},
		Entry{CodeAuthProtocolDisabled, e, "{protocol} is disabled for {user} in the provider's settings",
			"The server connects and speaks the protocol, but refuses this account because IMAP or POP3 access is switched off for it: Gmail (\"Your account is not enabled for IMAP use\", POP needs enabling), Outlook.com (POP off by default), or a Workspace/365 admin policy.",
			"Enable IMAP or POP access in the account's web settings (Gmail: Settings → Forwarding and POP/IMAP; Outlook.com: Settings → Mail → Forwarding and IMAP/POP), or ask the administrator."},
		Entry{CodeAuthTemporary, e, "{server} could not check the login just now",
			"The server answered the login with a temporary failure (IMAP [UNAVAILABLE], SMTP 454 4.7.0 or another 4xx, POP3 [SYS/TEMP] or [IN-USE]): its authentication backend is down, the mailbox is locked by another session, or too many attempts were made.",
			"Try again in a few minutes; if it persists, ask the provider."},
		Entry{CodeAuthFailed, e, "the login to {server} failed: {reason}",
			"The login failed for a reason postino could not classify, or the connection broke during it. The server's reply, quoted in the message, says more.",
			"Read the server's reply; run with -v for the transcript (credentials redacted)."},
		Entry{CodeAuthUntrusted, w, "login not verified: no password was sent to {server}, because only an untrusted source named it",
			"A policy refusal, not a failure: the login was not tested, so the side is a warning, never broken. postino sends credentials only to a server the user named or one a trusted source published (https from the domain, the ISPDB, the built-in database, DNSSEC-signed DNS). An attacker who controls an untrusted answer (plain http, an SRV record pointing outside the domain, a cross-domain redirect) could otherwise collect passwords.",
			"Check that the server belongs to the provider, then name it yourself (--imap, --pop3, --smtp) or pass --trust-untrusted."},
		Entry{CodeAuthPlaintext, w, "login not verified: no password was sent to {server}, because the connection has no TLS",
			"A policy refusal, not a failure: the login was not tested. The server was tested without TLS, and postino never sends a password over a plain connection unless told to: anyone on the network path could read it.",
			"Use implicit TLS or STARTTLS (--security tls or starttls); on a network you control, --allow-plaintext-auth accepts the risk."},
		Entry{CodeSendDeferred, w, "{server} deferred the test message: {reply}",
			"The server answered the test message with a temporary failure (4xx), most often greylisting (450 4.2.0 Greylisted, 451 4.7.1 Try again later), which accepts the message on a retry minutes later. It is not a failure of the account.",
			"Nothing to fix for greylisting; run the test again in a few minutes."},
		Entry{CodeSendRejected, e, "{server} refused the test message at {step}: {reply}",
			"The server refused the test message for good (5xx) at MAIL FROM, RCPT TO or DATA: the account may not send as its own address, the recipient is unknown, or a policy (size, content, rate limit) applies.",
			"Read the server's reply; check the account's sending rights and the sender address."},
		Entry{CodeRoundtripMissing, e, "the test message was accepted for sending but did not arrive in {server} within {wait}",
			"postino sent a message to the account itself and looked for it by Message-ID over IMAP or POP3 until the wait ended. It was accepted by the outgoing server but never reached the mailbox: it is queued, filtered into spam (IMAP searches INBOX only), or bounced.",
			"Check the spam folder, bounce messages to the account, and the servers' mail logs; a longer --roundtrip-wait helps with slow queues."},
		Entry{CodeRoundtripCleanup, w, "the test message arrived but could not be deleted",
			"The round trip worked, but deleting the test message failed afterwards, so it stays in the mailbox.",
			"Delete the message whose subject starts with \"postino test\" by hand."},
	)
}
