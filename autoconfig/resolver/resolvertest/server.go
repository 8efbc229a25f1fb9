package resolvertest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/miekg/dns"
)

// Server is an in-process DNS server answering over UDP and TCP on one
// address. Its methods are safe for concurrent use, also while it serves.
type Server struct {
	udp, tcp *dns.Server
	addr     string
	queries  atomic.Int64
	closed   chan struct{}
	once     sync.Once

	mu       sync.RWMutex
	zone     map[string]Records
	behavior map[string]Behavior
	latency  time.Duration
}

// NewServer starts a Server on 127.0.0.1 with a free port and closes it when
// the test ends.
func NewServer(t testing.TB, zone Zone) *Server {
	t.Helper()
	s, err := Start("127.0.0.1:0", zone)
	if err != nil {
		t.Fatalf("resolvertest: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// Start starts a Server answering from zone on addr ("127.0.0.1:0" picks a
// port free for both UDP and TCP). It returns an error if an address in zone
// does not parse.
func Start(addr string, zone Zone) (*Server, error) {
	s := &Server{
		closed:   make(chan struct{}),
		zone:     make(map[string]Records, len(zone)),
		behavior: make(map[string]Behavior),
	}
	for name, r := range zone {
		if err := r.check(name); err != nil {
			return nil, err
		}
		s.zone[canonical(name)] = r
	}
	pc, l, err := listen(addr)
	if err != nil {
		return nil, err
	}
	s.addr = pc.LocalAddr().String()
	s.udp = &dns.Server{PacketConn: pc, Handler: s}
	s.tcp = &dns.Server{Listener: l, Handler: s}
	for _, srv := range []*dns.Server{s.udp, s.tcp} {
		started := make(chan struct{})
		failed := make(chan error, 1)
		srv.NotifyStartedFunc = func() { close(started) }
		go func() { failed <- srv.ActivateAndServe() }()
		select {
		case <-started:
		case err := <-failed:
			pc.Close()
			l.Close()
			s.Close()
			return nil, fmt.Errorf("resolvertest: serve %s: %w", s.addr, err)
		}
	}
	return s, nil
}

// listen binds UDP and TCP to the same address; with port 0 it lets the
// system pick the UDP port and tries to bind TCP to it, a few times.
func listen(addr string) (net.PacketConn, net.Listener, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, nil, fmt.Errorf("resolvertest: %w", err)
	}
	var lastErr error
	for try := 0; try < 10; try++ {
		pc, err := net.ListenPacket("udp", addr)
		if err != nil {
			return nil, nil, fmt.Errorf("resolvertest: %w", err)
		}
		_, p, _ := net.SplitHostPort(pc.LocalAddr().String())
		l, err := net.Listen("tcp", net.JoinHostPort(host, p))
		if err == nil {
			return pc, l, nil
		}
		pc.Close()
		lastErr = err
		if port != "0" {
			break
		}
	}
	return nil, nil, fmt.Errorf("resolvertest: %w", lastErr)
}

// Addr returns the address the server listens on, as host:port.
func (s *Server) Addr() string { return s.addr }

// Close stops the server, interrupting delayed answers. It is safe to call
// more than once.
func (s *Server) Close() error {
	var err error
	s.once.Do(func() {
		close(s.closed)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		for _, srv := range []*dns.Server{s.udp, s.tcp} {
			if srv != nil {
				err = errors.Join(err, srv.ShutdownContext(ctx))
			}
		}
	})
	return err
}

// Set replaces the records of name. It panics if an address in r does not
// parse.
func (s *Server) Set(name string, r Records) {
	if err := r.check(name); err != nil {
		panic(err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.zone[canonical(name)] = r
}

// SetBehavior sets how queries for name are answered.
func (s *Server) SetBehavior(name string, b Behavior) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.behavior[canonical(name)] = b
}

// SetLatency delays every answer by d, on top of any Behavior.Delay.
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latency = d
}

// Queries returns the number of queries received so far, over UDP and TCP
// (a truncated answer retried over TCP counts twice), answered or not.
func (s *Server) Queries() int64 { return s.queries.Load() }
