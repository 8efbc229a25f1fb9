package probe

import "github.com/postino-mail/postino/autoconfig"

func init() {
	const e, w = autoconfig.SeverityError, autoconfig.SeverityWarning
	register(
		Entry{CodeCertUntrusted, e, "the certificate of {server} is signed by an unknown authority",
			"The server's certificate does not chain to an authority this computer trusts (the system roots plus --ca-file). Mail clients verify the chain and refuse the connection, or ask the user to accept the certificate, which trains users to accept an attacker's. When the server sends only its own certificate, the intermediate is often what is missing.",
			"Use a certificate from a public authority (for example Let's Encrypt) and configure the server with the full chain (fullchain.pem, not cert.pem). If the certificate comes from a private authority you trust, pass it with --ca-file."},
		Entry{CodeChainIncomplete, e, "{server} sends its certificate without the intermediate certificate",
			"The server presents its own certificate but not the intermediate that links it to a trusted root. postino fetched the intermediate from the address in the certificate (Authority Information Access) and the chain then verifies, so the certificate itself is fine. Browsers fetch missing intermediates; most mail clients do not, and refuse the connection with \"unable to get local issuer certificate\". A renewal that installed cert.pem instead of fullchain.pem is the usual cause.",
			"Configure the server with the full chain, leaf first and then the intermediate: Dovecot ssl_cert = </etc/letsencrypt/live/NAME/fullchain.pem, Postfix smtpd_tls_chain_files with the key and fullchain.pem; reload the server."},
		Entry{CodeNameMismatch, e, "the certificate of {server} is valid for {names}, not {host}",
			"The certificate does not name the host the client connects to. Clients refuse it, because a valid certificate for another name is what an attacker would present. Common on shared hosting, where the server presents the hoster's name (server123.hoster.example) and customers configure mail.their-domain.",
			"Configure clients with a name the certificate covers (the hint lists them), or get a certificate that includes the name clients use (a SAN entry per name; Dovecot and Postfix can present a different certificate per name with SNI)."},
		Entry{CodeCertExpired, e, "the certificate of {server} expired {days} ago",
			"The certificate's validity ended. Clients refuse the connection. Very often a new certificate exists on disk but the mail server was not reloaded after the renewal and still serves the old one from memory.",
			"Renew the certificate and reload or restart the mail server (systemctl reload dovecot postfix); make the renewal hook reload them (certbot --deploy-hook, acme.sh --reloadcmd)."},
		Entry{CodeCertExpiring, w, "the certificate of {server} expires in {days} days",
			"The certificate is still valid but expires within --cert-warn-days (default 14). Automatic renewal usually happens 30 days ahead, so a certificate this close to its end suggests the renewal or the reload after it is not working.",
			"Renew now and reload the mail server; check that the renewal job runs (systemctl list-timers, crontab) and that its hook reloads the mail server."},
		Entry{CodeCertNotYetValid, e, "the certificate of {server} is not valid before {date}",
			"The certificate's validity starts in the future. Either this computer's clock is behind, the server's clock was ahead when the certificate was issued, or it was issued with a wrong start date.",
			"Check the clock of this computer and of the server (timedatectl); if both are right, reissue the certificate."},
		Entry{CodeSelfSigned, e, "the certificate of {server} is self-signed",
			"The certificate is signed by its own key, not by an authority. No client can tell it from one an attacker made, so clients refuse it or ask the user, and accepting it once makes the connection trust whatever comes next.",
			"Replace it with a certificate from a public authority (Let's Encrypt is free). If you really mean to trust this one, pass it with --ca-file."},
		Entry{CodeTLSHandshake, e, "{server}: the TLS handshake failed: {reason}",
			"The TLS handshake did not complete, and a second handshake offering legacy versions and ciphers did not complete either. The server may have no usable certificate or key, may require a client certificate, or something between client and server interferes.",
			"Check the server's TLS settings and its log at the time of the test; try openssl s_client -connect HOST:PORT (add -starttls imap|pop3|smtp on STARTTLS ports) to see the server's side."},
		Entry{CodeTLSLegacyOnly, e, "{server} completes no modern TLS handshake: it only speaks TLS 1.0/1.1, or only RSA key exchange, or only CBC/3DES/RC4 ciphers",
			"A handshake with current settings (TLS 1.2 or later, ECDHE key exchange, AEAD ciphers) failed, and a second one offering TLS 1.0 and every cipher Go still implements succeeded. The message says what the server lacks. Current mail clients (and Go since 1.22, OpenSSL 3 at its default level) refuse such servers, while old clients still connect, which makes the problem look random.",
			"Enable TLS 1.2 and 1.3 with ECDHE and AES-GCM or ChaCha20-Poly1305: Dovecot ssl_min_protocol = TLSv1.2, Postfix smtpd_tls_protocols = >=TLSv1.2 and smtpd_tls_mandatory_protocols = >=TLSv1.2; upgrade an appliance or an old Exchange."},
		Entry{CodeTLSModeMismatch, e, "port {port} speaks {actual}, not {configured}",
			"The port was tested with one kind of security and speaks the other: implicit TLS (TLS from the first byte, RFC 8314: 465, 993, 995) versus STARTTLS (plain text upgraded by a command: 587, 143, 110). A client set the wrong way waits for a greeting that never comes or fails with \"wrong version number\" / \"first record does not look like a TLS handshake\".",
			"Set the client's connection security to what the port speaks (the message says which), or use the port for the mode you want: 465 (SSL/TLS) or 587 (STARTTLS) for sending, 993 or 143 for IMAP, 995 or 110 for POP3."},
	)
}
