package resolver_test

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/postino-mail/postino/autoconfig/resolver"
	"github.com/postino-mail/postino/autoconfig/resolver/resolvertest"
)

// client returns a Client asking s.
func client(t *testing.T, s *resolvertest.Server) *resolver.Client {
	t.Helper()
	c, err := resolver.New(s.Addr())
	if err != nil {
		t.Fatalf("New(%s): %v", s.Addr(), err)
	}
	return c
}

// deadline returns a context that ends after d and with the test.
func deadline(t *testing.T, d time.Duration) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// serveUDP answers UDP queries on 127.0.0.1 with h, for answers the
// resolvertest server cannot give, and returns its address.
func serveUDP(t *testing.T, h dns.HandlerFunc) string {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	started := make(chan struct{})
	srv := &dns.Server{PacketConn: pc, Handler: h, NotifyStartedFunc: func() { close(started) }}
	go srv.ActivateAndServe()
	<-started
	t.Cleanup(func() { srv.Shutdown() })
	return pc.LocalAddr().String()
}

// closedPort returns a loopback address on which nothing listens.
func closedPort(t *testing.T, network string) string {
	t.Helper()
	switch network {
	case "udp":
		pc, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer pc.Close()
		return pc.LocalAddr().String()
	default:
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		return l.Addr().String()
	}
}
