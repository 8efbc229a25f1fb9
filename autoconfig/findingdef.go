package autoconfig

import (
	"sort"
	"strconv"
	"strings"
)

// FindingDef is the one definition of a finding code: the package that
// emits the code defines it, its emitters build their findings from it
// (New, On), and `postino explain` and docs/findings.md render it. The
// severity and the fixed words of message and hint live only here, so
// what a user reads in a report and in the documentation cannot drift.
type FindingDef struct {
	Code string
	// Severity is the usual one; an emitter may change it where context
	// matters (a certificate problem matters less on port 25 than on 993).
	Severity Severity
	// Message is the one-line message, with {name} placeholders for the
	// values the emitter passes.
	Message string
	// Hint is what to do about it, with placeholders like Message.
	Hint string
	// Explanation says what the finding means and why it matters.
	Explanation string
}

// Values are the named values a finding fills into the placeholders of
// its definition's message and hint.
type Values map[string]string

// New builds the finding of side and server (host:port, or "") with the
// values filled in.
func (d FindingDef) New(side Side, server string, v Values) Finding {
	return Finding{Code: d.Code, Severity: d.Severity, Side: side, Server: server,
		Message: fill(d.Message, v), Hint: fill(d.Hint, v)}
}

// On builds the finding of the server s; {server} is s.Addr() unless v
// names it, {port} its port.
func (d FindingDef) On(s Server, v Values) Finding {
	all := Values{"server": s.Addr(), "host": s.Host, "port": strconv.Itoa(s.Port)}
	for k, x := range v {
		all[k] = x
	}
	return d.New(s.Side(), s.Addr(), all)
}

// fill replaces each {name} of template by v[name]. A name without a
// value stays as it is, so that a missing value shows rather than
// vanishing.
func fill(template string, v Values) string {
	if !strings.Contains(template, "{") {
		return template
	}
	var b strings.Builder
	rest := template
	for {
		i := strings.IndexByte(rest, '{')
		if i < 0 {
			break
		}
		j := strings.IndexByte(rest[i:], '}')
		if j < 0 {
			break
		}
		name := rest[i+1 : i+j]
		b.WriteString(rest[:i])
		if x, ok := v[name]; ok {
			b.WriteString(x)
		} else {
			b.WriteString(rest[i : i+j+1])
		}
		rest = rest[i+j+1:]
	}
	b.WriteString(rest)
	return b.String()
}

// findingDefs holds every definition, by code.
var findingDefs = map[string]FindingDef{}

// DefineFinding registers d and returns it, for a package-level
// var of the emitting package. A code defined twice is a programming
// error, caught when the program starts.
func DefineFinding(d FindingDef) FindingDef {
	if _, dup := findingDefs[d.Code]; dup {
		panic("autoconfig: finding code defined twice: " + d.Code)
	}
	findingDefs[d.Code] = d
	return d
}

// FindingDefs returns every definition of the packages linked into the
// program, sorted by code.
func FindingDefs() []FindingDef {
	out := make([]FindingDef, 0, len(findingDefs))
	for _, d := range findingDefs {
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out
}

// LookupFinding returns the definition of code.
func LookupFinding(code string) (FindingDef, bool) {
	d, ok := findingDefs[strings.ToLower(strings.TrimSpace(code))]
	return d, ok
}
