package bench

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"io"
	"net"
	"syscall"
	"testing"
	"time"
)

// The injector's own tests assert lower bounds only: a loaded machine may
// make anything slower, never faster than the latency put on it.

const testRTT = 20 * time.Millisecond

// startBackend serves handle on a loopback listener and routes addr to it.
func startBackend(t *testing.T, n *latencyNet, addr string, handle func(net.Conn)) {
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
	if err := n.Route(addr, ln.Addr().String()); err != nil {
		t.Fatal(err)
	}
}

func newTestNet(t *testing.T) *latencyNet {
	n := newLatencyNet(testRTT)
	t.Cleanup(n.Close)
	return n
}

// echoLines answers every line with the same line.
func echoLines(c net.Conn) {
	r := bufio.NewReader(c)
	for {
		line, err := r.ReadBytes('\n')
		if err != nil {
			return
		}
		if _, err := c.Write(line); err != nil {
			return
		}
	}
}

func TestLatencyConnectCostsOneRTT(t *testing.T) {
	n := newTestNet(t)
	startBackend(t, n, "127.20.0.1:143", echoLines)
	start := time.Now()
	c, err := n.Dial(context.Background(), "tcp", "127.20.0.1:143")
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	if d := time.Since(start); d < testRTT {
		t.Errorf("connect took %v, want at least one RTT (%v)", d, testRTT)
	}

	start = time.Now()
	_, err = n.Dial(context.Background(), "tcp", "127.20.0.1:993")
	if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("dial to a port with no route: %v, want connection refused", err)
	}
	if d := time.Since(start); d < testRTT {
		t.Errorf("refusal took %v, want at least one RTT (%v)", d, testRTT)
	}
}

func TestLatencyDialHonoursContext(t *testing.T) {
	n := newLatencyNet(time.Hour)
	defer n.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := n.Dial(ctx, "tcp", "127.20.0.1:143"); !errors.Is(err, context.Canceled) {
		t.Errorf("dial with a cancelled context: %v", err)
	}
}

func TestLatencyExchangeCostsOneRTT(t *testing.T) {
	n := newTestNet(t)
	startBackend(t, n, "127.20.0.1:143", echoLines)
	c, err := n.Dial(context.Background(), "tcp", "127.20.0.1:143")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	r := bufio.NewReader(c)
	// Wait out the server's half RTT so it cannot shift the measurement.
	time.Sleep(testRTT)
	for _, batch := range [][]string{{"ping\n"}, {"a\n", "b\n", "c\n"}} {
		start := time.Now()
		var out bytes.Buffer
		for _, l := range batch {
			out.WriteString(l)
		}
		if _, err := c.Write(out.Bytes()); err != nil {
			t.Fatal(err)
		}
		for _, want := range batch {
			got, err := r.ReadString('\n')
			if err != nil || got != want {
				t.Fatalf("got %q, %v; want %q", got, err, want)
			}
		}
		d := time.Since(start)
		t.Logf("%d line(s) there and back: %v (RTT %v)", len(batch), d, testRTT)
		if d < testRTT {
			t.Errorf("%d pipelined lines took %v, want at least one RTT (%v)", len(batch), d, testRTT)
		}
	}
}

func TestLatencyServerFirstGreeting(t *testing.T) {
	n := newTestNet(t)
	startBackend(t, n, "127.20.0.1:25", func(c net.Conn) { io.WriteString(c, "220 hello\r\n") })
	start := time.Now()
	c, err := n.Dial(context.Background(), "tcp", "127.20.0.1:25")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	connected := time.Since(start)
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil || line != "220 hello\r\n" {
		t.Fatalf("greeting %q, %v", line, err)
	}
	// connect (1 RTT), then the server learns of the connection half an
	// RTT later and its greeting takes another half.
	d := time.Since(start)
	t.Logf("connect %v, greeting %v (RTT %v)", connected, d, testRTT)
	if d < 2*testRTT {
		t.Errorf("greeting after %v (connect %v), want at least two RTTs (%v)", d, connected, 2*testRTT)
	}
}

func TestLatencyCarriesBulkAndHalfClose(t *testing.T) {
	n := newTestNet(t)
	// The backend echoes everything until the client half-closes, then
	// closes: the client must see every byte, in order, then EOF.
	startBackend(t, n, "127.20.0.1:80", func(c net.Conn) { io.Copy(c, c) })
	c, err := n.Dial(context.Background(), "tcp", "127.20.0.1:80")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	data := make([]byte, 1<<20)
	rand.Read(data)
	go func() {
		c.Write(data)
		c.(*net.TCPConn).CloseWrite()
	}()
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	got, err := io.ReadAll(c)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, data) {
		t.Errorf("got %d bytes back, want the %d sent, in order", len(got), len(data))
	}
}
