package probe

import (
	"github.com/postino-mail/postino/autoconfig"
)

// cause is the finding that names why a basic probe failed, nil when it
// did not. Discovery shows it for a side whose best candidate failed, so
// that discover, check and serve say what test says: the refused port,
// the silence, the wrong security mode, the refused STARTTLS.
func cause(s autoconfig.Server, r *autoconfig.ProbeResult) *autoconfig.Finding {
	if r.Status != autoconfig.ProbeFailed || r.ErrorKind == KindCanceled {
		return nil
	}
	if r.SpeaksSecurity != "" {
		f := modeMismatch(findTLSModeMismatchSeen, s, r.SpeaksSecurity)
		return &f
	}
	phase := ""
	if n := len(r.Phases); n > 0 {
		phase = r.Phases[n-1].Name
	}
	if phase == autoconfig.PhaseResolve {
		d := findDNSSeen
		if r.ErrorKind != KindNXDomain {
			d = findDNSFailedSeen
		}
		f := d.On(s, autoconfig.Values{"error": r.Error})
		return &f
	}
	f := failureFinding(s, r, phase)
	return &f
}
