package autoconfig

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"time"
)

// HTTPOptions configure every HTTP-based source. A nil *HTTPOptions is
// equivalent to a zero value.
type HTTPOptions struct {
	// Client does the requests. Its Transport should dial through postino's
	// resolver (so --resolver and the tests' fake DNS apply). Its
	// CheckRedirect is ignored: postino follows redirects itself, to see and
	// judge every hop. Nil means a client over http.DefaultTransport, which
	// uses the system resolver.
	Client *http.Client
	// MaxBody bounds a response body (default 1 MiB). A longer one is not
	// read: the lookup fails with ErrTooLarge.
	MaxBody int64
	// UserAgent is sent with every request (default "postino").
	UserAgent string
}

func (o *HTTPOptions) defaulted() HTTPOptions {
	var v HTTPOptions
	if o != nil {
		v = *o
	}
	if v.Client == nil {
		v.Client = &http.Client{}
	}
	if v.MaxBody <= 0 {
		v.MaxBody = 1 << 20
	}
	if v.UserAgent == "" {
		v.UserAgent = "postino"
	}
	return v
}

// maxHTTPRedirects bounds the HTTP redirects of one fetch, as browsers and
// mox's MTA-STS client bound theirs.
const maxHTTPRedirects = 5

var (
	errTooManyRedirects = errors.New("autoconfig: too many redirects")
	errRedirectLoop     = errors.New("autoconfig: redirect loop")
	errBadRedirect      = errors.New("autoconfig: bad redirect")
)

// httpRequest is one fetch to make.
type httpRequest struct {
	method, url string
	body        []byte
	contentType string // of body
	// owner is the domain every hop should stay within (by registrable
	// domain); "" means the caller vouches for wherever it leads.
	owner string
	// noFollow returns a redirect answer (with location set) instead of
	// following it.
	noFollow bool
}

// httpHop is one request made while fetching, redirects included.
type httpHop struct {
	URL    string
	Status int
}

// httpResponse is what a fetch saw. It is filled as far as the fetch got,
// also when it fails.
type httpResponse struct {
	hops        []httpHop
	finalURL    string
	status      int
	contentType string
	location    string // absolute redirect target, for noFollow
	body        []byte
	// secure: every hop was https.
	secure bool
	// offsite lists the hosts of hops outside owner's registrable domain.
	offsite  []string
	duration time.Duration
}

// httpStatusError is a non-2xx final answer.
type httpStatusError struct {
	Code   int
	Status string // "404 Not Found"
}

func (e *httpStatusError) Error() string { return "HTTP " + e.Status }

// fetchHTTP makes req, following up to maxHTTPRedirects redirects itself,
// and reads at most MaxBody bytes of a 2xx answer. A non-2xx answer is an
// *httpStatusError. The response is never nil.
func fetchHTTP(ctx context.Context, opts *HTTPOptions, req httpRequest) (*httpResponse, error) {
	o := opts.defaulted()
	client := *o.Client // a copy, so that our redirect policy stays ours
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	start := time.Now()
	res := &httpResponse{secure: true}
	err := res.run(ctx, &client, &o, req)
	res.duration = time.Since(start)
	return res, err
}

func (res *httpResponse) run(ctx context.Context, client *http.Client, o *HTTPOptions, req httpRequest) error {
	method, body, u := req.method, req.body, req.url
	seen := map[string]bool{}
	for {
		pu, err := url.Parse(u)
		if err != nil || (pu.Scheme != "https" && pu.Scheme != "http") || pu.Host == "" {
			if len(res.hops) > 0 {
				return fmt.Errorf("%w: to %q", errBadRedirect, u)
			}
			return fmt.Errorf("autoconfig: not an http(s) URL: %q", u)
		}
		if pu.Scheme != "https" {
			res.secure = false
		}
		if req.owner != "" && !SameOrganisation(pu.Hostname(), req.owner) && !slices.Contains(res.offsite, pu.Hostname()) {
			res.offsite = append(res.offsite, pu.Hostname())
		}
		seen[u] = true
		var rd io.Reader
		if body != nil {
			rd = bytes.NewReader(body)
		}
		hreq, err := http.NewRequestWithContext(ctx, method, u, rd)
		if err != nil {
			return fmt.Errorf("autoconfig: %w", err)
		}
		hreq.Header.Set("User-Agent", o.UserAgent)
		if body != nil {
			hreq.Header.Set("Content-Type", req.contentType)
		}
		resp, err := client.Do(hreq)
		if err != nil {
			return err
		}
		res.hops = append(res.hops, httpHop{URL: u, Status: resp.StatusCode})
		res.finalURL, res.status = u, resp.StatusCode
		res.contentType = resp.Header.Get("Content-Type")
		if isHTTPRedirect(resp.StatusCode) {
			// Drain a little so the connection can be reused.
			_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4096))
			resp.Body.Close()
			loc := resp.Header.Get("Location")
			next, err := pu.Parse(loc)
			if loc == "" || err != nil {
				return fmt.Errorf("%w: HTTP %s with Location %q", errBadRedirect, resp.Status, loc)
			}
			if req.noFollow {
				res.location = next.String()
				return nil
			}
			switch {
			case len(res.hops) > maxHTTPRedirects:
				return fmt.Errorf("%w: more than %d", errTooManyRedirects, maxHTTPRedirects)
			case seen[next.String()]:
				return fmt.Errorf("%w: back to %s", errRedirectLoop, next)
			}
			// 303 means "see other with GET". The others keep the method
			// and body: an Autodiscover POST moved elsewhere must still be
			// a POST there, or the answer is meaningless.
			if resp.StatusCode == http.StatusSeeOther {
				method, body = http.MethodGet, nil
			}
			u = next.String()
			continue
		}
		defer resp.Body.Close()
		if resp.StatusCode < 200 || resp.StatusCode > 299 {
			return &httpStatusError{Code: resp.StatusCode, Status: resp.Status}
		}
		b, err := io.ReadAll(io.LimitReader(resp.Body, o.MaxBody+1))
		if ctx.Err() != nil {
			// The deadline came while the answer was arriving: what was
			// read may look complete (the server ended it when the
			// connection closed), but it is a cut-off, not a document.
			return fmt.Errorf("autoconfig: reading the answer: %w", ctx.Err())
		}
		if err != nil {
			return fmt.Errorf("autoconfig: reading the answer: %w", err)
		}
		if int64(len(b)) > o.MaxBody {
			return fmt.Errorf("%w: more than %d bytes", ErrTooLarge, o.MaxBody)
		}
		res.body = b
		return nil
	}
}

func isHTTPRedirect(code int) bool {
	switch code {
	case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther,
		http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
		return true
	}
	return false
}
