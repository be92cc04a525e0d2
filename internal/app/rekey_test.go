package app

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"beian/internal/api/apitest"
	"beian/internal/clock"
	"beian/internal/config"
	"beian/internal/service"
	"beian/internal/storage"
	"beian/internal/storage/storagetest"
)

// TestKeyRotation: data sealed under key A; the operator makes B current
// with A in BEIAN_SECRET_KEY_OLD and runs `beian rekey`: no value is left
// under A, and the server on the new configuration reads everything, logs
// in, and still finds duplicates by keyed hash.
func TestKeyRotation(t *testing.T) {
	const keyA = "0101010101010101010101010101010101010101010101010101010101010101"
	const keyB = "0202020202020202020202020202020202020202020202020202020202020202"
	storagetest.EachURL(t, func(t *testing.T, u string) {
		ctx := context.Background()
		cfg := testConfig(t, t.TempDir())
		cfg.DatabaseURL, cfg.SecretKey = u, keyA
		var sys *System
		var store *storage.Store
		serveWith := func(cfg config.Config) (func(method, path, token string, body any) (int, map[string]any), func()) {
			t.Helper()
			st, err := openStore(ctx, cfg, clock.Running(clock.TestNow()))
			if err != nil {
				t.Fatal(err)
			}
			store = st
			sys, err = New(ctx, cfg, WithStore(st))
			if err != nil {
				t.Fatal(err)
			}
			h := apitest.Checked(t, sys.Handler())
			return func(method, path, token string, body any) (int, map[string]any) {
				var b []byte
				if body != nil {
					b, _ = json.Marshal(body)
				}
				req := httptest.NewRequest(method, path, bytes.NewReader(b))
				req.RemoteAddr = "127.0.0.1:1"
				req.Header.Set("Content-Type", "application/json")
				if token != "" {
					req.Header.Set("Authorization", "Bearer "+token)
				}
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				var m map[string]any
				json.Unmarshal(rec.Body.Bytes(), &m)
				return rec.Code, m
			}, func() { st.Close() }
		}

		do, closeA := serveWith(cfg)
		if c, m := do("POST", "/api/v1/accounts", "", map[string]any{"email": "u@example.com", "phone": "13911110001", "password": "Str0ng-pass!"}); c != 201 {
			t.Fatalf("register: %d %v", c, m)
		}
		_, sess := do("POST", "/api/v1/sessions", "", map[string]any{"email": "u@example.com", "password": "Str0ng-pass!"})
		tok := sess["token"].(string)
		c, app := do("POST", "/api/v1/applications", tok, map[string]any{"domain": "rotate-example.cn", "cert_type": "business_license", "cert_number": "91110105MA0000009T"})
		if c != 201 {
			t.Fatalf("create: %d %v", c, app)
		}
		// An attachment encrypted under a data key sealed by A, and one
		// stored in clear before encryption at rest existed.
		appID := app["id"].(string)
		owner, err := sys.Service.Authenticate(ctx, tok)
		if err != nil {
			t.Fatal(err)
		}
		picture := scanJPEG(t)
		sealedAtt, err := sys.Service.AddAttachment(ctx, owner, appID, service.AttachmentInput{Kind: "subject_certificate", Website: -1, File: bytes.NewReader(picture)})
		if err != nil {
			t.Fatal(err)
		}
		blobs := strings.TrimPrefix(cfg.BlobURL, "file:")
		legacyKey := "app/" + appID + "/legacy.jpg"
		if err := os.WriteFile(filepath.Join(blobs, filepath.FromSlash(legacyKey)), picture, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := store.Tx(ctx, func(tx *storage.Tx) error {
			return tx.CreateAttachment(ctx, &storage.Attachment{ID: "01a24600-0000-7000-8000-000000000001", ApplicationID: appID, Kind: "security_letter",
				Website: -1, BlobKey: legacyKey, Bytes: int64(len(picture)), Width: 900, Height: 600, SHA256: "x", CreatedAt: store.Now()})
		}); err != nil {
			t.Fatal(err)
		}
		closeA()

		rotated := cfg
		rotated.SecretKey, rotated.SecretKeysOld = keyB, keyA
		var out bytes.Buffer
		if err := rekey(ctx, rotated, &out); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), "under key k2") || strings.Contains(out.String(), "re-sealed 0 ") ||
			!strings.Contains(out.String(), "encrypted 1 attachment files") {
			t.Fatalf("rekey: %s", out.String())
		}
		// Nothing sealed is left under k1.
		st, err := openStore(ctx, rotated, clock.Running(clock.TestNow()))
		if err != nil {
			t.Fatal(err)
		}
		left := 0
		if _, err := st.Reseal(ctx, "k2:", func(v string) (string, bool, error) {
			if strings.HasPrefix(v, "k1:") {
				left++
			}
			return "", false, errors.New("count only")
		}); err != nil {
			t.Fatal(err)
		}
		st.Close()
		if left != 0 {
			t.Errorf("%d values still sealed under the old key", left)
		}
		out.Reset()
		if err := rekey(ctx, rotated, &out); err != nil || !strings.Contains(out.String(), "re-sealed 0 values") {
			t.Errorf("a second rekey: %v %s", err, out.String())
		}

		do, closeB := serveWith(rotated)
		defer closeB()
		if c, me := do("GET", "/api/v1/me", tok, nil); c != 200 || me["phone"] != "13911110001" {
			t.Errorf("me after the rotation: %d %v", c, me)
		}
		if c, a := do("GET", "/api/v1/applications/"+app["id"].(string), tok, nil); c != 200 ||
			a["document"].(map[string]any)["subject"].(map[string]any)["cert_number"] != "91110105MA0000009T" {
			t.Errorf("the application after the rotation: %d %v", c, a)
		}
		if c, m := do("POST", "/api/v1/accounts", "", map[string]any{"email": "v@example.com", "phone": "13911110001", "password": "Str0ng-pass!"}); c != http.StatusConflict {
			t.Errorf("a duplicate mobile after the rotation: %d %v", c, m)
		}
		if c, _ := do("POST", "/api/v1/sessions", "", map[string]any{"email": "u@example.com", "password": "Str0ng-pass!"}); c != 201 {
			t.Errorf("login after the rotation: %d", c)
		}
		// Both attachments read back as the picture; the files they are
		// stored in are ciphertext (the clear one waits for its delayed removal).
		owner, err = sys.Service.Authenticate(ctx, tok)
		if err != nil {
			t.Fatal(err)
		}
		for _, aid := range []string{sealedAtt.ID, "01a24600-0000-7000-8000-000000000001"} {
			rc, _, err := sys.Service.OpenAttachment(ctx, owner, appID, aid)
			if err != nil {
				t.Fatalf("attachment %s after the rotation: %v", aid, err)
			}
			got, err := io.ReadAll(rc)
			rc.Close()
			if err != nil || !bytes.HasPrefix(got, []byte{0xff, 0xd8}) {
				t.Errorf("attachment %s after the rotation: %v", aid, err)
			}
		}
		atts, err := store.Attachments(ctx, appID)
		if err != nil {
			t.Fatal(err)
		}
		for _, at := range atts {
			b, err := os.ReadFile(filepath.Join(blobs, filepath.FromSlash(at.BlobKey)))
			if err != nil || bytes.HasPrefix(b, []byte{0xff, 0xd8}) || !strings.HasPrefix(at.DataKey, "k2:") {
				t.Errorf("%s: stored as a JPEG, or its data key not under the new key (%.3s): %v", at.BlobKey, at.DataKey, err)
			}
		}
	})
}

// TestKeyInDatabaseWarning: a PostgreSQL deployment without BEIAN_SECRET_KEY
// keeps the key in the database it protects; the server says so at start
// and names the setting that moves it out.
func TestKeyInDatabaseWarning(t *testing.T) {
	for _, c := range []struct {
		url, key string
		warn     bool
	}{
		{"postgres://db/beian", "", true},
		{"postgres://db/beian", "0101010101010101010101010101010101010101010101010101010101010101", false},
		{"sqlite:/data/beian.db", "", false},
	} {
		var buf bytes.Buffer
		warnKeyInDatabase(config.Config{DatabaseURL: c.url, SecretKey: c.key}, slog.New(slog.NewTextHandler(&buf, nil)))
		if got := strings.Contains(buf.String(), "BEIAN_SECRET_KEY"); got != c.warn {
			t.Errorf("%s with key %q: warned %v, want %v: %s", c.url, c.key, got, c.warn, buf.String())
		}
	}
}
