package rules

import (
	"net/netip"

	"beian/internal/filing"
)

var (
	ruleAccessMethod   = def("access.method.not_offered", sevError)
	ruleIPsRequired    = def("access.ips.required", sevError)
	ruleIPInvalid      = def("access.ips.invalid", sevError)
	ruleIPNotPublic    = def("access.ips.not_public", sevError)
	ruleIPNotProvider  = def("access.ips.not_provider", sevError)
	ruleServerLocation = def("access.server_location.not_offered", sevError)
)

// reservedPrefixes are special-purpose blocks (RFC 6890 and friends) that
// netip's predicates do not cover.
var reservedPrefixes = func() []netip.Prefix {
	var out []netip.Prefix
	for _, s := range []string{
		"0.0.0.0/8", "100.64.0.0/10", "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "198.18.0.0/15",
		"198.51.100.0/24", "203.0.113.0/24", "240.0.0.0/4", "255.255.255.255/32",
		"::/128", "100::/64", "2001::/23", "2001:db8::/32", "3fff::/20", "5f00::/16",
	} {
		out = append(out, netip.MustParsePrefix(s))
	}
	return out
}()

// isPublic reports whether a is a global unicast address outside private
// and reserved blocks.
func isPublic(a netip.Addr) bool {
	if !a.IsGlobalUnicast() || a.IsPrivate() {
		return false
	}
	for _, p := range reservedPrefixes {
		if p.Contains(a) {
			return false
		}
	}
	return true
}

func (c *check) access(a *filing.Access, prefix string) {
	if !c.v.methods[a.Method] {
		c.r.add(ruleAccessMethod, prefix+".method")
	}
	if len(a.IPs) == 0 {
		c.r.add(ruleIPsRequired, prefix+".ips")
	}
	for k, s := range limit(a.IPs) {
		ip, err := netip.ParseAddr(s)
		if err != nil || ip.Zone() != "" {
			c.r.add(ruleIPInvalid, prefix+".ips"+idx(k), s)
			continue
		}
		ip = ip.Unmap()
		if !isPublic(ip) {
			c.r.add(ruleIPNotPublic, prefix+".ips"+idx(k), s)
			continue
		}
		if !c.v.inRanges(ip) {
			c.r.add(ruleIPNotProvider, prefix+".ips"+idx(k), s)
		}
	}
	if !c.v.locations[a.ServerLocation] {
		c.r.add(ruleServerLocation, prefix+".server_location")
	}
}

func (v *Validator) inRanges(a netip.Addr) bool {
	for _, r := range v.ipRanges {
		if r.contains(a) {
			return true
		}
	}
	return false
}
