package autoconfig

// Source names a discovery source, as in the JSON "lookups[].source" field.
// What postino knows about each one is its row in sourceTable (sources.go).
type Source string

const (
	SourceSRV            Source = "srv"
	SourceAutoconfig     Source = "autoconfig"      // https://autoconfig.DOMAIN/mail/config-v1.1.xml
	SourceWellKnown      Source = "well-known"      // https://DOMAIN/.well-known/autoconfig/...
	SourceAutoconfigHTTP Source = "autoconfig-http" // either of the above over plain http
	SourceISPDB          Source = "ispdb"
	SourceMX             Source = "mx"
	SourceAutodiscover   Source = "autodiscover"
	SourceProviders      Source = "providers"
	SourceGuess          Source = "guess"
)

// Outcome of one lookup.
type Outcome string

const (
	OutcomeFound     Outcome = "found"
	OutcomeNone      Outcome = "none"  // asked, nothing there (NXDOMAIN, 404, no records)
	OutcomeError     Outcome = "error" // something is broken (SERVFAIL, 500, malformed XML, TLS)
	OutcomeCancelled Outcome = "cancelled"
)

// Lookup is one question asked of one source and what came back.
type Lookup struct {
	Source Source `json:"source"`
	// Query is the URL or DNS name asked.
	Query   string  `json:"query"`
	Outcome Outcome `json:"outcome"`
	// ErrorKind classifies Outcome none/error: nxdomain, nodata, servfail,
	// timeout, refused, tls, http-status, malformed, too-large, redirect, …;
	// internal for a bug in postino (a recovered panic).
	ErrorKind string   `json:"error_kind,omitempty"`
	Error     string   `json:"error,omitempty"`
	Duration  Duration `json:"duration_ms"`
	Servers   []Server `json:"servers,omitempty"`
	// Trusted: the answer came over https (every hop) from the domain itself
	// or the ISPDB, from the built-in database, or from DNS that is
	// DNSSEC-authenticated or stays within the domain.
	Trusted bool `json:"trusted"`
	// Notes are plain remarks about this answer (insecure http, redirect
	// followed, wrong content type, priorities), shown with it.
	Notes []string `json:"notes,omitempty"`
	// Findings are the problems this lookup revealed.
	Findings []Finding `json:"-"`
	// HTTP is the exchange behind an HTTP-based lookup (nil for DNS and
	// the built-in database), and Document the last answer's body as read
	// (size-capped): the evidence that postino lint judges publications by.
	HTTP     *HTTPExchange `json:"-"`
	Document []byte        `json:"-"`
	// prefs is the publisher's preference for each of Servers (SRV
	// priority, file order); lower is preferred. Nil means file order.
	prefs []int
	// trustNote says why this answer is trusted when that is not plain
	// (an MX that belongs to a provider a curated entry knows); it is
	// added to the notes of the candidates it names.
	trustNote string
	// config is the clientConfig document behind a found Mozilla-format
	// answer, for the facts beyond servers (see ProviderFacts).
	config *MozillaConfig
}

// HTTPExchange is what one HTTP-based lookup sent and saw.
type HTTPExchange struct {
	Method string `json:"method"`
	// Hops are the requests made, redirects included, in order.
	Hops []HTTPHop `json:"hops"`
	// FinalURL, Status and ContentType are those of the last answer.
	FinalURL    string `json:"final_url"`
	Status      int    `json:"status,omitempty"`
	ContentType string `json:"content_type,omitempty"`
	// Secure: every hop was https.
	Secure bool `json:"secure"`
}

// HTTPHop is one request of an exchange and the status it got.
type HTTPHop struct {
	URL    string `json:"url"`
	Status int    `json:"status"`
}

// recordHTTP keeps the evidence of res on lk; for a chain of several
// fetches (autodiscover), the hops add up and the last answer counts.
func recordHTTP(lk *Lookup, method string, res *httpResponse) {
	if lk.HTTP == nil {
		lk.HTTP = &HTTPExchange{Method: method, Secure: true}
	}
	for _, h := range res.hops {
		lk.HTTP.Hops = append(lk.HTTP.Hops, HTTPHop(h))
	}
	lk.HTTP.FinalURL, lk.HTTP.Status, lk.HTTP.ContentType = res.finalURL, res.status, res.contentType
	lk.HTTP.Secure = lk.HTTP.Secure && res.secure
	lk.Document = res.body
}

// Preference is the publisher's preference for Servers[i] (SRV priority,
// else file order); lower is preferred.
func (lk *Lookup) Preference(i int) int {
	if lk.prefs != nil && i < len(lk.prefs) {
		return lk.prefs[i]
	}
	return i
}
