package bench

import (
	"bufio"
	"io"
	"net"
	"testing"
	"time"
)

// The connect-delaying proxy's own tests, lower bounds only (see
// latency_unit_test.go).

// startProxied serves handle on a loopback listener behind a
// connect-delaying proxy on 127.0.0.1 and returns the proxy's address.
func startProxied(t *testing.T, handle func(net.Conn)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { defer c.Close(); handle(c) }()
		}
	}()
	p, err := startConnectDelayProxy("127.0.0.1:0", ln.Addr().String(), testRTT)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p.ln.Addr().String()
}

// A server that speaks first is heard two RTTs after the connect started
// (connect 1, the ACK ½, the greeting ½), as through latencyNet.Dial,
// although the connect itself returns at once.
func TestConnectDelayProxyGreeting(t *testing.T) {
	addr := startProxied(t, func(c net.Conn) { io.WriteString(c, "220 hello\r\n") })
	start := time.Now()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil || line != "220 hello\r\n" {
		t.Fatalf("greeting %q, %v", line, err)
	}
	if d := time.Since(start); d < 2*testRTT {
		t.Errorf("greeting after %v, want at least two RTTs (%v)", d, 2*testRTT)
	}
}

// A client that speaks first (a TLS ClientHello) gets its answer two RTTs
// after the connect started, then every exchange costs one RTT.
func TestConnectDelayProxyClientFirst(t *testing.T) {
	addr := startProxied(t, echoLines)
	start := time.Now()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	r := bufio.NewReader(c)
	for i, want := range []time.Duration{2 * testRTT, testRTT, testRTT} {
		if _, err := io.WriteString(c, "ping\n"); err != nil {
			t.Fatal(err)
		}
		if got, err := r.ReadString('\n'); err != nil || got != "ping\n" {
			t.Fatalf("echo %q, %v", got, err)
		}
		if d := time.Since(start); d < want {
			t.Errorf("exchange %d took %v, want at least %v", i, d, want)
		}
		start = time.Now()
	}
}
