package resolvertest_test

import (
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/postino-mail/postino/autoconfig/resolver/resolvertest"
)

// ask sends one query for name and qtype over network ("udp" or "tcp"),
// with EDNS0 at size if size is non-zero.
func ask(t *testing.T, s *resolvertest.Server, network, name string, qtype uint16, size uint16) *dns.Msg {
	t.Helper()
	q := new(dns.Msg)
	q.SetQuestion(dns.Fqdn(name), qtype)
	if size != 0 {
		q.SetEdns0(size, false)
	}
	c := &dns.Client{Net: network, Timeout: 5 * time.Second}
	r, _, err := c.Exchange(q, s.Addr())
	if err != nil {
		t.Fatalf("%s %s over %s: %v", dns.TypeToString[qtype], name, network, err)
	}
	return r
}

func TestAnswers(t *testing.T) {
	t.Parallel()
	s := resolvertest.NewServer(t, resolvertest.Zone{
		"Mail.Test.":  {A: []string{"192.0.2.1"}, AAAA: []string{"2001:db8::1"}, TXT: []string{strings.Repeat("x", 300)}},
		"alias.test":  {CNAME: "mail.test"},
		"out.test":    {CNAME: "elsewhere.example"},
		"example.com": {MX: []resolvertest.MX{{Host: ".", Pref: 0}}},
	})
	tests := []struct {
		name  string
		qtype uint16
		rcode int
		want  string // the answer section, records separated by "|"
	}{
		{"mail.test", dns.TypeA, dns.RcodeSuccess, "mail.test.\t300\tIN\tA\t192.0.2.1"},
		{"MAIL.test", dns.TypeAAAA, dns.RcodeSuccess, "mail.test.\t300\tIN\tAAAA\t2001:db8::1"},
		{"mail.test", dns.TypeMX, dns.RcodeSuccess, ""},
		{"missing.test", dns.TypeA, dns.RcodeNameError, ""},
		{"alias.test", dns.TypeA, dns.RcodeSuccess, "alias.test.\t300\tIN\tCNAME\tmail.test.|mail.test.\t300\tIN\tA\t192.0.2.1"},
		{"alias.test", dns.TypeCNAME, dns.RcodeSuccess, "alias.test.\t300\tIN\tCNAME\tmail.test."},
		{"out.test", dns.TypeA, dns.RcodeSuccess, "out.test.\t300\tIN\tCNAME\telsewhere.example."},
		{"example.com", dns.TypeMX, dns.RcodeSuccess, "example.com.\t300\tIN\tMX\t0 ."},
		{"mail.test", dns.TypeTXT, dns.RcodeSuccess, fmt.Sprintf("mail.test.\t300\tIN\tTXT\t%q %q", strings.Repeat("x", 255), strings.Repeat("x", 45))},
	}
	for _, tt := range tests {
		r := ask(t, s, "udp", tt.name, tt.qtype, 0)
		var got []string
		for _, rr := range r.Answer {
			got = append(got, rr.String())
		}
		if r.Rcode != tt.rcode || strings.Join(got, "|") != tt.want || !r.Authoritative {
			t.Errorf("%s %s: rcode %s, answer %q, AA %t; want rcode %s, answer %q, AA",
				dns.TypeToString[tt.qtype], tt.name, dns.RcodeToString[r.Rcode], got, r.Authoritative, dns.RcodeToString[tt.rcode], tt.want)
		}
	}
}

func TestSetAndBehavior(t *testing.T) {
	t.Parallel()
	s := resolvertest.NewServer(t, nil)
	if r := ask(t, s, "udp", "new.test", dns.TypeA, 0); r.Rcode != dns.RcodeNameError {
		t.Errorf("before Set: rcode %s, want NXDOMAIN", dns.RcodeToString[r.Rcode])
	}
	s.Set("new.test.", resolvertest.Records{A: []string{"192.0.2.9"}})
	if r := ask(t, s, "udp", "NEW.test", dns.TypeA, 0); len(r.Answer) != 1 {
		t.Errorf("after Set: answer %v, want one A record", r.Answer)
	}

	behaviors := []struct {
		b     resolvertest.Behavior
		rcode int
	}{
		{resolvertest.Behavior{ServFail: true}, dns.RcodeServerFailure},
		{resolvertest.Behavior{Refused: true}, dns.RcodeRefused},
		{resolvertest.Behavior{Rcode: dns.RcodeNotImplemented}, dns.RcodeNotImplemented},
	}
	for _, tt := range behaviors {
		s.SetBehavior("new.test", tt.b)
		if r := ask(t, s, "udp", "new.test", dns.TypeA, 0); r.Rcode != tt.rcode || len(r.Answer) != 0 {
			t.Errorf("Behavior %+v: rcode %s, answer %v; want %s, empty", tt.b, dns.RcodeToString[r.Rcode], r.Answer, dns.RcodeToString[tt.rcode])
		}
	}

	s.SetBehavior("new.test", resolvertest.Behavior{Truncate: true, Authentic: true})
	if r := ask(t, s, "udp", "new.test", dns.TypeA, 1232); !r.Truncated || len(r.Answer) != 0 {
		t.Errorf("Truncate over UDP: TC %t, answer %v; want TC and no records", r.Truncated, r.Answer)
	}
	if r := ask(t, s, "tcp", "new.test", dns.TypeA, 1232); r.Truncated || len(r.Answer) != 1 || !r.AuthenticatedData {
		t.Errorf("Truncate over TCP: TC %t, AD %t, answer %v; want one record, AD, no TC", r.Truncated, r.AuthenticatedData, r.Answer)
	}

	before := s.Queries()
	s.SetBehavior("new.test", resolvertest.Behavior{Drop: true})
	c := &dns.Client{Timeout: 100 * time.Millisecond}
	q := new(dns.Msg)
	q.SetQuestion("new.test.", dns.TypeA)
	if _, _, err := c.Exchange(q, s.Addr()); err == nil {
		t.Errorf("Drop: got an answer")
	}
	if n := s.Queries() - before; n != 1 {
		t.Errorf("Queries() grew by %d for one dropped query, want 1", n)
	}
}

// TestLargeAnswer checks that a large answer really exceeds 512 bytes and
// is truncated over UDP to the size the client announced.
func TestLargeAnswer(t *testing.T) {
	t.Parallel()
	var many []resolvertest.SRV
	for i := range 100 {
		many = append(many, resolvertest.SRV{Target: fmt.Sprintf("host-%03d.example.test", i), Port: 993})
	}
	s := resolvertest.NewServer(t, resolvertest.Zone{"_imaps._tcp.example.test": {SRV: many}})
	name := "_imaps._tcp.example.test"

	full := ask(t, s, "tcp", name, dns.TypeSRV, 0)
	full.Compress = true
	if packed, _ := full.Pack(); len(full.Answer) != 100 || full.Truncated || len(packed) <= 1232 {
		t.Fatalf("over TCP: %d records, %d bytes, TC %t; want 100 records, over 1232 bytes, no TC", len(full.Answer), len(packed), full.Truncated)
	}
	for _, size := range []uint16{0, 1232} {
		r := ask(t, s, "udp", name, dns.TypeSRV, size)
		limit := max(int(size), dns.MinMsgSize)
		r.Compress = true
		if packed, _ := r.Pack(); !r.Truncated || len(r.Answer) >= 100 || len(packed) > limit {
			t.Errorf("over UDP, EDNS0 size %d: %d records, %d bytes, TC %t; want TC and at most %d bytes", size, len(r.Answer), len(packed), r.Truncated, limit)
		}
	}
	if r := ask(t, s, "udp", name, dns.TypeSRV, 65000); r.Truncated || len(r.Answer) != 100 {
		t.Errorf("over UDP, EDNS0 size 65000: %d records, TC %t; want all 100", len(r.Answer), r.Truncated)
	}
}

// TestAnswerOverTCPLimit: thousands of records reach the client over
// TCP (compressed, as a real server sends them), and what cannot fit in
// one TCP message arrives truncated instead of not at all.
func TestAnswerOverTCPLimit(t *testing.T) {
	t.Parallel()
	addrs := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = fmt.Sprintf("10.%d.%d.%d", i>>16, i>>8&255, i&255)
		}
		return out
	}
	s := resolvertest.NewServer(t, resolvertest.Zone{"many.test": {A: addrs(3000)}, "toomany.test": {A: addrs(10000)}})
	if r := ask(t, s, "tcp", "many.test", dns.TypeA, 0); len(r.Answer) != 3000 || r.Truncated {
		t.Errorf("3,000 A records over TCP: %d records, TC %t; want all", len(r.Answer), r.Truncated)
	}
	if r := ask(t, s, "tcp", "toomany.test", dns.TypeA, 0); !r.Truncated || len(r.Answer) == 0 || len(r.Answer) >= 10000 {
		t.Errorf("10,000 A records over TCP: %d records, TC %t; want some, truncated", len(r.Answer), r.Truncated)
	}
}

// TestCloseInterruptsDelay checks that Close does not wait for a delayed
// answer.
func TestCloseInterruptsDelay(t *testing.T) {
	t.Parallel()
	s, err := resolvertest.Start("127.0.0.1:0", resolvertest.Zone{"slow.test": {A: []string{"192.0.2.1"}}})
	if err != nil {
		t.Fatal(err)
	}
	s.SetLatency(time.Hour)
	q := new(dns.Msg)
	q.SetQuestion("slow.test.", dns.TypeA)
	packed, _ := q.Pack()
	conn, err := net.Dial("udp", s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.Write(packed)
	for wait := time.Now().Add(5 * time.Second); s.Queries() == 0 && time.Now().Before(wait); {
		time.Sleep(time.Millisecond) // Wait for the query to arrive, not to assert timing.
	}
	closed := make(chan error, 1)
	go func() { closed <- s.Close() }()
	select {
	case err := <-closed:
		if err != nil {
			t.Errorf("Close: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("Close still waiting for a delayed answer after 5s")
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func TestStartErrors(t *testing.T) {
	t.Parallel()
	if _, err := resolvertest.Start("127.0.0.1:0", resolvertest.Zone{"bad.test": {A: []string{"2001:db8::1"}}}); err == nil {
		t.Errorf("Start with an IPv6 address as A succeeded, want an error")
	}
	if _, err := resolvertest.Start("127.0.0.1:0", resolvertest.Zone{"bad.test": {AAAA: []string{"nope"}}}); err == nil {
		t.Errorf("Start with a bad AAAA succeeded, want an error")
	}
	s := resolvertest.NewServer(t, nil)
	if _, err := resolvertest.Start(s.Addr(), nil); err == nil {
		t.Errorf("Start on a busy address succeeded, want an error")
	}
	if host, _, _ := net.SplitHostPort(s.Addr()); host != "127.0.0.1" {
		t.Errorf("Addr() = %s, want 127.0.0.1:port", s.Addr())
	}
	defer func() {
		if recover() == nil {
			t.Errorf("Set with a bad address did not panic")
		}
	}()
	s.Set("bad.test", resolvertest.Records{A: []string{"300.1.1.1"}})
}
