package autoconfig

import (
	"errors"
	"fmt"
	"net"
	"strings"

	"golang.org/x/net/idna"
)

// checkServerHost normalises a server host name taken from a published
// document (lower case, A-label form, no trailing dot) and says what is
// wrong with it. A value that fails is never dialled: an attacker-shaped
// or mistyped host must not reach the prober.
func checkServerHost(h string) (string, error) {
	h = strings.TrimSpace(h)
	switch {
	case h == "":
		return "", errors.New("is empty")
	case strings.Contains(h, "://"):
		return "", errors.New("is a URL, not a host name")
	case len(h) > 253:
		return "", errors.New("is longer than 253 characters")
	}
	if ip := net.ParseIP(strings.TrimSuffix(strings.TrimPrefix(h, "["), "]")); ip != nil {
		return ip.String(), nil
	}
	if strings.ContainsAny(h, " \t\r\n/\\:@?#%[]") {
		return "", errors.New("contains characters a host name cannot have")
	}
	h = strings.TrimSuffix(h, ".")
	ascii := true
	for i := 0; i < len(h); i++ {
		if h[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if !ascii {
		a, err := idna.Lookup.ToASCII(h)
		if err != nil {
			return "", fmt.Errorf("is not a valid internationalised name (%v)", err)
		}
		h = a
	}
	h = strings.ToLower(h)
	labels := strings.Split(h, ".")
	if len(labels) < 2 {
		return "", errors.New("is a single label, not a fully qualified host name")
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 {
			return "", errors.New("has an empty or over-long label")
		}
		if l[0] == '-' || l[len(l)-1] == '-' {
			return "", errors.New("has a label that starts or ends with a hyphen")
		}
		for i := 0; i < len(l); i++ {
			c := l[i]
			// Underscores are not valid in host names, but they occur in
			// real DNS; a probe shows whether the host answers.
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				return "", errors.New("contains characters a host name cannot have")
			}
		}
	}
	return h, nil
}
