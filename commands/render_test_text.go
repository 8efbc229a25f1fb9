package commands

import (
	"fmt"
	"strings"
	"text/tabwriter"
	"unicode/utf8"

	"github.com/postino-mail/postino/autoconfig"
)

func (o *output) test(rep *testReport) error {
	if o.format == "json" {
		return writeJSON(o.w, rep.forJSON(o.verbose))
	}
	ew := &errWriter{w: o.w}
	ew.printf("%s %s %s\n\n", o.pal.bold("postino test"), rep.Address, o.pal.dim("("+ms(rep.Duration)+")"))
	o.testSideText(ew, "INCOMING", rep.Incoming)
	o.testSideText(ew, "OUTGOING", rep.Outgoing)
	o.findingsText(ew, rep.Findings)
	return ew.err
}

func (o *output) testSideText(ew *errWriter, title string, s testSide) {
	word := o.statusWord(s.Status)
	if s.Status == statusSkipped {
		word = o.pal.dim("- not tested")
	}
	ew.printf("%s  %s\n", o.pal.bold(title), word)
	if len(s.Servers) == 0 && s.Status != statusSkipped {
		ew.printf("  %s\n", o.pal.bad("no server found to test (see FINDINGS)"))
	}
	for _, ts := range s.Servers {
		d := ts.Diagnosis
		srv := d.Server
		from := "named on the command line"
		if len(ts.Sources) > 0 {
			from = "named by " + joinSources(ts.Sources) + trustWord(d.Trusted)
		}
		ew.printf("  %s %s port %d, %s  %s  %s\n", strings.ToUpper(string(srv.Protocol)), srv.Host, srv.Port,
			securityWords[srv.Security], o.statusWord(d.Status), o.pal.dim(from))
		tw := tabwriter.NewWriter(ew.w, 0, 0, 2, ' ', 0)
		for _, p := range d.Phases {
			ok := o.pal.ok("ok")
			if !p.OK {
				ok = o.pal.bad("FAILED")
			}
			fmt.Fprintf(tw, "    %s\t%s\t%6s\t%s %s\n", p.Name, p.Address, ms(p.Duration), ok, printableDetail(p.Detail))
		}
		if err := tw.Flush(); err != nil && ew.err == nil {
			ew.err = err
		}
		if t := d.TLS; t != nil {
			left := fmt.Sprintf("%d days left", t.DaysLeft)
			if t.Expired {
				left = o.pal.bad("expired " + t.NotAfter.UTC().Format("2006-01-02"))
			}
			ew.printf("    certificate: %s; %s; issued by %s\n", certNames(t.Names, srv.Host), left, t.Issuer)
		}
		if len(d.SASLBeforeTLS) > 0 || len(d.CapabilitiesBeforeTLS) > 0 {
			ew.printf("    login mechanisms before TLS: %s; after: %s\n", listOrNone(d.SASLBeforeTLS), listOrNone(d.SASL))
		} else if srv.Security != autoconfig.SecurityNone && len(d.Capabilities) > 0 {
			ew.printf("    login mechanisms: %s\n", listOrNone(d.SASL))
		}
		if o.verbose && len(d.Transcript) > 0 {
			ew.printf("    transcript:\n")
			for _, l := range d.Transcript {
				ew.printf("      %s\n", o.pal.dim(testTranscriptLine(l)))
			}
		}
	}
	ew.printf("\n")
}

// testTranscriptLine is swaks' notation: -> sent, <- received, ~> and <~
// inside TLS, === for postino's own notes.
func testTranscriptLine(l autoconfig.TranscriptLine) string {
	if l.Dir == "info" {
		return "=== " + l.Text
	}
	return strings.TrimSpace(transcriptLine(l))[:2] + " " + l.Text
}

func listOrNone(l []string) string {
	if len(l) == 0 {
		return "none"
	}
	return strings.Join(l, " ")
}

// printableDetail keeps one phase on one line.
func printableDetail(s string) string {
	s = strings.ReplaceAll(s, "\n", " | ")
	if len(s) > 160 {
		// Cut at a character boundary: half a character is invalid UTF-8.
		cut := 157
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}
