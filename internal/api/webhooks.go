package api

import (
	"net/http"
	"strconv"

	"beian/internal/fault"
	"beian/internal/httpx"
	"beian/internal/webhooks"
)

// webhookRoutes are the partner webhooks (docs/webhooks.md): an account's
// own endpoints and their delivery log; staff read every log and replay.
func (a *API) webhookRoutes() []route {
	return []route{
		{"GET /api/v1/webhooks", false, a.listWebhooks},
		{"POST /api/v1/webhooks", false, a.createWebhook},
		{"DELETE /api/v1/webhooks/{id}", false, a.disableWebhook},
		{"GET /api/v1/webhooks/deliveries", false, a.listDeliveries},
		{"GET /api/v1/webhooks/deliveries/{id}", false, a.getDelivery},
		{"POST /api/v1/webhooks/deliveries/{id}/replay", false, a.replayDelivery},
	}
}

func (a *API) hooks() (*webhooks.Webhooks, error) {
	if a.webhooks == nil {
		return nil, fault.NewNotFound()
	}
	return a.webhooks, nil
}

func (a *API) listWebhooks(w http.ResponseWriter, r *http.Request) error {
	h, err := a.hooks()
	if err != nil {
		return err
	}
	eps, err := h.Endpoints(r.Context(), account(r))
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, map[string]any{"items": eps})
}

// createWebhook answers the endpoint with its signing secret, shown once.
func (a *API) createWebhook(w http.ResponseWriter, r *http.Request) error {
	h, err := a.hooks()
	if err != nil {
		return err
	}
	var in webhooks.CreateInput
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	ep, secret, err := h.Create(r.Context(), account(r), in)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusCreated, struct {
		webhooks.Endpoint
		Secret string `json:"secret"`
	}{ep, secret})
}

func (a *API) disableWebhook(w http.ResponseWriter, r *http.Request) error {
	h, err := a.hooks()
	if err != nil {
		return err
	}
	if err := h.Disable(r.Context(), account(r), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) listDeliveries(w http.ResponseWriter, r *http.Request) error {
	h, err := a.hooks()
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := webhooks.DeliveryFilter{EndpointID: q.Get("endpoint"), State: q.Get("state"), ApplicationID: q.Get("application")}
	if l := q.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > 500 {
			return fault.NewViolation("query.limit.invalid", "limit")
		}
		f.Limit = n
	}
	ds, err := h.Deliveries(r.Context(), account(r), f)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, map[string]any{"items": ds})
}

func (a *API) getDelivery(w http.ResponseWriter, r *http.Request) error {
	h, err := a.hooks()
	if err != nil {
		return err
	}
	d, err := h.Delivery(r.Context(), account(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, d)
}

// replayDelivery queues the delivery again (202: it goes out from the queue).
func (a *API) replayDelivery(w http.ResponseWriter, r *http.Request) error {
	h, err := a.hooks()
	if err != nil {
		return err
	}
	if err := h.Replay(r.Context(), account(r), r.PathValue("id")); err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusAccepted, map[string]any{"queued": true})
}
