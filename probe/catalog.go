package probe

import "github.com/postino-mail/postino/autoconfig"

// Entry is the old shape of a catalogue entry, registered as an
// autoconfig.FindingDef.
type Entry struct {
	Code     string
	Severity autoconfig.Severity
	Message  string
	Explain  string
	Fix      string
}

func register(es ...Entry) {
	for _, e := range es {
		autoconfig.DefineFinding(autoconfig.FindingDef{Code: e.Code, Severity: e.Severity, Message: e.Message, Hint: e.Fix, Explanation: e.Explain})
	}
}
