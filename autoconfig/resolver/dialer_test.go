package resolver_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/postino-mail/postino/autoconfig/resolver"
	"github.com/postino-mail/postino/autoconfig/resolver/resolvertest"
)

// dialWorld is a zone of test hosts with documentation addresses that the
// Dial hooks below map onto loopback.
var dialWorld = resolvertest.Zone{
	"mail.test":   {A: []string{"192.0.2.1", "192.0.2.2"}, AAAA: []string{"2001:db8::1", "2001:db8::2"}},
	"v4only.test": {A: []string{"192.0.2.1"}},
	"v6only.test": {AAAA: []string{"2001:db8::1"}},
	"nodata.test": {TXT: []string{"no addresses here"}},
	"fail.test":   {A: []string{"192.0.2.1"}},
}

func newDialer(t *testing.T) *resolver.Dialer {
	t.Helper()
	s := resolvertest.NewServer(t, dialWorld)
	s.SetBehavior("fail.test", resolvertest.Behavior{ServFail: true})
	return &resolver.Dialer{Resolver: client(t, s), FallbackDelay: 20 * time.Millisecond}
}

// listen returns a loopback TCP listener that accepts and holds
// connections until the test ends.
func listen(t *testing.T, network, addr string) net.Listener {
	t.Helper()
	l, err := net.Listen(network, addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { c.Close() })
		}
	}()
	return l
}

// attempts records the addresses a Dial hook was asked for.
type attempts struct {
	mu    sync.Mutex
	addrs []string
}

func (a *attempts) add(addr string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.addrs = append(a.addrs, addr)
}

func (a *attempts) get() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return slices.Clone(a.addrs)
}

func TestResolveOrder(t *testing.T) {
	t.Parallel()
	d := newDialer(t)
	ctx := deadline(t, 5*time.Second)
	tests := []struct {
		host   string
		family resolver.Family
		want   string
	}{
		{"mail.test", "", "[2001:db8::1 192.0.2.1 2001:db8::2 192.0.2.2]"},
		{"mail.test", resolver.IPv4, "[192.0.2.1 192.0.2.2]"},
		{"mail.test", resolver.IPv6, "[2001:db8::1 2001:db8::2]"},
		{"v4only.test", "", "[192.0.2.1]"},
		{"192.0.2.55", "", "[192.0.2.55]"},
		{"::1", "", "[::1]"},
	}
	for _, tt := range tests {
		d.Family = tt.family
		got, err := d.Resolve(ctx, tt.host)
		if err != nil || fmt.Sprint(got) != tt.want {
			t.Errorf("Resolve(%s, family %q) = %v, %v; want %s", tt.host, tt.family, got, err, tt.want)
		}
	}
}

func TestResolveErrors(t *testing.T) {
	t.Parallel()
	d := newDialer(t)
	ctx := deadline(t, 5*time.Second)
	tests := []struct {
		host    string
		family  resolver.Family
		wantErr error
	}{
		{"missing.test", "", resolver.ErrNotFound},
		{"fail.test", "", resolver.ErrServFail},
		{"nodata.test", "", resolver.ErrNoAddress},
		{"v4only.test", resolver.IPv6, resolver.ErrNoAddress},
		{"v6only.test", resolver.IPv4, resolver.ErrNoAddress},
	}
	for _, tt := range tests {
		d.Family = tt.family
		got, err := d.Resolve(ctx, tt.host)
		if !errors.Is(err, tt.wantErr) || !strings.Contains(fmt.Sprint(err), tt.host) {
			t.Errorf("Resolve(%s, family %q) = %v, %v; want %v naming the host", tt.host, tt.family, got, err, tt.wantErr)
		}
	}
	d.Family = resolver.IPv6
	if _, err := d.Resolve(ctx, "192.0.2.1"); err == nil {
		t.Errorf("Resolve(IPv4 literal, family ip6) succeeded, want an error")
	}
	if _, err := (&resolver.Dialer{}).Resolve(ctx, "mail.test"); err == nil {
		t.Errorf("Resolve without a Resolver succeeded, want an error")
	}
}

// TestDialMapsAddresses dials a name whose IPv6 address refuses and whose
// IPv4 address the hook maps to a loopback listener.
func TestDialMapsAddresses(t *testing.T) {
	t.Parallel()
	l := listen(t, "tcp", "127.0.0.1:0")
	d := newDialer(t)
	var tried attempts
	d.Dial = func(ctx context.Context, network, addr string) (net.Conn, error) {
		tried.add(addr)
		if addr == "192.0.2.1:993" {
			var nd net.Dialer
			return nd.DialContext(ctx, network, l.Addr().String())
		}
		return nil, &net.OpError{Op: "dial", Net: network, Err: syscall.ECONNREFUSED}
	}
	d.FallbackDelay = time.Hour // A failure must start the next attempt at once.
	conn, err := d.DialContext(deadline(t, 5*time.Second), "tcp", "mail.test:993")
	if err != nil {
		t.Fatalf("DialContext: %v", err)
	}
	conn.Close()
	if got, want := tried.get(), []string{"[2001:db8::1]:993", "192.0.2.1:993"}; !slices.Equal(got, want) {
		t.Errorf("attempts = %v, want %v", got, want)
	}
}

// TestHappyEyeballs starts the IPv4 attempt while the IPv6 one hangs, lets
// IPv4 win, and checks that the IPv6 attempt is cancelled and its late
// connection closed.
func TestHappyEyeballs(t *testing.T) {
	t.Parallel()
	d := newDialer(t)
	d.FallbackDelay = 10 * time.Millisecond
	loser := make(chan net.Conn, 4) // the far ends of late IPv6 connections
	d.Dial = func(ctx context.Context, network, addr string) (net.Conn, error) {
		near, far := net.Pipe()
		if strings.HasPrefix(addr, "[") {
			<-ctx.Done()
			loser <- far
			return near, nil // Misbehave: connect although cancelled.
		}
		go io.Copy(io.Discard, far)
		return near, nil
	}
	ctx := deadline(t, 5*time.Second)
	conn, err := d.DialContext(ctx, "tcp", "v4only.test:993")
	if err != nil {
		t.Fatalf("DialContext(v4only.test): %v", err)
	}
	conn.Close()

	conn, err = d.DialContext(ctx, "tcp", "mail.test:993")
	if err != nil {
		t.Fatalf("DialContext(mail.test): %v", err)
	}
	defer conn.Close()
	if _, err := conn.Write([]byte("x")); err != nil {
		t.Errorf("winning connection: %v", err)
	}
	select {
	case far := <-loser:
		// The near end must get closed: reading the far end then fails.
		far.SetReadDeadline(time.Now().Add(5 * time.Second))
		if _, err := far.Read(make([]byte, 1)); !errors.Is(err, io.EOF) {
			t.Errorf("losing connection: read = %v, want EOF (closed)", err)
		}
	case <-ctx.Done():
		t.Fatalf("the losing IPv6 attempt was not cancelled")
	}
}

func TestDialAllFail(t *testing.T) {
	t.Parallel()
	d := newDialer(t)
	closed := closedPort(t, "tcp")
	d.Dial = func(ctx context.Context, network, addr string) (net.Conn, error) {
		var nd net.Dialer
		return nd.DialContext(ctx, network, closed)
	}
	_, err := d.DialContext(deadline(t, 5*time.Second), "tcp", "mail.test:993")
	var oe *net.OpError
	if err == nil || !errors.As(err, &oe) || !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("DialContext = %v, want a *net.OpError for connection refused", err)
	}
	for _, part := range []string{"resolver: dial mail.test:993", "all 4 addresses failed", "connection refused"} {
		if !strings.Contains(err.Error(), part) {
			t.Errorf("error %q does not contain %q", err, part)
		}
	}
}

func TestDialResolverError(t *testing.T) {
	t.Parallel()
	d := newDialer(t)
	ctx := deadline(t, 5*time.Second)
	for host, kind := range map[string]string{"missing.test": "nxdomain", "fail.test": "servfail"} {
		_, err := d.DialContext(ctx, "tcp", host+":993")
		if got := resolver.Kind(err); got != kind || !strings.Contains(fmt.Sprint(err), host+":993") {
			t.Errorf("DialContext(%s) = %v (kind %q), want kind %q naming the address", host, err, got, kind)
		}
	}
	if _, err := d.DialContext(ctx, "tcp", "mail.test"); err == nil {
		t.Errorf("DialContext(no port) succeeded, want an error")
	}
}

func TestDialDeadline(t *testing.T) {
	t.Parallel()
	d := newDialer(t)
	d.Dial = func(ctx context.Context, network, addr string) (net.Conn, error) {
		<-ctx.Done()
		return nil, ctx.Err()
	}
	outer := deadline(t, 3*time.Second)
	ctx, cancel := context.WithTimeout(outer, 100*time.Millisecond)
	defer cancel()
	_, err := d.DialContext(ctx, "tcp", "mail.test:993")
	if !errors.Is(err, context.DeadlineExceeded) || resolver.Kind(err) != "timeout" {
		t.Errorf("DialContext past its deadline = %v, want context.DeadlineExceeded", err)
	}
	if outer.Err() != nil {
		t.Errorf("DialContext under a 100ms deadline still ran after 3s")
	}
}

func TestDialFamily(t *testing.T) {
	t.Parallel()
	d := newDialer(t)
	var tried attempts
	d.Dial = func(ctx context.Context, network, addr string) (net.Conn, error) {
		tried.add(network + " " + addr)
		return nil, errors.New("refused by test")
	}
	ctx := deadline(t, 5*time.Second)

	d.Family = resolver.IPv4
	d.DialContext(ctx, "tcp", "mail.test:25")
	d.Family = ""
	d.DialContext(ctx, "tcp6", "mail.test:26")
	want := []string{"tcp 192.0.2.1:25", "tcp 192.0.2.2:25", "tcp6 [2001:db8::1]:26", "tcp6 [2001:db8::2]:26"}
	if got := tried.get(); !slices.Equal(got, want) {
		t.Errorf("attempts = %v, want %v", got, want)
	}

	d.Family = resolver.IPv6
	if _, err := d.DialContext(ctx, "tcp4", "mail.test:25"); err == nil {
		t.Errorf("DialContext(tcp4) with Family ip6 succeeded, want an error")
	}
	if _, err := d.DialContext(ctx, "tcp", "192.0.2.1:25"); err == nil {
		t.Errorf("DialContext(IPv4 literal) with Family ip6 succeeded, want an error")
	}
	if _, err := d.DialContext(ctx, "tcp", "v4only.test:25"); !errors.Is(err, resolver.ErrNoAddress) {
		t.Errorf("DialContext(v4only.test) with Family ip6 = %v, want ErrNoAddress", err)
	}
}

// TestDialLoopback dials real loopback listeners with the default dialer:
// an IP literal without a resolver, a name whose IPv6 address refuses (or
// does not exist) so IPv4 wins, and, if ::1 can be bound, a name that
// reaches an IPv6-only listener.
func TestDialLoopback(t *testing.T) {
	t.Parallel()
	l4 := listen(t, "tcp", "127.0.0.1:0")
	ctx := deadline(t, 5*time.Second)

	conn, err := (&resolver.Dialer{}).DialContext(ctx, "tcp", l4.Addr().String())
	if err != nil {
		t.Fatalf("DialContext(%s) without a resolver: %v", l4.Addr(), err)
	}
	conn.Close()

	s := resolvertest.NewServer(t, resolvertest.Zone{"both.test": {A: []string{"127.0.0.1"}, AAAA: []string{"::1"}}})
	d := &resolver.Dialer{Resolver: client(t, s)}
	_, port, _ := net.SplitHostPort(l4.Addr().String())
	conn, err = d.DialContext(ctx, "tcp", "both.test:"+port)
	if err != nil {
		t.Fatalf("DialContext(both.test:%s), IPv4 listener: %v", port, err)
	}
	if got := conn.RemoteAddr().String(); got != l4.Addr().String() {
		t.Errorf("connected to %s, want %s", got, l4.Addr())
	}
	conn.Close()

	l6, err := net.Listen("tcp", "[::1]:0")
	if err != nil {
		t.Skipf("cannot listen on ::1: %v", err)
	}
	l6.Close()
	l6 = listen(t, "tcp", l6.Addr().String())
	_, port, _ = net.SplitHostPort(l6.Addr().String())
	conn, err = d.DialContext(ctx, "tcp", "both.test:"+port)
	if err != nil {
		t.Fatalf("DialContext(both.test:%s), IPv6 listener: %v", port, err)
	}
	if got := conn.RemoteAddr().String(); got != l6.Addr().String() {
		t.Errorf("connected to %s, want %s", got, l6.Addr())
	}
	conn.Close()
}
