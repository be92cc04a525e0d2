// Package monitortest runs the compliance monitor's world on loopback: a
// DNS server whose answers a test sets, so no question leaves the machine.
package monitortest

import (
	"net"
	"strings"
	"sync"
	"testing"

	"github.com/miekg/dns"
)

// DNS is an authoritative-looking server on 127.0.0.1 (UDP and TCP on one
// port) answering A and AAAA questions from a table; unknown names are
// NXDOMAIN, a name set to "SERVFAIL" fails.
type DNS struct {
	Addr string // 127.0.0.1:port

	mu      sync.Mutex
	records map[string][]string // fqdn → addresses; or a CNAME target ending in "."
	asked   map[string]int
}

// ServFail is the address that makes a name's answer SERVFAIL.
const ServFail = "SERVFAIL"

// NewDNS starts the server; it stops when the test ends.
func NewDNS(t testing.TB) *DNS {
	t.Helper()
	d := &DNS{records: map[string][]string{}, asked: map[string]int{}}
	// UDP and TCP on one port number: the UDP port is free, but the same
	// number over TCP may be another test's (CI failed on that once), so
	// a taken one is given back and another tried.
	var pc net.PacketConn
	var ln net.Listener
	for try := 0; ln == nil; try++ {
		var err error
		if pc, err = net.ListenPacket("udp", "127.0.0.1:0"); err != nil {
			t.Fatal(err)
		}
		if ln, err = net.Listen("tcp", pc.LocalAddr().String()); err != nil {
			pc.Close()
			if try == 20 {
				t.Fatal(err)
			}
		}
	}
	d.Addr = pc.LocalAddr().String()
	udp := &dns.Server{PacketConn: pc, Handler: d}
	tcp := &dns.Server{Listener: ln, Handler: d}
	go udp.ActivateAndServe()
	go tcp.ActivateAndServe()
	t.Cleanup(func() { udp.Shutdown(); tcp.Shutdown() })
	return d
}

// Set makes name answer addrs (IPv4 and IPv6 literals, or one CNAME
// target written with a trailing dot); none removes it (NXDOMAIN).
func (d *DNS) Set(name string, addrs ...string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(addrs) == 0 {
		delete(d.records, dns.Fqdn(strings.ToLower(name)))
		return
	}
	d.records[dns.Fqdn(strings.ToLower(name))] = addrs
}

// Asked counts the questions about name.
func (d *DNS) Asked(name string) int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.asked[dns.Fqdn(strings.ToLower(name))]
}

// ServeDNS answers one question.
func (d *DNS) ServeDNS(w dns.ResponseWriter, req *dns.Msg) {
	m := new(dns.Msg)
	m.SetReply(req)
	m.Authoritative = true
	if len(req.Question) != 1 {
		m.Rcode = dns.RcodeFormatError
		w.WriteMsg(m)
		return
	}
	q := req.Question[0]
	name := strings.ToLower(q.Name)
	d.mu.Lock()
	d.asked[name]++
	addrs, ok := d.records[name]
	d.mu.Unlock()
	switch {
	case !ok:
		m.Rcode = dns.RcodeNameError
	case len(addrs) == 1 && addrs[0] == ServFail:
		m.Rcode = dns.RcodeServerFailure
	default:
		hdr := func(t uint16) dns.RR_Header {
			return dns.RR_Header{Name: q.Name, Rrtype: t, Class: dns.ClassINET, Ttl: 60}
		}
		for _, a := range addrs {
			if strings.HasSuffix(a, ".") {
				m.Answer = append(m.Answer, &dns.CNAME{Hdr: hdr(dns.TypeCNAME), Target: a})
				continue
			}
			ip := net.ParseIP(a)
			switch {
			case ip == nil:
			case ip.To4() != nil && q.Qtype == dns.TypeA:
				m.Answer = append(m.Answer, &dns.A{Hdr: hdr(dns.TypeA), A: ip.To4()})
			case ip.To4() == nil && q.Qtype == dns.TypeAAAA:
				m.Answer = append(m.Answer, &dns.AAAA{Hdr: hdr(dns.TypeAAAA), AAAA: ip})
			}
		}
	}
	w.WriteMsg(m)
}
