package monitor

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"time"

	"golang.org/x/net/html/charset"
)

// ErrOutside is a homepage that is (or redirects to) an address outside
// the provider's ranges: it is not served from here.
var ErrOutside = errors.New("served from an address outside the provider's ranges")

// Fetcher reads homepages, bounded in time, size and redirects. It dials
// only addresses inside the provider's ranges, found through the
// monitor's own resolver: a homepage or a redirect cannot make it reach
// anything else (no SSRF into the provider's own network).
type Fetcher struct {
	Resolver     *Resolver
	Inside       func(netip.Addr) bool
	Timeout      time.Duration // the whole fetch, body included
	MaxBytes     int64         // read at most this much of the body
	MaxRedirects int
	// Ports are the ports dialled for http and https (80 and 443; labs and
	// tests point them at servers of their own).
	HTTPPort, HTTPSPort string
	UserAgent           string
}

// Page is what a homepage answered.
type Page struct {
	Status    int
	URL       string // after redirects
	Text      string // the body decoded to UTF-8
	Truncated bool   // the body was longer than MaxBytes
}

// Fetch reads a homepage's URL.
func (f *Fetcher) Fetch(ctx context.Context, rawURL string) (*Page, error) {
	ctx, cancel := context.WithTimeout(ctx, f.Timeout)
	defer cancel()
	client := &http.Client{
		Transport: &http.Transport{
			Proxy:                  nil, // the provider's network, not a proxy's view of it
			DialContext:            f.dial,
			TLSHandshakeTimeout:    f.Timeout,
			ResponseHeaderTimeout:  f.Timeout,
			MaxResponseHeaderBytes: 64 << 10,
			DisableKeepAlives:      true,
		},
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) > f.MaxRedirects {
				return fmt.Errorf("more than %d redirects", f.MaxRedirects)
			}
			return nil
		},
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("User-Agent", f.UserAgent)
	req.Header.Set("Accept", "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5")
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, f.MaxBytes+1))
	if err != nil {
		return nil, err
	}
	p := &Page{Status: resp.StatusCode, URL: resp.Request.URL.String()}
	if int64(len(body)) > f.MaxBytes {
		body, p.Truncated = body[:f.MaxBytes], true
	}
	// Chinese sites still serve GBK: decode as the page declares.
	r, err := charset.NewReader(bytes.NewReader(body), resp.Header.Get("Content-Type"))
	if err != nil {
		p.Text = string(body)
		return p, nil
	}
	text, err := io.ReadAll(r)
	if err != nil {
		text = body
	}
	p.Text = string(text)
	return p, nil
}

// dial resolves the host with the monitor's resolver and connects to the
// first address that answers — only if every address is inside the ranges.
func (f *Fetcher) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	switch port {
	case "80":
		port = f.HTTPPort
	case "443":
		port = f.HTTPSPort
	}
	ips, err := f.Resolver.Lookup(ctx, host)
	if err != nil {
		return nil, err
	}
	for _, ip := range ips {
		if !f.Inside(ip) {
			return nil, fmt.Errorf("%w: %s is %s", ErrOutside, host, ip)
		}
	}
	var d net.Dialer
	var last error
	for _, ip := range ips {
		c, err := d.DialContext(ctx, "tcp", netJoin(ip.String(), port))
		if err == nil {
			return c, nil
		}
		last = err
	}
	return nil, last
}

func netJoin(host, port string) string { return net.JoinHostPort(host, port) }
