package autoconfig_test

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/postino-mail/postino/autoconfig"
	"github.com/postino-mail/postino/autoconfig/resolver"
	"github.com/postino-mail/postino/autoconfig/resolver/resolvertest"
	"github.com/postino-mail/postino/probe/probetest"
)

// The hostile suite's bounds: a lookup's deadline, short so that the rows
// that can only end there keep the suite fast; three times it as the
// ceiling of a row (room for a loaded machine, not a timing assertion);
// and the most a row may make the process hold, generous, far below what
// the unbounded cases reach.
const (
	hostileTimeout = time.Second
	hostileHeapCap = 64 << 20
)

// hostileURL is where the web rows publish their clientConfig.
const hostileURL = "https://autoconfig.example.com/mail/config-v1.1.xml"

// measure runs f and fails t if it took longer than three times the
// timeout or made the heap peak above the cap.
func measure(t *testing.T, f func()) {
	t.Helper()
	h := probetest.StartHeapPeak()
	start := time.Now()
	f()
	took, peak := time.Since(start), h.Done()
	if took > 3*hostileTimeout {
		t.Errorf("took %v, want at most the timeout %v, with room", took, hostileTimeout)
	}
	if peak > hostileHeapCap {
		t.Errorf("peak heap %d MiB, want under %d MiB", peak>>20, hostileHeapCap>>20)
	}
	t.Logf("took %v, peak heap %.1f MiB", took.Round(time.Millisecond), float64(peak)/(1<<20))
}

// TestHostileWeb: whatever a web server sends, a lookup ends with a clear
// outcome (an error of a named kind), within its deadline and without
// holding more than the heap cap. Not parallel: the heap is the process's.
func TestHostileWeb(t *testing.T) {
	bomb := gzipZeros(t, 256<<20)
	rows := []struct {
		name         string
		handler      http.HandlerFunc // for autoconfig.example.com and example.com
		raw          func(net.Conn)   // instead: a raw TCP server for slow.example.com
		url          string           // default hostileURL
		maxBody      int64            // default HTTPOptions' own
		autodiscover bool             // ask LookupAutodiscover instead of LookupMozilla
		kind, words  string
	}{
		{name: "huge XML (100 MB, far over the size cap)", handler: func(rw http.ResponseWriter, r *http.Request) {
			rw.Header().Set("Content-Type", "text/xml")
			io.WriteString(rw, `<?xml version="1.0"?><clientConfig version="1.1"><emailProvider id="x">`)
			chunk := []byte(strings.Repeat("<domain>example.com</domain>", 1<<12))
			for n := 0; n < 100<<20; n += len(chunk) {
				if _, err := rw.Write(chunk); err != nil {
					return
				}
			}
		}, kind: "too-large", words: "more than 1048576 bytes"},
		{name: "1,000,000 nested elements", maxBody: 8 << 20, handler: xmlHandler(`<?xml version="1.0"?><clientConfig version="1.1">` +
			strings.Repeat("<a>", 1_000_000)), kind: "malformed", words: "nested more than 64 deep"},
		{name: "1,000,000 nested elements, under the default body cap", handler: xmlHandler(
			strings.Repeat("<a>", 1_000_000)), kind: "too-large", words: "more than"},
		{name: "billion laughs", handler: xmlHandler(billionLaughs), kind: "malformed", words: "entity"},
		{name: "gzip bomb (256 MiB of zeros)", handler: func(rw http.ResponseWriter, r *http.Request) {
			rw.Header().Set("Content-Type", "text/xml")
			rw.Header().Set("Content-Encoding", "gzip")
			rw.Write(bomb)
		}, kind: "too-large", words: "more than"},
		{name: "redirect loop", handler: func(rw http.ResponseWriter, r *http.Request) {
			next := "/a"
			if r.URL.Path == "/a" {
				next = "/b"
			}
			http.Redirect(rw, r, next, http.StatusFound)
		}, kind: "redirect", words: "redirect loop"},
		{name: "redirect chain of 50 hops", handler: func(rw http.ResponseWriter, r *http.Request) {
			var n int
			fmt.Sscanf(r.URL.Path, "/hop/%d", &n)
			if n >= 50 {
				xmlHandler(goodConfig)(rw, r)
				return
			}
			http.Redirect(rw, r, fmt.Sprintf("/hop/%d", n+1), http.StatusMovedPermanently)
		}, kind: "redirect", words: "too many redirects"},
		{name: "body one byte a second", handler: func(rw http.ResponseWriter, r *http.Request) {
			rw.Header().Set("Content-Type", "text/xml")
			drip(rw, r.Context(), goodConfig)
		}, kind: "timeout"},
		{name: "headers one byte a second", url: "http://slow.example.com/mail/config-v1.1.xml", raw: func(c net.Conn) {
			// Answer only once the request is in: a byte before it is an
			// unsolicited response, which the client reports at once.
			r := bufio.NewReader(c)
			for {
				line, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if line == "\r\n" {
					break
				}
			}
			go io.Copy(io.Discard, r)
			drip(c, context.Background(), "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\n\r\n"+goodConfig)
		}, kind: "timeout"},
		{name: "autodiscover answer with 10,000 Protocol blocks", autodiscover: true, handler: xmlHandler(manyProtocols(10_000)),
			kind: "malformed", words: "10000 protocols, more than"},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			w := newFakeWeb(t)
			if row.handler != nil {
				w.handle("autoconfig.example.com", row.handler)
				w.handle("example.com", row.handler)
			}
			if row.raw != nil {
				w.dialTo["slow.example.com"] = rawServer(t, row.raw)
			}
			u := row.url
			if u == "" {
				u = hostileURL
			}
			opts := &autoconfig.HTTPOptions{Client: w.client(t), MaxBody: row.maxBody}
			ctx, cancel := context.WithTimeout(context.Background(), hostileTimeout)
			defer cancel()
			var lk autoconfig.Lookup
			measure(t, func() {
				if row.autodiscover {
					lk = autoconfig.LookupAutodiscover(ctx, alice, fakeResolver{}, opts)[0]
					return
				}
				lk, _ = autoconfig.LookupMozilla(ctx, autoconfig.SourceAutoconfig, u, alice, alice.Domain, opts)
			})
			if lk.Outcome != autoconfig.OutcomeError || lk.ErrorKind != row.kind || !strings.Contains(lk.Error, row.words) {
				t.Errorf("outcome %s, kind %q, error %q; want error, %q, %q", lk.Outcome, lk.ErrorKind, lk.Error, row.kind, row.words)
			}
			t.Logf("%s %s: %s", lk.Outcome, lk.ErrorKind, lk.Error)
		})
	}
}

// billionLaughs declares ten levels of entities, each ten of the one
// before: expanded, a billion "lol"s. encoding/xml expands no declared
// entity, so the reference is an unknown entity.
var billionLaughs = func() string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol0 "lol">`)
	for i := 1; i <= 9; i++ {
		fmt.Fprintf(&b, `<!ENTITY lol%d "%s">`, i, strings.Repeat(fmt.Sprintf("&lol%d;", i-1), 10))
	}
	b.WriteString(`]><clientConfig version="1.1"><emailProvider id="&lol9;"/></clientConfig>`)
	return b.String()
}()

// manyProtocols is an Autodiscover answer with n IMAP settings.
func manyProtocols(n int) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?><Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006">` +
		`<Response xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a"><Account><AccountType>email</AccountType><Action>settings</Action>`)
	for i := range n {
		fmt.Fprintf(&b, "<Protocol><Type>IMAP</Type><Server>h%d.example.com</Server><Port>993</Port></Protocol>", i)
	}
	b.WriteString("</Account></Response></Autodiscover>")
	return b.String()
}

func xmlHandler(body string) http.HandlerFunc {
	return func(rw http.ResponseWriter, r *http.Request) {
		rw.Header().Set("Content-Type", "text/xml")
		io.WriteString(rw, body)
	}
}

// gzipZeros compresses n zero bytes: about a thousandth of n on the wire.
func gzipZeros(t *testing.T, n int) []byte {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	zero := make([]byte, 1<<20)
	for i := 0; i < n; i += len(zero) {
		zw.Write(zero)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// drip writes text one byte a second until ctx ends or a write fails.
func drip(w io.Writer, ctx context.Context, text string) {
	for i := range len(text) {
		if _, err := w.Write([]byte{text[i]}); err != nil {
			return
		}
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
		select {
		case <-time.After(time.Second):
		case <-ctx.Done():
			return
		}
	}
}

// rawServer accepts TCP connections on loopback and hands each to handle.
func rawServer(t *testing.T, handle func(net.Conn)) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
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
			go func() { defer c.Close(); handle(c) }()
		}
	}()
	return l.Addr().String()
}

// countingProber refuses every server and counts the probes.
type countingProber struct{ n atomic.Int64 }

func (p *countingProber) Probe(ctx context.Context, s autoconfig.Server) *autoconfig.ProbeResult {
	p.n.Add(1)
	return &autoconfig.ProbeResult{Status: autoconfig.ProbeFailed, ErrorKind: "refused", Error: "connection refused"}
}

// TestHostileDNS: whatever a DNS server answers, Discover ends with a
// clear outcome for the lookup it concerns, within its deadline, without
// holding more than the heap cap, and without probing more servers than
// a real answer could name.
func TestHostileDNS(t *testing.T) {
	manySRV := make([]resolvertest.SRV, 1000)
	for i := range manySRV {
		manySRV[i] = resolvertest.SRV{Target: fmt.Sprintf("imap%d.example.com", i), Port: 993, Priority: uint16(i % 3), Weight: 1}
	}
	manyMX := make([]resolvertest.MX, 1000)
	for i := range manyMX {
		manyMX[i] = resolvertest.MX{Host: fmt.Sprintf("mx.provider%d.example.net", i), Pref: 10}
	}
	manyA := make([]string, 3000)
	for i := range manyA {
		manyA[i] = fmt.Sprintf("127.1.%d.%d", i/250, i%250+1)
	}
	rows := []struct {
		name  string
		zone  resolvertest.Zone
		query string // the lookup the row is about
		// want checks that lookup.
		outcome autoconfig.Outcome
		kind    string
		words   string // in the lookup's error or notes
		// The bounds of the whole run.
		maxProbes, maxLookups int
	}{
		{"1,000 SRV targets in one answer (over TCP)", resolvertest.Zone{"_imaps._tcp.example.com": {SRV: manySRV}},
			"SRV _imaps._tcp.example.com", autoconfig.OutcomeFound, "", "1000 targets: only the first 10", 10, 64},
		{"1,000 MX hosts of one preference", resolvertest.Zone{"example.com": {MX: manyMX}},
			"MX example.com", autoconfig.OutcomeFound, "", "1000 hosts of the best preference: only the first 10", 0, 64},
		{"3,000 A records for one host", resolvertest.Zone{"autoconfig.example.com": {A: manyA}},
			hostileURL + "?emailaddress=alice%40example.com", autoconfig.OutcomeFound, "", "", 2, 64},
		{"CNAME loop", resolvertest.Zone{"autoconfig.example.com": {CNAME: "loop.example.com"}, "loop.example.com": {CNAME: "autoconfig.example.com"},
			"_imaps._tcp.example.com": {CNAME: "loop.example.com"}},
			"SRV _imaps._tcp.example.com", autoconfig.OutcomeError, "dns", "CNAME chain longer than 8", 0, 64},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			w := newFakeWeb(t)
			w.serve("autoconfig.example.com", http.StatusOK, "text/xml", goodConfig)
			srv := resolvertest.NewServer(t, row.zone)
			res, err := resolver.New(srv.Addr())
			if err != nil {
				t.Fatal(err)
			}
			// Every address is refused but the last of the A records,
			// which reaches the web.
			dial := &resolver.Dialer{Resolver: res, Dial: func(ctx context.Context, network, addr string) (net.Conn, error) {
				if host, _, _ := net.SplitHostPort(addr); host != manyA[len(manyA)-1] {
					return nil, &net.OpError{Op: "dial", Net: network, Err: fmt.Errorf("connection refused")}
				}
				var d net.Dialer
				return d.DialContext(ctx, network, w.tlsAddr)
			}}
			client := &http.Client{Transport: &http.Transport{DialContext: dial.DialContext, TLSClientConfig: w.client(t).Transport.(*http.Transport).TLSClientConfig}}
			p := &countingProber{}
			opts := &autoconfig.Options{Resolver: res, HTTP: &autoconfig.HTTPOptions{Client: client}, Prober: p,
				ISPDBURL: "https://ispdb.example.net/v1.1/", ProbeTimeout: hostileTimeout}
			ctx, cancel := context.WithTimeout(context.Background(), hostileTimeout)
			defer cancel()
			var result *autoconfig.Result
			measure(t, func() {
				result, err = autoconfig.Discover(ctx, alice, opts)
			})
			if err != nil {
				t.Fatal(err)
			}
			var lk *autoconfig.Lookup
			for i := range result.Lookups {
				if result.Lookups[i].Query == row.query {
					lk = &result.Lookups[i]
				}
			}
			if lk == nil {
				t.Fatalf("no lookup %q", row.query)
			}
			if lk.Outcome != row.outcome || lk.ErrorKind != row.kind {
				t.Errorf("%s: outcome %s, kind %q (%s); want %s, %q", lk.Query, lk.Outcome, lk.ErrorKind, lk.Error, row.outcome, row.kind)
			}
			if !strings.Contains(lk.Error+strings.Join(lk.Notes, "\n"), row.words) {
				t.Errorf("%s: error %q, notes %q; want %q", lk.Query, lk.Error, lk.Notes[:min(len(lk.Notes), 20)], row.words)
			}
			if n := p.n.Load(); n > int64(row.maxProbes) {
				t.Errorf("%d probes, want at most %d", n, row.maxProbes)
			}
			if n := len(result.Lookups); n > row.maxLookups {
				t.Errorf("%d lookups, want at most %d", n, row.maxLookups)
			}
			t.Logf("%s: %s %s %s; %d servers, %d notes; %d lookups, %d probes in all", lk.Query, lk.Outcome, lk.ErrorKind, lk.Error, len(lk.Servers), len(lk.Notes), len(result.Lookups), p.n.Load())
		})
	}
}
