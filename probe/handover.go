package probe

import (
	"context"
	"io"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// handover gives the session's connection to a client library (go-imap,
// go-smtp, go-pop3) once postino's own pre-authentication conversation is
// done: the TLS is ours, so is every deadline, and the conversation keeps
// being recorded, redacted, in the session's transcript.
//
// The libraries insist on reading a greeting, which the server sent long
// ago (or, after STARTTLS, never sends); greeting is handed to them first
// and is not recorded. The returned stop ends the recording; call it
// before reading the transcript.
func (s *session) handover(ctx context.Context, greeting string, red *redactor) (*handoverConn, func()) {
	s.handedOver = true
	rec := &recorder{s: s, red: red, inTLS: s.inTLS}
	lim := &libLimit{r: readerFunc(rec.read)}
	c := &handoverConn{
		Conn:  s.conn,
		ctx:   ctx,
		r:     io.MultiReader(strings.NewReader(greeting), lim),
		w:     rec,
		limit: lim,
	}
	return c, rec.stop
}

// handoverConn reads from the greeting, then the session's buffered reader;
// writes are recorded. Deadlines a library sets are clamped to the
// context's: go-smtp sets five minutes per command and then clears them.
// What the server sends passes through limit (handover_limit.go).
type handoverConn struct {
	net.Conn
	ctx      context.Context
	r        io.Reader
	w        io.Writer
	limit    *libLimit
	deadline atomic.Int64 // unix nanoseconds: no deadline later than this
}

// hurry bounds every later read and write to d from now: the polite
// goodbye (LOGOUT, QUIT) is not worth waiting for.
func (c *handoverConn) hurry(d time.Duration) {
	t := time.Now().Add(d)
	c.deadline.Store(t.UnixNano())
	c.Conn.SetDeadline(c.clamp(t))
}

func (c *handoverConn) Read(b []byte) (int, error)  { return c.r.Read(b) }
func (c *handoverConn) Write(b []byte) (int, error) { return c.w.Write(b) }

func (c *handoverConn) clamp(t time.Time) time.Time {
	if c.ctx.Err() != nil {
		return aLongTimeAgo
	}
	if dl, ok := c.ctx.Deadline(); ok && (t.IsZero() || t.After(dl)) {
		t = dl
	}
	if n := c.deadline.Load(); n != 0 && (t.IsZero() || t.UnixNano() > n) {
		t = time.Unix(0, n)
	}
	return t
}

func (c *handoverConn) SetDeadline(t time.Time) error     { return c.Conn.SetDeadline(c.clamp(t)) }
func (c *handoverConn) SetReadDeadline(t time.Time) error { return c.Conn.SetReadDeadline(c.clamp(t)) }
func (c *handoverConn) SetWriteDeadline(t time.Time) error {
	return c.Conn.SetWriteDeadline(c.clamp(t))
}

type readerFunc func([]byte) (int, error)

func (f readerFunc) Read(b []byte) (int, error) { return f(b) }

// recorder tees the conversation into the transcript, line by line. The
// libraries read and write from different goroutines.
type recorder struct {
	s       *session
	red     *redactor
	inTLS   bool
	mu      sync.Mutex
	in, out []byte // partial lines
	stopped bool
}

func (r *recorder) read(b []byte) (int, error) {
	n, err := r.s.r.Read(b)
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.stopped {
		r.in = r.lines(append(r.in, b[:n]...), "recv")
	}
	return n, err
}

func (r *recorder) Write(b []byte) (int, error) {
	r.mu.Lock()
	if !r.stopped {
		r.out = r.lines(append(r.out, b...), "send")
	}
	r.mu.Unlock()
	return r.s.conn.Write(b)
}

// lines records every complete line in buf and returns the rest. Lines are
// capped so that a large message body cannot flood the transcript.
func (r *recorder) lines(buf []byte, dir string) []byte {
	for {
		i := strings.IndexByte(string(buf), '\n')
		if i < 0 {
			if len(buf) > maxLine {
				r.add(dir, string(buf))
				return nil
			}
			return buf
		}
		r.add(dir, strings.TrimRight(string(buf[:i]), "\r"))
		buf = buf[i+1:]
	}
}

func (r *recorder) add(dir, line string) {
	if dir == "send" {
		line = r.red.sent(line)
	} else {
		r.red.received(line)
		line = r.red.scrub(line)
	}
	r.s.tr.add(dir, r.inTLS, line)
}

func (r *recorder) stop() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.stopped = true
}
