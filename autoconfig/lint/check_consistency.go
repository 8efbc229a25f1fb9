package lint

import (
	"fmt"
	"sort"

	"github.com/postino-mail/postino/autoconfig"
)

// published is one publication's preferred server per side.
type published struct {
	label   string // source and where
	in, out *autoconfig.Server
}

// checkConsistency compares every publication's preferred servers with
// the first publication's: a finding per disagreement, naming both.
func (v *view) checkConsistency(f *findings) {
	var ps []published
	for _, q := range []string{v.acHTTPS, v.wkHTTPS, v.acHTTP, v.wkHTTP} {
		if lk := v.lookup(q); found(lk) {
			ps = append(ps, fromLookup(string(lk.Source)+" "+stripQuery(q), lk.Servers))
		}
	}
	if lk := v.source(autoconfig.SourceISPDB); found(lk) {
		ps = append(ps, fromLookup("ispdb "+lk.Query, lk.Servers))
	}
	if srv := v.srvServers(); len(srv) > 0 {
		ps = append(ps, fromLookup("srv _imaps/_imap/_pop3s/_pop3/_submissions/_submission", srv))
	}
	for _, q := range []string{"https://" + v.domain + "/autodiscover/autodiscover.xml", "https://autodiscover." + v.domain + "/autodiscover/autodiscover.xml",
		"http://autodiscover." + v.domain + "/autodiscover/autodiscover.xml", "SRV _autodiscover._tcp." + v.domain,
		"GET https://" + v.domain + "/autodiscover/autodiscover.xml", "GET https://autodiscover." + v.domain + "/autodiscover/autodiscover.xml"} {
		if lk := v.lookup(q); found(lk) {
			ps = append(ps, fromLookup("autodiscover "+q, lk.Servers))
			break // one autodiscover answer stands for all of them
		}
	}
	for _, side := range []autoconfig.Side{autoconfig.Incoming, autoconfig.Outgoing} {
		var ref *published
		for i := range ps {
			p := &ps[i]
			s := p.in
			if side == autoconfig.Outgoing {
				s = p.out
			}
			if s == nil {
				continue
			}
			if ref == nil {
				ref = p
				continue
			}
			r := ref.in
			if side == autoconfig.Outgoing {
				r = ref.out
			}
			if r.Key() != s.Key() {
				f.add(newFinding(findSourcesDisagree, "", autoconfig.Values{"side": string(side), "source": ref.label, "server": fmt.Sprint(r),
					"source2": p.label, "server2": fmt.Sprint(s)}))
			}
		}
	}
}

func fromLookup(label string, servers []autoconfig.Server) published {
	return published{label: label, in: firstOf(servers, autoconfig.Incoming, nil), out: firstOf(servers, autoconfig.Outgoing, nil)}
}

// srvServers are the SRV targets in preference order: priority, then
// IMAP before POP3 and implicit TLS before STARTTLS (the label order).
func (v *view) srvServers() []autoconfig.Server {
	type ranked struct {
		s    autoconfig.Server
		pref int
	}
	var all []ranked
	for _, l := range srvLabels {
		for _, label := range []string{l.tls, l.starttls} {
			lk := v.lookup("SRV " + label + "." + v.domain)
			if !found(lk) {
				continue
			}
			for i, s := range lk.Servers {
				all = append(all, ranked{s, lk.Preference(i)})
			}
		}
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].pref < all[j].pref })
	var out []autoconfig.Server
	for _, r := range all {
		out = append(out, r.s)
	}
	return out
}
