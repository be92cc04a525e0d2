package monitor

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/miekg/dns"
)

// ErrNoSuchHost is a name the DNS says does not exist or has no address:
// the website does not resolve anywhere (a 空壳 candidate).
var ErrNoSuchHost = errors.New("no such host")

// Resolver asks one recursive DNS server (BEIAN_MONITOR_RESOLVER) for a
// host's addresses. It is not the system's resolver on purpose: the
// operator chooses whose view of the DNS the monitor sees, and the tests
// run a server of their own on loopback.
type Resolver struct {
	Server  string // host:port
	Timeout time.Duration
}

// maxCNAMEs bounds how far a CNAME chain the server did not resolve is followed.
const maxCNAMEs = 8

// Lookup returns the IPv4 and IPv6 addresses of host. ErrNoSuchHost when
// the name does not exist or has neither; any other error is the
// resolver's (a timeout, SERVFAIL), which says nothing about the website.
func (r *Resolver) Lookup(ctx context.Context, host string) ([]netip.Addr, error) {
	if ip, err := netip.ParseAddr(host); err == nil {
		return []netip.Addr{ip.Unmap()}, nil
	}
	name := dns.Fqdn(strings.ToLower(strings.TrimSuffix(host, ".")))
	if _, ok := dns.IsDomainName(name); !ok {
		return nil, fmt.Errorf("%w: %q is not a host name", ErrNoSuchHost, host)
	}
	var out []netip.Addr
	var failed error
	for _, qt := range []uint16{dns.TypeA, dns.TypeAAAA} {
		addrs, err := r.query(ctx, name, qt)
		switch {
		case errors.Is(err, ErrNoSuchHost):
		case err != nil:
			failed = err
		default:
			out = append(out, addrs...)
		}
	}
	if len(out) > 0 {
		return out, nil
	}
	if failed != nil {
		return nil, failed
	}
	return nil, ErrNoSuchHost
}

// query asks for one record type, following a CNAME chain the answer
// leaves open.
func (r *Resolver) query(ctx context.Context, name string, qt uint16) ([]netip.Addr, error) {
	for range maxCNAMEs {
		in, err := r.exchange(ctx, name, qt)
		if err != nil {
			return nil, err
		}
		switch in.Rcode {
		case dns.RcodeSuccess:
		case dns.RcodeNameError:
			return nil, ErrNoSuchHost
		default:
			return nil, fmt.Errorf("dns server %s answered %s for %s", r.Server, dns.RcodeToString[in.Rcode], name)
		}
		var addrs []netip.Addr
		next := ""
		for _, rr := range in.Answer {
			switch v := rr.(type) {
			case *dns.A:
				if ip, ok := netip.AddrFromSlice(v.A.To4()); ok {
					addrs = append(addrs, ip)
				}
			case *dns.AAAA:
				if ip, ok := netip.AddrFromSlice(v.AAAA.To16()); ok {
					addrs = append(addrs, ip.Unmap())
				}
			case *dns.CNAME:
				next = v.Target
			}
		}
		if len(addrs) > 0 {
			return addrs, nil
		}
		if next == "" || strings.EqualFold(next, name) {
			return nil, ErrNoSuchHost // the name exists without an address of this type
		}
		name = next
	}
	return nil, fmt.Errorf("dns: CNAME chain of %s longer than %d", name, maxCNAMEs)
}

// exchange sends one question over UDP, and again over TCP when the
// answer was truncated.
func (r *Resolver) exchange(ctx context.Context, name string, qt uint16) (*dns.Msg, error) {
	m := new(dns.Msg)
	m.SetQuestion(name, qt)
	m.RecursionDesired = true
	c := &dns.Client{Net: "udp", Timeout: r.Timeout}
	in, _, err := c.ExchangeContext(ctx, m, r.Server)
	if err == nil && in.Truncated {
		c.Net = "tcp"
		in, _, err = c.ExchangeContext(ctx, m, r.Server)
	}
	if err != nil {
		return nil, fmt.Errorf("dns server %s: %w", r.Server, err)
	}
	return in, nil
}

// SystemResolver is the first name server of /etc/resolv.conf, the
// default when BEIAN_MONITOR_RESOLVER is not set.
func SystemResolver() (string, error) {
	cc, err := dns.ClientConfigFromFile("/etc/resolv.conf")
	if err != nil {
		return "", err
	}
	if len(cc.Servers) == 0 {
		return "", errors.New("/etc/resolv.conf names no name server")
	}
	return netJoin(cc.Servers[0], cc.Port), nil
}
