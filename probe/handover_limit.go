package probe

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/postino-mail/postino/autoconfig"
)

// Limits on what a server may send once a client library owns the
// conversation (see handover). go-imap, go-smtp and go-pop3 grow their
// buffers as long as a line or a multi-line reply goes on, so postino's
// own caps (maxLine, maxResponseBytes) must sit under them. The caps are
// wider than before the login: after it come mailbox data (a SEARCH
// result, up to 50 POP3 headers in a round trip), never megabytes in one
// session.
const (
	maxLibLine    = 64 << 10 // bytes without a line break
	maxLibSession = 4 << 20  // bytes in one handed-over session
)

// libLimit counts what the server sends to a library and, once it sends
// a line longer than maxLibLine or more than maxLibSession in all, fails
// every later read with one error, which the caller finds again with
// err() whatever the library made of it.
type libLimit struct {
	r       io.Reader
	mu      sync.Mutex
	line    int // bytes since the last line break
	total   int
	tripped *probeError
}

func (l *libLimit) Read(b []byte) (int, error) {
	if e := l.err(); e != nil {
		return 0, e
	}
	n, err := l.r.Read(b)
	l.mu.Lock()
	defer l.mu.Unlock()
	l.total += n
	if i := bytes.LastIndexByte(b[:n], '\n'); i >= 0 {
		l.line = n - i - 1
	} else {
		l.line += n
	}
	switch {
	case l.line > maxLibLine:
		l.tripped = &probeError{kind: KindProtocol, err: errLineTooLong,
			msg: fmt.Sprintf("line too long: the server sent more than %d KiB without a line break", maxLibLine>>10)}
	case l.total > maxLibSession:
		l.tripped = &probeError{kind: KindProtocol, err: errResponseTooLong,
			msg: fmt.Sprintf("too much data: the server sent more than %d MiB in one session", maxLibSession>>20)}
	}
	if l.tripped != nil {
		return 0, l.tripped
	}
	return n, err
}

// err is the limit's error once it has tripped, or nil.
func (l *libLimit) err() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.tripped == nil {
		return nil
	}
	return l.tripped
}

// explain replaces a library's error with the limit's when the limit
// made it: the library's own words ("unexpected EOF", "unknown response")
// would hide why.
func (l *libLimit) explain(err error) error {
	if err == nil {
		return nil
	}
	if e := l.err(); e != nil {
		return e
	}
	return err
}

// tooLargeFinding is the finding for an error of libLimit, if err is one.
func tooLargeFinding(s autoconfig.Server, err error) (autoconfig.Finding, bool) {
	if !errors.Is(err, errLineTooLong) && !errors.Is(err, errResponseTooLong) {
		return autoconfig.Finding{}, false
	}
	return findResponseTooLarge.On(s, autoconfig.Values{"error": errMsg(err)}), true
}
