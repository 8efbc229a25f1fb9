package resolver_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"syscall"
	"testing"
	"time"

	"github.com/postino-mail/postino/autoconfig/resolver"
)

func TestInterleave(t *testing.T) {
	ip := net.ParseIP
	for _, tt := range []struct {
		in   []net.IP
		want string
	}{
		{[]net.IP{ip("2001:db8::1"), ip("2001:db8::2"), ip("192.0.2.1"), ip("192.0.2.2")}, "[2001:db8::1 192.0.2.1 2001:db8::2 192.0.2.2]"},
		// The first address's family leads, whichever it is.
		{[]net.IP{ip("192.0.2.1"), ip("192.0.2.2"), ip("192.0.2.3"), ip("2001:db8::1")}, "[192.0.2.1 2001:db8::1 192.0.2.2 192.0.2.3]"},
		{[]net.IP{ip("192.0.2.1")}, "[192.0.2.1]"},
		{nil, "[]"},
	} {
		if got := fmt.Sprint(resolver.Interleave(tt.in)); got != tt.want {
			t.Errorf("Interleave(%v) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

// TestRaceReportsEveryAttempt: Race says which address won and why each
// address tried before it failed, by index.
func TestRaceReportsEveryAttempt(t *testing.T) {
	t.Parallel()
	l := listen(t, "tcp", "127.0.0.1:0")
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
	addrs := []string{"a:1", "b:1", "c:1", "d:1"}
	dial := func(ctx context.Context, addr string) (net.Conn, error) {
		if addr == "c:1" {
			var nd net.Dialer
			return nd.DialContext(ctx, "tcp", l.Addr().String())
		}
		return nil, refused
	}
	a := resolver.Race(deadline(t, 5*time.Second), addrs, time.Hour, dial)
	if a.Conn == nil {
		t.Fatalf("Race = %+v, want c:1 to win", a)
	}
	a.Conn.Close()
	if a.Winner != 2 || a.Tried != 3 || a.Err != nil {
		t.Errorf("Race: winner %d, tried %d, err %v; want 2, 3, nil", a.Winner, a.Tried, a.Err)
	}
	for i, want := range []error{refused, refused, nil, nil} {
		if a.Errs[i] != want {
			t.Errorf("Errs[%d] (%s) = %v, want %v", i, addrs[i], a.Errs[i], want)
		}
	}
}

// TestRaceEndsWithItsContext: attempts still running when ctx ends fail
// with ctx's error, and Err wraps the last real failure.
func TestRaceEndsWithItsContext(t *testing.T) {
	t.Parallel()
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
	dial := func(ctx context.Context, addr string) (net.Conn, error) {
		if addr == "a:1" {
			return nil, refused
		}
		<-ctx.Done()
		return nil, ctx.Err()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	a := resolver.Race(ctx, []string{"a:1", "b:1", "c:1"}, time.Hour, dial)
	if a.Conn != nil || a.Winner != -1 || a.Tried != 2 {
		t.Fatalf("Race = %+v, want no winner after 2 attempts", a)
	}
	if a.Errs[0] != refused || !errors.Is(a.Errs[1], context.DeadlineExceeded) || a.Errs[2] != nil {
		t.Errorf("Errs = %v, want [refused, deadline exceeded, nil]", a.Errs)
	}
	if !errors.Is(a.Err, context.DeadlineExceeded) || !errors.Is(a.Err, syscall.ECONNREFUSED) {
		t.Errorf("Err = %v, want the deadline wrapping the refusal", a.Err)
	}
}
