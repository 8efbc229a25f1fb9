package bench

import (
	"context"
	"net"
	"os"
	"sync"
	"syscall"
	"time"
)

// latencyNet is the TCP half of the latency injector. Its Dial fits
// resolver.Dialer.Dial: it maps every IP:port the code under test dials
// onto an in-process listener, through a delayProxy, so that
//
//   - connecting costs one RTT (SYN out, SYN-ACK back), refused or not;
//   - every byte written in either direction arrives RTT/2 later;
//   - the server sees the connection half an RTT after the client does
//     (when the client's ACK would reach it), so a server that speaks
//     first is heard one RTT after connect returns, as on a real network.
//
// Each direction is a queue of chunks stamped with their arrival time, so
// bytes written back to back (pipelining, a TLS flight, an HTTP/2 preface
// and request) arrive together, and nothing sleeps per read: a round trip
// costs one RTT however the bytes are split.
//
// Addresses with no route are refused, after one RTT: nothing the code
// dials ever leaves loopback.
type latencyNet struct {
	rtt time.Duration

	mu      sync.Mutex
	routes  map[string]*delayProxy // "ip:port" → proxy in front of a listener
	proxies []*delayProxy
}

func newLatencyNet(rtt time.Duration) *latencyNet {
	return &latencyNet{rtt: rtt, routes: map[string]*delayProxy{}}
}

// Route makes connections to addr ("ip:port") reach backend, a loopback
// listener's address.
func (n *latencyNet) Route(addr, backend string) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	p := &delayProxy{ln: ln, backend: backend, half: n.rtt / 2, conns: map[net.Conn]struct{}{}}
	n.mu.Lock()
	n.routes[addr] = p
	n.proxies = append(n.proxies, p)
	n.mu.Unlock()
	p.wg.Add(1)
	go p.serve()
	return nil
}

// Dial connects to address ("ip:port") through its route, after one RTT.
func (n *latencyNet) Dial(ctx context.Context, network, address string) (net.Conn, error) {
	t := time.NewTimer(n.rtt)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
		return nil, &net.OpError{Op: "dial", Net: network, Err: ctx.Err()}
	}
	n.mu.Lock()
	p := n.routes[address]
	n.mu.Unlock()
	if p == nil {
		return nil, &net.OpError{Op: "dial", Net: network, Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
	}
	var d net.Dialer
	return d.DialContext(ctx, "tcp", p.ln.Addr().String())
}

// Close stops every proxy and closes every connection through them.
func (n *latencyNet) Close() {
	n.mu.Lock()
	ps := n.proxies
	n.mu.Unlock()
	for _, p := range ps {
		p.close()
	}
}

// delayProxy accepts connections from the client side and relays each to
// backend, delaying both directions.
type delayProxy struct {
	ln      net.Listener
	backend string
	half    time.Duration // RTT/2: the one-way delay
	// charge is a connect's cost put on the first bytes instead, for
	// clients whose connect the proxy cannot delay (realproxy_test.go);
	// zero when the dial itself waited (latencyNet.Dial).
	charge time.Duration
	wg     sync.WaitGroup

	mu     sync.Mutex
	conns  map[net.Conn]struct{}
	closed bool
}

func (p *delayProxy) serve() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.wg.Add(1)
		go p.relay(c)
	}
}

// track registers c so close can interrupt it; false once closed.
func (p *delayProxy) track(c net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return false
	}
	p.conns[c] = struct{}{}
	return true
}

func (p *delayProxy) untrack(c net.Conn) {
	p.mu.Lock()
	delete(p.conns, c)
	p.mu.Unlock()
	c.Close()
}

func (p *delayProxy) relay(client net.Conn) {
	defer p.wg.Done()
	accepted := time.Now()
	if !p.track(client) {
		client.Close()
		return
	}
	defer p.untrack(client)
	server, err := net.Dial("tcp", p.backend)
	if err != nil {
		return
	}
	if !p.track(server) {
		server.Close()
		return
	}
	defer p.untrack(server)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); pump(server, client, p.half, accepted.Add(p.charge)) }()
	// The server could not have written before the client's ACK reached
	// it, half an RTT after the client's connect returned.
	go func() { defer wg.Done(); pump(client, server, p.half, accepted.Add(p.charge+p.half)) }()
	wg.Wait()
}

// Close stops the proxy and closes every connection through it.
func (p *delayProxy) Close() error { p.close(); return nil }

func (p *delayProxy) close() {
	p.mu.Lock()
	p.closed = true
	for c := range p.conns {
		c.Close()
	}
	p.mu.Unlock()
	p.ln.Close()
	p.wg.Wait()
}

// chunk is bytes in flight, or the end of the stream (b == nil).
type chunk struct {
	b  []byte
	at time.Time // when it arrives at the other end
}

// pump copies src to dst, each chunk delivered delay after it was read (and
// not before notBefore+delay). The end of src becomes a half-close of dst.
func pump(dst, src net.Conn, delay time.Duration, notBefore time.Time) {
	q := make(chan chunk, 1024) // far more than any exchange here keeps in flight
	go func() {
		defer close(q)
		for {
			buf := make([]byte, 32<<10)
			n, err := src.Read(buf)
			now := time.Now()
			if now.Before(notBefore) {
				now = notBefore
			}
			if n > 0 {
				q <- chunk{b: buf[:n], at: now.Add(delay)}
			}
			if err != nil {
				q <- chunk{at: now.Add(delay)}
				return
			}
		}
	}()
	broken := false
	for c := range q {
		if broken {
			continue // drain until the reader sees src closed
		}
		if d := time.Until(c.at); d > 0 {
			time.Sleep(d)
		}
		if c.b == nil {
			dst.(*net.TCPConn).CloseWrite()
			continue
		}
		if _, err := dst.Write(c.b); err != nil {
			// The other end is gone: stop reading this one too.
			broken = true
			src.Close()
			dst.Close()
		}
	}
}
