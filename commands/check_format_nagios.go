package commands

import (
	"fmt"
	"strings"
	"time"

	"github.com/postino-mail/postino/autoconfig"
	"github.com/postino-mail/postino/probe"
)

// checkNagios is a monitoring plugin's output (monitoring-plugins'
// developer guidelines; REFERENCE-diagnostics 2.1): a first line in the
// classic "SERVICE STATE - summary|perfdata" form that every Nagios,
// Icinga, Naemon or Checkmk parses, then one line per subcheck indented
// the way monitoring-plugins 3 prints them ("\_[OK] - …"). The exit status
// is the state (check sets --fail-on warning for this format). The first
// line needs every target's state, so the subcheck lines and perfdata are
// kept (a few short strings per target) until the end.
type checkNagios struct {
	o        checkFormatOptions
	lines    []string
	perf     []string
	labels   map[string]int
	bad      []string // targets not OK, for the summary
	lastLine string   // the single target's summary
}

func stateOfStatus(s autoconfig.Status) checkState {
	switch s {
	case autoconfig.StatusOK:
		return stateOK
	case autoconfig.StatusWarning:
		return stateWarning
	}
	return stateCritical
}

func stateOfSeverity(s autoconfig.Severity) checkState {
	switch s {
	case autoconfig.SeverityError:
		return stateCritical
	case autoconfig.SeverityWarning:
		return stateWarning
	}
	return stateOK
}

func (n *checkNagios) line(depth int, st checkState, text string) {
	// Plugin output is line-based: a newline in a message would start a
	// bogus subcheck, and | would start perfdata.
	text = strings.NewReplacer("\n", " ", "\r", " ", "|", "/").Replace(text)
	n.lines = append(n.lines, fmt.Sprintf("%s\\_[%s] - %s", strings.Repeat("  ", depth), st, text))
}

func (n *checkNagios) result(r *checkResult) error {
	depth := 0
	target := displayLine(r.Target)
	summary := target + ": "
	if r.Report == nil {
		summary += "could not test: " + errText(r.Err)
	} else {
		var parts []string
		for _, s := range r.sides() {
			if s.Status != statusSkipped {
				parts = append(parts, string(s.name)+" "+pathSummary(s))
			}
		}
		summary += strings.Join(parts, ", ")
	}
	if !n.o.single {
		n.line(0, r.State, summary)
		depth = 1
	}
	n.lastLine = summary
	if r.State != stateOK {
		n.bad = append(n.bad, shorten(target, 60))
	}
	prefix := ""
	if !n.o.single {
		prefix = target + " "
	}
	for _, s := range r.sides() {
		if s.Status == statusSkipped {
			continue
		}
		n.line(depth, stateOfStatus(s.Status), string(s.name)+": "+pathSummary(s))
		for _, ts := range s.Servers {
			d := ts.Diagnosis
			proto := string(d.Server.Protocol)
			if rt, ok := responseTime(d); ok {
				n.line(depth+1, stateOK, fmt.Sprintf("%s response time: %.3fs", serverLabel(d), rt.Seconds()))
			}
			if t := d.TLS; t != nil {
				n.line(depth+1, stateOK, fmt.Sprintf("%s certificate: %d days left", serverLabel(d), t.DaysLeft))
			}
			for _, f := range d.Findings {
				if f.Severity != autoconfig.SeverityInfo {
					n.line(depth+1, stateOfSeverity(f.Severity), f.Code+": "+displayText(f.Message))
				}
			}
			n.serverPerf(prefix+proto, d)
		}
	}
	if r.Report != nil {
		for _, it := range checkItems(r) {
			if it.Side == autoconfig.Discovery && it.Outcome != outcomePass {
				n.line(depth, stateWarning, it.Name+": "+it.Message)
			}
		}
	}
	return nil
}

// serverPerf adds a server's perfdata: each phase's time, the response
// time with --warn-time/--crit-time, and the certificate's days left with
// --cert-warn-days/--cert-crit-days as "alert below" ranges.
func (n *checkNagios) serverPerf(prefix string, diag *probe.Diagnosis) {
	for _, ph := range primaryPhases(diag) {
		n.perfValue(prefix+"_"+ph.Name, fmt.Sprintf("%.6fs", time.Duration(ph.Duration).Seconds()), "", "")
	}
	if rt, ok := responseTime(diag); ok {
		p := n.o.policy
		n.perfValue(prefix+"_time", fmt.Sprintf("%.6fs", rt.Seconds()), secondsOrEmpty(p.WarnTime), secondsOrEmpty(p.CritTime))
	}
	if t := diag.TLS; t != nil {
		warn := ""
		if n.o.policy.CertWarnDays > 0 {
			warn = fmt.Sprintf("%d:", n.o.policy.CertWarnDays)
		}
		n.perfValue(prefix+"_cert_days", fmt.Sprint(t.DaysLeft), warn, fmt.Sprintf("%d:", n.o.policy.CertCritDays))
	}
}

func secondsOrEmpty(d time.Duration) string {
	if d <= 0 {
		return ""
	}
	return fmt.Sprintf("%.6f", d.Seconds())
}

// perfValue writes 'label'=value;warn;crit;min with a label unique in the
// output (a second server of the same protocol gets _2).
func (n *checkNagios) perfValue(label, value, warn, crit string) {
	if n.labels == nil {
		n.labels = map[string]int{}
	}
	n.labels[label]++
	if k := n.labels[label]; k > 1 {
		label = fmt.Sprintf("%s_%d", label, k)
	}
	// The guidelines allow any character in a label but = and ' (which
	// is doubled); | would end the perfdata.
	label = strings.NewReplacer("'", "''", "=", "_", "|", "/").Replace(label)
	n.perf = append(n.perf, fmt.Sprintf("'%s'=%s;%s;%s;0", label, value, warn, crit))
}

// finish writes the status line first. Nagios truncates plugin output
// (8 KB in Nagios 4) and shows the first line in every overview: with
// several targets it holds only the summary, and the perfdata follows the
// long output, after a | on its last line and then one value a line, as
// the Nagios plugin API allows ("LONG TEXT LINE N | PERFDATA LINE 2").
func (n *checkNagios) finish(s *checkSummary) error {
	summary := n.lastLine
	if !n.o.single {
		summary = fmt.Sprintf("%d targets: %d ok, %d warning, %d critical, %d unknown", s.Targets, s.OK, s.Warning, s.Critical, s.Unknown)
		if len(n.bad) > 0 {
			summary += " (" + strings.Join(firstN(n.bad, 5), ", ") + ")"
		}
	}
	summary = strings.NewReplacer("\n", " ", "|", "/").Replace(summary)
	first := "POSTINO " + s.worst.String() + " - " + summary
	lines, perf := n.lines, n.perf
	switch {
	case len(perf) == 0:
	case n.o.single || len(lines) == 0:
		first += "|" + strings.Join(perf, " ")
	default:
		lines = append(lines[:len(lines)-1:len(lines)-1], lines[len(lines)-1]+" | "+perf[0])
		lines = append(lines, perf[1:]...)
	}
	ew := &errWriter{w: n.o.w}
	ew.printf("%s\n", first)
	for _, l := range lines {
		ew.printf("%s\n", l)
	}
	return ew.err
}

func firstN(l []string, n int) []string {
	if len(l) > n {
		return append(l[:n:n], fmt.Sprintf("%d more", len(l)-n))
	}
	return l
}

func errText(err error) string {
	if err == nil {
		return "unknown error"
	}
	return displayText(err.Error())
}
