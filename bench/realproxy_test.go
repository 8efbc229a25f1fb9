package bench

import (
	"net"
	"time"
)

// startConnectDelayProxy puts the latency net's delays (latency_test.go)
// in front of a real server for programs that dial for real, such as the
// postino binary and the monitoring plugins: it listens on addr, an
// address of its own on loopback that stands for the server, and relays
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
func startConnectDelayProxy(addr, backend string, rtt time.Duration) (*delayProxy, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	p := &delayProxy{ln: ln, backend: backend, half: rtt / 2, charge: rtt, conns: map[net.Conn]struct{}{}}
	p.wg.Add(1)
	go p.serve()
	return p, nil
}
