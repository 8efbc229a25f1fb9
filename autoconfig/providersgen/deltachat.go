package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/postino-mail/postino/autoconfig"
)

// dcProvider is one Delta Chat provider note, the fields postino uses.
// Delta Chat's own switches (opt, config_defaults, skip_auto_test) are
// about its app and are left out.
type dcProvider struct {
	File            string // "deltachat/gmail.md"
	Name            string
	Status          string // OK, PREPARATION or BROKEN
	Domains         []string
	Servers         []autoconfig.Server
	BeforeLoginHint string
	AfterLoginHint  string
	LastChecked     string
	Website         string
	Problems        []string // servers skipped and why
}

// parseDeltaChat reads one provider note. An error means the file could
// not be read at all; data it had to skip is in Problems.
func parseDeltaChat(file string, doc []byte) (*dcProvider, error) {
	yaml, _, err := splitFrontMatter(string(doc))
	if err != nil {
		return nil, err
	}
	root, err := parseYAML(yaml)
	if err != nil {
		return nil, err
	}
	p := &dcProvider{File: file}
	strs := map[string]*string{
		"name": &p.Name, "status": &p.Status, "before_login_hint": &p.BeforeLoginHint,
		"after_login_hint": &p.AfterLoginHint, "last_checked": &p.LastChecked, "website": &p.Website,
	}
	for key, dst := range strs {
		if v := root.fields[key]; v != nil {
			if v.kind != yScalar {
				return nil, fmt.Errorf("%s is not a single value", key)
			}
			*dst = strings.TrimSpace(v.scalar)
		}
	}
	if p.Name == "" {
		return nil, fmt.Errorf("no name")
	}
	p.Status = strings.ToUpper(p.Status)
	switch p.Status {
	case "OK", "PREPARATION", "BROKEN":
	default:
		return nil, fmt.Errorf("status %q is not OK, PREPARATION or BROKEN", p.Status)
	}
	if v := root.fields["domains"]; v != nil {
		if v.kind != yList {
			return nil, fmt.Errorf("domains is not a list")
		}
		for _, d := range v.list {
			if d.kind != yScalar {
				return nil, fmt.Errorf("a domain is not a single value")
			}
			if s := strings.ToLower(strings.TrimSpace(d.scalar)); s != "" {
				p.Domains = append(p.Domains, s)
			}
		}
	}
	if len(p.Domains) == 0 {
		return nil, fmt.Errorf("no domains")
	}
	if v := root.fields["server"]; v != nil {
		if v.kind != yList {
			return nil, fmt.Errorf("server is not a list")
		}
		for i, s := range v.list {
			srv, err := dcServer(s)
			if err != nil {
				p.Problems = append(p.Problems, fmt.Sprintf("server %d: %v: skipped", i+1, err))
				continue
			}
			p.Servers = append(p.Servers, srv)
		}
	}
	return p, nil
}

// dcServer converts one entry of a note's server list.
func dcServer(v *yvalue) (autoconfig.Server, error) {
	var s autoconfig.Server
	if v.kind != yMap {
		return s, fmt.Errorf("not a mapping")
	}
	get := func(k string) string {
		if f := v.fields[k]; f != nil && f.kind == yScalar {
			return strings.TrimSpace(f.scalar)
		}
		return ""
	}
	switch strings.ToLower(get("type")) {
	case "imap":
		s.Protocol = autoconfig.IMAP
	case "pop3":
		s.Protocol = autoconfig.POP3
	case "smtp":
		s.Protocol = autoconfig.SMTP
	default:
		return s, fmt.Errorf("type %q is not imap, pop3 or smtp", get("type"))
	}
	sec, ok := autoconfig.ParseSocketType(get("socket"))
	if !ok {
		return s, fmt.Errorf("socket %q is not SSL, STARTTLS or PLAIN", get("socket"))
	}
	s.Security = sec
	s.Host = strings.ToLower(strings.TrimSuffix(get("hostname"), "."))
	port, err := strconv.Atoi(get("port"))
	if err != nil {
		return s, fmt.Errorf("port %q is not a number", get("port"))
	}
	s.Port = port
	// Delta Chat's default, and its only other form, per its README.
	switch strings.ToUpper(get("username_pattern")) {
	case "", "EMAIL":
		s.Username = "%EMAILADDRESS%"
	case "EMAILLOCALPART":
		s.Username = "%EMAILLOCALPART%"
	default:
		return s, fmt.Errorf("username_pattern %q is not EMAIL or EMAILLOCALPART", get("username_pattern"))
	}
	if err := autoconfig.CheckServer(s); err != nil {
		return s, err
	}
	return s, nil
}
