package resolver

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/miekg/dns"
)

const (
	// ednsSize is the UDP payload size advertised in queries: the value
	// recommended by DNS Flag Day 2020 to avoid IP fragmentation.
	ednsSize = 1232
	// defaultTimeout bounds one exchange (one UDP or TCP attempt) when the
	// caller's context has no deadline.
	defaultTimeout = 5 * time.Second
	// maxCNAME is the longest CNAME chain a lookup follows.
	maxCNAME = 8
)

// Client is a Resolver that asks one DNS server, falling back to the next
// configured server (if any) on network errors and timeouts.
//
// Queries set RD, carry EDNS0 (UDP size 1232) and set the AD bit so that a
// validating resolver reports whether the answer is authentic (RFC 6840
// section 5.7). They go over UDP first, are retried once over UDP on timeout,
// and are repeated over TCP when the UDP answer is truncated.
//
// A Client caches successful answers (including NODATA) and NXDOMAIN for
// up to 30 seconds and about 4096 names (see cacheAge), and concurrent
// identical queries share one exchange; other errors are not cached. A cached or shared answer reports the time the caller
// waited as its Duration. The zero Client is not usable: create one with New
// or FromSystem. A Client is safe for concurrent use.
type Client struct {
	servers []string // host:port, tried in order
	timeout time.Duration
	hosts   *hostsTable // answers A and AAAA first; nil for none

	mu    sync.Mutex
	calls map[cacheKey]*call // in flight and cached
}

var _ Resolver = (*Client)(nil)

type cacheKey struct {
	name  string // lower-case, fully qualified
	qtype uint16
}

// call is one exchange, shared by every caller asking the same question
// while it runs and, once done, kept as the cache entry if cacheable.
type call struct {
	done       chan struct{}
	msg        *dns.Msg
	ans        Answer
	err        error
	leaderGone bool      // it failed because the context of the caller that ran it ended
	expires    time.Time // when a cached answer is asked again; zero while in flight
}

// The cache serves one run's many sources asking the same names; it is
// not a resolver cache. Bounded in age and size, so that a long list of
// check targets or a long-running serve does not grow without end (bench:
// 2,000 addresses left ~48,000 entries and 22 KB per target before).
const (
	cacheAge     = 30 * time.Second
	cacheEntries = 4096
)

// fresh reports whether a finished call may still answer.
func (cl *call) fresh(now time.Time) bool { return cl.expires.IsZero() || now.Before(cl.expires) }

// trim drops expired answers, then, if the cache is still over its size,
// arbitrary finished ones. c.mu must be held.
func (c *Client) trim(now time.Time) {
	if len(c.calls) <= cacheEntries {
		return
	}
	for k, cl := range c.calls {
		if !cl.fresh(now) {
			delete(c.calls, k)
		}
	}
	for k, cl := range c.calls {
		if len(c.calls) <= cacheEntries*3/4 {
			return
		}
		if !cl.expires.IsZero() { // never an exchange in flight
			delete(c.calls, k)
		}
	}
}

// New returns a Client that asks server, given as "host", "host:port",
// "[v6]:port" or a bare IPv6 address; the port defaults to 53. Addresses
// come from DefaultHostsFile first.
func New(server string) (*Client, error) {
	addr, err := serverAddr(server)
	if err != nil {
		return nil, err
	}
	c := newClient([]string{addr})
	return c, c.UseHostsFile(DefaultHostsFile)
}

// FromSystem returns a Client that asks the nameservers of
// /etc/resolv.conf: the first one, then the others in order on network
// errors and timeouts. Addresses come from DefaultHostsFile first.
func FromSystem() (*Client, error) {
	c, err := fromFile("/etc/resolv.conf")
	if err != nil {
		return nil, err
	}
	return c, c.UseHostsFile(DefaultHostsFile)
}

func fromFile(path string) (*Client, error) {
	cfg, err := dns.ClientConfigFromFile(path)
	if err != nil {
		return nil, fmt.Errorf("resolver: %w", err)
	}
	if len(cfg.Servers) == 0 {
		return nil, fmt.Errorf("resolver: no nameserver in %s", path)
	}
	servers := make([]string, 0, len(cfg.Servers))
	for _, s := range cfg.Servers {
		servers = append(servers, net.JoinHostPort(s, cfg.Port))
	}
	return newClient(servers), nil
}

func newClient(servers []string) *Client {
	return &Client{servers: servers, timeout: defaultTimeout, calls: make(map[cacheKey]*call)}
}

// serverAddr turns a --resolver value into host:port.
func serverAddr(s string) (string, error) {
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		// No port: "host", "::1" or "[::1]".
		host, port = s, "53"
		if strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]") {
			host = s[1 : len(s)-1]
		}
	}
	if host == "" || strings.ContainsAny(host, "[]") {
		return "", fmt.Errorf("resolver: bad server address %q", s)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return "", fmt.Errorf("resolver: bad port in server address %q", s)
	}
	return net.JoinHostPort(host, port), nil
}

// LookupSRV returns the SRV records of name, in answer order.
func (c *Client) LookupSRV(ctx context.Context, name string) ([]SRV, Answer, error) {
	rrs, ans, err := c.lookup(ctx, name, dns.TypeSRV)
	var out []SRV
	for _, rr := range rrs {
		if r, ok := rr.(*dns.SRV); ok {
			out = append(out, SRV{Target: display(r.Target), Port: r.Port, Priority: r.Priority, Weight: r.Weight})
		}
	}
	return out, ans, err
}

// LookupMX returns the MX records of domain, in answer order.
func (c *Client) LookupMX(ctx context.Context, domain string) ([]MX, Answer, error) {
	rrs, ans, err := c.lookup(ctx, domain, dns.TypeMX)
	var out []MX
	for _, rr := range rrs {
		if r, ok := rr.(*dns.MX); ok {
			out = append(out, MX{Host: display(r.Mx), Pref: r.Preference})
		}
	}
	return out, ans, err
}

// LookupIP returns the addresses of host of one family, following CNAMEs.
// A name in the hosts file is answered from it alone (Answer.Hosts).
func (c *Client) LookupIP(ctx context.Context, host string, family Family) ([]net.IP, Answer, error) {
	if family == IPv4 || family == IPv6 {
		if ips, ok := c.hosts.lookup(host, family); ok {
			return ips, Answer{Server: c.hosts.path, Hosts: true}, nil
		}
	}
	var qtype uint16
	switch family {
	case IPv4:
		qtype = dns.TypeA
	case IPv6:
		qtype = dns.TypeAAAA
	default:
		return nil, Answer{}, fmt.Errorf("resolver: unknown address family %q", family)
	}
	rrs, ans, err := c.lookup(ctx, host, qtype)
	var out []net.IP
	for _, rr := range rrs {
		switch r := rr.(type) {
		case *dns.A:
			out = append(out, r.A.To4())
		case *dns.AAAA:
			out = append(out, append(net.IP(nil), r.AAAA.To16()...))
		}
	}
	return out, ans, err
}

// lookup returns the records of type qtype owned by name or by the end of
// its CNAME chain, asking again for the chain's end when an answer holds
// only CNAMEs.
func (c *Client) lookup(ctx context.Context, name string, qtype uint16) ([]dns.RR, Answer, error) {
	start := time.Now()
	cur := strings.ToLower(dns.Fqdn(name))
	if _, ok := dns.IsDomainName(cur); !ok || name == "" {
		return nil, Answer{}, fmt.Errorf("resolver: invalid domain name %q", name)
	}
	agg := Answer{Authentic: true}
	hops := 0
	for {
		msg, ans, err := c.query(ctx, cur, qtype)
		agg.Server, agg.Rcode = ans.Server, ans.Rcode
		agg.Truncated = agg.Truncated || ans.Truncated
		agg.Authentic = agg.Authentic && ans.Authentic && err == nil
		agg.Duration = time.Since(start)
		if err != nil {
			return nil, agg, err
		}
		rrs, end, n := pick(msg, cur, qtype)
		hops += n
		if hops > maxCNAME {
			return nil, agg, fmt.Errorf("resolver: %s %s: CNAME chain longer than %d", dns.TypeToString[qtype], display(name), maxCNAME)
		}
		if len(rrs) > 0 || end == cur {
			return rrs, agg, nil
		}
		cur = end // The answer stopped at a CNAME: ask for its target.
	}
}

// pick follows the CNAME chain from name inside msg's answer section and
// returns the records of type qtype owned by the chain's end, that end, and
// the number of CNAMEs followed.
func pick(msg *dns.Msg, name string, qtype uint16) (rrs []dns.RR, end string, hops int) {
	end = name
	for hops <= maxCNAME {
		next := ""
		for _, rr := range msg.Answer {
			if c, ok := rr.(*dns.CNAME); ok && strings.EqualFold(c.Hdr.Name, end) {
				next = strings.ToLower(c.Target)
				break
			}
		}
		if next == "" {
			break
		}
		end = next
		hops++
	}
	for _, rr := range msg.Answer {
		if rr.Header().Rrtype == qtype && strings.EqualFold(rr.Header().Name, end) {
			rrs = append(rrs, rr)
		}
	}
	return rrs, end, hops
}

// query answers one question from the cache, from an exchange already in
// flight, or by running the exchange itself.
func (c *Client) query(ctx context.Context, name string, qtype uint16) (*dns.Msg, Answer, error) {
	key := cacheKey{name, qtype}
	for {
		c.mu.Lock()
		if cl, ok := c.calls[key]; ok && !cl.fresh(time.Now()) {
			delete(c.calls, key)
		} else if ok {
			c.mu.Unlock()
			select {
			case <-cl.done:
			case <-ctx.Done():
				return nil, Answer{}, ctxError(ctx, qtype, name, "")
			}
			if cl.err != nil && cl.leaderGone && !ended(ctx) {
				continue // The caller that ran it gave up; ask again.
			}
			return cl.msg, cl.ans, cl.err
		}
		cl := &call{done: make(chan struct{})}
		c.calls[key] = cl
		c.trim(time.Now())
		c.mu.Unlock()

		cl.msg, cl.ans, cl.err = c.exchange(ctx, name, qtype)
		c.mu.Lock()
		cl.expires = time.Now().Add(cacheAge)
		if cl.err != nil && !errors.Is(cl.err, ErrNotFound) {
			cl.leaderGone = ended(ctx)
			delete(c.calls, key)
		}
		c.mu.Unlock()
		close(cl.done)
		return cl.msg, cl.ans, cl.err
	}
}

// exchange asks the configured servers in turn until one answers, and maps
// the answer's rcode to an error.
func (c *Client) exchange(ctx context.Context, name string, qtype uint16) (*dns.Msg, Answer, error) {
	q := new(dns.Msg)
	q.SetQuestion(name, qtype)
	q.RecursionDesired = true
	q.AuthenticatedData = true
	q.SetEdns0(ednsSize, false)

	start := time.Now()
	var err error
	var server string
	for i := range c.servers {
		server = c.servers[i]
		var r *dns.Msg
		var truncated bool
		r, truncated, err = c.ask(ctx, server, q, len(c.servers)-i)
		if err == nil {
			ans := Answer{Server: server, Rcode: r.Rcode, Authentic: r.AuthenticatedData,
				Duration: time.Since(start), Truncated: truncated}
			return r, ans, rcodeError(r.Rcode, qtype, name)
		}
		err = wrapError(ctx, err, qtype, name, server)
		if ended(ctx) {
			break
		}
	}
	return nil, Answer{Server: server, Duration: time.Since(start)}, err
}

// ask exchanges q with one server: UDP, once more over UDP on timeout, and
// TCP when the UDP answer is truncated. Each attempt gets an equal share of
// the time left before ctx's deadline, counting the attempts of the servers
// still to be asked (serversLeft includes this one).
func (c *Client) ask(ctx context.Context, server string, q *dns.Msg, serversLeft int) (*dns.Msg, bool, error) {
	var err error
	for attempt := 0; attempt < 2; attempt++ {
		var r *dns.Msg
		r, err = c.once(ctx, "udp", server, q, 2*serversLeft-attempt)
		if err == nil && r.Truncated {
			r, err = c.once(ctx, "tcp", server, q, 2*serversLeft-attempt-1)
			return r, true, err
		}
		if err == nil {
			return r, false, nil
		}
		if !isTimeout(err) || ended(ctx) {
			break
		}
	}
	return nil, false, err
}

// once is one exchange over network, bounded by ctx and by a share (one of
// parts) of the time left.
func (c *Client) once(ctx context.Context, network, server string, q *dns.Msg, parts int) (*dns.Msg, error) {
	timeout := c.timeout
	if deadline, ok := ctx.Deadline(); ok {
		if share := time.Until(deadline) / time.Duration(max(parts, 1)); share < timeout {
			timeout = share
		}
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	m := q.Copy()
	m.Id = dns.Id()
	dc := &dns.Client{Net: network, Timeout: timeout, UDPSize: ednsSize}
	conn, err := dc.DialContext(ctx, server)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	r, _, err := dc.ExchangeWithConnContext(ctx, m, conn)
	if err == nil && len(r.Question) > 0 {
		got, want := r.Question[0], m.Question[0]
		if len(r.Question) > 1 || got.Qtype != want.Qtype || !strings.EqualFold(got.Name, want.Name) {
			return nil, fmt.Errorf("reply for another question (%s %s)", dns.TypeToString[got.Qtype], got.Name)
		}
	}
	return r, err
}

// ended reports whether ctx is done or its deadline has passed (a socket
// deadline set to the same instant can fire first).
func ended(ctx context.Context) bool {
	deadline, ok := ctx.Deadline()
	return ctx.Err() != nil || ok && !time.Now().Before(deadline)
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout() || errors.Is(err, context.DeadlineExceeded)
}

// wrapError attaches the sentinel that names the failure of an exchange.
func wrapError(ctx context.Context, err error, qtype uint16, name, server string) error {
	if ended(ctx) {
		return ctxError(ctx, qtype, name, server)
	}
	qt, name := dns.TypeToString[qtype], display(name)
	var oe *net.OpError
	switch {
	case isTimeout(err):
		return fmt.Errorf("%w: %s %s via %s: %w", ErrTimeout, qt, name, server, err)
	case errors.As(err, &oe):
		return fmt.Errorf("%w: %s %s via %s: %w", ErrNetwork, qt, name, server, err)
	default:
		return fmt.Errorf("resolver: %s %s via %s: %w", qt, name, server, err)
	}
}

// ctxError describes a query cut short by its context: ErrTimeout for a
// deadline, context.Canceled otherwise.
func ctxError(ctx context.Context, qtype uint16, name, server string) error {
	where := dns.TypeToString[qtype] + " " + display(name)
	if server != "" {
		where += " via " + server
	}
	if err := ctx.Err(); err == nil || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("%w: %s: %w", ErrTimeout, where, context.DeadlineExceeded)
	}
	return fmt.Errorf("resolver: %s: %w", where, ctx.Err())
}

// rcodeError maps a response code to an error wrapping its sentinel.
func rcodeError(rcode int, qtype uint16, name string) error {
	var sentinel error
	switch rcode {
	case dns.RcodeSuccess:
		return nil
	case dns.RcodeNameError:
		sentinel = ErrNotFound
	case dns.RcodeServerFailure:
		sentinel = ErrServFail
	case dns.RcodeRefused:
		sentinel = ErrRefused
	default:
		return fmt.Errorf("%w %s: %s %s", ErrBadRcode, dns.RcodeToString[rcode], dns.TypeToString[qtype], display(name))
	}
	return fmt.Errorf("%w: %s %s", sentinel, dns.TypeToString[qtype], display(name))
}

// display returns name lower-case and without its trailing dot; the root
// stays ".".
func display(name string) string {
	name = strings.ToLower(name)
	if name == "." {
		return name
	}
	return strings.TrimSuffix(name, ".")
}
