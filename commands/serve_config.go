package commands

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/netip"
	"os"
	"path"
	"strings"
	"time"

	"github.com/postino-mail/postino/autoconfig"
)

// serveConfig is postino serve's configuration file, JSON (a YAML
// dependency would buy little for a file this small; JSON is also what
// every config management tool writes). docs/check.md documents it.
//
//	{
//	  "modules": {
//	    "default":  {"timeout": "20s", "cert_warn_days": 21, "cert_crit_days": 7},
//	    "incoming": {"paths": ["incoming"], "require": ["starttls"]}
//	  },
//	  "allow": ["example.com", "*.example.com", "127.0.0.*"]
//	}
type serveConfig struct {
	Modules map[string]*serveModule `json:"modules"`
	// Allow lists the targets /probe accepts, as shell patterns (path.Match)
	// on the target's domain or host, lower case. Empty (the default)
	// accepts any target: set it on an exporter others can reach.
	Allow []string `json:"allow"`
}

// serveModule is one way of checking a target: which paths, which
// thresholds, how long at most.
type serveModule struct {
	// Paths are "incoming", "outgoing" or both (the default).
	Paths []autoconfig.Side `json:"paths"`
	// Timeout bounds one probe; Prometheus' scrape timeout (minus a
	// margin) bounds it further. Default 10s.
	Timeout      serveDuration `json:"timeout"`
	ProbeTimeout serveDuration `json:"probe_timeout"`
	CertWarnDays *int          `json:"cert_warn_days"`
	CertCritDays int           `json:"cert_crit_days"`
	WarnTime     serveDuration `json:"warn_time"`
	CritTime     serveDuration `json:"crit_time"`
	Require      []string      `json:"require"`
	Ignore       []string      `json:"ignore"`
	// FailOn "warning" makes probe_success 0 on warnings too.
	FailOn string `json:"fail_on"`

	policy checkPolicy
	runner *checkRunner
}

// serveDuration reads "20s" as well as a number of seconds.
type serveDuration time.Duration

func (d *serveDuration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		v, err := time.ParseDuration(s)
		*d = serveDuration(v)
		return err
	}
	var secs float64
	if err := json.Unmarshal(b, &secs); err != nil {
		return fmt.Errorf("want a duration like \"20s\" or seconds")
	}
	*d = serveDuration(time.Duration(secs * float64(time.Second)))
	return nil
}

const defaultModuleTimeout = 10 * time.Second

// loadServeConfig reads file, or gives the built-in "default" module (both
// paths, check's defaults, any target) without one.
func loadServeConfig(file string) (*serveConfig, error) {
	cfg := &serveConfig{}
	if file != "" {
		b, err := os.ReadFile(file)
		if err != nil {
			return nil, usageError{fmt.Errorf("--config: %w", err)}
		}
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(cfg); err != nil {
			return nil, usageError{fmt.Errorf("--config %s: %w", file, err)}
		}
	}
	if cfg.Modules == nil {
		cfg.Modules = map[string]*serveModule{}
	}
	if cfg.Modules["default"] == nil {
		cfg.Modules["default"] = &serveModule{}
	}
	for name, m := range cfg.Modules {
		if name == unknownModule {
			return nil, usageError{fmt.Errorf("--config: module name %q is reserved for the requests of unknown modules", name)}
		}
		if m == nil {
			return nil, usageError{fmt.Errorf("--config: module %q: want an object", name)}
		}
		if err := m.prepare(); err != nil {
			return nil, usageError{fmt.Errorf("--config: module %q: %w", name, err)}
		}
	}
	for _, p := range cfg.Allow {
		if _, err := path.Match(p, ""); err != nil {
			return nil, usageError{fmt.Errorf("--config: allow pattern %q: %w", p, err)}
		}
	}
	return cfg, nil
}

func (m *serveModule) prepare() error {
	if m.CertWarnDays != nil && *m.CertWarnDays < 0 || m.CertCritDays < 0 || m.WarnTime < 0 || m.CritTime < 0 || m.ProbeTimeout < 0 || m.Timeout < 0 {
		return fmt.Errorf("cert_warn_days, cert_crit_days, timeout, probe_timeout, warn_time and crit_time cannot be negative")
	}
	if len(m.Paths) == 0 {
		m.Paths = []autoconfig.Side{autoconfig.Incoming, autoconfig.Outgoing}
	}
	for _, p := range m.Paths {
		if p != autoconfig.Incoming && p != autoconfig.Outgoing {
			return fmt.Errorf("paths: %q is neither incoming nor outgoing", p)
		}
	}
	if m.Timeout == 0 {
		m.Timeout = serveDuration(defaultModuleTimeout)
	}
	if m.ProbeTimeout == 0 || m.ProbeTimeout > m.Timeout {
		m.ProbeTimeout = m.Timeout
	}
	if m.FailOn == "" {
		m.FailOn = "error"
	}
	if m.FailOn != "error" && m.FailOn != "warning" {
		return fmt.Errorf("fail_on %q: want error or warning", m.FailOn)
	}
	warn := 14
	if m.CertWarnDays != nil {
		warn = *m.CertWarnDays
	}

	req, err := expandCodes("require", m.Require)
	if err != nil {
		return err
	}
	ign, err := expandCodes("ignore", m.Ignore)
	if err != nil {
		return err
	}
	m.policy = checkPolicy{CertWarnDays: warn, CertCritDays: m.CertCritDays, WarnTime: time.Duration(m.WarnTime),
		CritTime: time.Duration(m.CritTime), Require: req, Ignore: ign}
	return nil
}

// settings are the workflow's settings of the module's probes: the
// network and discovery flags of serve (base), the module's timeouts and
// certificate threshold, and the configuration's rule on internal
// addresses.
func (m *serveModule) settings(base runSettings, c *serveConfig) runSettings {
	s := base
	s.Timeout, s.ProbeTimeout = time.Duration(m.Timeout), time.Duration(m.ProbeTimeout)
	s.CertWarnDays = m.policy.CertWarnDays
	s.Concurrency, s.MailFrom = checkDiscoveryConcurrency, ""
	s.DialCheck = c.dialCheck
	return s
}

// allowed reports whether the allow-list admits a target: its domain (an
// address's or a domain target's) or its host (a URL's).
func (c *serveConfig) allowed(t checkTarget) bool {
	if len(c.Allow) == 0 {
		return true
	}
	name := t.addr.Domain
	if t.srv != nil {
		name = t.srv.Host
	}
	name = strings.ToLower(strings.TrimSuffix(name, "."))
	if ip, err := netip.ParseAddr(name); err == nil && coversAddress(c.Allow, ip) {
		return true
	}
	for _, p := range c.Allow {
		if ok, _ := path.Match(strings.ToLower(p), name); ok {
			return true
		}
	}
	return false
}
