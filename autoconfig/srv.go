package autoconfig

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/postino-mail/postino/autoconfig/resolver"
)

// srvLabel is one RFC 6186 / RFC 8314 service label.
type srvLabel struct {
	label    string
	protocol Protocol
	security Security
}

// srvLabels are the six labels of RFC 6186 section 3 and RFC 8314 section
// 5.1, implicit TLS first.
var srvLabels = []srvLabel{
	{"_imaps._tcp", IMAP, SecurityTLS},
	{"_imap._tcp", IMAP, SecurityStartTLS},
	{"_pop3s._tcp", POP3, SecurityTLS},
	{"_pop3._tcp", POP3, SecurityStartTLS},
	{"_submissions._tcp", SMTP, SecurityTLS},
	{"_submission._tcp", SMTP, SecurityStartTLS},
}

// maxSRVTargets bounds the targets taken from one SRV answer. A domain
// names one or two per service; each target becomes a candidate that is
// probed, so an answer listing hundreds would turn one lookup into a scan
// of whatever hosts it names and crowd out every other source's probes.
const maxSRVTargets = 10

// lookupSRV asks one SRV label and turns the answer into servers, ordered
// by priority (lowest first) then weight (highest first). RFC 2782's
// weighted random choice serves load balancing between clients; a report
// that lists every target wants a stable order, and the heaviest target is
// the one a client is most likely to pick.
func lookupSRV(ctx context.Context, res resolver.Resolver, addr Address, l srvLabel) Lookup {
	name := l.label + "." + addr.Domain
	lk := Lookup{Source: SourceSRV, Query: "SRV " + name}
	start := time.Now()
	recs, ans, err := res.LookupSRV(ctx, name)
	lk.Duration = Duration(time.Since(start))
	if err != nil {
		return dnsFailure(lk, err)
	}
	if len(recs) == 0 {
		lk.Outcome, lk.ErrorKind = OutcomeNone, "nodata"
		return lk
	}
	sort.SliceStable(recs, func(i, j int) bool {
		if recs[i].Priority != recs[j].Priority {
			return recs[i].Priority < recs[j].Priority
		}
		return recs[i].Weight > recs[j].Weight
	})
	// RFC 2782: a single record with target "." means the service is
	// decidedly not available at this domain.
	if len(recs) == 1 && recs[0].Target == "." {
		lk.Outcome, lk.ErrorKind = OutcomeNone, "not-offered"
		lk.Notes = append(lk.Notes, fmt.Sprintf("the domain states that %s is not offered (SRV target \".\")", l.protocol))
		return lk
	}
	if len(recs) > maxSRVTargets {
		lk.Notes = append(lk.Notes, fmt.Sprintf("the answer lists %d targets: only the first %d (by priority and weight) are used", len(recs), maxSRVTargets))
		recs = recs[:maxSRVTargets]
	}
	trusted := true
	for _, r := range recs {
		if r.Target == "." || r.Port == 0 {
			continue
		}
		s := Server{Protocol: l.protocol, Host: r.Target, Port: int(r.Port), Security: l.security}
		// RFC 6186 section 4: the username is the full address unless
		// told otherwise.
		s.Username = fullAddress(addr)
		lk.Servers = append(lk.Servers, s)
		lk.prefs = append(lk.prefs, int(r.Priority))
		lk.Notes = append(lk.Notes, fmt.Sprintf("%s:%d priority %d weight %d", r.Target, r.Port, r.Priority, r.Weight))
		if !SameOrganisation(r.Target, addr.Domain) {
			trusted = false
		}
	}
	if len(lk.Servers) == 0 {
		lk.Outcome, lk.ErrorKind = OutcomeNone, "not-offered"
		return lk
	}
	lk.Outcome = OutcomeFound
	// Unsigned DNS can be forged; an answer pointing inside the domain's
	// own organisation is no worse than guessing, one pointing elsewhere is.
	lk.Trusted = ans.Authentic || trusted
	if !lk.Trusted {
		lk.Notes = append(lk.Notes, "unsigned SRV answer points outside the domain: not trusted with a password")
	}
	return lk
}

// dnsFailure fills a lookup from a resolver error: NXDOMAIN is "nothing
// there", anything else is an error.
func dnsFailure(lk Lookup, err error) Lookup {
	lk.ErrorKind = resolver.Kind(err)
	lk.Error = err.Error()
	if lk.ErrorKind == "nxdomain" {
		lk.Outcome = OutcomeNone
	} else {
		lk.Outcome = OutcomeError
	}
	return lk
}
