package probe

import (
	"crypto/x509"
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

// certMessage turns a problem ("certificate is …") into a finding message
// naming the server.
func certMessage(srv autoconfig.Server, problem string) string {
	return fmt.Sprintf("the certificate of %s %s", srv.Addr(), strings.TrimPrefix(problem, "certificate "))
}

func untrustedFinding(srv autoconfig.Server, problem string, onlyLeaf bool) autoconfig.Finding {
	hint := "use a certificate from a public authority (for example Let's Encrypt) and configure the server with the full chain; if the certificate comes from a private authority you trust, pass that authority with --ca-file"
	if onlyLeaf {
		hint = "configure the server with the full chain (leaf and intermediate certificates, e.g. fullchain.pem rather than cert.pem); if the certificate comes from a private authority you trust, pass that authority with --ca-file"
	}
	return finding(srv, CodeCertUntrusted, autoconfig.SeverityError,
		certMessage(srv, problem), hint)
}

func selfSignedFinding(srv autoconfig.Server) autoconfig.Finding {
	return finding(srv, CodeSelfSigned, autoconfig.SeverityError,
		fmt.Sprintf("the certificate of %s is self-signed, so no client can tell it from an attacker's", srv.Addr()),
		"replace it with a certificate from a public authority (for example Let's Encrypt); if you trust this one, pass it with --ca-file")
}

func nameMismatchFinding(srv autoconfig.Server, problem, host string, leaf *x509.Certificate) autoconfig.Finding {
	hint := fmt.Sprintf("get a certificate that includes %s", host)
	if len(leaf.DNSNames) > 0 {
		hint = fmt.Sprintf("set the server name in the client to a name the certificate covers (%s), or get a certificate that includes %s", strings.Join(leaf.DNSNames[:min(len(leaf.DNSNames), 3)], ", "), host)
	}
	return finding(srv, CodeNameMismatch, autoconfig.SeverityError,
		certMessage(srv, problem), hint)
}

func expiredFinding(srv autoconfig.Server, problem string) autoconfig.Finding {
	return finding(srv, CodeCertExpired, autoconfig.SeverityError,
		certMessage(srv, problem),
		"renew the certificate and reload or restart the mail server: a server not reloaded after renewal keeps serving the old certificate")
}

func notYetValidFinding(srv autoconfig.Server, problem string) autoconfig.Finding {
	return finding(srv, CodeCertNotYetValid, autoconfig.SeverityError,
		certMessage(srv, problem),
		"check the clock of this computer and of the server; if both are right, the certificate was issued for a later date")
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
