package commands

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/postino-mail/postino/autoconfig"
	"github.com/postino-mail/postino/autoconfig/lint"
)

// lintText prints the client matrix as a compact table, then each
// client's problems and what to publish, then the findings.
func (o *output) lintText(res *autoconfig.Result, rep *lint.Report) error {
	w := &errWriter{w: o.w}
	p := o.pal
	fmt.Fprintf(w, "%s %s (as %s)\n\n", p.bold("postino lint"), res.Address.Domain, res.Address)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "client\tstatus\tsource\tincoming\toutgoing")
	for _, r := range rep.Clients {
		src := string(r.Source)
		if src == "" {
			src = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.Name, o.lintStatus(r.Status), src, choiceText(r.Incoming), choiceText(r.Outgoing))
	}
	tw.Flush()
	for _, r := range rep.Clients {
		if len(r.Problems) == 0 && len(r.Publish) == 0 && !o.verbose {
			continue
		}
		fmt.Fprintf(w, "\n%s", p.bold(r.Name))
		if r.Query != "" {
			fmt.Fprintf(w, " %s", p.dim("(from "+r.Query+")"))
		}
		fmt.Fprintln(w)
		if o.verbose {
			for _, s := range r.Steps {
				mark := " "
				if s.Used {
					mark = "→"
				}
				fmt.Fprintf(w, "  %s %-9s %s %s\n", mark, s.Outcome, s.Query, p.dim(s.Detail))
			}
		}
		for _, pr := range r.Problems {
			fmt.Fprintf(w, "  - %s\n", pr)
		}
		for _, pub := range r.Publish {
			fmt.Fprintf(w, "  publish: %s\n", pub)
		}
	}
	fmt.Fprintln(w)
	if len(rep.Findings) == 0 {
		fmt.Fprintln(w, p.ok("no problems found in the publications"))
	} else {
		fmt.Fprintf(w, "%s\n", p.bold("findings"))
	}
	for _, f := range rep.Findings {
		fmt.Fprintf(w, "  %s %s %s\n", o.severity(f.Severity), f.Code, f.Message)
		if f.Hint != "" {
			fmt.Fprintf(w, "      %s %s\n", p.dim("fix:"), f.Hint)
		}
	}
	return w.err
}

func (o *output) lintStatus(s lint.Status) string {
	switch s {
	case lint.StatusOK:
		return o.pal.ok(string(s))
	case lint.StatusWarning:
		return o.pal.warn(string(s))
	}
	return o.pal.bad(string(s))
}

func (o *output) severity(s autoconfig.Severity) string {
	switch s {
	case autoconfig.SeverityError:
		return o.pal.bad("error  ")
	case autoconfig.SeverityWarning:
		return o.pal.warn("warning")
	}
	return o.pal.dim("info   ")
}

// choiceText is "imap box.example.com:993 tls ok" in a few words.
func choiceText(c *lint.Choice) string {
	if c == nil {
		return "none (typed by hand)"
	}
	verdict := "works"
	if !c.Works {
		verdict = "FAILS"
	}
	return fmt.Sprintf("%s %s %s %s", c.Protocol, c.Addr(), c.Security, verdict)
}

// Write lets an errWriter stand under fmt.Fprintf and tabwriter.
func (e *errWriter) Write(b []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(b)
	e.err = err
	return n, err
}

// lintGitHub prints GitHub Actions annotations: one per client that is
// not ok and one per finding (::error, ::warning, ::notice).
func lintGitHub(w io.Writer, addr autoconfig.Address, rep *lint.Report) error {
	ew := &errWriter{w: w}
	level := map[string]string{string(lint.StatusBroken): "error", string(lint.StatusWarning): "warning",
		string(autoconfig.SeverityError): "error", string(autoconfig.SeverityInfo): "notice"}
	for _, r := range rep.Clients {
		if r.Status == lint.StatusOK {
			continue
		}
		msg := r.Name + " " + string(r.Status) + ": " + strings.Join(r.Problems, "; ")
		if len(r.Publish) > 0 {
			msg += "\nfix: " + strings.Join(r.Publish, "; ")
		}
		fmt.Fprintf(ew, "::%s title=%s::%s\n", level[string(r.Status)], ghProperty("postino lint "+addr.Domain+" "+r.Client), ghData(msg))
	}
	for _, f := range rep.Findings {
		msg := f.Message
		if f.Hint != "" {
			msg += "\nfix: " + f.Hint
		}
		fmt.Fprintf(ew, "::%s title=%s::%s\n", level[string(f.Severity)], ghProperty("postino lint "+addr.Domain+" "+f.Code), ghData(msg))
	}
	return ew.err
}
