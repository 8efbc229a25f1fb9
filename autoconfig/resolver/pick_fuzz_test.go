package resolver

import (
	"testing"

	"github.com/miekg/dns"
)

// FuzzPick feeds arbitrary DNS messages (as a server could send them) to
// pick, which follows CNAME chains to the records asked for, and to
// display, which names the SRV and MX targets: whatever the answer,
// neither panics nor loops, and a CNAME loop ends at the hop limit.
func FuzzPick(f *testing.F) {
	seed := func(rrs ...string) {
		m := new(dns.Msg)
		m.SetQuestion("example.com.", dns.TypeSRV)
		for _, s := range rrs {
			rr, err := dns.NewRR(s)
			if err != nil {
				f.Fatal(err)
			}
			m.Answer = append(m.Answer, rr)
		}
		b, err := m.Pack()
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	seed("example.com. 60 IN SRV 0 1 993 imap.example.com.")
	seed("example.com. 60 IN CNAME a.example.com.", "a.example.com. 60 IN CNAME example.com.")
	seed("example.com. 60 IN MX 10 mx.example.com.", "example.com. 60 IN A 192.0.2.1", "example.com. 60 IN AAAA 2001:db8::1")
	seed("example.com. 60 IN SRV 0 0 0 .")
	seed("example.com. 60 IN SRV 0 1 993 \\\\x.\\000.example.com.")
	f.Fuzz(func(t *testing.T, data []byte) {
		m := new(dns.Msg)
		if m.Unpack(data) != nil {
			return
		}
		for _, qt := range []uint16{dns.TypeSRV, dns.TypeMX, dns.TypeA, dns.TypeAAAA} {
			rrs, _, hops := pick(m, "example.com.", qt)
			if hops > maxCNAME+1 {
				t.Errorf("%d hops, more than the limit of %d", hops, maxCNAME)
			}
			for _, rr := range rrs {
				switch r := rr.(type) {
				case *dns.SRV:
					_ = display(r.Target)
				case *dns.MX:
					_ = display(r.Mx)
				}
			}
		}
	})
}
