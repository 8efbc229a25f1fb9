package autoconfig_test

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/postino-mail/postino/autoconfig/resolver"
	"github.com/postino-mail/postino/probe/probetest"
)

// fakeWeb is a loopback stand-in for the web: one https and one http
// server that dispatch on the Host header, a CA that issues a certificate
// for whatever name a client asks (by SNI), and an http.Client whose
// dialer sends every host name there (port 80 to the http server, any
// other port to the https one) unless told otherwise.
type fakeWeb struct {
	ca        *probetest.CA
	tlsAddr   string
	plainAddr string

	mu       sync.Mutex
	handlers map[string]http.HandlerFunc // by host name
	dialTo   map[string]string           // host name → address to dial instead
	nx       map[string]bool             // host names that do not exist
	certs    map[string]*tls.Certificate
}

func newFakeWeb(t *testing.T) *fakeWeb {
	t.Helper()
	ca, err := probetest.NewCA()
	if err != nil {
		t.Fatal(err)
	}
	w := &fakeWeb{ca: ca, handlers: map[string]http.HandlerFunc{}, dialTo: map[string]string{},
		nx: map[string]bool{}, certs: map[string]*tls.Certificate{}}
	mux := http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		host, _, err := net.SplitHostPort(r.Host)
		if err != nil {
			host = r.Host
		}
		w.mu.Lock()
		h := w.handlers[host]
		w.mu.Unlock()
		if h == nil {
			http.NotFound(rw, r)
			return
		}
		h(rw, r)
	})
	ts := httptest.NewUnstartedServer(mux)
	ts.TLS = &tls.Config{GetCertificate: w.certFor}
	ts.Config.ErrorLog = quietLog
	ts.StartTLS()
	t.Cleanup(ts.Close)
	ps := httptest.NewUnstartedServer(mux)
	ps.Config.ErrorLog = quietLog
	ps.Start()
	t.Cleanup(ps.Close)
	w.tlsAddr, w.plainAddr = ts.Listener.Addr().String(), ps.Listener.Addr().String()
	return w
}

// quietLog keeps the handshake failures that tests provoke on purpose
// out of the test output.
var quietLog = log.New(io.Discard, "", 0)

// untrustedServer is an https server whose certificate fakeWeb's clients
// do not trust (httptest's own).
func untrustedServer(t *testing.T) *httptest.Server {
	s := httptest.NewUnstartedServer(http.NotFoundHandler())
	s.Config.ErrorLog = quietLog
	s.StartTLS()
	t.Cleanup(s.Close)
	return s
}

func (w *fakeWeb) certFor(hello *tls.ClientHelloInfo) (*tls.Certificate, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if c := w.certs[hello.ServerName]; c != nil {
		return c, nil
	}
	leaf, err := w.ca.Issue(probetest.LeafOptions{}, hello.ServerName)
	if err != nil {
		return nil, err
	}
	w.certs[hello.ServerName] = &leaf.Cert
	return &leaf.Cert, nil
}

// handle serves host (on both servers) with h.
func (w *fakeWeb) handle(host string, h http.HandlerFunc) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.handlers[host] = h
}

// serve answers every request to host with status, content type and body.
func (w *fakeWeb) serve(host string, status int, ctype, body string) {
	w.handle(host, func(rw http.ResponseWriter, r *http.Request) {
		rw.Header().Set("Content-Type", ctype)
		rw.WriteHeader(status)
		_, _ = rw.Write([]byte(body))
	})
}

// redirect answers every request to host with a redirect to target.
func (w *fakeWeb) redirect(host string, status int, target string) {
	w.handle(host, func(rw http.ResponseWriter, r *http.Request) {
		http.Redirect(rw, r, target, status)
	})
}

func (w *fakeWeb) client(t *testing.T) *http.Client {
	d := &net.Dialer{}
	tr := &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			host, port, err := net.SplitHostPort(addr)
			if err != nil {
				return nil, err
			}
			w.mu.Lock()
			nx, to := w.nx[host], w.dialTo[host]
			w.mu.Unlock()
			switch {
			case nx:
				// As postino's own dialer reports a resolver error.
				return nil, &net.OpError{Op: "dial", Net: network, Err: fmt.Errorf("lookup %s: %w", host, resolver.ErrNotFound)}
			case to != "":
				return d.DialContext(ctx, network, to)
			case port == "80":
				return d.DialContext(ctx, network, w.plainAddr)
			}
			return d.DialContext(ctx, network, w.tlsAddr)
		},
		TLSClientConfig: &tls.Config{RootCAs: w.ca.Pool()},
	}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr}
}

// fakeResolver answers SRV questions from a map; other names are NXDOMAIN.
type fakeResolver struct {
	srv map[string][]resolver.SRV
	err map[string]error
}

func (f fakeResolver) LookupSRV(ctx context.Context, name string) ([]resolver.SRV, resolver.Answer, error) {
	if err := f.err[name]; err != nil {
		return nil, resolver.Answer{}, err
	}
	if r, ok := f.srv[name]; ok {
		return r, resolver.Answer{}, nil
	}
	return nil, resolver.Answer{}, fmt.Errorf("%s: %w", name, resolver.ErrNotFound)
}

func (f fakeResolver) LookupMX(ctx context.Context, domain string) ([]resolver.MX, resolver.Answer, error) {
	return nil, resolver.Answer{}, fmt.Errorf("%s: %w", domain, resolver.ErrNotFound)
}

func (f fakeResolver) LookupIP(ctx context.Context, host string, fam resolver.Family) ([]net.IP, resolver.Answer, error) {
	return nil, resolver.Answer{}, fmt.Errorf("%s: %w", host, resolver.ErrNotFound)
}
