package commands

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/postino-mail/postino/autoconfig"
)

// errWriter remembers the first write error so a renderer checks once
// (lego's trick).
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, a ...interface{}) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, a...)
	}
}

func (o *output) discoverText(res *autoconfig.Result) error {
	// On a terminal, findings wrap and table rows are cut to its width.
	ew := &errWriter{w: newFitWriter(o.w, o.width, true)}
	ew.printf("%s %s %s\n\n", o.pal.bold("postino discover"), res.Address, o.pal.dim("("+ms(res.Duration)+")"))
	o.sideText(ew, "INCOMING", res.Incoming)
	o.sideText(ew, "OUTGOING", res.Outgoing)
	o.lookupsText(ew, res.Lookups)
	o.findingsText(ew, res.Findings)
	return ew.err
}

func (o *output) statusWord(s autoconfig.Status) string {
	switch s {
	case autoconfig.StatusOK:
		return o.pal.ok("✔ works")
	case autoconfig.StatusWarning:
		return o.pal.warn("⚠ works with warnings")
	case autoconfig.StatusBroken:
		return o.pal.bad("✘ broken")
	}
	return o.pal.dim("? not probed")
}

var securityWords = map[autoconfig.Security]string{
	autoconfig.SecurityTLS: "implicit TLS", autoconfig.SecurityStartTLS: "STARTTLS", autoconfig.SecurityNone: "no encryption",
}

func (o *output) sideText(ew *errWriter, title string, s autoconfig.SideResult) {
	ew.printf("%s  %s\n", o.pal.bold(title), o.statusWord(s.Status))
	if r := s.Recommended; r != nil {
		ew.printf("  recommended: %s %s port %d, %s\n", strings.ToUpper(string(r.Protocol)), r.Host, r.Port, securityWords[r.Security])
		user := r.Username
		if user == "" {
			user = "(not stated; usually the full address)"
		}
		ew.printf("               username %s", user)
		if len(r.Auth) > 0 {
			ew.printf(", authentication %s", joinAuth(r.Auth))
			if r.AuthFromProbe {
				ew.printf(" %s", o.pal.dim("(from the server's capabilities)"))
			}
		}
		ew.printf("\n               named by %s%s\n", joinSources(r.Sources), trustWord(r.Trusted))
		if r.Probe != nil && r.Probe.TLS != nil { // no Probe with --no-probe
			t := r.Probe.TLS
			ew.printf("               %s %s, certificate valid for %s, %d more days\n", t.Version, o.pal.dim(t.Cipher), certNames(t.Names, r.Host), t.DaysLeft)
		}
	} else {
		ew.printf("  recommended: %s\n", o.pal.bad("none"))
	}
	if len(s.Candidates) > 0 {
		ew.printf("  candidates:\n")
		tw := tabwriter.NewWriter(ew.w, 0, 0, 2, ' ', 0)
		for i, c := range s.Candidates {
			fmt.Fprintf(tw, "    %d.\t%s\t%s\t%s\t%s\t%s\n", i+1, c.Protocol, c.Addr(), c.Security, joinSources(c.Sources)+trustWord(c.Trusted), o.probeWord(c.Probe))
			// Continuation lines keep the row's cells so tabwriter's
			// columns stay aligned; the text goes in the last one.
			for _, n := range c.Notes {
				fmt.Fprintf(tw, "\t\t\t\t\t%s\n", o.pal.dim("note: "+n))
			}
			if o.verbose && c.Probe != nil {
				for _, p := range c.Probe.Phases {
					fmt.Fprintf(tw, "\t\t\t\t\t%s\n", o.pal.dim(fmt.Sprintf("%-12s %-22s %8s  %s", p.Name, p.Address, ms(p.Duration), okWord(p.OK)+" "+p.Detail)))
				}
				for _, l := range c.Probe.Transcript {
					fmt.Fprintf(tw, "\t\t\t\t\t%s\n", o.pal.dim(transcriptLine(l)))
				}
			}
		}
		if err := tw.Flush(); err != nil && ew.err == nil {
			ew.err = err
		}
	}
	ew.printf("\n")
}

func (o *output) probeWord(p *autoconfig.ProbeResult) string {
	switch {
	case p == nil:
		return o.pal.dim("not probed")
	case p.Verified():
		return o.pal.ok("verified") + " " + o.pal.dim(ms(p.Duration))
	case p.Status == autoconfig.ProbeOK:
		return o.pal.warn("answers, certificate not valid: "+strings.Join(p.TLS.Problems, "; ")) + " " + o.pal.dim(ms(p.Duration))
	case p.Status == autoconfig.ProbeSkipped:
		return o.pal.dim("skipped: " + p.Error)
	}
	kind := p.ErrorKind
	if kind == "" {
		kind = "failed"
	}
	return o.pal.bad(kind+": "+p.Error) + " " + o.pal.dim(ms(p.Duration))
}

func (o *output) lookupsText(ew *errWriter, lks []autoconfig.Lookup) {
	ew.printf("%s\n", o.pal.bold("SOURCES"))
	// On a terminal the long column (URLs) gives way first, then each row
	// is cut to the width; -v and pipes get every character.
	tw := tabwriter.NewWriter(newFitWriter(ew.w, o.width, false), 0, 0, 2, ' ', 0)
	queryMax := 0
	if o.width > 0 {
		queryMax = min(max(o.width-70, 16), 60)
	}
	for _, lk := range lks {
		outcome := string(lk.Outcome)
		switch lk.Outcome {
		case autoconfig.OutcomeFound:
			outcome = o.pal.ok("found")
		case autoconfig.OutcomeError:
			outcome = o.pal.bad("error: " + lk.ErrorKind)
		case autoconfig.OutcomeNone:
			outcome = "nothing"
			if lk.ErrorKind != "" {
				outcome += " (" + lk.ErrorKind + ")"
			}
		}
		var servers []string
		for _, s := range lk.Servers {
			servers = append(servers, fmt.Sprintf("%s %s %s", s.Protocol, s.Addr(), s.Security))
		}
		trust := ""
		if lk.Outcome == autoconfig.OutcomeFound && !lk.Trusted {
			trust = o.pal.warn(" untrusted")
		}
		last := strings.Join(servers, ", ")
		if lk.Error != "" && last == "" && (o.verbose || lk.Outcome == autoconfig.OutcomeError) {
			last = o.pal.dim(lk.Error)
		}
		query := lk.Query
		if queryMax > 0 {
			query = shorten(query, queryMax)
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s%s\t%s\t%s\n", lk.Source, query, outcome, trust, ms(lk.Duration), last)
		if o.verbose {
			for _, n := range lk.Notes {
				fmt.Fprintf(tw, "\t\t\t\t\t%s\n", o.pal.dim("note: "+n))
			}
		}
	}
	if err := tw.Flush(); err != nil && ew.err == nil {
		ew.err = err
	}
	ew.printf("\n")
}

func (o *output) findingsText(ew *errWriter, fs []autoconfig.Finding) {
	if len(fs) == 0 {
		return
	}
	ew.printf("%s\n", o.pal.bold("FINDINGS"))
	for _, f := range fs {
		sev := string(f.Severity)
		switch f.Severity {
		case autoconfig.SeverityError:
			sev = o.pal.bad(sev)
		case autoconfig.SeverityWarning:
			sev = o.pal.warn(sev)
		}
		where := string(f.Side)
		if f.Server != "" {
			where += " " + f.Server
		}
		ew.printf("  %s %s [%s]: %s\n", sev, f.Code, where, f.Message)
		if f.Hint != "" {
			ew.printf("      %s %s\n", o.pal.dim("fix:"), f.Hint)
		}
	}
	ew.printf("\n")
}

// certNames says which of a certificate's names matters: the host asked
// for, if covered, and how many others there are.
func certNames(names []string, host string) string {
	for _, n := range names {
		if strings.EqualFold(n, host) || (strings.HasPrefix(n, "*.") && strings.HasSuffix(strings.ToLower(host), strings.ToLower(n[1:]))) {
			if len(names) == 1 {
				return n
			}
			return fmt.Sprintf("%s (and %d other names)", n, len(names)-1)
		}
	}
	return strings.Join(names, ", ")
}

func transcriptLine(l autoconfig.TranscriptLine) string {
	arrow := "<-"
	if l.Dir == "send" {
		arrow = " ->"
	}
	if l.TLS {
		arrow = strings.Replace(strings.Replace(arrow, "<-", "<~", 1), "->", "~>", 1)
	}
	return arrow + " " + l.Text
}

func okWord(ok bool) string {
	if ok {
		return "ok"
	}
	return "FAILED"
}

func trustWord(t bool) string {
	if t {
		return " (trusted)"
	}
	return " (untrusted)"
}

func joinSources(ss []autoconfig.Source) string {
	parts := make([]string, len(ss))
	for i, s := range ss {
		parts[i] = string(s)
	}
	return strings.Join(parts, ",")
}

func joinAuth(as []autoconfig.AuthMethod) string {
	parts := make([]string, len(as))
	for i, a := range as {
		parts[i] = string(a)
	}
	return strings.Join(parts, ", ")
}

func ms(d autoconfig.Duration) string {
	return fmt.Sprintf("%.0fms", float64(d)/1e6)
}
