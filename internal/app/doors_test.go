package app

import (
	"bytes"
	"encoding/json"
	"image"
	"image/color"
	"image/jpeg"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"testing"
)

// TestDoorsRefuseTheSameWebsiteRemoval: the rule that keeps attachments on
// their websites lives in the service, so the JSON API and the HTML form
// refuse the same removal — a website whose photo is uploaded — and both
// let a website without attachments go. The application says so itself
// (actions.websites[i].held) for any door to show.
func TestDoorsRefuseTheSameWebsiteRemoval(t *testing.T) {
	e := newSecEnv(t)
	e.register("doors@example.com", "13911110077")
	tok := e.login("doors@example.com", "Str0ng-pass!")
	cr := e.do("", "POST", "/api/v1/applications", tok, map[string]any{"domain": "doors-example.cn", "cert_type": "business_license", "cert_number": "91110105MA0000009T"})
	if cr.status != 201 {
		t.Fatalf("create: %d %s", cr.status, cr.body)
	}
	var app struct {
		ID       string
		Document map[string]any
	}
	json.Unmarshal(cr.body, &app)
	doc := app.Document
	site := func(domain string) map[string]any { return map[string]any{"domain": domain, "name": "示例"} }
	doc["websites"] = []any{doc["websites"].([]any)[0], site("second-doors.cn"), site("third-doors.cn")}
	if a := e.do("", "PUT", "/api/v1/applications/"+app.ID, tok, doc); a.status != 200 {
		t.Fatalf("three websites: %d %s", a.status, a.body)
	}
	// A backdrop photo of the second website.
	img := image.NewRGBA(image.Rect(0, 0, 800, 600))
	for y := range 600 {
		for x := range 800 {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), uint8(x ^ y), 255})
		}
	}
	var jpg, body bytes.Buffer
	jpeg.Encode(&jpg, img, &jpeg.Options{Quality: 80})
	mw := multipart.NewWriter(&body)
	mw.WriteField("kind", "site_photo")
	mw.WriteField("website", "1")
	fw, _ := mw.CreateFormFile("file", "photo.jpg")
	fw.Write(jpg.Bytes())
	mw.Close()
	req := httptest.NewRequest("POST", "/api/v1/applications/"+app.ID+"/attachments", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+tok)
	req.RemoteAddr = "127.0.0.1:40000"
	rec := httptest.NewRecorder()
	e.handler.ServeHTTP(rec, req)
	if rec.Code != 201 {
		t.Fatalf("upload: %d %s", rec.Code, rec.Body)
	}

	// The application tells every door: the second website is held.
	got := e.do("", "GET", "/api/v1/applications/"+app.ID, tok, nil)
	var view struct {
		Actions struct {
			Edit     bool
			Websites []struct{ Remove, Held bool }
		}
	}
	json.Unmarshal(got.body, &view)
	if ws := view.Actions.Websites; !view.Actions.Edit || len(ws) != 3 || ws[0].Remove || !ws[1].Held || ws[2].Held || !ws[2].Remove {
		t.Fatalf("actions: %s", got.body)
	}

	// The API refuses to drop it.
	without := func(i int) map[string]any {
		d := map[string]any{}
		for k, v := range doc {
			d[k] = v
		}
		sites := append([]any(nil), doc["websites"].([]any)...)
		d["websites"] = append(sites[:i], sites[i+1:]...)
		return d
	}
	if a := e.do("", "PUT", "/api/v1/applications/"+app.ID, tok, without(1)); a.status != 409 || a.code() != "application.website_attached" {
		t.Errorf("API removing the website with a photo: %d %s", a.status, a.body)
	}

	// So does the HTML form.
	cookies := webLogin(t, e, "doors@example.com", "Str0ng-pass!")
	page := e.webGet("/applications/"+app.ID+"/websites", cookies)
	m := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindSubmatch(page.body)
	if page.status != 200 || m == nil {
		t.Fatalf("websites step: %d", page.status)
	}
	post := func(action string) *httptest.ResponseRecorder {
		// The step's own fields, as a browser posts them with the button.
		form := url.Values{"csrf": {string(m[1])}, "action": {action}, "websites.count": {"3"}}
		for i, d := range []string{"doors-example.cn", "second-doors.cn", "third-doors.cn"} {
			p := "websites[" + string(rune('0'+i)) + "]"
			form.Set(p+".domain", d)
			form.Set(p+".name", "示例")
		}
		return e.webPost("/applications/"+app.ID+"/websites", form.Encode(), cookies)
	}
	flash := func(rec *httptest.ResponseRecorder) string {
		for _, c := range rec.Result().Cookies() {
			if c.Name == "beian_flash" {
				v, _ := url.QueryUnescape(c.Value)
				return v
			}
		}
		return ""
	}
	if rec := post("remove_website:1"); rec.Code != http.StatusSeeOther || flash(rec) != "website.remove.attached" {
		t.Errorf("HTML removing the website with a photo: %d, flash %q", rec.Code, flash(rec))
	}
	sites := func() int {
		var v struct{ Document struct{ Websites []any } }
		json.Unmarshal(e.do("", "GET", "/api/v1/applications/"+app.ID, tok, nil).body, &v)
		return len(v.Document.Websites)
	}
	if n := sites(); n != 3 {
		t.Fatalf("after both refusals %d websites, want 3", n)
	}
	// A website without attachments goes, through either door.
	if rec := post("remove_website:2"); rec.Code != http.StatusSeeOther || flash(rec) != "website.removed" {
		t.Errorf("HTML removing the third website: %d, flash %q", rec.Code, flash(rec))
	}
	if n := sites(); n != 2 {
		t.Errorf("after removing the third website: %d websites", n)
	}
}
