package commands

import (
	"encoding/json"
	"io"
)

// checkReportJSON is one target in check's JSON: the postino/v1 report of
// test (command "check"), preceded by the target as written and its state.
// A target that could not be tested has an error instead of a report.
type checkReportJSON struct {
	Target string `json:"target"`
	State  string `json:"state"`
	Error  string `json:"error,omitempty"`
	*testReport
}

func newCheckReportJSON(r *checkResult, verbose bool) checkReportJSON {
	j := checkReportJSON{Target: r.Target, State: r.State.String()}
	if r.Err != nil {
		j.Error = r.Err.Error()
	}
	if r.Report != nil {
		j.testReport = r.Report.forJSON(verbose)
	}
	return j
}

// checkJSON streams the results: one target named on the command line is
// its report plus "summary"; otherwise {"schema", "command", "results":
// [...], "summary"}, written as results arrive, so that a list of any
// length never sits in memory.
type checkJSON struct {
	o checkFormatOptions
	n int
}

func newCheckJSON(o checkFormatOptions) *checkJSON { return &checkJSON{o: o} }

func (j *checkJSON) result(r *checkResult) error {
	rep := newCheckReportJSON(r, j.o.verbose)
	if j.o.single {
		return writeJSON(j.o.w, struct {
			checkReportJSON
			Summary *checkSummary `json:"summary"`
		}{rep, checkSummaryOf(r, j.o.failOn)})
	}
	head := ",\n    "
	if j.n == 0 {
		head = "{\n  \"schema\": \"" + SchemaV1 + "\",\n  \"command\": \"check\",\n  \"results\": [\n    "
	}
	j.n++
	b, err := json.MarshalIndent(rep, "    ", "  ")
	if err != nil {
		return err
	}
	_, err = io.WriteString(j.o.w, head+string(b))
	return err
}

func (j *checkJSON) finish(s *checkSummary) error {
	if j.o.single {
		return nil
	}
	b, err := json.MarshalIndent(s, "  ", "  ")
	if err != nil {
		return err
	}
	_, err = io.WriteString(j.o.w, "\n  ],\n  \"summary\": "+string(b)+"\n}\n")
	return err
}

// checkSummaryOf is the summary of a run of one target.
func checkSummaryOf(r *checkResult, failOn string) *checkSummary {
	s := newSummary(failOn)
	s.add(r)
	if r.Report != nil {
		s.Duration = r.Report.Duration
	}
	return s
}
