package webhooks

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"syscall"
	"time"

	"beian/internal/jobs"
	"beian/internal/storage"
)

// runDeliver posts one delivery. A 2xx answer delivers it; anything else
// is logged as an attempt and retried by the runner with backoff until the
// job's attempts run out, when the delivery is marked failed (staff may
// replay it). The runner's lease keeps one worker on a job at a time, on
// any number of instances; a delivery already delivered is not posted
// again unless a replay asks for it.
func (w *Webhooks) runDeliver(ctx context.Context, j storage.Job) error {
	var p deliverJob
	if err := json.Unmarshal(j.Payload, &p); err != nil {
		return jobs.Permanent(fmt.Errorf("webhook job payload: %w", err))
	}
	d, err := w.st.WebhookDelivery(ctx, p.DeliveryID)
	if errors.Is(err, storage.ErrNotFound) {
		return jobs.Permanent(err)
	} else if err != nil {
		return err
	}
	if d.State == storage.WebhookDelivered && !p.Replay {
		return nil // delivered by an earlier run that died before completing its job
	}
	ep, err := w.st.WebhookEndpoint(ctx, d.EndpointID)
	if err != nil {
		return err
	}
	at := w.now()
	attempt := storage.WebhookAttempt{At: at, Replay: p.Replay, ActorID: p.ActorID}
	if !ep.Active {
		attempt.Error = "endpoint disabled"
		return w.record(ctx, j, d, attempt, storage.WebhookFailed, nil)
	}
	secret, err := w.seal.Open(ep.SecretSealed)
	if err != nil {
		return jobs.Permanent(fmt.Errorf("webhook secret of %s: %w", ep.ID, err))
	}
	sig, err := Sign(secret, d.ID, at, []byte(d.Payload))
	if err != nil {
		return jobs.Permanent(err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, ep.URL, bytes.NewReader([]byte(d.Payload)))
	if err != nil {
		attempt.Error = "bad endpoint URL"
		return w.record(ctx, j, d, attempt, storage.WebhookFailed, nil)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Beian-Webhooks/1")
	req.Header.Set(HeaderID, d.ID)
	req.Header.Set(HeaderTimestamp, strconv.FormatInt(at.Unix(), 10))
	req.Header.Set(HeaderSignature, sig)
	client := w.open
	if ep.AccountID != "" {
		client = w.guarded
	}
	start := time.Now() // the attempt's duration is wall time
	res, err := client.Do(req)
	attempt.Duration = time.Since(start)
	if err == nil {
		attempt.Status = res.StatusCode
		io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
		res.Body.Close()
		if res.StatusCode >= 200 && res.StatusCode < 300 {
			return w.record(ctx, j, d, attempt, storage.WebhookDelivered, nil)
		}
		err = fmt.Errorf("endpoint answered %d", res.StatusCode)
	}
	attempt.Error = trimError(err)
	state := storage.WebhookPending
	if j.Attempts >= j.MaxAttempts {
		state = storage.WebhookFailed
	}
	return w.record(ctx, j, d, attempt, state, err)
}

// record logs the attempt and sets the state; a delivered attempt
// completes its job in the same transaction, so a crash cannot leave a
// delivered delivery with a job that runs again. cause, when set, goes
// back to the runner, which retries (or gives up after the last attempt).
func (w *Webhooks) record(ctx context.Context, j storage.Job, d *storage.WebhookDelivery, a storage.WebhookAttempt, state string, cause error) error {
	err := w.st.Tx(ctx, func(tx *storage.Tx) error {
		if err := tx.RecordWebhookAttempt(ctx, d.ID, a, state); err != nil {
			return err
		}
		if cause == nil {
			return tx.CompleteJob(ctx, j.ID)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if cause != nil {
		return fmt.Errorf("webhook %s to %s: %w", d.ID, d.URL, cause)
	}
	return nil
}

// trimError keeps the log's error short and free of the request's body.
func trimError(err error) string {
	s := err.Error()
	var ue interface{ Unwrap() error }
	if errors.As(err, &ue) && ue.Unwrap() != nil {
		s = ue.Unwrap().Error() // *url.Error repeats the method and URL
	}
	if len(s) > 300 {
		s = s[:300]
	}
	return s
}

// errPrivate refuses a dial to an address a partner must not make us reach.
var errPrivate = errors.New("address is not public (loopback, private, link-local or reserved)")

// newClient is the delivery client: no redirects (a 3xx is an answer, not
// a new target), and with guard every dialled address must be public, so
// an account's endpoint cannot point Beian at its own network (SSRF). The
// check runs on the address actually dialled, after DNS, so a name that
// resolves to 127.0.0.1 is refused too.
func newClient(timeout time.Duration, guard bool) *http.Client {
	d := &net.Dialer{Timeout: 5 * time.Second}
	if guard {
		d.Control = func(network, address string, _ syscall.RawConn) error {
			host, _, err := net.SplitHostPort(address)
			if err != nil {
				return err
			}
			ip, err := netip.ParseAddr(host)
			if err != nil || !Public(ip) {
				return errPrivate
			}
			return nil
		}
	}
	tr := &http.Transport{DialContext: d.DialContext, TLSHandshakeTimeout: 5 * time.Second,
		ResponseHeaderTimeout: timeout, MaxIdleConnsPerHost: 2, IdleConnTimeout: 30 * time.Second}
	return &http.Client{Timeout: timeout, Transport: tr,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// Public reports whether ip is a global unicast address outside the
// private, shared, loopback, link-local and documentation ranges.
func Public(ip netip.Addr) bool {
	ip = ip.Unmap()
	if !ip.IsGlobalUnicast() || ip.IsPrivate() || ip.IsLoopback() || ip.IsLinkLocalUnicast() {
		return false
	}
	for _, p := range reserved {
		if p.Contains(ip) {
			return false
		}
	}
	return true
}

var reserved = []netip.Prefix{
	netip.MustParsePrefix("100.64.0.0/10"),   // carrier-grade NAT
	netip.MustParsePrefix("192.0.0.0/24"),    // IETF protocol assignments
	netip.MustParsePrefix("192.0.2.0/24"),    // documentation
	netip.MustParsePrefix("198.18.0.0/15"),   // benchmarking
	netip.MustParsePrefix("198.51.100.0/24"), // documentation
	netip.MustParsePrefix("203.0.113.0/24"),  // documentation
	netip.MustParsePrefix("240.0.0.0/4"),     // reserved
	netip.MustParsePrefix("2001:db8::/32"),   // documentation
	netip.MustParsePrefix("64:ff9b::/96"),    // NAT64 can reach IPv4 private space
}
