package main

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"strings"

	"github.com/postino-mail/postino/autoconfig"
)

// placeholderDomain stands in for the user's domain while ParseMozilla
// reads a file: it must be a valid host name (ParseMozilla checks host
// names after replacing %EMAILDOMAIN%), and it is put back as
// %EMAILDOMAIN% afterwards, so the database keeps the template. The
// .invalid top-level domain (RFC 2606) cannot clash with a real name.
const placeholderDomain = "x-emaildomain.postino.invalid"

// ispdbFile is one ISPDB file: what ParseMozilla reads, with placeholders
// kept, plus the elements it does not read (restrictions, <enable>
// instructions, documentation descriptions).
type ispdbFile struct {
	File   string // "ispdb/gmx.net.xml"
	Config *autoconfig.MozillaConfig
	// Restrictions maps Server.Key of an outgoing server to its
	// <restriction> value.
	Restrictions map[string]string
	Enable       []enableInstruction
	Docs         []autoconfig.ProviderLink
}

type enableInstruction struct{ URL, Text string }

// parseISPDB reads one ISPDB file. ParseMozilla does the checking, so the
// database holds exactly what a client reading the file would get; an
// error means the file has no usable server at all.
func parseISPDB(file string, data []byte) (*ispdbFile, error) {
	c, err := autoconfig.ParseMozilla(data, autoconfig.Address{Domain: placeholderDomain})
	if err != nil {
		return nil, err
	}
	restore := func(s string) string { return strings.ReplaceAll(s, placeholderDomain, "%EMAILDOMAIN%") }
	for _, list := range [][]autoconfig.Server{c.Incoming, c.Outgoing} {
		for i := range list {
			list[i].Host, list[i].Username = restore(list[i].Host), restore(list[i].Username)
		}
	}
	for i := range c.Problems {
		c.Problems[i] = restore(c.Problems[i])
	}
	f := &ispdbFile{File: file, Config: c, Restrictions: map[string]string{}}
	if err := f.readExtras(data); err != nil {
		return nil, err
	}
	return f, nil
}

// xmlExtras are the parts of a clientConfig that ParseMozilla skips.
type xmlExtras struct {
	Providers []struct {
		Outgoing []struct {
			Type        string `xml:"type,attr"`
			Hostname    string `xml:"hostname"`
			Port        string `xml:"port"`
			SocketType  string `xml:"socketType"`
			Restriction string `xml:"restriction"`
		} `xml:"outgoingServer"`
		Documentation []struct {
			URL   string     `xml:"url,attr"`
			Descr []xmlLangs `xml:"descr"`
		} `xml:"documentation"`
		Enable []xmlEnable `xml:"enable"`
	} `xml:"emailProvider"`
	// Some files put <enable> beside <emailProvider>, not inside it.
	Enable []xmlEnable `xml:"enable"`
}

type xmlEnable struct {
	VisitURL    string     `xml:"visiturl,attr"`
	Instruction []xmlLangs `xml:"instruction"`
}

type xmlLangs struct {
	Lang string `xml:"lang,attr"`
	Text string `xml:",chardata"`
}

func (f *ispdbFile) readExtras(data []byte) error {
	var x xmlExtras
	d := xml.NewDecoder(bytes.NewReader(data))
	if err := d.Decode(&x); err != nil {
		return fmt.Errorf("reading <restriction>, <enable> and <documentation>: %w", err)
	}
	p := x.Providers[0] // ParseMozilla insists on one
	for _, o := range p.Outgoing {
		if r := strings.TrimSpace(o.Restriction); r != "" && strings.EqualFold(strings.TrimSpace(o.Type), "smtp") {
			host := strings.TrimSpace(o.Hostname)
			if !strings.Contains(host, "%") { // placeholders stay upper-case
				host = strings.ToLower(host)
			}
			s := autoconfig.Server{Protocol: autoconfig.SMTP, Host: host}
			fmt.Sscan(strings.TrimSpace(o.Port), &s.Port)
			s.Security = socketSecurity(o.SocketType)
			f.Restrictions[s.Key()] = r
		}
	}
	for _, e := range append(p.Enable, x.Enable...) {
		if t := english(e.Instruction); t != "" {
			f.Enable = append(f.Enable, enableInstruction{URL: strings.TrimSpace(e.VisitURL), Text: t})
		}
	}
	for _, doc := range p.Documentation {
		if u := strings.TrimSpace(doc.URL); u != "" {
			f.Docs = append(f.Docs, autoconfig.ProviderLink{URL: u, Description: english(doc.Descr), Source: f.File})
		}
	}
	return nil
}

func socketSecurity(s string) autoconfig.Security {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "ssl":
		return autoconfig.SecurityTLS
	case "starttls":
		return autoconfig.SecurityStartTLS
	}
	return autoconfig.SecurityNone
}

// english picks the English text (or the one without a language) of a
// multilingual element, else the first; whitespace is collapsed.
func english(ls []xmlLangs) string {
	best := -1
	for i, l := range ls {
		lang := strings.ToLower(strings.TrimSpace(l.Lang))
		if lang == "" || lang == "en" || strings.HasPrefix(lang, "en-") {
			best = i
			break
		}
	}
	if best < 0 && len(ls) > 0 {
		best = 0
	}
	if best < 0 {
		return ""
	}
	return strings.Join(strings.Fields(ls[best].Text), " ")
}
