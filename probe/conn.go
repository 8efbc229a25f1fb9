package probe

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/postino-mail/postino/autoconfig"
)

// Limits on what a server may send, so that a server that talks without end
// is an error rather than a hang or a memory hog. RFC 5321 section 4.5.3.1.5
// sets 512 bytes for an SMTP reply line and IMAP servers send far shorter
// capability lines; 8 KiB leaves room for every real server.
const (
	maxLine          = 8 << 10  // bytes in one line, CRLF included
	maxResponseLines = 100      // lines in one (multi-line) response
	maxResponseBytes = 64 << 10 // bytes in one response
)

// lineConn is the line-oriented conversation on the current connection.
type lineConn struct {
	conn   net.Conn // raw, or the *tls.Conn over it
	r      *bufio.Reader
	inTLS  bool
	tr     transcript
	nLines int    // lines of the current response so far
	nBytes int    // bytes of the current response so far
	what   string // what the next read waits for, for error messages
}

func (s *session) setConn(c net.Conn, inTLS bool) {
	s.conn, s.inTLS = c, inTLS
	s.r = bufio.NewReaderSize(c, maxLine)
}

// beginResponse starts counting the lines and bytes of a new response.
func (s *session) beginResponse() { s.nLines, s.nBytes = 0, 0 }

// send writes one command line. verb names the command in error messages.
func (s *session) send(line, verb string) error {
	s.tr.add("send", s.inTLS, line)
	s.what = "sending " + verb
	if _, err := io.WriteString(s.conn, line+"\r\n"); err != nil {
		return s.ioErr(err)
	}
	s.what = "the reply to " + verb
	return nil
}

// readLine reads one line of the current response, without its line end.
func (s *session) readLine() (string, error) {
	b, err := s.r.ReadSlice('\n')
	s.nLines++
	s.nBytes += len(b)
	switch {
	case errors.Is(err, bufio.ErrBufferFull):
		s.tr.add("recv", s.inTLS, string(b))
		s.broken = true
		return "", &probeError{kind: KindProtocol, err: errLineTooLong,
			msg: fmt.Sprintf("line too long: the server sent more than %d KiB without a line break while we waited for %s", maxLine>>10, s.what)}
	case err != nil:
		if len(b) > 0 {
			s.tr.add("recv", s.inTLS, string(b))
		}
		return "", s.ioErr(err)
	}
	line := strings.TrimRight(string(b), "\r\n")
	s.tr.add("recv", s.inTLS, line)
	if s.nLines > maxResponseLines || s.nBytes > maxResponseBytes {
		s.broken = true
		return "", &probeError{kind: KindProtocol, err: errResponseTooLong,
			msg: fmt.Sprintf("response too long: more than %d lines or %d KiB in %s", maxResponseLines, maxResponseBytes>>10, s.what)}
	}
	return line, nil
}

// readFull reads n bytes of the current response (an IMAP literal).
func (s *session) readFull(n int) error {
	s.nBytes += n
	if s.nBytes > maxResponseBytes {
		s.broken = true
		return &probeError{kind: KindProtocol, err: errResponseTooLong,
			msg: fmt.Sprintf("response too long: more than %d KiB in %s", maxResponseBytes>>10, s.what)}
	}
	if _, err := io.CopyN(io.Discard, s.r, int64(n)); err != nil {
		return s.ioErr(err)
	}
	s.tr.add("recv", s.inTLS, fmt.Sprintf("[literal of %d bytes]", n))
	return nil
}

// ioErr describes a failed read or write: what we were waiting for and why
// it did not come. The connection is unusable afterwards.
func (s *session) ioErr(err error) error {
	s.broken = true
	var pe *probeError
	if errors.As(err, &pe) {
		return err
	}
	kind := netKind(s.ctx, err)
	var msg string
	switch kind {
	case KindTimeout:
		msg = fmt.Sprintf("no answer within %s while waiting for %s", roundDur(s.budget), s.what)
		switch {
		case s.what == "the greeting" && s.inTLS:
			msg += " (the server completed the TLS handshake but said nothing: a tarpit or an overloaded server)"
		case s.what == "the greeting":
			msg += " (the server accepted the connection but said nothing: a tarpit, an overloaded server, or a port that waits for a TLS handshake)"
		}
	case KindClosed:
		msg = fmt.Sprintf("the server closed the connection while we waited for %s", s.what)
	case KindCanceled:
		msg = fmt.Sprintf("probe canceled while waiting for %s", s.what)
	default:
		msg = fmt.Sprintf("connection failed while waiting for %s", s.what)
	}
	return &probeError{kind: kind, msg: msg, err: err}
}

func roundDur(d time.Duration) time.Duration {
	if d >= time.Second {
		return d.Round(100 * time.Millisecond)
	}
	return d.Round(time.Millisecond)
}

// awaitGreeting waits for the first byte of the greeting. On a plain-text
// connection a silent server may be one that speaks implicit TLS and waits
// for our handshake; to tell, a second connection tries a TLS handshake
// while we wait, and if it succeeds before any greeting arrives the probe
// ends with that diagnosis instead of a bare timeout.
func (s *session) awaitGreeting(ctx context.Context) error {
	s.what = "the greeting"
	s.beginResponse()
	var sn *sniffer
	if !s.inTLS {
		sn = s.startSniff(ctx)
	}
	_, err := s.r.Peek(1)
	if sn != nil {
		interrupted := sn.arrived(err == nil)
		sn.stop()
		if err == nil && interrupted {
			// The greeting came just as the sniffer gave up on it: undo
			// its interruption.
			if dl, ok := ctx.Deadline(); ok && ctx.Err() == nil {
				s.raw.SetReadDeadline(dl)
			}
		}
		if err != nil && s.sniffTLS.Load() {
			s.broken = true
			err := failf(KindProtocol, "port %d speaks implicit TLS, not plain text: no greeting came, but a TLS handshake on a second connection succeeded; use security tls (%s)", s.srv.Port, tlsPortHint(s.srv))
			err.speaks = autoconfig.SecurityTLS
			return err
		}
	}
	if err != nil {
		return s.ioErr(err)
	}
	if b, _ := s.r.Peek(min(s.r.Buffered(), 3)); looksLikeTLS(b) {
		s.broken = true
		s.tr.add("recv", s.inTLS, string(b))
		err := failf(KindProtocol, "port %d answered with TLS records instead of a plain-text greeting: it speaks implicit TLS; use security tls", s.srv.Port)
		err.speaks = autoconfig.SecurityTLS
		return err
	}
	return nil
}

// sniffer runs the second-connection TLS check of awaitGreeting.
type sniffer struct {
	mu          sync.Mutex
	got         bool // the greeting's first byte arrived
	interrupted bool // the sniffer interrupted the greeting read
	cancel      context.CancelFunc
	done        chan struct{}
}

// sniffDelay is how long a plain-text greeting may take before the sniffer
// starts its TLS handshake: real servers greet within milliseconds unless
// they delay on purpose (postscreen, tarpits), and those send no TLS.
func (p *Prober) sniffDelay() time.Duration { return min(p.timeout/4, time.Second) }

func (s *session) startSniff(ctx context.Context) *sniffer {
	sctx, cancel := context.WithCancel(ctx)
	sn := &sniffer{cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(sn.done)
		defer catchPanic(sctx)
		t := time.NewTimer(s.p.sniffDelay())
		defer t.Stop()
		select {
		case <-t.C:
		case <-sctx.Done():
			return
		}
		c, err := s.p.dial(sctx, "tcp", s.addr)
		if err != nil {
			return
		}
		defer c.Close()
		unbind := bindContext(sctx, c)
		defer unbind()
		tc := tls.Client(c, &tls.Config{InsecureSkipVerify: true, ServerName: sniName(s.host)})
		err = tc.HandshakeContext(sctx)
		if err != nil && !isRemoteAlert(err) {
			return
		}
		sn.mu.Lock()
		defer sn.mu.Unlock()
		if sn.got || sctx.Err() != nil {
			return
		}
		s.sniffTLS.Store(true)
		sn.interrupted = true
		s.raw.SetReadDeadline(aLongTimeAgo)
	}()
	return sn
}

// arrived records whether the greeting came and reports whether the sniffer
// had interrupted the read already.
func (sn *sniffer) arrived(got bool) bool {
	sn.mu.Lock()
	defer sn.mu.Unlock()
	sn.got = got
	return sn.interrupted
}

func (sn *sniffer) stop() {
	sn.cancel()
	<-sn.done
}
