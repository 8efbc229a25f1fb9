package commands

import (
	"github.com/postino-mail/postino/autoconfig"
	"github.com/postino-mail/postino/probe"
)

// statusSkipped is a side the user did not ask to test (only --smtp was
// given, say). It does not count for the exit status.
const statusSkipped autoconfig.Status = "skipped"

// testReport is the postino/v1 envelope of `postino test`: the same
// schema, command, address, incoming, outgoing, lookups and findings as
// discover's, with the diagnosed servers in each side.
type testReport struct {
	Schema   string               `json:"schema"`
	Command  string               `json:"command"`
	Address  string               `json:"address"`
	Domain   string               `json:"domain"`
	Duration autoconfig.Duration  `json:"duration_ms"`
	Incoming testSide             `json:"incoming"`
	Outgoing testSide             `json:"outgoing"`
	Lookups  []autoconfig.Lookup  `json:"lookups"`
	Findings []autoconfig.Finding `json:"findings"`
}

// testSide is one path's verdict and the servers tested for it.
type testSide struct {
	Status  autoconfig.Status `json:"status"`
	Servers []testServer      `json:"servers"`
}

// testServer is a diagnosis with where the server came from.
type testServer struct {
	*probe.Diagnosis
	Sources []autoconfig.Source `json:"sources,omitempty"`
}

func (r *testRun) report(ins, outs []*probe.Diagnosis) *testReport {
	rep := &testReport{
		Schema: SchemaV1, Command: "test", Address: r.addr.String(), Domain: r.addr.Domain,
		Lookups: []autoconfig.Lookup{}, Findings: []autoconfig.Finding{},
	}
	if r.disc != nil {
		rep.Lookups = append(rep.Lookups, r.disc.Lookups...)
	}
	rep.Findings = append(rep.Findings, r.findings...)
	rep.Incoming = r.side(autoconfig.Incoming, r.in, ins)
	rep.Outgoing = r.side(autoconfig.Outgoing, r.out, outs)
	for _, s := range []testSide{rep.Incoming, rep.Outgoing} {
		for _, d := range s.Servers {
			rep.Findings = append(rep.Findings, d.Findings...)
		}
	}
	return rep
}

func (r *testRun) side(side autoconfig.Side, ts []target, ds []*probe.Diagnosis) testSide {
	s := testSide{Status: autoconfig.StatusOK, Servers: []testServer{}}
	if len(ds) == 0 {
		s.Status = autoconfig.StatusBroken
		if len(r.asked) > 0 && !r.asked[side] {
			s.Status = statusSkipped
		}
		return s
	}
	for i, d := range ds {
		s.Servers = append(s.Servers, testServer{Diagnosis: d, Sources: ts[i].sources})
	}
	s.Status = sideStatus(s, r.findings, side)
	return s
}

// forJSON drops the transcripts unless --verbose asked for them.
func (rep *testReport) forJSON(verbose bool) *testReport {
	if verbose {
		return rep
	}
	cp := *rep
	for _, s := range []*testSide{&cp.Incoming, &cp.Outgoing} {
		servers := make([]testServer, len(s.Servers))
		for i, ts := range s.Servers {
			d := *ts.Diagnosis
			d.Transcript = nil
			servers[i] = testServer{Diagnosis: &d, Sources: ts.Sources}
		}
		s.Servers = servers
	}
	return &cp
}
