package lint

import (
	"fmt"
	"net/url"
	"sort"
	"strings"

	"github.com/postino-mail/postino/autoconfig"
)

// view indexes one discovery run for the client rules and the checks.
type view struct {
	res     *autoconfig.Result
	addr    autoconfig.Address
	domain  string
	byQuery map[string]*autoconfig.Lookup
	cands   map[string]*autoconfig.Candidate // by Server.Key()
	// The domain's own autoconfig URLs (autoconfig.MozillaURLs).
	acHTTPS, wkHTTPS, acHTTP, wkHTTP string
}

func newView(res *autoconfig.Result) *view {
	v := &view{res: res, addr: res.Address, domain: res.Address.Domain,
		byQuery: map[string]*autoconfig.Lookup{}, cands: map[string]*autoconfig.Candidate{}}
	for i := range res.Lookups {
		lk := &res.Lookups[i]
		if _, dup := v.byQuery[lk.Query]; !dup {
			v.byQuery[lk.Query] = lk
		}
	}
	for _, side := range []*autoconfig.SideResult{&res.Incoming, &res.Outgoing} {
		for i := range side.Candidates {
			c := &side.Candidates[i]
			v.cands[c.Key()] = c
		}
	}
	v.acHTTPS, v.wkHTTPS, v.acHTTP, v.wkHTTP = autoconfig.MozillaURLs(res.Address)
	return v
}

// lookup is the lookup that asked q, nil if none did.
func (v *view) lookup(q string) *autoconfig.Lookup { return v.byQuery[q] }

// source is the first lookup of src, nil if none.
func (v *view) source(src autoconfig.Source) *autoconfig.Lookup {
	for i := range v.res.Lookups {
		if v.res.Lookups[i].Source == src {
			return &v.res.Lookups[i]
		}
	}
	return nil
}

// mxDocs are the MX-derived autoconfig and ISPDB lookups in Thunderbird's
// and K-9's order: the MX host's sub-domain before its registrable domain,
// for each the provider's https autoconfig before the ISPDB.
func (v *view) mxDocs() []*autoconfig.Lookup {
	var out []*autoconfig.Lookup
	for i := range v.res.Lookups {
		lk := &v.res.Lookups[i]
		if lk.Source == autoconfig.SourceMX && strings.HasPrefix(lk.Query, "https://") {
			out = append(out, lk)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		di, ai := mxDocDomain(out[i].Query)
		dj, aj := mxDocDomain(out[j].Query)
		if len(di) != len(dj) {
			return len(di) > len(dj)
		}
		return ai && !aj
	})
	return out
}

// mxDocDomain is the domain an MX-derived URL asks about, and whether it
// is the provider's own autoconfig (else the ISPDB).
func mxDocDomain(q string) (string, bool) {
	u, err := url.Parse(q)
	if err != nil {
		return "", false
	}
	if d, ok := strings.CutPrefix(u.Hostname(), "autoconfig."); ok {
		return d, true
	}
	return u.Path[strings.LastIndexByte(u.Path, '/')+1:], false
}

// step describes lk as one step of a client, asked as q.
func step(src autoconfig.Source, q string, lk *autoconfig.Lookup) Step {
	s := Step{Source: src, Query: q}
	if lk == nil {
		s.Outcome, s.Detail = "not-asked", "not asked in this run (source skipped, or a bare domain)"
		return s
	}
	s.Outcome = string(lk.Outcome)
	switch {
	case lk.Error != "":
		s.Detail = lk.Error
	case lk.ErrorKind != "":
		s.Detail = lk.ErrorKind
	case lk.Outcome == autoconfig.OutcomeFound:
		s.Detail = serversText(lk.Servers)
	case len(lk.Notes) > 0:
		s.Detail = lk.Notes[len(lk.Notes)-1] // why nothing came of it
	}
	return s
}

func serversText(ss []autoconfig.Server) string {
	var parts []string
	for _, s := range ss {
		parts = append(parts, fmt.Sprintf("%s %s %s", s.Protocol, s.Addr(), s.Security))
	}
	return strings.Join(parts, ", ")
}

// found reports whether lk gave servers.
func found(lk *autoconfig.Lookup) bool { return lk != nil && lk.Outcome == autoconfig.OutcomeFound }

// firstOf returns the first server of side in servers that keep accepts.
func firstOf(servers []autoconfig.Server, side autoconfig.Side, keep func(autoconfig.Server) bool) *autoconfig.Server {
	for i := range servers {
		if servers[i].Side() == side && (keep == nil || keep(servers[i])) {
			s := servers[i]
			return &s
		}
	}
	return nil
}

// candidates are the candidates of protocol p on host at security sec,
// those on the ports in first ahead, the rest by port.
func (v *view) candidates(p autoconfig.Protocol, host string, sec autoconfig.Security, first []int) []*autoconfig.Candidate {
	var out []*autoconfig.Candidate
	for _, side := range []*autoconfig.SideResult{&v.res.Incoming, &v.res.Outgoing} {
		for i := range side.Candidates {
			c := &side.Candidates[i]
			if c.Protocol == p && c.Security == sec && strings.EqualFold(c.Host, host) {
				out = append(out, c)
			}
		}
	}
	rank := func(c *autoconfig.Candidate) int {
		for i, port := range first {
			if c.Port == port {
				return i - len(first)
			}
		}
		return c.Port
	}
	sort.SliceStable(out, func(i, j int) bool { return rank(out[i]) < rank(out[j]) })
	return out
}

// choice is s with what its probe said.
func (v *view) choice(s *autoconfig.Server) *Choice {
	if s == nil {
		return nil
	}
	ch := &Choice{Server: *s, Probe: "not probed"}
	rec := v.res.Incoming.Recommended
	if s.Side() == autoconfig.Outgoing {
		rec = v.res.Outgoing.Recommended
	}
	ch.Recommended = rec != nil && rec.Key() == s.Key()
	c := v.cands[s.Key()]
	if c == nil {
		if v.unresolved(s.Host) {
			ch.Probe = "no address: " + s.Host + " does not resolve"
		}
		return ch
	}
	ch.Works, ch.Probe = works(c)
	return ch
}

// works judges a candidate's probe as a client would: it must answer,
// with a valid certificate, and an SMTP server must let the client send.
func works(c *autoconfig.Candidate) (bool, string) {
	p := c.Probe
	switch {
	case p == nil:
		return false, "not probed"
	case p.Status == autoconfig.ProbeSkipped:
		return false, "not probed: " + p.Error
	case p.Status != autoconfig.ProbeOK:
		return false, "does not work: " + strings.TrimSpace(p.ErrorKind+" "+p.Error)
	case !p.Verified():
		why := "certificate not valid"
		if p.TLS != nil && len(p.TLS.Problems) > 0 {
			why += ": " + p.TLS.Problems[0]
		}
		return false, why
	case c.Protocol == autoconfig.SMTP && !p.SubmissionReady():
		return false, "answers, but offers no AUTH and does not relay"
	}
	return true, "ok"
}

// unresolved reports whether guessing found that host has no address.
func (v *view) unresolved(host string) bool {
	for _, lk := range v.res.Lookups {
		if lk.Source == autoconfig.SourceGuess && strings.Contains(lk.Query, host) && lk.Outcome != autoconfig.OutcomeFound {
			return true
		}
	}
	return false
}

// finish fills a row's choices and status from the servers a client
// would configure; problems already on the row stay.
func (v *view) finish(r *ClientRow, in, out *autoconfig.Server, warnings ...string) {
	r.Incoming, r.Outgoing = v.choice(in), v.choice(out)
	r.Status = StatusOK
	var broken []string
	for _, side := range []struct {
		name string
		ch   *Choice
		rec  *autoconfig.Candidate
	}{{"incoming", r.Incoming, v.res.Incoming.Recommended}, {"outgoing", r.Outgoing, v.res.Outgoing.Recommended}} {
		switch {
		case side.ch == nil:
			broken = append(broken, "finds no "+side.name+" server: the user has to type it in")
		case !side.ch.Works:
			broken = append(broken, fmt.Sprintf("would configure %s, which does not work (%s)", side.ch.Server, side.ch.Probe))
		case side.ch.Security == autoconfig.SecurityNone:
			warnings = append(warnings, fmt.Sprintf("would configure %s without encryption", side.ch.Server))
		case !side.ch.Recommended && side.rec != nil:
			warnings = append(warnings, fmt.Sprintf("would configure %s; the best working %s server is %s", side.ch.Server, side.name, side.rec.Server))
		}
	}
	r.Problems = append(append(r.Problems, broken...), warnings...)
	switch {
	case len(broken) > 0:
		r.Status = StatusBroken
	case len(warnings) > 0:
		r.Status = StatusWarning
	}
}

// use records that the row takes its settings from lk.
func use(r *ClientRow, lk *autoconfig.Lookup) {
	r.Source, r.Query = lk.Source, lk.Query
	for i := range r.Steps {
		if r.Steps[i].Query == lk.Query {
			r.Steps[i].Used = true
		}
	}
}
