package httpx

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// LimitedIP is the address per-IP limits count against. A peer on this host
// (loopback) is either the operator's reverse proxy — then the last
// X-Forwarded-For hop, which the proxy appended, is the client — or a local
// tool such as a load benchmark, which gets "" and is not limited per IP
// (per-account limits still apply). Forwarded headers from other peers are
// ignored: any client can set them.
func LimitedIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	if ip, err := netip.ParseAddr(host); err == nil && ip.IsLoopback() {
		xff := r.Header.Get("X-Forwarded-For")
		if xff == "" {
			return ""
		}
		parts := strings.Split(xff, ",")
		return strings.TrimSpace(parts[len(parts)-1])
	}
	return host
}

// OverTLS reports whether the client used HTTPS: directly, or through a
// reverse proxy on this host that says so (X-Forwarded-Proto) — the same
// trust rule as LimitedIP. HSTS and the cookies' Secure flag follow it.
func OverTLS(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback() && strings.EqualFold(strings.TrimSpace(r.Header.Get("X-Forwarded-Proto")), "https")
}
