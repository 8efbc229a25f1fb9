package bench

import (
	"fmt"
	"strings"
)

// A step is one dependent round trip (or part of one) on a way to an
// answer, counted in RTTs at the injected latency. Steps that run in
// parallel (A and AAAA, the two probes) count once.
type step struct {
	what string
	rtts float64
}

type path []step

func (p path) rtts() float64 {
	var n float64
	for _, s := range p {
		n += s.rtts
	}
	return n
}

func (p path) String() string {
	var b strings.Builder
	for i, s := range p {
		if i > 0 {
			b.WriteString(" → ")
		}
		fmt.Fprintf(&b, "%s %g", s.what, s.rtts)
	}
	return b.String()
}

// resolve: the dialer asks A and AAAA at once; each answer costs one RTT.
func resolve(host string) step { return step{"A+AAAA " + host, 1} }

// httpsGet is one HTTPS request on a new connection.
func httpsGet(host string) path {
	return path{
		resolve(host),
		{"TCP", 1},    // SYN, SYN-ACK; the client's ACK rides with its first bytes
		{"TLS1.3", 1}, // ClientHello → ServerHello…Finished
		// The client's Finished, the HTTP/2 preface and SETTINGS and the
		// request leave together; the answer comes back.
		{"GET", 1},
	}
}

// mailServer is a server the provider's autoconfig names, and what its
// probe must do to verify it.
type mailServer struct {
	host           string
	implicitTLS    bool
	capsInGreeting bool // go-imap's greeting carries [CAPABILITY …]
}

// probePath is what the probe needs to verify s, no more: the goodbye
// (LOGOUT, QUIT) that the probe sends afterwards is not needed to know the
// server works, so it is not on the chain.
func probePath(s mailServer) path {
	p := path{resolve(s.host), {"TCP", 1}}
	if s.implicitTLS {
		// The server writes its greeting once the client's Finished has
		// reached it (½) and the greeting travels back (½).
		p = append(p, step{"TLS1.3", 1}, step{"greeting", 1})
	} else {
		// The server learns of the connection when the client's ACK
		// reaches it (½), the greeting travels back (½).
		p = append(p, step{"greeting", 1})
	}
	if !s.capsInGreeting {
		p = append(p, step{"capabilities", 1}) // IMAP CAPABILITY, SMTP EHLO
	}
	return p
}

// worldPaths are the dependent chains of round trips in the latency world
// that the engine must complete before it can stop, one per source.
func worldPaths() map[string]path {
	imap := probePath(mailServer{"imap.provider.test", true, true})
	smtp := probePath(mailServer{"smtp.provider.test", true, false})
	slowest := imap
	if smtp.rtts() > imap.rtts() {
		slowest = smtp
	}
	mx := append(path{{"MX example.test", 1}}, httpsGet("autoconfig.provider.test")...)
	mx = append(mx, slowest...) // the two probes run at once

	return map[string]path{
		// The longest: MX 1 → autoconfig of provider.test 4 → probe of
		// smtp.provider.test 5 (IMAP's greeting brings its capabilities,
		// so its probe is one shorter).
		"mx":       mx,
		"srv":      {{"SRV (6 at once) NXDOMAIN", 1}},
		"autoconf": {{"A+AAAA autoconfig.example.test NXDOMAIN", 1}},
		// https://example.test/.well-known/… answers 404.
		"well-known": httpsGet("example.test"),
		// http://example.test/.well-known/… answers 404 (the
		// autoconfig. host does not exist: 1).
		"autoconfig-http": {resolve("example.test"), {"TCP", 1}, {"GET", 1}},
		"ispdb":           httpsGet("ispdb.test"),
		// POST https://example.test/autodiscover/… answers 404; the
		// others are NXDOMAIN at once.
		"autodiscover": httpsGet("example.test"),
		// The guesses that count are example.test's own (trusted, so
		// they could beat an MX-derived server): MX → A+AAAA → connect
		// refused. The probe's own lookup is answered from the
		// resolver's cache. The engine's guess stagger comes on top; it
		// is a wait, not a round trip.
		"guess": {{"MX example.test", 1}, resolve("example.test"), {"TCP refused", 1}},
	}
}

// longestChain returns the longest of the world's paths, in RTTs.
func longestChain() (string, path) {
	var name string
	var best path
	for n, p := range worldPaths() {
		if p.rtts() > best.rtts() || p.rtts() == best.rtts() && n < name {
			name, best = n, p
		}
	}
	return name, best
}
