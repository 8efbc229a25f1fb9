package probe

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"math"
	"net"
	"strings"
	"time"

	"github.com/postino-mail/postino/autoconfig"
)

// handshake runs a TLS handshake over the raw connection (implicit TLS, or
// after a STARTTLS reply), records the session and the certificate's
// problems, and continues the conversation inside TLS. Certificate problems
// do not fail the handshake.
func (s *session) handshake(ctx context.Context, ph *autoconfig.Phase) error {
	var info *autoconfig.TLSInfo
	var findings []autoconfig.Finding
	cfg := &tls.Config{
		ServerName: sniName(s.host),
		RootCAs:    s.p.roots,
		// The certificate is verified in VerifyConnection, which records
		// every problem instead of stopping at the first.
		InsecureSkipVerify: true,
		VerifyConnection: func(cs tls.ConnectionState) error {
			s.peer = cs.PeerCertificates
			info, findings = inspectCert(cs, s.host, s.p.roots, s.p.now(), s.srv)
			return nil
		},
	}
	if s.cfg.legacy {
		legacyConfig(cfg)
	}
	tc := tls.Client(s.raw, cfg)
	if err := tc.HandshakeContext(ctx); err != nil {
		s.broken = true
		return s.tlsErr(ctx, err)
	}
	s.setConn(tc, true)
	st := tc.ConnectionState()
	s.state = &st
	s.res.TLS = info
	s.res.Findings = append(s.res.Findings, findings...)
	if info != nil {
		ph.Detail = info.Version + " " + info.Cipher
		if n := len(info.Problems); n > 0 {
			ph.Detail += fmt.Sprintf("; certificate: %s", strings.Join(info.Problems, "; "))
		}
	}
	return nil
}

// tlsErr explains a failed handshake. The most useful case is a port that
// speaks plain text: the "record" the handshake read is then a greeting.
func (s *session) tlsErr(ctx context.Context, err error) error {
	kind := tlsKind(ctx, err)
	var rhe tls.RecordHeaderError
	switch {
	case errors.As(err, &rhe):
		got := string(bytes.TrimRight(rhe.RecordHeader[:], "\x00"))
		want := strings.ToUpper(string(s.srv.Protocol))
		switch p := identify(got); {
		case p == want:
			return &probeError{kind: kind, err: err, speaks: autoconfig.SecurityStartTLS, msg: fmt.Sprintf(
				"port %d speaks plain text (%s greeting %q), not implicit TLS; use security starttls or none (%s)",
				s.srv.Port, p, printable(got, 10)+"…", starttlsPortHint(s.srv))}
		case p != "":
			return &probeError{kind: kind, err: err, msg: fmt.Sprintf(
				"port %d speaks %s in plain text (%q), not %s over TLS", s.srv.Port, p, printable(got, 10)+"…", want)}
		}
		return &probeError{kind: kind, err: err, msg: fmt.Sprintf(
			"port %d does not speak TLS: the handshake got %q", s.srv.Port, printable(got, 10))}
	case kind == KindTimeout:
		return &probeError{kind: kind, err: err, msg: fmt.Sprintf(
			"no answer to the TLS handshake within %s", roundDur(s.budget))}
	case kind == KindClosed:
		return &probeError{kind: kind, err: err, msg: "the server closed the connection during the TLS handshake (it may not accept TLS 1.2 or later, or the name sent in SNI)"}
	case kind == KindCanceled:
		return &probeError{kind: kind, err: err, msg: "probe canceled during the TLS handshake"}
	case isRemoteAlert(err):
		return &probeError{kind: kind, err: err, msg: fmt.Sprintf(
			"the server rejected the TLS handshake (%v); it may only offer TLS versions or ciphers older than TLS 1.2", err)}
	}
	return &probeError{kind: kind, err: err, msg: fmt.Sprintf("TLS handshake failed: %v", err)}
}

// sniName is the name to send in SNI: none for an IP literal (RFC 6066
// section 3).
func sniName(host string) string {
	if net.ParseIP(host) != nil {
		return ""
	}
	return host
}

// inspectCert verifies the server's certificate the way a mail client would
// (chain to roots, name, validity period) and records every problem found,
// together with findings for them.
func inspectCert(cs tls.ConnectionState, host string, roots *x509.CertPool, now time.Time, srv autoconfig.Server) (*autoconfig.TLSInfo, []autoconfig.Finding) {
	info := &autoconfig.TLSInfo{
		Version: strings.ReplaceAll(tls.VersionName(cs.Version), " ", ""),
		Cipher:  tls.CipherSuiteName(cs.CipherSuite),
	}
	if len(cs.PeerCertificates) == 0 {
		const p = "certificate is missing: the server sent none"
		info.Problems = []string{p}
		return info, []autoconfig.Finding{untrustedFinding(srv, p, false)}
	}
	leaf := cs.PeerCertificates[0]
	info.Issuer = leaf.Issuer.String()
	info.NotAfter = leaf.NotAfter
	info.DaysLeft = int(math.Floor(leaf.NotAfter.Sub(now).Hours() / 24))
	info.Names = append(info.Names, leaf.DNSNames...)
	for _, ip := range leaf.IPAddresses {
		info.Names = append(info.Names, ip.String())
	}
	info.SelfSigned = bytes.Equal(leaf.RawIssuer, leaf.RawSubject) &&
		leaf.CheckSignature(leaf.SignatureAlgorithm, leaf.RawTBSCertificate, leaf.Signature) == nil

	inter := x509.NewCertPool()
	for _, c := range cs.PeerCertificates[1:] {
		inter.AddCert(c)
	}
	verify := func(at time.Time) error {
		_, err := leaf.Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter, CurrentTime: at})
		return err
	}
	// The chain is judged at a moment the leaf is valid, so that an expired
	// certificate from a good authority reads "expired", not "untrusted".
	at := now
	switch {
	case now.After(leaf.NotAfter):
		at = leaf.NotAfter.Add(-time.Second)
	case now.Before(leaf.NotBefore):
		at = leaf.NotBefore.Add(time.Second)
	}
	chainErr := verify(at)
	info.ChainValid = chainErr == nil
	info.NameValid = leaf.VerifyHostname(host) == nil
	info.Expired = now.After(leaf.NotAfter)
	notYet := now.Before(leaf.NotBefore)

	var findings []autoconfig.Finding
	problem := func(p string, f autoconfig.Finding) {
		info.Problems = append(info.Problems, p)
		findings = append(findings, f)
	}
	if chainErr != nil {
		var uae x509.UnknownAuthorityError
		switch {
		case info.SelfSigned:
			problem("certificate is self-signed", findSelfSigned.On(srv, nil))
		case errors.As(chainErr, &uae):
			onlyLeaf := len(cs.PeerCertificates) == 1
			p := fmt.Sprintf("certificate is signed by an unknown authority (issuer %s)", issuerName(leaf))
			if onlyLeaf {
				p += "; the server sent no intermediate certificate"
			}
			problem(p, untrustedFinding(srv, p, onlyLeaf))
		default:
			p := "certificate does not verify: " + chainErr.Error()
			problem(p, untrustedFinding(srv, p, false))
		}
	}
	if !info.NameValid {
		p := fmt.Sprintf("certificate is valid for %s, not %s", namesOf(leaf), host)
		problem(p, nameMismatchFinding(srv, namesOf(leaf), host, leaf))
	}
	if info.Expired {
		ago := "less than a day"
		if days := int(now.Sub(leaf.NotAfter).Hours() / 24); days > 0 {
			ago = plural(days, "day")
		}
		date := leaf.NotAfter.UTC().Format(time.DateOnly)
		p := fmt.Sprintf("certificate expired %s ago (%s)", ago, date)
		problem(p, findCertExpired.On(srv, autoconfig.Values{"ago": ago, "date": date}))
	}
	if notYet {
		// TLSInfo has no field for this; the chain does not verify now, so
		// ChainValid is false and the probe is not verified.
		info.ChainValid = false
		date := leaf.NotBefore.UTC().Format(time.RFC3339)
		p := fmt.Sprintf("certificate is not valid before %s", date)
		problem(p, findCertNotYetValid.On(srv, autoconfig.Values{"date": date}))
	}
	return info, findings
}

func issuerName(c *x509.Certificate) string {
	if c.Issuer.CommonName != "" {
		return quote(c.Issuer.CommonName)
	}
	return quote(c.Issuer.String())
}

// namesOf lists the names a certificate is valid for, as a person reads them.
func namesOf(c *x509.Certificate) string {
	var names []string
	names = append(names, c.DNSNames...)
	for _, ip := range c.IPAddresses {
		names = append(names, ip.String())
	}
	if len(names) == 0 {
		if c.Subject.CommonName != "" {
			return fmt.Sprintf("no name (it has no subject alternative names, and clients ignore its common name %q)", c.Subject.CommonName)
		}
		return "no name"
	}
	if len(names) > 8 {
		names = append(names[:8], fmt.Sprintf("and %d more", len(names)-8))
	}
	return strings.Join(names, ", ")
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}

// tlsPortHint names the usual implicit-TLS port of the server's protocol.
func tlsPortHint(srv autoconfig.Server) string {
	return fmt.Sprintf("%s with implicit TLS usually runs on port %d", strings.ToUpper(string(srv.Protocol)), autoconfig.DefaultPort(srv.Protocol, autoconfig.SecurityTLS))
}

// starttlsPortHint names the usual STARTTLS port of the server's protocol.
func starttlsPortHint(srv autoconfig.Server) string {
	return fmt.Sprintf("%s with STARTTLS usually runs on port %d", strings.ToUpper(string(srv.Protocol)), autoconfig.DefaultPort(srv.Protocol, autoconfig.SecurityStartTLS))
}
