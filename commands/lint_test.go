package commands

import (
	"bytes"
	"strings"
	"testing"

	"github.com/postino-mail/postino/autoconfig"
	"github.com/postino-mail/postino/autoconfig/lint"
)

// TestLintExit: the exit status table of DESIGN.md for lint's verdicts.
func TestLintExit(t *testing.T) {
	warnRow := &lint.Report{Clients: []lint.ClientRow{{Status: lint.StatusOK}, {Status: lint.StatusWarning}}}
	warnFinding := &lint.Report{Clients: []lint.ClientRow{{Status: lint.StatusOK}}, Findings: []autoconfig.Finding{{Severity: autoconfig.SeverityWarning}}}
	info := &lint.Report{Clients: []lint.ClientRow{{Status: lint.StatusOK}}, Findings: []autoconfig.Finding{{Severity: autoconfig.SeverityInfo}}}
	errFinding := &lint.Report{Clients: []lint.ClientRow{{Status: lint.StatusOK}}, Findings: []autoconfig.Finding{{Severity: autoconfig.SeverityError}}}
	broken := &lint.Report{Clients: []lint.ClientRow{{Status: lint.StatusBroken}}}
	for _, tt := range []struct {
		rep    *lint.Report
		failOn string
		want   int
	}{
		{warnRow, "error", 0}, {warnRow, "warning", 1}, {warnFinding, "warning", 1}, {info, "warning", 0},
		{errFinding, "error", 2}, {broken, "error", 2}, {broken, "warning", 2},
	} {
		if got := lintExit(tt.rep, tt.failOn); got != tt.want {
			t.Errorf("lintExit(%+v, %s) = %d, want %d", tt.rep, tt.failOn, got, tt.want)
		}
	}
}

// TestLintUsage: a bad format or no argument cannot run (exit 3).
func TestLintUsage(t *testing.T) {
	for _, args := range [][]string{{"lint"}, {"lint", "example.com", "--format", "junit"}, {"lint", "example.com", "--fail-on", "never"}} {
		var out, errb bytes.Buffer
		st := Run(t.Context(), append([]string{"postino"}, args...), strings.NewReader(""), &out, &errb, BuildInfo{})
		if st != 3 || !strings.Contains(errb.String(), "postino: error:") {
			t.Errorf("%v: exit %d\n%s", args, st, errb.String())
		}
	}
}
