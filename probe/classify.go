package probe

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"syscall"

	"github.com/postino-mail/postino/autoconfig"
	"github.com/postino-mail/postino/autoconfig/resolver"
)

// Error kinds, the values of autoconfig.ProbeResult.ErrorKind. JSON output,
// exit codes and `postino explain` hang off these strings; they are stable.
const (
	KindNXDomain        = "nxdomain"         // the host name does not exist, or has no address
	KindServFail        = "servfail"         // DNS failed (SERVFAIL, REFUSED, malformed answer)
	KindTimeout         = "timeout"          // no answer within the probe's deadline
	KindRefused         = "refused"          // TCP refused, or the server refused service in its greeting
	KindUnreachable     = "unreachable"      // no route to the host or network
	KindTLS             = "tls"              // the TLS handshake failed
	KindProtocol        = "protocol"         // an unexpected reply: not this protocol, malformed, too long
	KindStartTLSMissing = "starttls-missing" // STARTTLS is neither advertised nor accepted
	KindStartTLSRefused = "starttls-refused" // STARTTLS is advertised but the command was refused
	KindClosed          = "closed"           // the server closed the connection
	KindCanceled        = "canceled"         // the caller cancelled the probe before it ended
	KindInvalid         = "invalid"          // the server to probe was not described well enough
)

// probeError is a failed probe: a kind from the list above, a message a
// person can act on, and the underlying error when there is one.
type probeError struct {
	kind string
	msg  string
	err  error
	// speaks is the security mode the port answered in, when it is the
	// other one than asked (see autoconfig.ProbeResult.SpeaksSecurity).
	speaks autoconfig.Security
}

func (e *probeError) Error() string {
	if e.err != nil && !strings.Contains(e.msg, e.err.Error()) {
		return "probe: " + e.msg + ": " + e.err.Error()
	}
	return "probe: " + e.msg
}

func (e *probeError) Unwrap() error { return e.err }

func failf(kind, format string, args ...any) *probeError {
	return &probeError{kind: kind, msg: fmt.Sprintf(format, args...)}
}

// kindOf returns the kind of a probe error, "" for other errors.
func kindOf(err error) string {
	var pe *probeError
	if errors.As(err, &pe) {
		return pe.kind
	}
	return ""
}

// speaksOf returns the mode a wrong-mode failure found the port speaking.
func speaksOf(err error) autoconfig.Security {
	var pe *probeError
	if errors.As(err, &pe) {
		return pe.speaks
	}
	return ""
}

// errMsg is the message of a probe error for a person, without the package
// prefix.
func errMsg(err error) string {
	var pe *probeError
	if errors.As(err, &pe) {
		return pe.msg
	}
	return err.Error()
}

// errLineTooLong and errResponseTooLong end a conversation with a server that
// sends without end.
var (
	errLineTooLong     = errors.New("line too long")
	errResponseTooLong = errors.New("response too long")
)

// netKind classifies a network error from a read, write or dial.
func netKind(ctx context.Context, err error) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, errLineTooLong), errors.Is(err, errResponseTooLong):
		return KindProtocol
	case errors.Is(ctx.Err(), context.Canceled):
		return KindCanceled
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded):
		return KindTimeout
	case errors.Is(err, context.Canceled):
		return KindCanceled
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE),
		errors.Is(err, syscall.ECONNABORTED), errors.Is(err, net.ErrClosed):
		return KindClosed
	case errors.Is(err, syscall.ECONNREFUSED):
		return KindRefused
	case errors.Is(err, syscall.ENETUNREACH), errors.Is(err, syscall.EHOSTUNREACH),
		errors.Is(err, syscall.EADDRNOTAVAIL), errors.Is(err, syscall.ENETDOWN),
		errors.Is(err, syscall.EHOSTDOWN):
		return KindUnreachable
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return KindTimeout
	}
	return KindUnreachable
}

// dnsKind classifies an address lookup error, from the project's resolver or
// from the system resolver.
func dnsKind(ctx context.Context, err error) string {
	if errors.Is(ctx.Err(), context.Canceled) {
		return KindCanceled
	}
	if errors.Is(err, resolver.ErrNoAddress) {
		return KindNXDomain
	}
	switch resolver.Kind(err) {
	case "nxdomain":
		return KindNXDomain
	case "timeout":
		return KindTimeout
	case "servfail", "refused", "unreachable":
		return KindServFail
	}
	var de *net.DNSError
	if errors.As(err, &de) {
		switch {
		case de.IsNotFound:
			return KindNXDomain
		case de.IsTimeout:
			return KindTimeout
		}
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return KindTimeout
	}
	return KindServFail
}

// tlsKind classifies a failed TLS handshake.
func tlsKind(ctx context.Context, err error) string {
	var rhe tls.RecordHeaderError
	if errors.As(err, &rhe) {
		return KindProtocol // the other side does not speak TLS
	}
	switch k := netKind(ctx, err); k {
	case KindTimeout, KindCanceled, KindClosed:
		return k
	}
	return KindTLS
}

// isRemoteAlert reports whether err is a TLS alert sent by the server.
func isRemoteAlert(err error) bool {
	var oe *net.OpError
	return errors.As(err, &oe) && oe.Op == "remote error"
}

// identify names the protocol a server's first line belongs to, or "" when
// it does not look like any postino knows. FTP also greets with "220 ", so
// "SMTP" is a guess for those.
func identify(line string) string {
	u := strings.ToUpper(line)
	switch {
	case strings.HasPrefix(u, "* OK"), strings.HasPrefix(u, "* PREAUTH"), strings.HasPrefix(u, "* BYE"):
		return "IMAP"
	case strings.HasPrefix(u, "+OK"), strings.HasPrefix(u, "-ERR"):
		return "POP3"
	case len(u) >= 4 && strings.HasPrefix(u, "220") && (u[3] == ' ' || u[3] == '-') && strings.Contains(u, "FTP"):
		return "FTP"
	case strings.HasPrefix(u, "220 "), strings.HasPrefix(u, "220-"), u == "220",
		strings.HasPrefix(u, "554 "), strings.HasPrefix(u, "554-"), strings.HasPrefix(u, "421 "):
		return "SMTP"
	case strings.HasPrefix(u, "SSH-"):
		return "SSH"
	case strings.HasPrefix(u, "HTTP/"):
		return "HTTP"
	}
	return ""
}

// looksLikeTLS reports whether b starts like a TLS record (handshake or
// alert, any TLS/SSL3 version).
func looksLikeTLS(b []byte) bool {
	return len(b) >= 2 && (b[0] == 0x15 || b[0] == 0x16) && b[1] == 0x03
}
