package probe

import (
	"crypto/x509"
	"strconv"
	"strings"

	"github.com/postino-mail/postino/autoconfig"
)

// The findings about a server's TLS: its certificate (tls.go, aia.go,
// checks.go) and handshakes that fail or need another mode or legacy
// settings (failures.go, cause.go). Each code is defined once here; a code
// with a second wording has it as an unregistered definition of the same
// code next to it.
var (
	findCertUntrusted = autoconfig.DefineFinding(autoconfig.FindingDef{
		Code: CodeCertUntrusted, Severity: autoconfig.SeverityError,
		Message:     "the certificate of {server} {problem}",
		Hint:        "use a certificate from a public authority (for example Let's Encrypt) and configure the server with the full chain; if the certificate comes from a private authority you trust, pass that authority with --ca-file",
		Explanation: "The server's certificate does not chain to an authority this computer trusts (the system roots plus --ca-file). Mail clients verify the chain and refuse the connection, or ask the user to accept the certificate, which trains users to accept an attacker's. When the server sends only its own certificate, the intermediate is often what is missing, and the hint says so.",
	})
	// findCertUntrustedLeafOnly: the server sent its certificate alone.
	findCertUntrustedLeafOnly = autoconfig.FindingDef{
		Code: CodeCertUntrusted, Severity: autoconfig.SeverityError,
		Message: findCertUntrusted.Message,
		Hint:    "configure the server with the full chain (leaf and intermediate certificates, e.g. fullchain.pem rather than cert.pem); if the certificate comes from a private authority you trust, pass that authority with --ca-file",
	}
	findChainIncomplete = autoconfig.DefineFinding(autoconfig.FindingDef{
		Code: CodeChainIncomplete, Severity: autoconfig.SeverityError,
		Message:     "{server} sends its certificate without the intermediate certificate ({issuer}, found at {url}); mail clients that do not fetch it refuse the connection",
		Hint:        "configure the server with the full chain: the leaf followed by the intermediate (e.g. fullchain.pem rather than cert.pem; Dovecot ssl_cert, Postfix smtpd_tls_chain_files), then reload it",
		Explanation: "The server presents its own certificate but not the intermediate that links it to a trusted root. postino fetched the intermediate from the address in the certificate (Authority Information Access) and the chain then verifies, so the certificate itself is fine. Browsers fetch missing intermediates; most mail clients do not, and refuse the connection with \"unable to get local issuer certificate\". A renewal that installed cert.pem instead of fullchain.pem is the usual cause.",
	})
	findNameMismatch = autoconfig.DefineFinding(autoconfig.FindingDef{
		Code: CodeNameMismatch, Severity: autoconfig.SeverityError,
		Message:     "the certificate of {server} is valid for {names}, not {host}",
		Hint:        "set the server name in the client to a name the certificate covers ({covered}), or get a certificate that includes {host}",
		Explanation: "The certificate does not name the host the client connects to. Clients refuse it, because a valid certificate for another name is what an attacker would present. Common on shared hosting, where the server presents the hoster's name (server123.hoster.example) and customers configure mail.their-domain. A certificate that names no DNS name at all gets only the second half of the hint.",
	})
	findNameMismatchNoNames = autoconfig.FindingDef{
		Code: CodeNameMismatch, Severity: autoconfig.SeverityError,
		Message: findNameMismatch.Message,
		Hint:    "get a certificate that includes {host}",
	}
	findCertExpired = autoconfig.DefineFinding(autoconfig.FindingDef{
		Code: CodeCertExpired, Severity: autoconfig.SeverityError,
		Message:     "the certificate of {server} expired {ago} ago ({date})",
		Hint:        "renew the certificate and reload or restart the mail server: a server not reloaded after renewal keeps serving the old certificate",
		Explanation: "The certificate's validity ended. Clients refuse the connection. Very often a new certificate exists on disk but the mail server was not reloaded after the renewal and still serves the old one from memory; make the renewal hook reload it (certbot --deploy-hook, acme.sh --reloadcmd).",
	})
	findCertExpiring = autoconfig.DefineFinding(autoconfig.FindingDef{
		Code: CodeCertExpiring, Severity: autoconfig.SeverityWarning,
		Message:     "the certificate of {server} expires in {days} ({date})",
		Hint:        "renew it now and reload the mail server; automatic renewal (certbot, acme.sh) should have done it {warn-days} days ahead: check that it runs and reloads the server",
		Explanation: "The certificate is still valid but expires within --cert-warn-days (default 14). Automatic renewal usually happens 30 days ahead, so a certificate this close to its end suggests the renewal or the reload after it is not working.",
	})
	findCertNotYetValid = autoconfig.DefineFinding(autoconfig.FindingDef{
		Code: CodeCertNotYetValid, Severity: autoconfig.SeverityError,
		Message:     "the certificate of {server} is not valid before {date}",
		Hint:        "check the clock of this computer and of the server; if both are right, the certificate was issued for a later date",
		Explanation: "The certificate's validity starts in the future. Either this computer's clock is behind, the server's clock was ahead when the certificate was issued, or it was issued with a wrong start date.",
	})
	findSelfSigned = autoconfig.DefineFinding(autoconfig.FindingDef{
		Code: CodeSelfSigned, Severity: autoconfig.SeverityError,
		Message:     "the certificate of {server} is self-signed, so no client can tell it from an attacker's",
		Hint:        "replace it with a certificate from a public authority (for example Let's Encrypt); if you trust this one, pass it with --ca-file",
		Explanation: "The certificate is signed by its own key, not by an authority. No client can tell it from one an attacker made, so clients refuse it or ask the user, and accepting it once makes the connection trust whatever comes next.",
	})
	findTLSHandshake = autoconfig.DefineFinding(autoconfig.FindingDef{
		Code: CodeTLSHandshake, Severity: autoconfig.SeverityError,
		Message:     "{server}: {error}",
		Hint:        "check the server's TLS configuration (certificate, key, protocols and ciphers) and its log",
		Explanation: "The TLS handshake did not complete, and a second handshake offering legacy versions and ciphers did not complete either. The server may have no usable certificate or key, may require a client certificate, or something between client and server interferes. openssl s_client -connect HOST:PORT (add -starttls imap|pop3|smtp on STARTTLS ports) shows the server's side.",
	})
	findTLSLegacyOnly = autoconfig.DefineFinding(autoconfig.FindingDef{
		Code: CodeTLSLegacyOnly, Severity: autoconfig.SeverityError,
		Message:     "{server} completes no modern TLS handshake: {lacks}",
		Hint:        "enable TLS 1.2 and 1.3 with ECDHE and AES-GCM or ChaCha20 on the server (Dovecot: ssl_min_protocol = TLSv1.2; Postfix: smtpd_tls_protocols = >=TLSv1.2); current mail clients refuse it as it is",
		Explanation: "A handshake with current settings (TLS 1.2 or later, ECDHE key exchange, AEAD ciphers) failed, and a second one offering TLS 1.0 and every cipher Go still implements succeeded. The message says what the server lacks: TLS 1.2, ECDHE key exchange, or modern ciphers. Current mail clients (and Go since 1.22, OpenSSL 3 at its default level) refuse such servers, while old clients still connect, which makes the problem look random.",
	})
	findTLSModeMismatch = autoconfig.DefineFinding(autoconfig.FindingDef{
		Code: CodeTLSModeMismatch, Severity: autoconfig.SeverityError,
		Message:     "port {port} speaks {actual}, not {configured}",
		Hint:        "set the connection security to {actual} for port {port} (--security {security}), or use port {other-port} for {configured}",
		Explanation: "The port was tested with one kind of security and speaks the other: implicit TLS (TLS from the first byte, RFC 8314: 465, 993, 995) versus STARTTLS (plain text upgraded by a command: 587, 143, 110). A client set the wrong way waits for a greeting that never comes or fails with \"wrong version number\" / \"first record does not look like a TLS handshake\". In discover, check and serve the hint names no --security flag.",
	})
	// findTLSModeMismatchSeen is the form discovery shows (cause.go), where
	// there is no --security flag to name.
	findTLSModeMismatchSeen = autoconfig.FindingDef{
		Code: CodeTLSModeMismatch, Severity: autoconfig.SeverityError,
		Message: findTLSModeMismatch.Message,
		Hint:    "set the connection security to {actual} for port {port}, or use port {other-port} for {configured}",
	}
)

// modeMismatch is tls.mode-mismatch for s, which speaks actual.
func modeMismatch(d autoconfig.FindingDef, s autoconfig.Server, actual autoconfig.Security) autoconfig.Finding {
	return d.On(s, autoconfig.Values{"actual": securityName(actual), "configured": securityName(s.Security),
		"security": string(actual), "other-port": strconv.Itoa(autoconfig.DefaultPort(s.Protocol, s.Security))})
}

func untrustedFinding(srv autoconfig.Server, problem string, onlyLeaf bool) autoconfig.Finding {
	d := findCertUntrusted
	if onlyLeaf {
		d = findCertUntrustedLeafOnly
	}
	return d.On(srv, autoconfig.Values{"problem": strings.TrimPrefix(problem, "certificate ")})
}

func nameMismatchFinding(srv autoconfig.Server, names, host string, leaf *x509.Certificate) autoconfig.Finding {
	d := findNameMismatchNoNames
	if len(leaf.DNSNames) > 0 {
		d = findNameMismatch
	}
	return d.On(srv, autoconfig.Values{"names": names, "host": host,
		"covered": strings.Join(leaf.DNSNames[:min(len(leaf.DNSNames), 3)], ", ")})
}
