package app

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"beian/internal/api/apitest"
	"beian/internal/clock"
	"beian/internal/config"
	"beian/internal/storage/storagetest"
)

// TestKeyRotation: data sealed under key A; the operator makes B current
// with A in BEIAN_SECRET_KEY_OLD and runs `beian rekey`: no value is left
// under A, and the server on the new configuration reads everything, logs
// in, and still finds duplicates by keyed hash.
func TestKeyRotation(t *testing.T) {
	const keyA = "0101010101010101010101010101010101010101010101010101010101010101"
	const keyB = "0202020202020202020202020202020202020202020202020202020202020202"
	for name, u := range storagetest.URLs(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			cfg := testConfig(t, t.TempDir())
			cfg.DatabaseURL, cfg.SecretKey = u, keyA
			serveWith := func(cfg config.Config) (func(method, path, token string, body any) (int, map[string]any), func()) {
				t.Helper()
				st, err := openStore(ctx, cfg, clock.Running(clock.TestNow()))
				if err != nil {
					t.Fatal(err)
				}
				sys, err := New(ctx, cfg, WithStore(st))
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
			c, app := do("POST", "/api/v1/applications", tok, map[string]any{"domain": "rotate-example.cn", "cert_type": "business_license", "cert_number": "91110105MA0000009X"})
			if c != 201 {
				t.Fatalf("create: %d %v", c, app)
			}
			closeA()

			rotated := cfg
			rotated.SecretKey, rotated.SecretKeysOld = keyB, keyA
			var out bytes.Buffer
			if err := rekey(ctx, rotated, &out); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(out.String(), "under key k2") || strings.Contains(out.String(), "re-sealed 0 ") {
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
				a["document"].(map[string]any)["subject"].(map[string]any)["cert_number"] != "91110105MA0000009X" {
				t.Errorf("the application after the rotation: %d %v", c, a)
			}
			if c, m := do("POST", "/api/v1/accounts", "", map[string]any{"email": "v@example.com", "phone": "13911110001", "password": "Str0ng-pass!"}); c != http.StatusConflict {
				t.Errorf("a duplicate mobile after the rotation: %d %v", c, m)
			}
			if c, _ := do("POST", "/api/v1/sessions", "", map[string]any{"email": "u@example.com", "password": "Str0ng-pass!"}); c != 201 {
				t.Errorf("login after the rotation: %d", c)
			}
		})
	}
}
