package resolver_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/postino-mail/postino/autoconfig/resolver"
	"github.com/postino-mail/postino/autoconfig/resolver/resolvertest"
)

func TestLookupSRV(t *testing.T) {
	t.Parallel()
	s := resolvertest.NewServer(t, resolvertest.Zone{
		"_imaps._tcp.example.test": {SRV: []resolvertest.SRV{
			{Target: "IMAP.Example.test.", Port: 993, Priority: 0, Weight: 1},
			{Target: "imap2.example.test", Port: 993, Priority: 10, Weight: 5},
		}},
		"_pop3._tcp.example.test.": {SRV: []resolvertest.SRV{{Target: ".", Port: 0}}},
	})
	c := client(t, s)
	ctx := deadline(t, 5*time.Second)

	for _, name := range []string{"_imaps._tcp.example.test", "_IMAPS._tcp.Example.Test."} {
		got, ans, err := c.LookupSRV(ctx, name)
		if err != nil {
			t.Fatalf("LookupSRV(%s): %v", name, err)
		}
		want := []resolver.SRV{
			{Target: "imap.example.test", Port: 993, Priority: 0, Weight: 1},
			{Target: "imap2.example.test", Port: 993, Priority: 10, Weight: 5},
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("LookupSRV(%s) = %+v, want %+v", name, got, want)
		}
		if ans.Server != s.Addr() || ans.Rcode != dns.RcodeSuccess || ans.Truncated || ans.Authentic {
			t.Errorf("LookupSRV(%s) answer = %+v, want server %s, NOERROR, not truncated, not authentic", name, ans, s.Addr())
		}
	}

	got, _, err := c.LookupSRV(ctx, "_pop3._tcp.example.test")
	if err != nil || len(got) != 1 || got[0].Target != "." {
		t.Errorf(`LookupSRV(_pop3) = %+v, %v; want one record with target "."`, got, err)
	}
}

func TestLookupMX(t *testing.T) {
	t.Parallel()
	s := resolvertest.NewServer(t, resolvertest.Zone{
		"example.test": {MX: []resolvertest.MX{{Host: "mx1.example.test", Pref: 10}, {Host: "MX2.example.test.", Pref: 20}}},
		"null.test":    {MX: []resolvertest.MX{{Host: ".", Pref: 0}}},
	})
	c := client(t, s)
	ctx := deadline(t, 5*time.Second)

	got, _, err := c.LookupMX(ctx, "example.test.")
	want := []resolver.MX{{Host: "mx1.example.test", Pref: 10}, {Host: "mx2.example.test", Pref: 20}}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("LookupMX(example.test) = %+v, %v; want %+v", got, err, want)
	}
	got, _, err = c.LookupMX(ctx, "null.test")
	if want := []resolver.MX{{Host: ".", Pref: 0}}; err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("LookupMX(null.test) = %+v, %v; want the null MX %+v", got, err, want)
	}
}

func TestLookupIP(t *testing.T) {
	t.Parallel()
	s := resolvertest.NewServer(t, resolvertest.Zone{
		"mail.test": {A: []string{"192.0.2.1", "192.0.2.2"}, AAAA: []string{"2001:db8::1"}},
	})
	c := client(t, s)
	ctx := deadline(t, 5*time.Second)

	v4, _, err := c.LookupIP(ctx, "mail.test", resolver.IPv4)
	if err != nil || fmt.Sprint(v4) != "[192.0.2.1 192.0.2.2]" || len(v4[0]) != net.IPv4len {
		t.Errorf("LookupIP(ip4) = %v, %v; want [192.0.2.1 192.0.2.2] as 4-byte addresses", v4, err)
	}
	v6, _, err := c.LookupIP(ctx, "mail.test", resolver.IPv6)
	if err != nil || fmt.Sprint(v6) != "[2001:db8::1]" {
		t.Errorf("LookupIP(ip6) = %v, %v; want [2001:db8::1]", v6, err)
	}
	if _, _, err := c.LookupIP(ctx, "mail.test", "ip5"); err == nil {
		t.Errorf("LookupIP(family ip5) succeeded, want an error")
	}
	if _, _, err := c.LookupIP(ctx, "", resolver.IPv4); err == nil {
		t.Errorf(`LookupIP("") succeeded, want an error`)
	}
}

func TestRcodes(t *testing.T) {
	t.Parallel()
	s := resolvertest.NewServer(t, resolvertest.Zone{
		"nodata.test": {A: []string{"192.0.2.1"}},
		"fail.test":   {A: []string{"192.0.2.1"}},
		"refuse.test": {A: []string{"192.0.2.1"}},
		"notimp.test": {A: []string{"192.0.2.1"}},
	})
	s.SetBehavior("fail.test", resolvertest.Behavior{ServFail: true})
	s.SetBehavior("refuse.test", resolvertest.Behavior{Refused: true})
	s.SetBehavior("notimp.test", resolvertest.Behavior{Rcode: dns.RcodeNotImplemented})
	c := client(t, s)
	ctx := deadline(t, 5*time.Second)

	tests := []struct {
		name      string
		wantErr   error
		wantKind  string
		wantRcode int
	}{
		{"nodata.test", nil, "", dns.RcodeSuccess},
		{"missing.test", resolver.ErrNotFound, "nxdomain", dns.RcodeNameError},
		{"fail.test", resolver.ErrServFail, "servfail", dns.RcodeServerFailure},
		{"refuse.test", resolver.ErrRefused, "refused", dns.RcodeRefused},
		{"notimp.test", resolver.ErrBadRcode, "dns", dns.RcodeNotImplemented},
	}
	for _, tt := range tests {
		got, ans, err := c.LookupSRV(ctx, tt.name)
		if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
			t.Errorf("LookupSRV(%s) error = %v, want %v", tt.name, err, tt.wantErr)
		}
		if len(got) != 0 {
			t.Errorf("LookupSRV(%s) = %v, want no records", tt.name, got)
		}
		if k := resolver.Kind(err); k != tt.wantKind {
			t.Errorf("Kind(LookupSRV(%s)) = %q, want %q", tt.name, k, tt.wantKind)
		}
		if ans.Rcode != tt.wantRcode || ans.Server != s.Addr() {
			t.Errorf("LookupSRV(%s) answer = %+v, want rcode %d from %s", tt.name, ans, tt.wantRcode, s.Addr())
		}
		if err != nil && !strings.Contains(err.Error(), "SRV "+tt.name) {
			t.Errorf("LookupSRV(%s) error %q does not say what was asked", tt.name, err)
		}
	}
}

func TestAuthentic(t *testing.T) {
	t.Parallel()
	s := resolvertest.NewServer(t, resolvertest.Zone{
		"signed.test":   {MX: []resolvertest.MX{{Host: "mx.signed.test", Pref: 1}}},
		"unsigned.test": {MX: []resolvertest.MX{{Host: "mx.unsigned.test", Pref: 1}}},
	})
	s.SetBehavior("signed.test", resolvertest.Behavior{Authentic: true})
	c := client(t, s)
	ctx := deadline(t, 5*time.Second)
	if _, ans, err := c.LookupMX(ctx, "signed.test"); err != nil || !ans.Authentic {
		t.Errorf("LookupMX(signed.test) = %+v, %v; want Authentic", ans, err)
	}
	if _, ans, err := c.LookupMX(ctx, "unsigned.test"); err != nil || ans.Authentic {
		t.Errorf("LookupMX(unsigned.test) = %+v, %v; want not Authentic", ans, err)
	}
}

// TestQueryFlags checks what a query asks for: recursion, EDNS0 with a
// 1232-byte buffer, and the AD bit.
func TestQueryFlags(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var got *dns.Msg
	addr := serveUDP(t, func(w dns.ResponseWriter, req *dns.Msg) {
		mu.Lock()
		got = req.Copy()
		mu.Unlock()
		resp := new(dns.Msg)
		resp.SetReply(req)
		w.WriteMsg(resp)
	})
	c, _ := resolver.New(addr)
	if _, _, err := c.LookupMX(deadline(t, 5*time.Second), "example.test"); err != nil {
		t.Fatalf("LookupMX: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	opt := got.IsEdns0()
	if !got.RecursionDesired || !got.AuthenticatedData || opt == nil || opt.UDPSize() != 1232 || opt.Do() {
		t.Errorf("query = %v, want RD, AD, EDNS0 size 1232 without DO", got)
	}
	if q := got.Question[0]; q.Name != "example.test." || q.Qtype != dns.TypeMX {
		t.Errorf("question = %v, want example.test. MX", q)
	}
}

func TestTruncatedFallsBackToTCP(t *testing.T) {
	t.Parallel()
	var many []resolvertest.SRV
	for i := range 100 {
		many = append(many, resolvertest.SRV{Target: fmt.Sprintf("host-%03d.a-fairly-long-label.example.test", i), Port: 993, Priority: uint16(i)})
	}
	s := resolvertest.NewServer(t, resolvertest.Zone{
		"_imaps._tcp.tc.test":  {SRV: []resolvertest.SRV{{Target: "imap.tc.test", Port: 993}}},
		"_imaps._tcp.big.test": {SRV: many},
	})
	s.SetBehavior("_imaps._tcp.tc.test", resolvertest.Behavior{Truncate: true})
	ctx := deadline(t, 5*time.Second)

	tests := []struct {
		name string
		want int
	}{{"_imaps._tcp.tc.test", 1}, {"_imaps._tcp.big.test", 100}}
	for _, tt := range tests {
		c := client(t, s)
		before := s.Queries()
		got, ans, err := c.LookupSRV(ctx, tt.name)
		if err != nil || len(got) != tt.want || !ans.Truncated {
			t.Errorf("LookupSRV(%s) = %d records, %+v, %v; want %d records, Truncated", tt.name, len(got), ans, err, tt.want)
		}
		if n := s.Queries() - before; n != 2 {
			t.Errorf("LookupSRV(%s) sent %d queries, want 2 (UDP, then TCP)", tt.name, n)
		}
	}
}

func TestTimeouts(t *testing.T) {
	t.Parallel()
	s := resolvertest.NewServer(t, resolvertest.Zone{
		"slow.test": {A: []string{"192.0.2.1"}},
		"drop.test": {A: []string{"192.0.2.1"}},
	})
	s.SetBehavior("slow.test", resolvertest.Behavior{Delay: time.Hour})
	s.SetBehavior("drop.test", resolvertest.Behavior{Drop: true})
	c := client(t, s)

	for _, name := range []string{"slow.test", "drop.test"} {
		const budget = 300 * time.Millisecond
		ctx := deadline(t, budget)
		before := s.Queries()
		_, _, err := c.LookupIP(ctx, name, resolver.IPv4)
		if !errors.Is(err, resolver.ErrTimeout) || resolver.Kind(err) != "timeout" {
			t.Errorf("LookupIP(%s) error = %v, want ErrTimeout", name, err)
		}
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("LookupIP(%s) error = %v, want it to wrap context.DeadlineExceeded", name, err)
		}
		if n := s.Queries() - before; n != 2 {
			t.Errorf("LookupIP(%s) sent %d queries, want 2 (UDP, one retry)", name, n)
		}
	}
}

// TestTimeoutIsPrompt checks that a lookup returns at its deadline: the
// lookup runs under a short deadline inside a much longer one, and must
// finish while the longer one is still running.
func TestTimeoutIsPrompt(t *testing.T) {
	t.Parallel()
	s := resolvertest.NewServer(t, resolvertest.Zone{"drop.test": {A: []string{"192.0.2.1"}}})
	s.SetBehavior("drop.test", resolvertest.Behavior{Drop: true})
	c := client(t, s)
	outer := deadline(t, 3*time.Second)
	inner, cancel := context.WithTimeout(outer, 200*time.Millisecond)
	defer cancel()
	_, _, err := c.LookupIP(inner, "drop.test", resolver.IPv4)
	if !errors.Is(err, resolver.ErrTimeout) {
		t.Errorf("LookupIP error = %v, want ErrTimeout", err)
	}
	if outer.Err() != nil {
		t.Errorf("LookupIP under a 200ms deadline still ran after 3s")
	}
}

func TestRetryUDPOnce(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	seen := 0
	addr := serveUDP(t, func(w dns.ResponseWriter, req *dns.Msg) {
		mu.Lock()
		seen++
		first := seen == 1
		mu.Unlock()
		if first {
			return // Lose the first query.
		}
		resp := new(dns.Msg)
		resp.SetReply(req)
		resp.Answer = append(resp.Answer, &dns.A{Hdr: dns.RR_Header{Name: req.Question[0].Name, Rrtype: dns.TypeA, Class: dns.ClassINET, Ttl: 60}, A: net.IPv4(192, 0, 2, 7)})
		w.WriteMsg(resp)
	})
	c, _ := resolver.New(addr)
	c.SetTimeout(100 * time.Millisecond) // No ctx deadline: the per-exchange timeout applies.
	ips, _, err := c.LookupIP(context.Background(), "retry.test", resolver.IPv4)
	if err != nil || fmt.Sprint(ips) != "[192.0.2.7]" {
		t.Errorf("LookupIP = %v, %v; want [192.0.2.7] after one retry", ips, err)
	}
}

// TestUnreachable documents what a resolver on a closed port gives: on
// Linux the ICMP port-unreachable reply surfaces as "connection refused",
// hence ErrNetwork; where ICMP is filtered the query times out instead
// (ErrTimeout).
func TestUnreachable(t *testing.T) {
	t.Parallel()
	c, _ := resolver.New(closedPort(t, "udp"))
	_, _, err := c.LookupIP(deadline(t, 2*time.Second), "mail.test", resolver.IPv4)
	want := resolver.ErrNetwork
	if runtime.GOOS != "linux" && errors.Is(err, resolver.ErrTimeout) {
		want = resolver.ErrTimeout
	}
	if !errors.Is(err, want) {
		t.Errorf("LookupIP via a closed port: error = %v, want %v", err, want)
	}
	if runtime.GOOS == "linux" && resolver.Kind(err) != "unreachable" {
		t.Errorf("Kind(%v) = %q, want unreachable", err, resolver.Kind(err))
	}
}

func TestFallbackServers(t *testing.T) {
	t.Parallel()
	good := resolvertest.NewServer(t, resolvertest.Zone{"mail.test": {A: []string{"192.0.2.1"}}})
	silent := resolvertest.NewServer(t, resolvertest.Zone{})
	silent.SetBehavior("mail.test", resolvertest.Behavior{Drop: true})

	for _, first := range []string{closedPort(t, "udp"), silent.Addr()} {
		c := resolver.NewServers(first, good.Addr())
		ips, ans, err := c.LookupIP(deadline(t, 800*time.Millisecond), "mail.test", resolver.IPv4)
		if err != nil || len(ips) != 1 || ans.Server != good.Addr() {
			t.Errorf("LookupIP via %s then %s = %v, %+v, %v; want the answer of %[2]s", first, good.Addr(), ips, ans, err)
		}
	}
}

func TestCNAME(t *testing.T) {
	t.Parallel()
	s := resolvertest.NewServer(t, resolvertest.Zone{
		"alias.test":  {CNAME: "mid.test"},
		"mid.test":    {CNAME: "Real.Test."},
		"real.test":   {A: []string{"192.0.2.10"}, AAAA: []string{"2001:db8::10"}},
		"loop-a.test": {CNAME: "loop-b.test"},
		"loop-b.test": {CNAME: "loop-a.test"},
		"away.test":   {CNAME: "gone.test"},
	})
	c := client(t, s)
	ctx := deadline(t, 5*time.Second)

	ips, _, err := c.LookupIP(ctx, "alias.test", resolver.IPv6)
	if err != nil || fmt.Sprint(ips) != "[2001:db8::10]" {
		t.Errorf("LookupIP(alias.test) = %v, %v; want [2001:db8::10]", ips, err)
	}
	if _, _, err := c.LookupIP(ctx, "loop-a.test", resolver.IPv4); err == nil || !strings.Contains(err.Error(), "CNAME") {
		t.Errorf("LookupIP(CNAME loop) error = %v, want a CNAME chain error", err)
	}
	// The server answers away.test with the CNAME only; the target is then
	// asked for, and does not exist.
	if _, _, err := c.LookupIP(ctx, "away.test", resolver.IPv4); !errors.Is(err, resolver.ErrNotFound) || !strings.Contains(err.Error(), "gone.test") {
		t.Errorf("LookupIP(away.test) error = %v, want ErrNotFound for gone.test", err)
	}
}

func TestWrongQuestion(t *testing.T) {
	t.Parallel()
	addr := serveUDP(t, func(w dns.ResponseWriter, req *dns.Msg) {
		resp := new(dns.Msg)
		resp.SetReply(req)
		resp.Question[0].Name = "other.test."
		w.WriteMsg(resp)
	})
	c, _ := resolver.New(addr)
	if _, _, err := c.LookupIP(deadline(t, 5*time.Second), "mail.test", resolver.IPv4); err == nil || !strings.Contains(err.Error(), "another question") {
		t.Errorf("LookupIP answered for another name: error = %v, want a mismatch error", err)
	}
}

// TestCNAMERequery checks that an answer holding only a CNAME leads to a
// query for its target.
func TestCNAMERequery(t *testing.T) {
	t.Parallel()
	addr := serveUDP(t, func(w dns.ResponseWriter, req *dns.Msg) {
		resp := new(dns.Msg)
		resp.SetReply(req)
		hdr := dns.RR_Header{Name: req.Question[0].Name, Class: dns.ClassINET, Ttl: 60}
		switch strings.ToLower(req.Question[0].Name) {
		case "www.test.":
			hdr.Rrtype = dns.TypeCNAME
			resp.Answer = append(resp.Answer, &dns.CNAME{Hdr: hdr, Target: "Host.Cdn.test."})
		case "host.cdn.test.":
			hdr.Rrtype = dns.TypeA
			resp.Answer = append(resp.Answer, &dns.A{Hdr: hdr, A: net.IPv4(192, 0, 2, 99)})
		default:
			resp.Rcode = dns.RcodeNameError
		}
		w.WriteMsg(resp)
	})
	c, _ := resolver.New(addr)
	ips, _, err := c.LookupIP(deadline(t, 5*time.Second), "WWW.test", resolver.IPv4)
	if err != nil || fmt.Sprint(ips) != "[192.0.2.99]" {
		t.Errorf("LookupIP(www.test) = %v, %v; want [192.0.2.99]", ips, err)
	}
}

func TestCache(t *testing.T) {
	t.Parallel()
	s := resolvertest.NewServer(t, resolvertest.Zone{
		"mail.test": {A: []string{"192.0.2.1"}},
		"fail.test": {A: []string{"192.0.2.1"}},
	})
	s.SetBehavior("fail.test", resolvertest.Behavior{ServFail: true})
	c := client(t, s)
	ctx := deadline(t, 5*time.Second)

	count := func(name string, family resolver.Family, n int) int64 {
		before := s.Queries()
		for range n {
			c.LookupIP(ctx, name, family)
		}
		return s.Queries() - before
	}
	if n := count("mail.test", resolver.IPv4, 3); n != 1 {
		t.Errorf("3 lookups of mail.test A sent %d queries, want 1", n)
	}
	if n := count("MAIL.test.", resolver.IPv4, 1); n != 0 {
		t.Errorf("MAIL.test. A after mail.test A sent %d queries, want 0 (cached)", n)
	}
	if n := count("mail.test", resolver.IPv6, 2); n != 1 {
		t.Errorf("2 lookups of mail.test AAAA (NODATA) sent %d queries, want 1", n)
	}
	if n := count("missing.test", resolver.IPv4, 3); n != 1 {
		t.Errorf("3 lookups of missing.test (NXDOMAIN) sent %d queries, want 1", n)
	}
	if n := count("fail.test", resolver.IPv4, 2); n != 2 {
		t.Errorf("2 lookups of fail.test (SERVFAIL) sent %d queries, want 2 (not cached)", n)
	}
}

func TestConcurrentQueriesShareOneExchange(t *testing.T) {
	t.Parallel()
	s := resolvertest.NewServer(t, resolvertest.Zone{"mail.test": {A: []string{"192.0.2.1"}}})
	s.SetLatency(50 * time.Millisecond) // Keep the first exchange in flight while the others ask.
	c := client(t, s)
	ctx := deadline(t, 5*time.Second)

	var wg sync.WaitGroup
	errs := make([]error, 20)
	for i := range errs {
		wg.Go(func() {
			ips, _, err := c.LookupIP(ctx, "mail.test", resolver.IPv4)
			if err == nil && len(ips) != 1 {
				err = fmt.Errorf("got %v", ips)
			}
			errs[i] = err
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Errorf("concurrent lookups: %v", err)
	}
	if n := s.Queries(); n != 1 {
		t.Errorf("20 concurrent lookups sent %d queries, want 1", n)
	}
}

// TestSharedExchangeOutlivesImpatientCaller checks that a caller waiting on
// an exchange started by a caller whose deadline is shorter gets an answer,
// not the other caller's timeout.
func TestSharedExchangeOutlivesImpatientCaller(t *testing.T) {
	t.Parallel()
	s := resolvertest.NewServer(t, resolvertest.Zone{"mail.test": {A: []string{"192.0.2.1"}}})
	s.SetLatency(150 * time.Millisecond)
	c := client(t, s)

	short, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	started := make(chan struct{})
	shortErr := make(chan error, 1)
	go func() {
		close(started)
		_, _, err := c.LookupIP(short, "mail.test", resolver.IPv4)
		shortErr <- err
	}()
	<-started
	ips, _, err := c.LookupIP(deadline(t, 5*time.Second), "mail.test", resolver.IPv4)
	if err != nil || len(ips) != 1 {
		t.Errorf("patient LookupIP = %v, %v; want one address", ips, err)
	}
	if err := <-shortErr; !errors.Is(err, resolver.ErrTimeout) {
		t.Errorf("impatient LookupIP error = %v, want ErrTimeout", err)
	}
}

func TestCanceled(t *testing.T) {
	t.Parallel()
	s := resolvertest.NewServer(t, resolvertest.Zone{"mail.test": {A: []string{"192.0.2.1"}}})
	s.SetBehavior("mail.test", resolvertest.Behavior{Drop: true})
	c := client(t, s)
	ctx, cancel := context.WithCancel(deadline(t, 5*time.Second))
	go func() {
		for s.Queries() == 0 {
			runtime.Gosched()
		}
		cancel()
	}()
	_, _, err := c.LookupIP(ctx, "mail.test", resolver.IPv4)
	if !errors.Is(err, context.Canceled) || errors.Is(err, resolver.ErrTimeout) {
		t.Errorf("LookupIP canceled: error = %v, want context.Canceled", err)
	}
}

func TestIPv6Server(t *testing.T) {
	t.Parallel()
	s, err := resolvertest.Start("[::1]:0", resolvertest.Zone{"mail.test": {AAAA: []string{"::1"}}})
	if err != nil {
		t.Skipf("cannot listen on ::1: %v", err)
	}
	defer s.Close()
	_, port, _ := net.SplitHostPort(s.Addr())
	c, err := resolver.New("[::1]:" + port)
	if err != nil {
		t.Fatal(err)
	}
	ips, ans, err := c.LookupIP(deadline(t, 5*time.Second), "mail.test", resolver.IPv6)
	if err != nil || fmt.Sprint(ips) != "[::1]" || ans.Server != "[::1]:"+port {
		t.Errorf("LookupIP via [::1]:%s = %v, %+v, %v; want [::1]", port, ips, ans, err)
	}
}

func TestKind(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{nil, ""},
		{fmt.Errorf("%w: SRV x", resolver.ErrNotFound), "nxdomain"},
		{fmt.Errorf("%w: SRV x", resolver.ErrServFail), "servfail"},
		{fmt.Errorf("%w: SRV x", resolver.ErrRefused), "refused"},
		{fmt.Errorf("%w: SRV x", resolver.ErrTimeout), "timeout"},
		{context.DeadlineExceeded, "timeout"},
		{fmt.Errorf("%w: SRV x", resolver.ErrNetwork), "unreachable"},
		{fmt.Errorf("%w: SRV x", resolver.ErrBadRcode), "dns"},
		{errors.New("other"), "dns"},
	}
	for _, tt := range tests {
		if got := resolver.Kind(tt.err); got != tt.want {
			t.Errorf("Kind(%v) = %q, want %q", tt.err, got, tt.want)
		}
	}
}
