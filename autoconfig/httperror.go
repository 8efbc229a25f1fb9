package autoconfig

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"

	"github.com/postino-mail/postino/autoconfig/resolver"
)

// httpErrorKind classifies an error of an HTTP source for
// Lookup.ErrorKind: nxdomain, servfail, timeout, refused, unreachable,
// tls, http-status, malformed, too-large, redirect, or http.
func httpErrorKind(err error) string {
	var (
		status   *httpStatusError
		verify   *tls.CertificateVerificationError
		unknown  x509.UnknownAuthorityError
		hostname x509.HostnameError
		invalid  x509.CertificateInvalidError
		record   tls.RecordHeaderError
		alert    tls.AlertError
		op       *net.OpError
		dnsErr   *net.DNSError
	)
	switch {
	case err == nil:
		return ""
	// The transport dials through postino's resolver, whose errors arrive
	// wrapped in *url.Error and *net.OpError; errors.Is sees through both.
	case isResolverError(err):
		if k := resolver.Kind(err); k != "dns" {
			return k
		}
		return "servfail"
	case errors.As(err, &dnsErr): // a client on the system resolver
		switch {
		case dnsErr.IsNotFound:
			return "nxdomain"
		case dnsErr.IsTimeout:
			return "timeout"
		}
		return "servfail"
	case errors.Is(err, ErrTooLarge):
		return "too-large"
	case errors.Is(err, ErrSyntax):
		return "malformed"
	case errors.Is(err, errTooManyRedirects), errors.Is(err, errRedirectLoop), errors.Is(err, errBadRedirect):
		return "redirect"
	case errors.As(err, &status):
		return "http-status"
	case errors.As(err, &verify), errors.As(err, &unknown), errors.As(err, &hostname),
		errors.As(err, &invalid), errors.As(err, &record), errors.As(err, &alert):
		return "tls"
	// crypto/tls reports an alert from the server as an unexported type
	// inside a "remote error" *net.OpError.
	case errors.As(err, &op) && op.Op == "remote error":
		return "tls"
	case errors.Is(err, context.DeadlineExceeded), isTimeout(err):
		return "timeout"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "refused"
	case errors.Is(err, syscall.ENETUNREACH), errors.Is(err, syscall.EHOSTUNREACH),
		errors.Is(err, syscall.EHOSTDOWN), errors.Is(err, syscall.ENETDOWN):
		return "unreachable"
	// net/http flattens a plain-http answer on an https port to text, and
	// several handshake failures of crypto/tls are unexported.
	case strings.Contains(err.Error(), "server gave HTTP response to HTTPS client"),
		strings.Contains(err.Error(), "tls: "):
		return "tls"
	}
	return "http"
}

func isResolverError(err error) bool {
	for _, s := range []error{resolver.ErrNotFound, resolver.ErrServFail, resolver.ErrRefused,
		resolver.ErrTimeout, resolver.ErrNetwork, resolver.ErrBadRcode} {
		if errors.Is(err, s) {
			return true
		}
	}
	return false
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// failHTTPLookup records err on lk. Nothing published (NXDOMAIN, 404, 410)
// is outcome none; a cancelled run is cancelled; the rest is an error.
func failHTTPLookup(lk *Lookup, err error) {
	lk.ErrorKind = httpErrorKind(err)
	lk.Error = httpErrorText(err)
	lk.Outcome = OutcomeError
	var status *httpStatusError
	switch {
	case errors.Is(err, context.Canceled):
		lk.Outcome, lk.ErrorKind = OutcomeCancelled, ""
	case lk.ErrorKind == "nxdomain":
		lk.Outcome = OutcomeNone
	case errors.As(err, &status) && (status.Code == http.StatusNotFound || status.Code == http.StatusGone):
		lk.Outcome = OutcomeNone
	}
}

// httpErrorText is err for a report. The URL is the lookup's query
// already, so *url.Error's `Get "https://…":` prefix is dropped.
func httpErrorText(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err.Error()
	}
	return err.Error()
}
