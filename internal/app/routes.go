package app

import (
	"context"
	"io"
	"log/slog"
	"net/http"

	"beian/internal/config"
	"beian/internal/storage"
)

// routes builds the services and mounts both doors (JSON API, HTML UI).
func routes(ctx context.Context, cfg config.Config, log *slog.Logger, st *storage.Store, mux *http.ServeMux, stdout io.Writer) error {
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		if err := st.Ping(r.Context()); err != nil {
			http.Error(w, "database unavailable", http.StatusServiceUnavailable)
			return
		}
		w.Write([]byte("ok\n"))
	})
	return nil
}
