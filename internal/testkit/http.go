package testkit

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// Answer is a recorded response.
type Answer struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body as an object, failing the test when it is not one.
func (a Answer) JSON(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(a.Body, &m); err != nil {
		t.Fatalf("answer %d is not a JSON object: %v\n%s", a.Status, err, a.Body)
	}
	return m
}

// Code is the error code of an error answer ("" for none).
func (a Answer) Code() string {
	var m struct {
		Error struct{ Code string } `json:"error"`
	}
	_ = json.Unmarshal(a.Body, &m)
	return m.Error.Code
}

// Request builds a request with a JSON body (a []byte is sent as it is).
func Request(t testing.TB, method, path string, body any) *http.Request {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req := httptest.NewRequest(method, path, rd)
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return req
}

// Send serves req with the bearer token (if any) and records the answer.
func (k *Kit) Send(req *http.Request, token string) Answer {
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	rec := httptest.NewRecorder()
	k.Handler().ServeHTTP(rec, req)
	return Answer{Status: rec.Code, Header: rec.Header(), Body: rec.Body.Bytes()}
}

// Do sends a JSON request to the API.
func (k *Kit) Do(method, path, token string, body any) Answer {
	k.T.Helper()
	return k.Send(Request(k.T, method, path, body), token)
}

// Upload posts a multipart form: fields, and files by field name.
func (k *Kit) Upload(path, token string, fields map[string]string, files map[string][]byte) Answer {
	k.T.Helper()
	return k.Send(UploadRequest(path, fields, files), token)
}

// UploadRequest builds a multipart form post.
func UploadRequest(path string, fields map[string]string, files map[string][]byte) *http.Request {
	contentType, body := multipartForm(fields, files)
	req := httptest.NewRequest("POST", path, body)
	req.Header.Set("Content-Type", contentType)
	return req
}

// Register creates an applicant's account through the API.
func (k *Kit) Register(email, phone, password string) {
	k.T.Helper()
	if a := k.Do("POST", "/api/v1/accounts", "", map[string]any{"email": email, "phone": phone, "password": password, "name": "测试"}); a.Status != http.StatusCreated {
		k.T.Fatalf("register %s: %d %s", email, a.Status, a.Body)
	}
}

// Login opens a session through the API and returns its token.
func (k *Kit) Login(email, password string) string {
	k.T.Helper()
	a := k.Do("POST", "/api/v1/sessions", "", map[string]any{"email": email, "password": password})
	tok, _ := a.JSON(k.T)["token"].(string)
	if a.Status != http.StatusCreated || tok == "" {
		k.T.Fatalf("login %s: %d %s", email, a.Status, a.Body)
	}
	return tok
}
