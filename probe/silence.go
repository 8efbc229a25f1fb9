package probe

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/postino-mail/postino/autoconfig"
)

// A server that accepts TCP and never says a byte (a tarpit, a hung
// process) costs a probe its whole timeout. A run must pay for that once,
// not once per attempt: discovery's probe, the diagnosis of each address,
// a retry in the other mode. So a Prober remembers, for one timeout, the
// endpoints (IP:port) that stayed silent until a probe's deadline, and an
// attempt on one of them in that time fails at once, saying when the
// silence was seen; and the diagnosis retries no other mode on a port that
// sent nothing (explainFailure).

// silenceMemory is what a Prober remembers of silent endpoints.
type silenceMemory struct {
	mu      sync.Mutex
	seen    map[string]silence      // by IP:port
	waiting map[string]chan silence // closed-over by remember: attempts still waiting there
}

// silence is one endpoint's silence: when it was seen, for how long.
type silence struct {
	at     time.Time
	waited time.Duration
}

func (m *silenceMemory) remember(addr string, sl silence) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.seen == nil {
		m.seen = map[string]silence{}
	}
	m.seen[addr] = sl
	if ch, ok := m.waiting[addr]; ok {
		ch <- sl
		close(ch)
		delete(m.waiting, addr)
	}
}

// watch returns a channel that gets addr's silence when an attempt
// remembers it; several watchers share one channel, which is closed after
// its one value, so each should treat a closed channel as the news.
func (m *silenceMemory) watch(addr string) <-chan silence {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.waiting == nil {
		m.waiting = map[string]chan silence{}
	}
	ch, ok := m.waiting[addr]
	if !ok {
		ch = make(chan silence, 1)
		m.waiting[addr] = ch
	}
	return ch
}

// recall returns the silence of addr seen within ttl before now.
func (m *silenceMemory) recall(addr string, now time.Time, ttl time.Duration) (silence, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for a, sl := range m.seen {
		if now.Sub(sl.at) > ttl {
			delete(m.seen, a)
		}
	}
	sl, ok := m.seen[addr]
	return sl, ok
}

// countingConn counts the bytes the server sent on the raw connection.
type countingConn struct {
	net.Conn
	n atomic.Int64
}

func (c *countingConn) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	c.n.Add(int64(n))
	return n, err
}

// silent reports whether the session's server accepted the connection and
// then sent not one byte until the probe's deadline, or nearly: a run
// that ends (discovery stopping its last probes) may cancel a wait a few
// milliseconds before it would have timed out, and that wait is as telling.
func (s *session) silent() bool {
	if s.counted == nil || s.counted.n.Load() > 0 || s.fromMemory || s.peerSilent.Load() {
		return false
	}
	switch s.res.ErrorKind {
	case KindTimeout:
		return errors.Is(s.ctx.Err(), context.DeadlineExceeded) || time.Since(s.connected) >= s.p.timeout*9/10
	case KindCanceled:
		return time.Since(s.connected) >= s.p.timeout*9/10
	}
	return false
}

// rememberSilence records the session's server as silent, when it was.
func (s *session) rememberSilence() {
	if s.silent() {
		s.p.silences.remember(s.addr, silence{at: time.Now(), waited: time.Since(s.connected)})
	}
}

// recalledSilence fails the session at once when its endpoint was seen
// silent within the last timeout, in the phase that would have waited.
func (s *session) recalledSilence() error {
	sl, ok := s.p.silences.recall(s.addr, time.Now(), s.p.timeout)
	if !ok {
		return nil
	}
	s.fromMemory = true
	s.broken = true // nothing to say goodbye to
	name, what := autoconfig.PhaseGreeting, "the greeting"
	if s.srv.Security == autoconfig.SecurityTLS {
		name, what = autoconfig.PhaseTLS, "the TLS handshake"
	}
	return s.phase(name, func(*autoconfig.Phase) error {
		return failf(KindTimeout, "no answer within %s while waiting for %s on an earlier connection (%s ago): %s accepts connections and says nothing (not waited for again)",
			roundDur(sl.waited), what, roundDur(time.Since(sl.at)), s.addr)
	})
}

// watchSilence ends the session's wait for the server's first byte when
// another attempt on the same endpoint, started earlier, finds it silent
// (discovery's probe still running as the diagnosis starts). It returns
// the func that stops watching.
func (s *session) watchSilence() (stop func()) {
	done := make(chan struct{})
	ch := s.p.silences.watch(s.addr)
	go func() {
		select {
		case <-done:
		case <-ch:
			if s.counted.n.Load() == 0 {
				s.peerSilent.Store(true)
				s.raw.SetDeadline(aLongTimeAgo)
			}
		}
	}()
	return func() { close(done) }
}

// silenceRetryPhase is the retry phase of a port that sent nothing: no
// other mode can get an answer there. A STARTTLS or plain-text server
// greets at once, so its greeting would have failed our TLS handshake
// with a protocol error; and while a greeting was awaited, the sniffer
// (awaitGreeting) tried a TLS handshake on a second connection.
func silenceRetryPhase(ip net.IP, port int) autoconfig.Phase {
	return autoconfig.Phase{Name: "retry", Address: net.JoinHostPort(ip.String(), fmt.Sprint(port)),
		Detail: "not retried in the other security mode: the server sent no byte, so no mode gets an answer"}
}
