package commands

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/postino-mail/postino/autoconfig"
)

// checkPrometheus is the Prometheus text exposition format (0.0.4), for
// node_exporter's textfile collector and for serve's /probe. It uses
// blackbox_exporter's names where they fit (probe_success,
// probe_duration_seconds, probe_ssl_earliest_cert_expiry,
// probe_tls_version_info) so existing dashboards and alerts work, plus
// postino's own per path, phase and finding. The format wants each
// family's samples together, so samples are kept per family (a few short
// lines per target) until the end. With several targets every sample
// carries target="…", as a textfile collector needs.
type checkPrometheus struct {
	o    checkFormatOptions
	fams []*promFamily
	byID map[string]*promFamily
}

type promFamily struct {
	name, help, typ string
	samples         []string
	seen            map[string]bool
}

// promFamilies are the families in output order.
var promFamilies = []struct{ name, help string }{
	{"probe_success", "Whether the check passed: 1 when every path tested works (warnings count as passing unless --fail-on warning)."},
	{"probe_duration_seconds", "How long the check of the target took."},
	{"postino_check_state", "The target's state as a monitoring plugin's exit status: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN."},
	{"postino_path_success", "Whether a path (incoming: IMAP or POP3; outgoing: SMTP submission) works."},
	{"probe_ssl_earliest_cert_expiry", "The earliest expiry of a server certificate, in unixtime."},
	{"probe_tls_version_info", "The TLS version a server negotiated, as a label."},
	{"postino_phase_duration_seconds", "How long a phase of a server's check took, on its first working address."},
	{"postino_finding", "A finding of the check (postino explain CODE says what it means)."},
}

func newCheckPrometheus(o checkFormatOptions) *checkPrometheus {
	p := &checkPrometheus{o: o, byID: map[string]*promFamily{}}
	for _, f := range promFamilies {
		fam := &promFamily{name: f.name, help: f.help, typ: "gauge", seen: map[string]bool{}}
		p.fams = append(p.fams, fam)
		p.byID[f.name] = fam
	}
	return p
}

// add records a sample; a label set seen before in the family is dropped,
// since a repeated series would make the whole scrape invalid.
func (p *checkPrometheus) add(name string, labels []string, v float64) {
	f := p.byID[name]
	var b strings.Builder
	b.WriteString(name)
	if len(labels) > 0 {
		b.WriteByte('{')
		for i := 0; i+1 < len(labels); i += 2 {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, "%s=\"%s\"", labels[i], promEscape(labels[i+1]))
		}
		b.WriteByte('}')
	}
	key := b.String()
	if f.seen[key] {
		return
	}
	f.seen[key] = true
	f.samples = append(f.samples, key+" "+promFloat(v))
}

func promEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s)
}

func promFloat(v float64) string {
	if math.IsInf(v, 0) || math.IsNaN(v) {
		return "NaN"
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func (p *checkPrometheus) result(r *checkResult) error {
	var base []string
	if !p.o.single {
		base = []string{"target", displayLine(r.Target)}
	}
	with := func(kv ...string) []string { return append(append([]string{}, base...), kv...) }
	success := r.State == stateOK || (r.State == stateWarning && p.o.failOn != "warning")
	p.add("probe_success", base, b2f(success))
	p.add("postino_check_state", base, float64(r.State))
	if r.Report == nil {
		p.add("probe_duration_seconds", base, 0)
		return nil
	}
	p.add("probe_duration_seconds", base, time.Duration(r.Report.Duration).Seconds())
	var earliest time.Time
	for _, s := range r.sides() {
		if s.Status == statusSkipped {
			continue
		}
		path := string(s.name)
		p.add("postino_path_success", with("path", path), b2f(s.Status == autoconfig.StatusOK || s.Status == autoconfig.StatusWarning))
		for _, ts := range s.Servers {
			d := ts.Diagnosis
			proto := string(d.Server.Protocol)
			if t := d.TLS; t != nil {
				if earliest.IsZero() || t.NotAfter.Before(earliest) {
					earliest = t.NotAfter
				}
				p.add("probe_tls_version_info", with("path", path, "protocol", proto, "version", blackboxTLSVersion(t.Version)), 1)
			}
			for _, ph := range primaryPhases(d) {
				p.add("postino_phase_duration_seconds", with("path", path, "protocol", proto, "phase", ph.Name), time.Duration(ph.Duration).Seconds())
			}
		}
	}
	if !earliest.IsZero() {
		p.add("probe_ssl_earliest_cert_expiry", base, float64(earliest.Unix()))
	}
	for _, f := range r.Report.Findings {
		p.add("postino_finding", with("path", string(f.Side), "code", f.Code, "severity", string(f.Severity)), 1)
	}
	return nil
}

// blackboxTLSVersion spells a version as blackbox_exporter does ("TLS
// 1.3"), so that queries on probe_tls_version_info match both exporters.
func blackboxTLSVersion(v string) string {
	if strings.HasPrefix(v, "TLS") && !strings.HasPrefix(v, "TLS ") {
		return "TLS " + strings.TrimPrefix(v, "TLS")
	}
	return v
}

func (p *checkPrometheus) finish(*checkSummary) error {
	ew := &errWriter{w: p.o.w}
	for _, f := range p.fams {
		if len(f.samples) == 0 {
			continue
		}
		ew.printf("# HELP %s %s\n# TYPE %s %s\n", f.name, f.help, f.name, f.typ)
		for _, s := range f.samples {
			ew.printf("%s\n", s)
		}
	}
	return ew.err
}
