package autoconfig

import (
	"bytes"
	"fmt"
	"io"
	"net"
)

// dnsTTL is the TTL of the suggested records: an hour, short enough to
// correct a mistake the same day.
const dnsTTL = 3600

// WriteDNS writes, for the owner of the domain, the DNS records that make
// its mail settings discoverable, in zone-file syntax: the RFC 6186 and
// RFC 8314 SRV records, with priorities in the settings' order of
// preference (implicit TLS before STARTTLS, as RFC 8314 asks) and target
// "." for a service not offered; then, commented out because only the
// owner knows the web server, the autoconfig and autodiscover host names
// and the URLs clients will ask. It needs at least one server.
func WriteDNS(w io.Writer, st Settings) ([]Loss, error) {
	if len(st.Incoming)+len(st.Outgoing) == 0 {
		return nil, fmt.Errorf("%w: no server at all, so no records to suggest", ErrIncomplete)
	}
	var ls losses
	d := st.Address.Domain
	var rows [][2]string // owner name, record data
	var b bytes.Buffer
	fmt.Fprintf(&b, "; DNS records that let mail clients find the settings of %s.\n", d)
	b.WriteString("; SRV (RFC 6186, RFC 8314): priority weight port target; the lowest priority is\n")
	b.WriteString("; preferred, across labels too; target \".\" says the service is not offered.\n")
	for _, side := range []struct {
		side    Side
		servers []Server
	}{{Incoming, st.Incoming}, {Outgoing, st.Outgoing}} {
		if len(side.servers) == 0 {
			rows = append(rows, [2]string{fmt.Sprintf("; no %s server was found: no %[1]s records suggested", side.side), ""})
			continue
		}
		offered := map[string]bool{}
		for i, s := range side.servers {
			l := srvLabelFor(s)
			if net.ParseIP(s.Host) != nil {
				ls.add(&s, "an SRV target must be a host name, not an IP address; left out")
				continue
			}
			if s.Security == SecurityNone {
				ls.add(&s, "%s stands for STARTTLS (RFC 8314); a server without encryption cannot be published as such, and clients will try STARTTLS", l.label)
			}
			offered[l.label] = true
			rows = append(rows, [2]string{l.label + "." + d + ".", fmt.Sprintf("SRV %d 0 %d %s.", i*10, s.Port, s.Host)})
			st.srvLosses(s, &ls)
		}
		for _, l := range srvLabels {
			if (Server{Protocol: l.protocol}).Side() == side.side && !offered[l.label] {
				rows = append(rows, [2]string{l.label + "." + d + ".", "SRV 0 0 0 ."})
			}
		}
	}
	writeZoneRows(&b, rows)
	b.WriteString("\n")
	st.writeWebHosts(&b)
	_, err := w.Write(b.Bytes())
	return ls, err
}

// srvLabelFor is the label that publishes s.
func srvLabelFor(s Server) srvLabel {
	for _, l := range srvLabels {
		if l.protocol == s.Protocol && (l.security == s.Security || l.security == SecurityStartTLS && s.Security == SecurityNone) {
			return l
		}
	}
	return srvLabels[0] // not reached: every protocol and security has a label
}

// srvLosses records what an SRV record cannot carry: the login name and
// the authentication method, which its readers take to be the address and
// a password.
func (st Settings) srvLosses(s Server, ls *losses) {
	if form, u := st.login(s); form != loginAddress {
		if u == "" {
			u = st.templateLogin(s)
		}
		ls.add(&s, "SRV records cannot say the login name %q; clients that read them assume the whole address", u)
	}
	if len(s.Auth) > 0 && !passwordLogin(s) {
		ls.add(&s, "SRV records cannot say the authentication (%s); clients that read them assume a password", s.Auth[0])
	}
}

func writeZoneRows(b *bytes.Buffer, rows [][2]string) {
	width := 0
	for _, r := range rows {
		if r[1] != "" {
			width = max(width, len(r[0]))
		}
	}
	for _, r := range rows {
		if r[1] == "" {
			b.WriteString(r[0] + "\n")
			continue
		}
		fmt.Fprintf(b, "%-*s  %d IN %s\n", width, r[0], dnsTTL, r[1])
	}
}

// writeWebHosts suggests the host names of the autoconfig and autodiscover
// files and lists the URLs clients ask, so the owner can check each.
func (st Settings) writeWebHosts(b *bytes.Buffer) {
	d := st.Address.Domain
	example := st.Address
	if !example.HasLocal() {
		example.Local = "alice"
	}
	acHTTPS, wkHTTPS, _, _ := MozillaURLs(example)
	b.WriteString("; Autoconfig (Thunderbird, K-9 Mail, Delta Chat) and autodiscover (Outlook): serve\n")
	b.WriteString("; the files of `postino config --format thunderbird` and `--format autodiscover`\n")
	b.WriteString("; over https with a certificate for each name, then point the names at that web\n")
	b.WriteString("; server: replace WEBSERVER (or use A and AAAA records) and remove the \";\".\n")
	writeZoneRows(b, [][2]string{
		{";autoconfig." + d + ".", "CNAME WEBSERVER."},
		{";autodiscover." + d + ".", "CNAME WEBSERVER."},
		{";_autodiscover._tcp." + d + ".", "SRV 0 0 443 autodiscover." + d + "."},
	})
	b.WriteString(";\n; Clients will ask (the address is the one being set up):\n")
	for _, u := range [][2]string{
		{acHTTPS, "GET, Thunderbird first"},
		{wkHTTPS, "GET"},
		{autodiscoverSubdomain.query(d), "POST, Outlook"},
		{autodiscoverRoot.query(d), "POST"},
		{autodiscoverHTTP.query(d), "GET, answered with a redirect to https"},
	} {
		fmt.Fprintf(b, ";   %s  (%s)\n", u[0], u[1])
	}
}
