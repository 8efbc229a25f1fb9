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

// connect opens a TCP connection to the first address that answers, racing
// them as RFC 8305 does (resolver.Race), and records the connect phase with
// the address that won and the attempts that failed before it.
func (s *session) connect(ctx context.Context, ips []net.IP) (net.Conn, error) {
	port := strconv.Itoa(s.srv.Port)
	addrs := make([]string, 0, len(ips))
	for _, ip := range resolver.Interleave(ips) {
		addrs = append(addrs, net.JoinHostPort(ip.String(), port))
	}
	var conn net.Conn
	err := s.phase(autoconfig.PhaseConnect, func(ph *autoconfig.Phase) error {
		a := resolver.Race(ctx, addrs, 0, s.dialAttempt)
		var failed []string
		for i, e := range a.Errs {
			if e != nil {
				failed = append(failed, fmt.Sprintf("%s: %s", addrs[i], describeDialErr(ctx, e)))
			}
		}
		if a.Conn != nil {
			conn, s.addr, ph.Address = a.Conn, addrs[a.Winner], addrs[a.Winner]
			if len(failed) > 0 {
				ph.Detail = "after " + strings.Join(failed, "; ")
			}
			return nil
		}
		return s.dialFailure(ctx, addrs, a.Errs)
	})
	return conn, err
}

// errAttemptPanicked is the error of a connection attempt that panicked;
// the probe's guard has the panic and fails the probe with it.
var errAttemptPanicked = errors.New("probe: connection attempt panicked")

// dialAttempt is one attempt of connect's race, in a goroutine the race
// starts: a panic goes to the probe's guard (catchPanic), and the attempt
// fails with errAttemptPanicked, set before the dial so that it stays
// when the dial panics.
func (s *session) dialAttempt(ctx context.Context, addr string) (c net.Conn, err error) {
	err = errAttemptPanicked
	defer catchPanic(ctx)
	return s.p.dial(ctx, "tcp", addr)
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
