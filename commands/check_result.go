package commands

import (
	"time"

	"github.com/postino-mail/postino/autoconfig"
)

// checkState is a target's (or a run's) state in the monitoring-plugins
// vocabulary; its value is the plugin exit status.
type checkState int

const (
	stateOK       checkState = 0
	stateWarning  checkState = 1
	stateCritical checkState = 2
	stateUnknown  checkState = 3
)

func (s checkState) String() string {
	return [...]string{"OK", "WARNING", "CRITICAL", "UNKNOWN"}[s]
}

// severity orders states for "the worst of": CRITICAL, then UNKNOWN (a
// target that could not be tested must not hide behind a warning), then
// WARNING, then OK.
func (s checkState) severity() int { return [...]int{0, 1, 3, 2}[s] }

func worstState(a, b checkState) checkState {
	if b.severity() > a.severity() {
		return b
	}
	return a
}

// checkResult is one target's outcome: a report, or why there is none.
type checkResult struct {
	Target string
	Report *testReport
	Err    error
	State  checkState
}

// finish sets the state from the paths' verdicts.
func (r *checkResult) finish() *checkResult {
	r.State = stateOK
	if r.Err != nil || r.Report == nil {
		r.State = stateUnknown
		return r
	}
	for _, s := range []autoconfig.Status{r.Report.Incoming.Status, r.Report.Outgoing.Status} {
		switch s {
		case autoconfig.StatusBroken, autoconfig.StatusUnknown:
			r.State = worstState(r.State, stateCritical)
		case autoconfig.StatusWarning:
			r.State = worstState(r.State, stateWarning)
		}
	}
	return r
}

// sides are the report's two paths with their names, in display order.
func (r *checkResult) sides() []namedSide {
	if r.Report == nil {
		return nil
	}
	return []namedSide{{autoconfig.Incoming, &r.Report.Incoming}, {autoconfig.Outgoing, &r.Report.Outgoing}}
}

type namedSide struct {
	name autoconfig.Side
	*testSide
}

// checkSummary counts a run's targets by state.
type checkSummary struct {
	Targets  int                 `json:"targets"`
	OK       int                 `json:"ok"`
	Warning  int                 `json:"warning"`
	Critical int                 `json:"critical"`
	Unknown  int                 `json:"unknown"`
	State    string              `json:"state"`
	Exit     int                 `json:"exit_status"`
	Duration autoconfig.Duration `json:"duration_ms"`

	worst  checkState
	failOn string
	start  time.Time
}

func newSummary(failOn string) *checkSummary {
	return &checkSummary{failOn: failOn, start: time.Now(), State: "OK"}
}

func (s *checkSummary) add(r *checkResult) {
	s.Targets++
	switch r.State {
	case stateOK:
		s.OK++
	case stateWarning:
		s.Warning++
	case stateCritical:
		s.Critical++
	default:
		s.Unknown++
	}
	s.worst = worstState(s.worst, r.State)
	s.State = s.worst.String()
	s.Exit = s.exitStatus()
	s.Duration = autoconfig.Duration(time.Since(s.start))
}

// exitStatus is docs/json-schema.md's table: warnings count only with --fail-on
// warning.
func (s *checkSummary) exitStatus() int {
	if s.worst == stateWarning && s.failOn != "warning" {
		return exitOK
	}
	return int(s.worst)
}
