package probe

import (
	"fmt"

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
		alt := s
		alt.Security = r.SpeaksSecurity
		f := finding(s, CodeTLSModeMismatch, autoconfig.SeverityError,
			fmt.Sprintf("port %d speaks %s, not %s", s.Port, securityName(alt.Security), securityName(s.Security)),
			fmt.Sprintf("set the connection security to %s for port %d, or use port %d for %s",
				securityName(alt.Security), s.Port, autoconfig.DefaultPort(s.Protocol, s.Security), securityName(s.Security)))
		return &f
	}
	phase := ""
	if n := len(r.Phases); n > 0 {
		phase = r.Phases[n-1].Name
	}
	if phase == autoconfig.PhaseResolve {
		code := CodeDNSNoAddress
		if r.ErrorKind != KindNXDomain {
			code = CodeDNSFailed
		}
		f := finding(s, code, autoconfig.SeverityError, fmt.Sprintf("%s: %s", s.Addr(), r.Error),
			"publish an A or AAAA record for the host, or correct the name where it is published")
		return &f
	}
	f := failureFinding(s, r, phase)
	return &f
}
