package probe

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/postino-mail/postino/autoconfig"
	"github.com/postino-mail/postino/autoconfig/resolver"
)

// attemptDelay is how long a connection attempt runs alone before the next
// address is tried in parallel (RFC 8305 section 5, "Connection Attempt
// Delay", recommends 250 ms).
const attemptDelay = 250 * time.Millisecond

// aLongTimeAgo is a deadline in the past: setting it interrupts blocked reads
// and writes at once.
var aLongTimeAgo = time.Unix(1, 0)

// bindContext makes every read and write on c end at ctx's deadline, and at
// once when ctx is cancelled. The returned function undoes the cancellation
// hook (the deadline stays).
func bindContext(ctx context.Context, c net.Conn) (stop func() bool) {
	if d, ok := ctx.Deadline(); ok {
		c.SetDeadline(d)
	}
	return context.AfterFunc(ctx, func() { c.SetDeadline(aLongTimeAgo) })
}

// resolve looks up the server's addresses (A and AAAA) and records the
// resolve phase. An IP literal needs no lookup and records no phase.
func (s *session) resolve(ctx context.Context) ([]net.IP, error) {
	if ip := net.ParseIP(s.host); ip != nil {
		return []net.IP{ip}, nil
	}
	var ips []net.IP
	err := s.phase(autoconfig.PhaseResolve, func(ph *autoconfig.Phase) error {
		all, err := s.p.resolve(ctx, s.host)
		if err != nil {
			kind := dnsKind(ctx, err)
			switch kind {
			case KindNXDomain:
				if errors.Is(err, resolver.ErrNoAddress) {
					return &probeError{kind: kind, msg: fmt.Sprintf("%s has no address record (A or AAAA) in DNS", s.host), err: err}
				}
				return &probeError{kind: kind, msg: fmt.Sprintf("%s does not exist in DNS (NXDOMAIN)", s.host), err: err}
			case KindTimeout:
				return &probeError{kind: kind, msg: fmt.Sprintf("DNS lookup of %s timed out", s.host), err: err}
			case KindCanceled:
				return &probeError{kind: kind, msg: "probe canceled", err: err}
			}
			return &probeError{kind: kind, msg: fmt.Sprintf("DNS lookup of %s failed", s.host), err: err}
		}
		for _, ip := range all {
			if s.p.network == "tcp4" && ip.To4() == nil || s.p.network == "tcp6" && ip.To4() != nil {
				continue
			}
			ips = append(ips, ip)
		}
		ph.Detail = joinIPs(ips)
		if len(ips) == 0 {
			fam := "A or AAAA"
			switch s.p.network {
			case "tcp4":
				fam = "A (IPv4)"
			case "tcp6":
				fam = "AAAA (IPv6)"
			}
			return failf(KindNXDomain, "%s has no %s record", s.host, fam)
		}
		return nil
	})
	return ips, err
}

func joinIPs(ips []net.IP) string {
	s := make([]string, len(ips))
	for i, ip := range ips {
		s[i] = ip.String()
	}
	return strings.Join(s, ", ")
}

// interleave orders addresses for connecting: the resolver's first address
// first, then alternating between the two families (RFC 8305 section 4).
func interleave(ips []net.IP) []net.IP {
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

// connect opens a TCP connection to the first address that answers, trying
// the next address every attemptDelay or as soon as one fails (happy
// eyeballs), and records the connect phase with the address that won.
func (s *session) connect(ctx context.Context, ips []net.IP) (net.Conn, error) {
	port := strconv.Itoa(s.srv.Port)
	addrs := make([]string, 0, len(ips))
	for _, ip := range interleave(ips) {
		addrs = append(addrs, net.JoinHostPort(ip.String(), port))
	}
	var conn net.Conn
	err := s.phase(autoconfig.PhaseConnect, func(ph *autoconfig.Phase) error {
		c, addr, errs := s.race(ctx, addrs)
		var failed []string
		for i, e := range errs {
			if e != nil {
				failed = append(failed, fmt.Sprintf("%s: %s", addrs[i], describeDialErr(ctx, e)))
			}
		}
		if c != nil {
			conn, s.addr, ph.Address = c, addr, addr
			if len(failed) > 0 {
				ph.Detail = "after " + strings.Join(failed, "; ")
			}
			return nil
		}
		return s.dialFailure(ctx, addrs, errs)
	})
	return conn, err
}

// race runs the connection attempts. errs[i] is the error of addrs[i], nil
// for the winner and for attempts never started or abandoned.
func (s *session) race(ctx context.Context, addrs []string) (net.Conn, string, []error) {
	type result struct {
		i    int
		conn net.Conn
		err  error
	}
	dctx, cancel := context.WithCancel(ctx)
	defer cancel()
	results := make(chan result, len(addrs))
	errs := make([]error, len(addrs))
	next, pending := 0, 0
	start := func() {
		i := next
		next++
		pending++
		go func() {
			defer catchPanic(dctx)
			c, err := s.p.dial(dctx, "tcp", addrs[i])
			results <- result{i, c, err}
		}()
	}
	// abandon closes the connections of attempts still running once they end.
	abandon := func() {
		cancel()
		go func(n int) {
			defer catchPanic(ctx)
			for ; n > 0; n-- {
				if r := <-results; r.conn != nil {
					r.conn.Close()
				}
			}
		}(pending)
	}
	timer := time.NewTimer(attemptDelay)
	defer timer.Stop()
	start()
	for pending > 0 {
		select {
		case r := <-results:
			pending--
			if r.err == nil {
				abandon()
				return r.conn, addrs[r.i], errs
			}
			errs[r.i] = r.err
			if next < len(addrs) {
				start()
				timer.Reset(attemptDelay)
			}
		case <-timer.C:
			if next < len(addrs) {
				start()
				timer.Reset(attemptDelay)
			}
		case <-ctx.Done():
			for i := range next {
				if errs[i] == nil {
					errs[i] = ctx.Err()
				}
			}
			abandon()
			return nil, "", errs
		}
	}
	return nil, "", errs
}

// dialFailure turns the errors of every attempt into one probe error. The
// most telling kind wins: refused (something answered) before timeout before
// unreachable.
func (s *session) dialFailure(ctx context.Context, addrs []string, errs []error) error {
	var kind string
	var first error
	rank := map[string]int{KindCanceled: 4, KindRefused: 3, KindTimeout: 2, KindUnreachable: 1}
	var parts []string
	for i, e := range errs {
		if e == nil {
			continue
		}
		k := netKind(ctx, e)
		if k == KindClosed {
			k = KindRefused
		}
		if rank[k] > rank[kind] {
			kind, first = k, e
		}
		parts = append(parts, fmt.Sprintf("%s %s", addrs[i], describeDialErr(ctx, e)))
	}
	if kind == "" {
		kind = KindUnreachable
	}
	msg := "connection to " + strings.Join(parts, "; ")
	if len(parts) > 1 {
		msg = fmt.Sprintf("could not connect to any of %d addresses: %s", len(parts), strings.Join(parts, "; "))
	}
	switch kind {
	case KindRefused:
		msg += fmt.Sprintf(" (nothing listens on port %d there, or a firewall rejects it)", s.srv.Port)
	case KindTimeout:
		msg += fmt.Sprintf(" (a firewall drops the packets%s)", port25Note(s.srv.Port))
	}
	return &probeError{kind: kind, msg: msg, err: first}
}

func port25Note(port int) string {
	if port == 25 {
		return ", or the network blocks outgoing port 25"
	}
	return ""
}

func describeDialErr(ctx context.Context, err error) string {
	switch netKind(ctx, err) {
	case KindRefused, KindClosed:
		return "refused"
	case KindTimeout:
		return "timed out"
	case KindCanceled:
		return "canceled"
	}
	msg := err.Error()
	if i := strings.LastIndex(msg, ": "); i >= 0 {
		msg = msg[i+2:]
	}
	return msg
}
