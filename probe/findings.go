package probe

import (
	"strconv"
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
