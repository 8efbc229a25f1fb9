package probetest

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strconv"
	"sync"
	"testing"
)

// TLSMode says how an in-process test server offers TLS.
type TLSMode int

const (
	Plain       TLSMode = iota // no TLS at all
	StartTLS                   // plain text, upgraded with STARTTLS / STLS
	ImplicitTLS                // TLS from the first byte
)

func (m TLSMode) String() string {
	switch m {
	case StartTLS:
		return "starttls"
	case ImplicitTLS:
		return "tls"
	}
	return "none"
}

// listen opens a TCP listener on addr (default 127.0.0.1:0), wrapped in TLS
// for ImplicitTLS.
func listen(addr string, mode TLSMode, cfg *tls.Config) (net.Listener, error) {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	if mode != Plain && cfg == nil {
		return nil, fmt.Errorf("probetest: TLS mode %s needs a TLSConfig", mode)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	if mode == ImplicitTLS {
		ln = tls.NewListener(ln, cfg)
	}
	return ln, nil
}

func portOf(addr string) int {
	_, p, _ := net.SplitHostPort(addr)
	n, _ := strconv.Atoi(p)
	return n
}

// ConnServer runs a handler for every connection accepted on a listener,
// and on Close shuts the listener and every connection and waits for the
// handlers. The POP3 server and the broken servers are ConnServers.
type ConnServer struct {
	// Addr is the address the server listens on, 127.0.0.1:port.
	Addr string

	ln     net.Listener
	handle func(net.Conn)
	wg     sync.WaitGroup
	mu     sync.Mutex
	conns  map[net.Conn]struct{}
	closed bool
}

// Serve starts a ConnServer on ln.
func Serve(ln net.Listener, handle func(net.Conn)) *ConnServer {
	s := &ConnServer{Addr: ln.Addr().String(), ln: ln, handle: handle, conns: map[net.Conn]struct{}{}}
	s.wg.Add(1)
	go s.accept()
	return s
}

// ServeAddr listens on addr ("" for 127.0.0.1:0) and starts a ConnServer.
func ServeAddr(addr string, handle func(net.Conn)) (*ConnServer, error) {
	ln, err := listen(addr, Plain, nil)
	if err != nil {
		return nil, err
	}
	return Serve(ln, handle), nil
}

// Port is the port the server listens on.
func (s *ConnServer) Port() int { return portOf(s.Addr) }

func (s *ConnServer) accept() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			return
		}
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			c.Close()
			return
		}
		s.conns[c] = struct{}{}
		s.wg.Add(1)
		s.mu.Unlock()
		go func() {
			defer s.wg.Done()
			defer func() {
				s.mu.Lock()
				delete(s.conns, c)
				s.mu.Unlock()
				c.Close()
			}()
			s.handle(c)
		}()
	}
}

// Close stops the server: the listener and every open connection.
func (s *ConnServer) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	err := s.ln.Close()
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
	return err
}

// tbServer is the testing.TB side of the helpers: fail the test on err, close
// the server at the end of the test.
func tbServer[T interface{ Close() error }](t testing.TB, v T, err error) T {
	t.Helper()
	if err != nil {
		t.Fatalf("probetest: %v", err)
	}
	t.Cleanup(func() { v.Close() })
	return v
}
