package rules

import (
	"net/netip"

	"beian/internal/filing"
)

var (
	ruleAccessMethod = def("access.method.not_offered", sevError,
		"本接入商不提供该接入方式，请选择“云接入”等本接入商提供的方式",
		"this provider does not offer that access method: choose one it offers (e.g. cloud)")
	ruleIPsRequired = def("access.ips.required", sevError,
		"请至少填写一个网站 IP 地址",
		"enter at least one IP address of the website")
	ruleIPInvalid = def("access.ips.invalid", sevError,
		"“%s”不是有效的 IPv4 或 IPv6 地址",
		"%q is not a valid IPv4 or IPv6 address")
	ruleIPNotPublic = def("access.ips.not_public", sevError,
		"%s 不是公网地址（内网、回环、链路本地、组播或保留地址），请填写网站实际使用的公网 IP",
		"%s is not a public address (private, loopback, link-local, multicast or reserved): enter the site's public IP")
	ruleIPNotProvider = def("access.ips.not_provider", sevError,
		"%s 不属于本接入商的 IP 地址段，请填写在本接入商开通的云资源的公网 IP",
		"%s is outside this provider's address ranges: enter the public IP of a resource hosted here")
	ruleServerLocation = def("access.server_location.not_offered", sevError,
		"本接入商不提供该服务器放置地点，请选择本接入商的机房所在地",
		"this provider has no servers in that location: choose one of its locations")
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
		field := prefix + ".ips" + idx(k)
		ip, err := netip.ParseAddr(s)
		if err != nil || ip.Zone() != "" {
			c.r.add(ruleIPInvalid, field, s)
			continue
		}
		ip = ip.Unmap()
		if !isPublic(ip) {
			c.r.add(ruleIPNotPublic, field, s)
			continue
		}
		if !c.v.inRanges(ip) {
			c.r.add(ruleIPNotProvider, field, s)
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
