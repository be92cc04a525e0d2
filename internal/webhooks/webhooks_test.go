package webhooks_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"beian/internal/testkit"
	"beian/internal/webhooks"
)

// receiver is a partner's endpoint on loopback: it checks every request's
// signature with the secret it was given and remembers what came.
type receiver struct {
	t      *testing.T
	srv    *httptest.Server
	now    func() time.Time
	mu     sync.Mutex
	secret string
	fail   int // answer 503 to this many requests first
	got    []received
}

type received struct {
	id, sig string
	status  int
	event   webhooks.Event
}

func newReceiver(t *testing.T, now func() time.Time) *receiver {
	r := &receiver{t: t, now: now}
	r.srv = httptest.NewServer(http.HandlerFunc(r.serve))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) serve(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	defer r.mu.Unlock()
	id, ts, sig := req.Header.Get(webhooks.HeaderID), req.Header.Get(webhooks.HeaderTimestamp), req.Header.Get(webhooks.HeaderSignature)
	if err := webhooks.Verify(r.secret, id, ts, sig, body, r.now(), 5*time.Minute); err != nil {
		r.t.Errorf("delivery %s: %v", id, err)
	}
	if err := webhooks.Verify(r.secret, id, ts, sig, append(body, ' '), r.now(), 5*time.Minute); err == nil {
		r.t.Errorf("delivery %s: a changed body still verifies", id)
	}
	var ev webhooks.Event
	if err := json.Unmarshal(body, &ev); err != nil {
		r.t.Errorf("delivery %s: body is not an event: %v", id, err)
	}
	status := 200
	if r.fail > 0 {
		r.fail--
		status = 503
	}
	r.got = append(r.got, received{id: id, sig: sig, status: status, event: ev})
	w.WriteHeader(status)
}

// accepted counts, per webhook-id, the requests answered 2xx.
func (r *receiver) accepted() map[string]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := map[string]int{}
	for _, g := range r.got {
		if g.status == 200 {
			out[g.id]++
		}
	}
	return out
}

// drain runs the queue, moving the clock past each retry's backoff.
func drain(k *testkit.Kit) {
	for range 20 {
		k.RunJobs()
		k.Clock.Add(15 * time.Minute)
	}
	k.RunJobs()
}

func createEndpoint(t *testing.T, k *testkit.Kit, token string, body map[string]any) (id, secret string) {
	t.Helper()
	a := k.Do("POST", "/api/v1/webhooks", token, body)
	if a.Status != 201 {
		t.Fatalf("create endpoint %v: %d %s", body, a.Status, a.Body)
	}
	m := a.JSON(t)
	return m["id"].(string), m["secret"].(string)
}

// TestWebhooksSignedRetriedLogged is issue 16's bar for webhooks on both
// databases: every state change of an application from submission to
// approval reaches the owner's endpoint and the provider's, signed and
// timestamped; a failing endpoint gets the same delivery again until it
// answers, each attempt logged; another account's endpoint hears nothing;
// staff replay a delivery with its id and a fresh signature.
func TestWebhooksSignedRetriedLogged(t *testing.T) {
	testkit.Each(t, func(t *testing.T, k *testkit.Kit) {
		admin := k.AdminToken()
		owner := k.Applicant(1)
		stranger := k.Applicant(2)
		mine, provider, theirs := newReceiver(t, k.Clock.Now), newReceiver(t, k.Clock.Now), newReceiver(t, k.Clock.Now)
		mine.fail = 2
		_, mine.secret = createEndpoint(t, k, owner.Token, map[string]any{"url": mine.srv.URL + "/hooks", "description": "ERP"})
		_, provider.secret = createEndpoint(t, k, admin, map[string]any{"url": provider.srv.URL, "provider": true})
		_, theirs.secret = createEndpoint(t, k, stranger.Token, map[string]any{"url": theirs.srv.URL})

		// An applicant cannot make a provider-wide endpoint.
		if a := k.Do("POST", "/api/v1/webhooks", owner.Token, map[string]any{"url": mine.srv.URL, "provider": true}); a.Status != 403 {
			t.Errorf("provider endpoint by an applicant: %d %s", a.Status, a.Body)
		}

		k.Submit(owner, "hooks-example.cn")
		k.Approve(owner, admin)
		drain(k)

		hist := k.Do("GET", "/api/v1/applications/"+owner.ID, owner.Token, nil).JSON(t)["history"].([]any)
		if len(hist) < 7 {
			t.Fatalf("only %d transitions from submission to approval", len(hist))
		}
		for name, r := range map[string]*receiver{"owner": mine, "provider": provider} {
			acc := r.accepted()
			if len(acc) != len(hist) {
				t.Errorf("%s endpoint: %d deliveries accepted for %d state changes", name, len(acc), len(hist))
			}
			for id, n := range acc {
				if n != 1 {
					t.Errorf("%s endpoint: delivery %s accepted %d times", name, id, n)
				}
			}
			// In order of the changes, each naming its from and to.
			var seen []string
			r.mu.Lock()
			for _, g := range r.got {
				if g.status == 200 {
					seen = append(seen, g.event.Data.From+"→"+g.event.Data.To)
					if g.event.Type != webhooks.EventStateChanged || g.event.Data.ApplicationID != owner.ID || g.event.Data.Domains[0] != "hooks-example.cn" {
						t.Errorf("%s endpoint: event %+v", name, g.event)
					}
				}
			}
			r.mu.Unlock()
			for i, h := range hist {
				hm := h.(map[string]any)
				if want := hm["from"].(string) + "→" + hm["to"].(string); i >= len(seen) || !strings.Contains(strings.Join(seen, " "), want) {
					t.Errorf("%s endpoint: no delivery of %s (got %v)", name, want, seen)
				}
			}
		}
		if n := len(theirs.accepted()); n != 0 {
			t.Errorf("another account's endpoint got %d deliveries of this application", n)
		}

		// The log: every delivery delivered; the two refusals logged as
		// attempts, each retried until the endpoint answered.
		a := k.Do("GET", "/api/v1/webhooks/deliveries?state=delivered", owner.Token, nil)
		items := a.JSON(t)["items"].([]any)
		if len(items) != len(hist) {
			t.Fatalf("owner's log: %d delivered, want %d: %s", len(items), len(hist), a.Body)
		}
		refused, retried := 0, 0
		var first map[string]any
		for _, it := range items {
			d := k.Do("GET", "/api/v1/webhooks/deliveries/"+it.(map[string]any)["id"].(string), owner.Token, nil).JSON(t)
			log := d["log"].([]any)
			for _, at := range log {
				if at.(map[string]any)["status"].(float64) == 503 {
					refused++
				}
			}
			if last := log[len(log)-1].(map[string]any); last["status"].(float64) != 200 || d["state"] != "delivered" {
				t.Errorf("delivery %v ends %v", d["id"], last)
			}
			if len(log) > 1 {
				retried++
				first = d
			}
		}
		if refused != 2 || retried == 0 {
			t.Errorf("%d refused attempts logged (want 2) over %d retried deliveries", refused, retried)
		}
		// Another account sees neither the delivery nor it in its log.
		if a := k.Do("GET", "/api/v1/webhooks/deliveries/"+first["id"].(string), stranger.Token, nil); a.Status != 404 {
			t.Errorf("another account reads the delivery: %d", a.Status)
		}
		if items := k.Do("GET", "/api/v1/webhooks/deliveries", stranger.Token, nil).JSON(t)["items"].([]any); len(items) != 0 {
			t.Errorf("another account's log lists %d deliveries", len(items))
		}
		if a := k.Do("POST", "/api/v1/webhooks/deliveries/"+first["id"].(string)+"/replay", stranger.Token, nil); a.Status != 404 {
			t.Errorf("another account replays the delivery: %d", a.Status)
		}

		// Staff replay: the same webhook-id and body again, signed anew.
		k.Clock.Add(time.Hour)
		if a := k.Do("POST", "/api/v1/webhooks/deliveries/"+first["id"].(string)+"/replay", admin, nil); a.Status != 202 {
			t.Fatalf("replay: %d %s", a.Status, a.Body)
		}
		drain(k)
		if n := mine.accepted()[first["id"].(string)]; n != 2 {
			t.Errorf("replayed delivery accepted %d times, want 2", n)
		}
		d := k.Do("GET", "/api/v1/webhooks/deliveries/"+first["id"].(string), admin, nil).JSON(t)
		log := d["log"].([]any)
		if last := log[len(log)-1].(map[string]any); last["replay"] != true || last["status"].(float64) != 200 {
			t.Errorf("replay attempt not logged as one: %v", last)
		}
	}, testkit.Env("BEIAN_WEBHOOKS_PRIVATE", "allow"))
}

// TestWebhookEndpointRules: account endpoints must be HTTPS on public
// addresses (no pointing Beian at its own network), at most five; even a
// name that resolves to loopback is refused when dialled.
func TestWebhookEndpointRules(t *testing.T) {
	k := testkit.New(t)
	f := k.Applicant(1)
	for _, c := range []struct{ url, code string }{
		{"", "validation_failed"},
		{"ftp://example.com/x", "validation_failed"},
		{"http://example.com/hooks", "validation_failed"},
		{"https://user:pw@example.com/hooks", "validation_failed"},
		{"https://127.0.0.1/hooks", "validation_failed"},
		{"https://[::1]/hooks", "validation_failed"},
		{"https://10.1.2.3/hooks", "validation_failed"},
		{"https://169.254.169.254/latest/meta-data", "validation_failed"},
		{"https://localhost/hooks", "validation_failed"},
	} {
		a := k.Do("POST", "/api/v1/webhooks", f.Token, map[string]any{"url": c.url})
		if a.Status != 422 || a.Code() != c.code || !strings.Contains(string(a.Body), `"field":"url"`) {
			t.Errorf("%q: %d %s", c.url, a.Status, a.Body)
		}
	}
	for i := range webhooks.MaxPerAccount {
		createEndpoint(t, k, f.Token, map[string]any{"url": "https://partner.example.com/hooks/" + string(rune('a'+i))})
	}
	if a := k.Do("POST", "/api/v1/webhooks", f.Token, map[string]any{"url": "https://partner.example.com/six"}); a.Status != 409 || a.Code() != "webhook.too_many" {
		t.Errorf("sixth endpoint: %d %s", a.Status, a.Body)
	}
	eps := k.Do("GET", "/api/v1/webhooks", f.Token, nil).JSON(t)["items"].([]any)
	if len(eps) != webhooks.MaxPerAccount || strings.Contains(string(k.Do("GET", "/api/v1/webhooks", f.Token, nil).Body), "whsec_") {
		t.Errorf("list: %d endpoints (or a secret shown again)", len(eps))
	}
	if a := k.Do("DELETE", "/api/v1/webhooks/"+eps[0].(map[string]any)["id"].(string), k.Applicant(2).Token, nil); a.Status != 404 {
		t.Errorf("another account disables the endpoint: %d", a.Status)
	}
}

// TestGuardedDialRefusesLoopback: a public-looking name that resolves to a
// loopback address is refused at the dial, not only at registration.
func TestGuardedDialRefusesLoopback(t *testing.T) {
	for _, c := range []struct {
		ip     string
		public bool
	}{{"8.8.8.8", true}, {"42.159.1.1", true}, {"127.0.0.1", false}, {"10.0.0.1", false}, {"172.16.0.1", false},
		{"192.168.1.1", false}, {"169.254.169.254", false}, {"100.64.0.1", false}, {"::1", false}, {"fe80::1", false},
		{"fc00::1", false}, {"::ffff:127.0.0.1", false}, {"2400:3200::1", true}, {"0.0.0.0", false}} {
		if got := webhooks.Public(mustAddr(t, c.ip)); got != c.public {
			t.Errorf("Public(%s) = %v", c.ip, got)
		}
	}
}

// TestWebhooksNeverDuplicatedAcrossInstances: two instances on one database
// share the queue; every state change reaches the endpoint exactly once
// although both run the queue at the same time.
func TestWebhooksNeverDuplicatedAcrossInstances(t *testing.T) {
	testkit.EachPair(t, func(t *testing.T, a, b *testkit.Kit) {
		admin := a.AdminToken()
		r := newReceiver(t, a.Clock.Now)
		_, r.secret = createEndpoint(t, a, admin, map[string]any{"url": r.srv.URL, "provider": true})

		// 10 filings submitted, half on each instance: 10 state changes.
		const n = 10
		for i := range n {
			k := []*testkit.Kit{a, b}[i%2]
			k.FileThrough(10+i, fmt.Sprintf("dup%d.cn", i))
		}
		testkit.RunJobsTogether(a, b)
		a.RunJobs()
		acc := r.accepted()
		if len(acc) != n {
			t.Errorf("%d deliveries accepted for %d state changes", len(acc), n)
		}
		for id, c := range acc {
			if c != 1 {
				t.Errorf("delivery %s accepted %d times", id, c)
			}
		}
	})
}

func mustAddr(t *testing.T, s string) netip.Addr {
	t.Helper()
	ip, err := netip.ParseAddr(s)
	if err != nil {
		t.Fatal(err)
	}
	return ip
}
