package lint

import (
	"bytes"
	"encoding/xml"
	"strings"

	"golang.org/x/net/html/charset"
)

// rawConfig is a clientConfig document as written, before any client's
// reading of it: what the checks and the stricter clients look at.
type rawConfig struct {
	Domains []string
	Servers []rawServer
}

// rawServer is one incomingServer or outgoingServer element.
type rawServer struct {
	Incoming                 bool
	Type                     string
	Hostname, Port, Socket   *string
	Username                 *string
	Auth                     []string
	UseGlobalPreferredServer string
}

func (s rawServer) elem() string {
	if s.Incoming {
		return "incomingServer"
	}
	return "outgoingServer"
}

// parseRaw reads the first emailProvider of doc; nil if it has none or
// is not XML.
func parseRaw(doc []byte) *rawConfig {
	type server struct {
		Type       string   `xml:"type,attr"`
		Hostname   *string  `xml:"hostname"`
		Port       *string  `xml:"port"`
		SocketType *string  `xml:"socketType"`
		Username   *string  `xml:"username"`
		Auth       []string `xml:"authentication"`
		UGPS       string   `xml:"useGlobalPreferredServer"`
	}
	var raw struct {
		Providers []struct {
			Domains  []string `xml:"domain"`
			Incoming []server `xml:"incomingServer"`
			Outgoing []server `xml:"outgoingServer"`
		} `xml:"emailProvider"`
	}
	d := xml.NewDecoder(bytes.NewReader(doc))
	d.CharsetReader = charset.NewReaderLabel
	if err := d.Decode(&raw); err != nil || len(raw.Providers) == 0 {
		return nil
	}
	p := raw.Providers[0]
	c := &rawConfig{}
	for _, dom := range p.Domains {
		c.Domains = append(c.Domains, strings.TrimSpace(dom))
	}
	add := func(ss []server, in bool) {
		for _, s := range ss {
			rs := rawServer{Incoming: in, Type: strings.ToLower(strings.TrimSpace(s.Type)), Hostname: trimmed(s.Hostname),
				Port: trimmed(s.Port), Socket: trimmed(s.SocketType), Username: trimmed(s.Username), UseGlobalPreferredServer: strings.TrimSpace(s.UGPS)}
			for _, a := range s.Auth {
				rs.Auth = append(rs.Auth, strings.TrimSpace(a))
			}
			c.Servers = append(c.Servers, rs)
		}
	}
	add(p.Incoming, true)
	add(p.Outgoing, false)
	return c
}

func trimmed(s *string) *string {
	if s == nil {
		return nil
	}
	t := strings.TrimSpace(*s)
	return &t
}
