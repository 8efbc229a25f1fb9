package bench

import (
	"net"
	"sync"
	"time"
)

// connectDelayProxy puts the latency net's delays (latency_test.go) in
// front of a real server for programs that dial for real, such as the
// postino binary and the monitoring plugins: it listens on an address of
// its own on loopback (an IP:port that stands for the server) and relays
// every connection to backend.
//
// A real connect cannot be delayed from the listening side: on loopback
// it returns at once. So the proxy charges the connect's RTT to the first
// bytes instead, which costs a client the same wall time:
//
//   - the client's bytes reach the server 1.5 RTT after its connect
//     returned (one RTT for the connect it did not wait for, half for the
//     trip), then every later chunk RTT/2 after it was written;
//   - the server's bytes leave no earlier than 1.5 RTT after the connect
//     (when the client's ACK would have reached it) and arrive RTT/2
//     later: a greeting on a plain connection arrives 2 RTT after the
//     connect started, as through latencyNet.Dial.
//
// Everything stays on loopback: the proxy listens on a 127.x address and
// dials only backend.
type connectDelayProxy struct {
	ln      net.Listener
	backend string
	rtt     time.Duration
	wg      sync.WaitGroup

	mu     sync.Mutex
	conns  map[net.Conn]struct{}
	closed bool
}

// startConnectDelayProxy listens on addr and relays to backend.
func startConnectDelayProxy(addr, backend string, rtt time.Duration) (*connectDelayProxy, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	p := &connectDelayProxy{ln: ln, backend: backend, rtt: rtt, conns: map[net.Conn]struct{}{}}
	p.wg.Add(1)
	go p.serve()
	return p, nil
}

func (p *connectDelayProxy) serve() {
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

func (p *connectDelayProxy) track(c net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return false
	}
	p.conns[c] = struct{}{}
	return true
}

func (p *connectDelayProxy) untrack(c net.Conn) {
	p.mu.Lock()
	delete(p.conns, c)
	p.mu.Unlock()
	c.Close()
}

func (p *connectDelayProxy) relay(client net.Conn) {
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
	half := p.rtt / 2
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); pump(server, client, half, accepted.Add(p.rtt)) }()
	go func() { defer wg.Done(); pump(client, server, half, accepted.Add(p.rtt+half)) }()
	wg.Wait()
}

// Close stops the proxy and closes every connection through it.
func (p *connectDelayProxy) Close() error {
	p.mu.Lock()
	p.closed = true
	for c := range p.conns {
		c.Close()
	}
	p.mu.Unlock()
	err := p.ln.Close()
	p.wg.Wait()
	return err
}
