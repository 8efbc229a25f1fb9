package resolver

import (
	"context"
	"fmt"
	"net"
	"time"
)

// ConnectionAttemptDelay is how long a connection attempt runs alone
// before the next address is tried alongside it: the "Connection Attempt
// Delay" RFC 8305 section 5 recommends.
const ConnectionAttemptDelay = 250 * time.Millisecond

// Interleave orders addresses for connecting as RFC 8305 section 4 does:
// the first address's family first, then alternating between the two
// families, each family in the order given.
func Interleave(ips []net.IP) []net.IP {
	var first, second []net.IP
	for _, ip := range ips {
		if (ip.To4() == nil) == (ips[0].To4() == nil) {
			first = append(first, ip)
		} else {
			second = append(second, ip)
		}
	}
	out := make([]net.IP, 0, len(ips))
	for i := 0; i < len(first) || i < len(second); i++ {
		if i < len(first) {
			out = append(out, first[i])
		}
		if i < len(second) {
			out = append(out, second[i])
		}
	}
	return out
}

// Attempts is what Race did.
type Attempts struct {
	// Conn is the first connection made, nil if none was.
	Conn net.Conn
	// Winner is the index in addrs of Conn's address, -1 without one.
	Winner int
	// Errs[i] is why the attempt on addrs[i] failed: its dial error, or
	// ctx's error for an attempt still running when ctx ended. Nil for
	// the winner and for addresses never tried.
	Errs []error
	// Tried is how many attempts started.
	Tried int
	// Err is nil with a winner; otherwise the error of the attempt that
	// failed last or, when ctx ended the race, ctx's error (wrapping that
	// last failure, if there was one).
	Err error
}

// Race connects to one of addrs, in the manner of RFC 8305 section 5
// (Happy Eyeballs v2): the attempts start in order, the next one when the
// previous fails or after delay (ConnectionAttemptDelay if zero), and the
// first connection wins; the attempts still running are cancelled and
// their connections closed. dial is called in goroutines of Race's own.
func Race(ctx context.Context, addrs []string, delay time.Duration, dial func(ctx context.Context, addr string) (net.Conn, error)) Attempts {
	if delay <= 0 {
		delay = ConnectionAttemptDelay
	}
	dctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type result struct {
		i    int
		conn net.Conn
		err  error
	}
	results := make(chan result, len(addrs)) // attempts never block
	a := Attempts{Winner: -1, Errs: make([]error, len(addrs))}
	running := 0
	start := func() {
		i := a.Tried
		a.Tried++
		running++
		go func() {
			c, err := dial(dctx, addrs[i])
			results <- result{i, c, err}
		}()
	}
	// abandon cancels the attempts still running and closes the
	// connections they make.
	abandon := func() {
		cancel()
		go func(n int) {
			for ; n > 0; n-- {
				if r := <-results; r.conn != nil {
					r.conn.Close()
				}
			}
		}(running)
	}
	timer := time.NewTimer(delay)
	defer timer.Stop()
	if len(addrs) > 0 {
		start()
	}
	for running > 0 {
		select {
		case r := <-results:
			running--
			if r.err == nil {
				abandon()
				a.Conn, a.Winner, a.Err = r.conn, r.i, nil
				return a
			}
			a.Errs[r.i], a.Err = r.err, r.err
			if a.Tried < len(addrs) {
				start()
				timer.Reset(delay)
			}
		case <-timer.C:
			if a.Tried < len(addrs) {
				start()
				timer.Reset(delay)
			}
		case <-ctx.Done():
			for i := range a.Tried {
				if a.Errs[i] == nil {
					a.Errs[i] = ctx.Err()
				}
			}
			if a.Err == nil {
				a.Err = ctx.Err()
			} else {
				a.Err = fmt.Errorf("%w (last attempt: %w)", ctx.Err(), a.Err)
			}
			abandon()
			return a
		}
	}
	return a
}
