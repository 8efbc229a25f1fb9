package probe

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
