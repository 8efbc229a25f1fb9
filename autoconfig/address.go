package autoconfig

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"golang.org/x/net/idna"
	"golang.org/x/net/publicsuffix"
)

// ErrInvalidAddress is returned for input that is neither an email address
// nor a domain name.
var ErrInvalidAddress = errors.New("autoconfig: invalid address")

// Address is what the user asked about: an email address, or a bare domain
// (Local is then empty). Domain is the ASCII (A-label) form, lower case,
// without a trailing dot.
type Address struct {
	Local  string
	Domain string
}

// ParseAddress accepts "alice@example.com", "example.com" or an
// internationalised form of either.
func ParseAddress(s string) (Address, error) {
	s = strings.TrimSpace(s)
	local, domain := "", s
	if i := strings.LastIndexByte(s, '@'); i >= 0 {
		local, domain = s[:i], s[i+1:]
		if local == "" {
			return Address{}, fmt.Errorf("%w: %q: empty local part", ErrInvalidAddress, s)
		}
		if len(local) > 64 || strings.ContainsAny(local, " \t\r\n<>()[]\\,;:\"") {
			return Address{}, fmt.Errorf("%w: %q: local part is not a plain mailbox name", ErrInvalidAddress, s)
		}
		// Refused rather than escaped: the clientConfig format that the
		// Thunderbird writer and the placeholder expansion speak has no
		// escape for '%', so a client would expand %EMAILDOMAIN% (or pair
		// a lone '%' with the next one) in a written login name. A '%' in
		// a local part is otherwise only the obsolete "percent hack"
		// source route (RFC 1123 section 5.2.16), not a mailbox name.
		if strings.Contains(local, "%") {
			return Address{}, fmt.Errorf("%w: %q: a local part with %% is not supported: mail clients expand %%…%% as placeholders", ErrInvalidAddress, s)
		}
	}
	domain = strings.TrimSuffix(domain, ".")
	ascii, err := idna.Lookup.ToASCII(domain)
	if err != nil || ascii == "" {
		return Address{}, fmt.Errorf("%w: %q: not a domain name", ErrInvalidAddress, s)
	}
	ascii = strings.ToLower(ascii)
	if slices.Contains(strings.Split(ascii, "."), "") {
		// "example..com", ".example.com", or "example.com.." (one final
		// dot is the root, and is dropped above): an empty label, which
		// DNS cannot carry and a written file would not read back.
		return Address{}, fmt.Errorf("%w: %q: not a domain name (an empty label)", ErrInvalidAddress, s)
	}
	if !strings.Contains(ascii, ".") || len(ascii) > 253 {
		return Address{}, fmt.Errorf("%w: %q: a mail domain has at least two labels", ErrInvalidAddress, s)
	}
	return Address{Local: local, Domain: ascii}, nil
}

// String is local@domain, or the domain alone.
func (a Address) String() string {
	if a.Local == "" {
		return a.Domain
	}
	return a.Local + "@" + a.Domain
}

// fullAddress is the login name "the whole address": the address itself,
// or with a bare domain the placeholder a client fills in, as config
// documents write it.
func fullAddress(a Address) string {
	if a.HasLocal() {
		return a.String()
	}
	return "%EMAILADDRESS%"
}

// HasLocal reports whether a full address (not just a domain) was given.
func (a Address) HasLocal() bool { return a.Local != "" }

// RegistrableDomain is the public-suffix-list base domain of host
// ("mx1.mail.example.co.uk" → "example.co.uk"); host itself if it has none.
func RegistrableDomain(host string) string {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	d, err := publicsuffix.EffectiveTLDPlusOne(host)
	if err != nil {
		return host
	}
	return d
}

// SameOrganisation reports whether host lies under the registrable domain of
// domain: the test for whether a redirect or an SRV/MX target stays with the
// account's owner.
func SameOrganisation(host, domain string) bool {
	return RegistrableDomain(host) == RegistrableDomain(domain)
}
