package resolvertest

import (
	"net"
	"time"

	"github.com/miekg/dns"
)

// maxChain bounds the CNAME chains the server follows inside the zone.
const maxChain = 8

// ServeDNS answers one query; it makes Server a dns.Handler.
func (s *Server) ServeDNS(w dns.ResponseWriter, req *dns.Msg) {
	s.queries.Add(1)
	resp := new(dns.Msg)
	resp.SetReply(req)
	if len(req.Question) != 1 {
		resp.Rcode = dns.RcodeFormatError
		w.WriteMsg(resp)
		return
	}
	q := req.Question[0]
	name := canonical(q.Name)

	s.mu.RLock()
	b, latency := s.behavior[name], s.latency
	s.mu.RUnlock()
	if b.Drop || !s.wait(latency+b.Delay) {
		return
	}

	_, udp := w.RemoteAddr().(*net.UDPAddr)
	resp.Authoritative = true
	resp.RecursionAvailable = true
	switch {
	case b.Rcode != 0:
		resp.Rcode = b.Rcode
	case b.ServFail:
		resp.Rcode = dns.RcodeServerFailure
	case b.Refused:
		resp.Rcode = dns.RcodeRefused
	case b.Truncate && udp:
		resp.Truncated = true
	default:
		s.answer(resp, name, q.Qtype)
		resp.AuthenticatedData = b.Authentic
	}

	// Honour the client's EDNS0 buffer size like a real server: 512 bytes
	// over UDP without EDNS0 (RFC 1035 section 4.2.1).
	size := dns.MinMsgSize
	if opt := req.IsEdns0(); opt != nil {
		size = max(int(opt.UDPSize()), dns.MinMsgSize)
		resp.SetEdns0(1232, false)
	}
	// Compress names as real servers do, so that a large answer (thousands
	// of records) fits the 65,535 bytes of a TCP message; what still does
	// not fit is truncated there too, rather than not sent at all.
	resp.Compress = true
	if !udp {
		size = dns.MaxMsgSize
	}
	resp.Truncate(size)
	w.WriteMsg(resp)
}

// answer fills resp with the records of type qtype of name, following
// CNAMEs inside the zone; a name not in the zone is NXDOMAIN.
func (s *Server) answer(resp *dns.Msg, name string, qtype uint16) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	cur := name
	for hop := 0; hop <= maxChain; hop++ {
		r, ok := s.zone[cur]
		switch {
		case !ok && hop == 0:
			resp.Rcode = dns.RcodeNameError
			return
		case !ok:
			return // A CNAME leading out of the zone.
		case r.CNAME != "" && qtype != dns.TypeCNAME:
			resp.Answer = append(resp.Answer, r.rrs(cur, dns.TypeCNAME)...)
			cur = canonical(r.CNAME)
		default:
			resp.Answer = append(resp.Answer, r.rrs(cur, qtype)...)
			return
		}
	}
}

// wait sleeps for d and reports false if the server closed meanwhile.
func (s *Server) wait(d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-s.closed:
		return false
	}
}
