package app

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRunValidate(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	example, err := os.ReadFile(filepath.Join("testdata", "validate-enterprise.json"))
	if err != nil {
		t.Fatal(err)
	}
	valid := write("valid.json", string(example))
	invalid := write("invalid.json", strings.Replace(string(example), "91330106E3PWQ30LC5", "91330106E3PWQ30LC6", 1))
	cases := []struct {
		name   string
		args   []string
		code   int
		stdout string
	}{
		{"valid", []string{valid}, 0, "ok"},
		{"invalid", []string{invalid}, 1, "error\tsubject.cert_number.checksum\tsubject.cert_number\t"},
		{"invalid in English", []string{"-lang", "en", invalid}, 1, "check character"},
		{"missing file", []string{filepath.Join(dir, "nope.json")}, 2, ""},
		{"not JSON", []string{write("bad.json", "{flow")}, 2, ""},
		{"array", []string{write("arr.json", "[]")}, 2, ""},
		{"wrong shape", []string{write("shape.json", `{"websites":5}`)}, 2, ""},
		{"bad as_of", []string{write("asof.json", `{"as_of":"tomorrow"}`)}, 2, ""},
		{"null", []string{write("null.json", "null")}, 2, ""},
		// Bounds, as in the API: a list over its bound stops the reading,
		// texts over theirs are named.
		{"too many websites", []string{write("many.json", `{"websites":[`+strings.Repeat(`{},`, 100_000)+`{}]}`)}, 1,
			"error\tpayload_too_large\twebsites\t"},
		{"name too long", []string{write("long.json", strings.Replace(string(example), `"name": "`, `"name": "`+strings.Repeat("长", 120), 1))}, 1,
			"\tfield.too_long\tsubject.name\t"},
		{"no argument", nil, 2, ""},
		{"two arguments", []string{valid, valid}, 2, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := runValidateEnv(c.args, noEnv, &out, &errOut)
			if code != c.code || !strings.Contains(out.String(), c.stdout) {
				t.Errorf("exit %d (want %d), stdout %q, stderr %q", code, c.code, out.String(), errOut.String())
			}
			if code == 2 && errOut.Len() == 0 {
				t.Error("exit 2 without a message")
			}
		})
	}
}

func noEnv(string) string { return "" }

// TestValidateReadsTheProviderFile: `beian validate` judges against the
// provider the server runs with (BEIAN_PROVIDER_FILE), not the built-in
// IP ranges.
func TestValidateReadsTheProviderFile(t *testing.T) {
	dir := t.TempDir()
	example, err := os.ReadFile(filepath.Join("testdata", "validate-enterprise.json"))
	if err != nil {
		t.Fatal(err)
	}
	doc := filepath.Join(dir, "doc.json")
	if err := os.WriteFile(doc, example, 0o600); err != nil {
		t.Fatal(err)
	}
	provider := filepath.Join(dir, "provider.json")
	if err := os.WriteFile(provider, []byte(`{"ip_ranges": ["203.0.113.0/24"]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	env := func(k string) string {
		if k == "BEIAN_PROVIDER_FILE" {
			return provider
		}
		return ""
	}
	var out, errOut bytes.Buffer
	if code := runValidateEnv([]string{doc}, noEnv, &out, &errOut); code != 0 {
		t.Fatalf("with the built-in provider: exit %d %s %s", code, out.String(), errOut.String())
	}
	out.Reset()
	if code := runValidateEnv([]string{doc}, env, &out, &errOut); code != 1 || !strings.Contains(out.String(), "access.ips.not_provider") {
		t.Errorf("with a provider of other ranges: exit %d, stdout %q, stderr %q", code, out.String(), errOut.String())
	}
	bad := func(k string) string {
		if k == "BEIAN_PROVIDER_FILE" {
			return filepath.Join(dir, "missing.json")
		}
		return ""
	}
	if code := runValidateEnv([]string{doc}, bad, &out, &errOut); code != 2 {
		t.Errorf("a missing provider file: exit %d", code)
	}
}
