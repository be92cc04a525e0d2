package backoffice

import (
	"encoding/json"
	"errors"
	"net/http"

	"beian/internal/fault"
	"beian/internal/httpx"
	"beian/internal/middleware"
	"beian/internal/webhooks"
	"beian/internal/words"
)

// webhookRoutes mounts the partner webhooks' page: endpoints (admins add
// and disable them), the delivery log with filters, one delivery with its
// attempts, and replay.
func (b *Backoffice) webhookRoutes(h func(string, httpx.HandlerFunc)) {
	h("GET /review/webhooks", b.webhooks)
	h("POST /review/webhooks", b.createWebhook)
	h("POST /review/webhooks/{id}/disable", b.disableWebhook)
	h("GET /review/webhooks/deliveries/{id}", b.webhookDelivery)
	h("POST /review/webhooks/deliveries/{id}/replay", b.replayWebhook)
}

type webhooksData struct {
	Endpoints  []webhooks.Endpoint
	Deliveries []webhooks.Delivery
	State      string
	App        string
	Endpoint   string
	Form       map[string]string
	Err        string
	Secret     string // shown once, right after an endpoint is added
	Added      string // its URL
}

// States are the delivery states the filter offers.
func (d *webhooksData) States() []string { return []string{"pending", "delivered", "failed"} }

type deliveryRow struct {
	webhooks.Delivery
	Subject, Change, Tag string
}

// Rows are the deliveries as the log shows them: whose application, which
// change in words.
func (d *webhooksData) Rows(lang string) []deliveryRow {
	out := make([]deliveryRow, 0, len(d.Deliveries))
	for _, dl := range d.Deliveries {
		var ev webhooks.Event
		_ = json.Unmarshal(dl.Payload, &ev)
		row := deliveryRow{Delivery: dl, Subject: ev.Data.SubjectName,
			Change: words.State(lang, ev.Data.From) + " → " + words.State(lang, ev.Data.To), Tag: "tag-ok"}
		switch dl.State {
		case "failed":
			row.Tag = "tag-missing"
		case "pending":
			row.Tag = "tag-changed"
		}
		out = append(out, row)
	}
	return out
}

func (b *Backoffice) hooksOr404() (*webhooks.Webhooks, error) {
	if b.hooks == nil {
		return nil, fault.NewNotFound()
	}
	return b.hooks, nil
}

func (b *Backoffice) webhooks(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	return b.renderWebhooks(w, r, http.StatusOK, &webhooksData{State: q.Get("state"), App: q.Get("application"), Endpoint: q.Get("endpoint"),
		Form: map[string]string{"scope": "provider"}})
}

func (b *Backoffice) renderWebhooks(w http.ResponseWriter, r *http.Request, status int, d *webhooksData) error {
	hooks, err := b.hooksOr404()
	if err != nil {
		return err
	}
	a := middleware.Account(r)
	if d.Endpoints, err = hooks.Endpoints(r.Context(), a); err != nil {
		return err
	}
	if d.State != "" && d.State != "pending" && d.State != "delivered" && d.State != "failed" {
		d.State = "" // an unknown filter shows everything, as the other lists do
	}
	if d.Deliveries, err = hooks.Deliveries(r.Context(), a, webhooks.DeliveryFilter{State: d.State, ApplicationID: d.App, EndpointID: d.Endpoint, Limit: 200}); err != nil {
		return err
	}
	return b.render(w, status, "webhooks", b.newPage(r, "hooks.title", "webhooks", d))
}

// createWebhook adds an endpoint (admins) and shows its secret this once,
// on the answer to the POST itself: it is never shown again.
func (b *Backoffice) createWebhook(w http.ResponseWriter, r *http.Request) error {
	hooks, err := b.hooksOr404()
	if err != nil {
		return err
	}
	form := map[string]string{"url": r.PostFormValue("url"), "description": r.PostFormValue("description"),
		"scope": r.PostFormValue("scope"), "email": r.PostFormValue("email")}
	in := webhooks.CreateInput{URL: form["url"], Description: form["description"], Provider: form["scope"] != "account"}
	if !in.Provider {
		if in.AccountEmail = form["email"]; in.AccountEmail == "" {
			return b.renderWebhooks(w, r, http.StatusUnprocessableEntity, &webhooksData{Form: form, Err: tr(httpx.PageLang(r), "hooks.email.required")})
		}
	}
	ep, secret, err := hooks.Create(r.Context(), middleware.Account(r), in)
	var fe *fault.Error
	if errors.As(err, &fe) && (fe.Kind == fault.Invalid || fe.Kind == fault.Conflict) {
		lang := httpx.PageLang(r)
		msg := fe.Message.In(lang)
		for _, v := range fe.Violations {
			msg = v.Message.In(lang)
		}
		return b.renderWebhooks(w, r, httpx.Status(fe), &webhooksData{Form: form, Err: msg})
	}
	if err != nil {
		return err
	}
	return b.renderWebhooks(w, r, http.StatusOK, &webhooksData{Secret: secret, Added: ep.URL, Form: map[string]string{"scope": "provider"}})
}

func (b *Backoffice) disableWebhook(w http.ResponseWriter, r *http.Request) error {
	hooks, err := b.hooksOr404()
	if err != nil {
		return err
	}
	if err := hooks.Disable(r.Context(), middleware.Account(r), r.PathValue("id")); err != nil {
		return err
	}
	return done(w, r, "/review/webhooks", "hooks.disabled")
}

type deliveryData struct {
	webhooks.Delivery
	Event   webhooks.Event
	Pretty  string
	Replays bool
}

func (b *Backoffice) webhookDelivery(w http.ResponseWriter, r *http.Request) error {
	hooks, err := b.hooksOr404()
	if err != nil {
		return err
	}
	d, err := hooks.Delivery(r.Context(), middleware.Account(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	v := &deliveryData{Delivery: d}
	_ = json.Unmarshal(d.Payload, &v.Event)
	if pretty, err := json.MarshalIndent(json.RawMessage(d.Payload), "", "  "); err == nil {
		v.Pretty = string(pretty)
	}
	return b.render(w, http.StatusOK, "webhook_delivery", b.newPage(r, "hooks.delivery", "webhooks", v))
}

func (b *Backoffice) replayWebhook(w http.ResponseWriter, r *http.Request) error {
	hooks, err := b.hooksOr404()
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	if err := hooks.Replay(r.Context(), middleware.Account(r), id); err != nil {
		return err
	}
	return done(w, r, "/review/webhooks/deliveries/"+id, "hooks.replayed")
}
