package commands

import (
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// JUnit XML as the de-facto junit-4 schema has it (Ant's JUnitReport;
// windyroad's JUnit.xsd, kept in testdata/junit): <testsuites> holds one
// <testsuite> per target, each with one <testcase> per check (a phase of a
// server on one address, a finding, a path). A failure is a check that
// found a problem, an error one that could not run from here (DNS or
// network down, the target unreadable), skipped a path the target does
// not name. The redacted transcripts go to the suite's <system-out>: that
// schema allows no output inside a testcase.

type junitSuite struct {
	XMLName   xml.Name        `xml:"testsuite"`
	Name      string          `xml:"name,attr"`
	Package   string          `xml:"package,attr"`
	ID        int             `xml:"id,attr"`
	Timestamp string          `xml:"timestamp,attr"`
	Hostname  string          `xml:"hostname,attr"`
	Tests     int             `xml:"tests,attr"`
	Failures  int             `xml:"failures,attr"`
	Errors    int             `xml:"errors,attr"`
	Skipped   int             `xml:"skipped,attr"`
	Time      string          `xml:"time,attr"`
	Props     []junitProperty `xml:"properties>property"`
	Cases     []junitCase     `xml:"testcase"`
	SystemOut junitText       `xml:"system-out"`
	SystemErr junitText       `xml:"system-err"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Skipped   *junitMessage `xml:"skipped"`
	Error     *junitMessage `xml:"error"`
	Failure   *junitMessage `xml:"failure"`
}

type junitMessage struct {
	Message string `xml:"message,attr,omitempty"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",chardata"`
}

// junitText is element text; an empty one still writes the element, which
// the schema requires.
type junitText struct {
	Text string `xml:",chardata"`
}

type checkJUnit struct {
	o        checkFormatOptions
	host     string
	n        int
	enc      *xml.Encoder
	now      func() time.Time
	wroteTop bool
}

func newCheckJUnit(o checkFormatOptions) (*checkJUnit, error) {
	host := o.hostname
	if host == "" {
		host, _ = os.Hostname()
	}
	if host == "" {
		host = "localhost"
	}
	now := o.now
	if now == nil {
		now = time.Now
	}
	enc := xml.NewEncoder(o.w)
	enc.Indent("  ", "  ")
	return &checkJUnit{o: o, host: host, enc: enc, now: now}, nil
}

func (j *checkJUnit) top() error {
	if j.wroteTop {
		return nil
	}
	j.wroteTop = true
	_, err := io.WriteString(j.o.w, xml.Header+"<testsuites>\n")
	return err
}

func (j *checkJUnit) result(r *checkResult) error {
	if err := j.top(); err != nil {
		return err
	}
	target := displayLine(r.Target)
	s := junitSuite{Name: target, Package: "postino.check", ID: j.n, Hostname: j.host,
		Timestamp: j.now().UTC().Format("2006-01-02T15:04:05")}
	j.n++
	s.Props = []junitProperty{{"state", r.State.String()}}
	var out strings.Builder
	if r.Report != nil {
		s.Time = seconds(time.Duration(r.Report.Duration))
		for _, sd := range r.sides() {
			s.Props = append(s.Props, junitProperty{string(sd.name), string(sd.Status)})
		}
	} else {
		s.Time = "0"
	}
	items := checkItems(r)
	// One failure per cause: a server's failed phase and the finding
	// that explains it (a refused port: connect and net.connect-refused)
	// are one problem, reported by the finding.
	explained := map[string]bool{}
	for _, it := range items {
		if !it.Phase && (it.Outcome == outcomeFail || it.Outcome == outcomeErr) {
			explained[it.Server] = true
		}
	}
	names := map[string]int{}
	for _, it := range items {
		if it.Phase && it.Outcome == outcomeFail && explained[it.Server] {
			continue
		}
		c := junitCase{Name: strings.TrimSpace(it.Server + " " + it.Name), Classname: target + "." + string(it.Side), Time: seconds(it.Duration)}
		// Test names are unique in a suite: the same finding twice on
		// one server (two provider.hint notes) is told apart by number.
		if names[c.Classname+"\x00"+c.Name]++; names[c.Classname+"\x00"+c.Name] > 1 {
			c.Name += fmt.Sprintf(" (%d)", names[c.Classname+"\x00"+c.Name])
		}
		if it.Side == "" {
			c.Classname = target
		}
		msg := &junitMessage{Message: it.Message, Type: it.Name, Text: it.Message}
		if it.Hint != "" {
			msg.Text += "\nhint: " + it.Hint
		}
		switch it.Outcome {
		case outcomeSkip:
			c.Skipped, s.Skipped = &junitMessage{Message: it.Message}, s.Skipped+1
		case outcomeErr:
			c.Error, s.Errors = msg, s.Errors+1
		case outcomeFail:
			c.Failure, s.Failures = msg, s.Failures+1
		case outcomeWarn:
			// JUnit has no warning: a failure only when warnings fail
			// the run; otherwise the case passes and says why in
			// system-out.
			if j.o.failOn == "warning" {
				msg.Type = "warning " + it.Name
				c.Failure, s.Failures = msg, s.Failures+1
			} else {
				fmt.Fprintf(&out, "warning: %s: %s\n", c.Name, it.Message)
			}
		}
		s.Cases = append(s.Cases, c)
	}
	s.Tests = len(s.Cases)
	j.transcripts(&out, r)
	s.SystemOut.Text = out.String()
	if err := j.enc.Encode(s); err != nil {
		return err
	}
	_, err := io.WriteString(j.o.w, "\n")
	return err
}

// transcripts are the redacted conversations, one server after another.
func (j *checkJUnit) transcripts(w io.Writer, r *checkResult) {
	for _, sd := range r.sides() {
		for _, ts := range sd.Servers {
			if len(ts.Transcript) == 0 {
				continue
			}
			fmt.Fprintf(w, "=== %s %s\n", sd.name, serverLabel(ts.Diagnosis))
			for _, l := range ts.Transcript {
				fmt.Fprintln(w, testTranscriptLine(l))
			}
		}
	}
}

func (j *checkJUnit) finish(*checkSummary) error {
	if err := j.top(); err != nil {
		return err
	}
	_, err := io.WriteString(j.o.w, "</testsuites>\n")
	return err
}

// seconds is a duration as JUnit's xs:decimal seconds.
func seconds(d time.Duration) string { return fmt.Sprintf("%.3f", d.Seconds()) }
