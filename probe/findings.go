package probe

import (
	"fmt"
	"strings"

	"github.com/postino-mail/postino/autoconfig"
)

// Finding codes produced by the probe. They are stable: `postino explain`
// and docs describe each.
const (
	CodeCertUntrusted     = "tls.cert-untrusted"
	CodeNameMismatch      = "tls.name-mismatch"
	CodeCertExpired       = "tls.cert-expired"
	CodeCertNotYetValid   = "tls.cert-not-yet-valid"
	CodeSelfSigned        = "tls.self-signed"
	CodeIMAPStartTLS      = "imap.starttls-missing"
	CodePOP3StartTLS      = "pop3.starttls-missing"
	CodeSMTPStartTLS      = "smtp.starttls-missing"
	CodeIMAPAuthBeforeTLS = "imap.auth-before-tls"
	CodePOP3AuthBeforeTLS = "pop3.auth-before-tls"
	CodeSMTPAuthBeforeTLS = "smtp.auth-before-tls"
)

func finding(srv autoconfig.Server, code string, sev autoconfig.Severity, msg, hint string) autoconfig.Finding {
	return autoconfig.Finding{Code: code, Severity: sev, Side: srv.Side(), Server: srv.Addr(), Message: msg, Hint: hint}
}

func starttlsMissingFinding(srv autoconfig.Server, d dialog, caps []string, works bool) autoconfig.Finding {
	cmd := d.starttlsVerb()
	code := map[autoconfig.Protocol]string{autoconfig.IMAP: CodeIMAPStartTLS, autoconfig.POP3: CodePOP3StartTLS, autoconfig.SMTP: CodeSMTPStartTLS}[srv.Protocol]
	if works {
		return finding(srv, code, autoconfig.SeverityWarning,
			fmt.Sprintf("%s does not advertise %s, but accepts it", srv.Addr(), cmd),
			fmt.Sprintf("make the server list %s in its capabilities: clients that check the list refuse to connect, or send the password in plain text", cmd))
	}
	msg := fmt.Sprintf("%s does not offer %s", srv.Addr(), cmd)
	for _, c := range caps {
		if strings.HasPrefix(strings.ToUpper(c), "XXXXXXXA") {
			msg += fmt.Sprintf(" (its capabilities list %q: a firewall, such as Cisco ASA ESMTP inspection, is hiding STARTTLS)", c)
			break
		}
	}
	return finding(srv, code, autoconfig.SeverityError, msg,
		fmt.Sprintf("enable TLS on the server, or use implicit TLS on port %d; without %s, passwords travel in plain text",
			autoconfig.DefaultPort(srv.Protocol, autoconfig.SecurityTLS), cmd))
}

func authBeforeTLSFinding(srv autoconfig.Server, d dialog) autoconfig.Finding {
	code := map[autoconfig.Protocol]string{autoconfig.IMAP: CodeIMAPAuthBeforeTLS, autoconfig.POP3: CodePOP3AuthBeforeTLS, autoconfig.SMTP: CodeSMTPAuthBeforeTLS}[srv.Protocol]
	return finding(srv, code, autoconfig.SeverityWarning,
		fmt.Sprintf("%s accepts passwords before %s, where they travel in plain text", srv.Addr(), d.starttlsVerb()),
		d.authBeforeTLSHint())
}
