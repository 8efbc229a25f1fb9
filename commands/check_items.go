package commands

import (
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/postino-mail/postino/autoconfig"
	"github.com/postino-mail/postino/probe"
)

// checkItem is one check of a target, the unit that JUnit (a testcase),
// Nagios (a subcheck line) and GitHub (an annotation) report: a phase of a
// server on one address, a finding, or a path.
type checkItem struct {
	Side     autoconfig.Side
	Server   string // "imap store.example.com:993", empty for a path or the run
	Name     string // phase and address, finding code, or path
	Outcome  outcome
	Message  string
	Hint     string
	Duration time.Duration
	Phase    bool // a phase, which a finding explains when it fails
}

// outcome is a check's result in JUnit's terms, plus warn: JUnit has no
// warning, so each format decides what a warning is.
type outcome string

const (
	outcomePass outcome = "pass"
	outcomeWarn outcome = "warn"
	outcomeFail outcome = "fail"  // the check ran and found a problem
	outcomeErr  outcome = "error" // the check could not run from here
	outcomeSkip outcome = "skip"  // not applicable
)

// couldNotTest are the findings that say nothing about the server, only
// that this machine could not reach or resolve it: JUnit errors, not
// failures (REFERENCE-diagnostics 2.6).
var couldNotTest = map[string]bool{probe.CodeDNSFailed: true, probe.CodeNetUnreachable: true}

// serverLabel names a diagnosed server: "imap store.example.com:993".
func serverLabel(d *probe.Diagnosis) string { return string(d.Server.Protocol) + " " + d.Server.Addr() }

// checkItems lists every check of a result, path by path, server by
// server: phases first, then findings.
func checkItems(r *checkResult) []checkItem {
	if r.Report == nil {
		msg := "could not test"
		if r.Err != nil {
			msg = errText(r.Err)
		}
		return []checkItem{{Name: "run", Outcome: outcomeErr, Message: msg}}
	}
	var items []checkItem
	for _, s := range r.sides() {
		switch {
		case s.Status == statusSkipped:
			items = append(items, checkItem{Side: s.name, Name: string(s.name), Outcome: outcomeSkip, Message: "not tested: the target names one server of the other path"})
			continue
		case len(s.Servers) == 0:
			items = append(items, checkItem{Side: s.name, Name: string(s.name), Outcome: outcomeFail, Message: "no " + string(s.name) + " server found"})
		}
		for _, ts := range s.Servers {
			d := ts.Diagnosis
			// After STARTTLS a server is asked for its capabilities
			// again: the second ask is a check of its own.
			seen, afterStartTLS := map[string]bool{}, false
			for _, ph := range d.Phases {
				name := strings.TrimSpace(ph.Name + " " + ph.Address)
				if seen[name] && afterStartTLS {
					name = strings.TrimSpace(ph.Name + " after starttls " + ph.Address)
				}
				seen[name], afterStartTLS = true, afterStartTLS || ph.Name == autoconfig.PhaseStartTLS
				it := checkItem{Side: s.name, Server: serverLabel(d), Name: name,
					Outcome: outcomePass, Message: displayText(ph.Detail), Duration: time.Duration(ph.Duration), Phase: true}
				if !ph.OK {
					it.Outcome = outcomeFail
				}
				items = append(items, it)
			}
			items = append(items, findingItems(s.name, serverLabel(d), d.Findings)...)
		}
	}
	// Discovery's findings belong to no server.
	var disc []autoconfig.Finding
	servers := map[string]bool{}
	for _, s := range r.sides() {
		for _, ts := range s.Servers {
			servers[ts.Server.Addr()] = true
		}
	}
	for _, f := range r.Report.Findings {
		if !servers[f.Server] {
			disc = append(disc, f)
		}
	}
	return append(items, findingItems(autoconfig.Discovery, "", disc)...)
}

func findingItems(side autoconfig.Side, server string, fs []autoconfig.Finding) []checkItem {
	var items []checkItem
	for _, f := range fs {
		it := checkItem{Side: f.Side, Server: server, Name: f.Code, Outcome: outcomePass, Message: displayText(f.Message), Hint: displayText(f.Hint)}
		if it.Side == "" {
			it.Side = side
		}
		switch {
		case f.Severity == autoconfig.SeverityError && couldNotTest[f.Code]:
			it.Outcome = outcomeErr
		case f.Severity == autoconfig.SeverityError:
			it.Outcome = outcomeFail
		case f.Severity == autoconfig.SeverityWarning:
			it.Outcome = outcomeWarn
		}
		items = append(items, it)
	}
	return items
}

// primaryPhases are a server's phases on its first working address (else
// its first address), one per phase name: the timings a monitoring system
// graphs. Phases that name no address (resolve, login) count too.
func primaryPhases(d *probe.Diagnosis) []autoconfig.Phase {
	addr := ""
	for _, a := range d.Addresses {
		if a.OK {
			addr = a.Address
			break
		}
	}
	if addr == "" && len(d.Addresses) > 0 {
		addr = d.Addresses[0].Address
	}
	seen := map[string]bool{}
	var out []autoconfig.Phase
	for _, ph := range d.Phases {
		host := ph.Address
		if h, _, err := net.SplitHostPort(ph.Address); err == nil {
			host = h
		}
		if (host != "" && host != addr) || seen[ph.Name] {
			continue
		}
		seen[ph.Name] = true
		out = append(out, ph)
	}
	return out
}

// pathSummary is one path's verdict in a few words: "ok imap
// store.example.com:993" or "broken (net.connect-refused)".
func pathSummary(s namedSide) string {
	if s.Status == statusSkipped {
		return "not tested"
	}
	var servers, bad []string
	for _, ts := range s.Servers {
		servers = append(servers, serverLabel(ts.Diagnosis))
		for _, f := range ts.Findings {
			if f.Severity == autoconfig.SeverityError && !has(bad, f.Code) {
				bad = append(bad, f.Code)
			}
		}
	}
	out := string(s.Status)
	if len(servers) > 0 {
		out += " " + strings.Join(servers, ", ")
	} else {
		out += " (no server found)"
	}
	if len(bad) > 0 {
		out += fmt.Sprintf(" (%s)", strings.Join(bad, ", "))
	}
	return out
}
