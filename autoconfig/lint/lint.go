// Package lint judges what a domain publishes for mail clients: what each
// client would configure from it (the client matrix) and every problem of
// every publication (autoconfig files, the ISPDB entry, Outlook
// autodiscover, SRV records) as findings addressed to the administrator.
//
// It asks nothing itself: it reads the lookups and probes of one
// discovery run (autoconfig.Discover with Options.Complete and
// Options.AutodiscoverGET), so no source is asked twice. Each client's
// rules live in their own file (client_*.go) and cite the behaviour they
// follow; docs/lint.md describes them.
//
// Specifications: draft-ietf-mailmaint-autoconfig (and its RELAX NG
// schema, spec/), Microsoft Autodiscover POX ([MS-OXDSCLI]), RFC 6186,
// RFC 8314, RFC 2782.
//
// It lives under autoconfig because it is about where clients find
// settings, which is autoconfig's concern (DESIGN.md, Layout); it imports
// autoconfig only, and commands renders its Report.
package lint

import (
	"github.com/postino-mail/postino/autoconfig"
)

// Status is a client's verdict.
type Status string

const (
	StatusOK      Status = "ok"      // it finds working settings by itself
	StatusWarning Status = "warning" // it works, with a catch (the user must approve, not the best server, no encryption)
	StatusBroken  Status = "broken"  // it finds nothing, or settings that do not work
)

// Report is postino lint's result.
type Report struct {
	Clients      []ClientRow          `json:"clients"`
	Publications []Publication        `json:"publications"`
	Findings     []autoconfig.Finding `json:"findings"`
}

// ClientRow is what one client would do with the domain's publications.
type ClientRow struct {
	Client string `json:"client"` // thunderbird, k9, deltachat, outlook
	Name   string `json:"name"`
	Status Status `json:"status"`
	// Source and Query name the publication the client would take its
	// settings from; empty when it finds none.
	Source   autoconfig.Source `json:"source,omitempty"`
	Query    string            `json:"query,omitempty"`
	Incoming *Choice           `json:"incoming"`
	Outgoing *Choice           `json:"outgoing"`
	// Steps are the client's lookups in its own order, with what each
	// gave (from this run's lookups).
	Steps []Step `json:"steps"`
	// Problems say why the row is not ok.
	Problems []string `json:"problems,omitempty"`
	// Publish says what the administrator should publish so that this
	// client finds the right settings.
	Publish []string `json:"publish,omitempty"`
	// Rule cites the behaviour the row follows.
	Rule string `json:"rule"`
}

// Choice is the server a client would configure for one side.
type Choice struct {
	autoconfig.Server
	// Works: the probe of this server answered, with a valid certificate
	// (and, for SMTP, a way to submit).
	Works bool `json:"works"`
	// Probe says what the probe saw, in a few words.
	Probe string `json:"probe"`
	// Recommended: it is the server discovery recommends for this side.
	Recommended bool `json:"recommended"`
}

// Step is one lookup in a client's order.
type Step struct {
	Source  autoconfig.Source `json:"source"`
	Query   string            `json:"query"`
	Outcome string            `json:"outcome"` // found, none, error, rejected, not-asked, skipped
	Detail  string            `json:"detail,omitempty"`
	Used    bool              `json:"used,omitempty"`
}

// Publication is one place the domain publishes settings, with the
// evidence the checks read.
type Publication struct {
	Source    autoconfig.Source        `json:"source"`
	Query     string                   `json:"query"`
	Outcome   autoconfig.Outcome       `json:"outcome"`
	ErrorKind string                   `json:"error_kind,omitempty"`
	Error     string                   `json:"error,omitempty"`
	Trusted   bool                     `json:"trusted"`
	HTTP      *autoconfig.HTTPExchange `json:"http,omitempty"`
	Servers   []autoconfig.Server      `json:"servers,omitempty"`
	// SchemaValid is the autoconfig schema's verdict on a document
	// (autoconfig sources only); SchemaErrors says why not.
	SchemaValid  *bool    `json:"schema_valid,omitempty"`
	SchemaErrors []string `json:"schema_errors,omitempty"`
}

// clients are the matrix's rows, in display order.
var clients = []func(*view) ClientRow{thunderbird, k9, deltaChat, outlook}

// Run judges the result of one discovery run made with Options.Complete
// and Options.AutodiscoverGET.
func Run(res *autoconfig.Result) *Report {
	v := newView(res)
	r := &Report{}
	for _, c := range clients {
		r.Clients = append(r.Clients, c(v))
	}
	r.Publications = v.publications()
	r.Findings = v.check()
	return r
}
