package api_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"beian/internal/examples"
	"beian/internal/storage/storagetest"
)

// violationMessage is the message of the violation of rule at field in m
// (a saved application's "violations" or an error's), "" when there is none.
func violationMessage(m map[string]any, key, rule, field string) string {
	vs, _ := m[key].([]any)
	if e, ok := m["error"].(map[string]any); ok {
		vs, _ = e["violations"].([]any)
	}
	for _, v := range vs {
		v := v.(map[string]any)
		if v["rule"] == rule && v["field"] == field {
			return v["message"].(string)
		}
	}
	return ""
}

// heldFiling is a Beijing enterprise's draft filing one website, whose
// domain the registry says holder holds: created (the pre-check does not
// judge the holder), its document w0's domain set, not yet saved.
type heldFiling struct {
	e       *lcEnv
	tok, id string
	doc, w0 map[string]any
}

func newHeldFiling(t *testing.T, url, email, phone, domain, holder string) *heldFiling {
	e := newLifecycleEnv(t, url)
	f := &heldFiling{e: e, tok: e.applicant(email, phone), doc: beijingDocument(t)}
	e.domains.put(domain, holder, "", e.clock.Now(), nil)
	cert := f.doc["subject"].(map[string]any)["cert_number"].(string)
	cr := e.do("POST", "/api/v1/applications", f.tok, map[string]any{"domain": domain, "cert_type": "business_license", "cert_number": cert})
	if cr.status != 201 {
		t.Fatalf("create: %d %s", cr.status, cr.body)
	}
	f.id = cr.json(t)["id"].(string)
	f.w0 = f.doc["websites"].([]any)[0].(map[string]any)
	f.w0["domain"], f.w0["homepage_url"] = domain, "www."+domain
	f.doc["websites"] = []any{f.w0}
	return f
}

// upload uploads one file of each kind ("kind" or "kind:website").
func (f *heldFiling) upload(t *testing.T, kinds ...string) {
	for _, k := range kinds {
		fields := map[string]string{"kind": k}
		if kind, website, ok := strings.Cut(k, ":"); ok {
			fields = map[string]string{"kind": kind, "website": website}
		}
		if fields["kind"] == "verification_form" {
			fields["signed_on"] = f.e.day(-1)
		}
		if a := f.e.upload("/api/v1/applications/"+f.id+"/attachments", f.tok, fields, photo(t, 800, 600)); a.status != 201 {
			t.Fatalf("upload %v: %d %s", fields, a.status, a.body)
		}
	}
}

// TestDomainHolderDeclared: the seed (2.3 (5)) lets an organization's
// domain be held by its shareholder, main leader or a senior manager. The
// applicant declares the relation and the holder's name; a declaration
// naming the registry's holder turns domain.holder_mismatch off and asks
// for the proof (domain_holder_proof) before submission; the reviewer
// sees both and must confirm them (audited) before the initial review
// passes. Without a declaration, or with another name, the domain is
// refused; an individual may declare nothing.
func TestDomainHolderDeclared(t *testing.T) {
	storagetest.EachURL(t, func(t *testing.T, url string) {
		const holder = "北京示例控股有限公司"
		f := newHeldFiling(t, url, "holder@example.com", "13900006262", "dr-held.cn", holder)
		e, tok, id, doc, w0 := f.e, f.tok, f.id, f.doc, f.w0
		ap := "/api/v1/applications/" + id

		// No declaration: holder_mismatch, telling the applicant they may declare.
		a := e.do("PUT", ap, tok, doc)
		if msg := violationMessage(a.json(t), "violations", "domain.holder_mismatch", "websites[0].domain"); a.status != 200 ||
			!strings.Contains(msg, holder) || !strings.Contains(msg, "股东") || !strings.Contains(msg, "上传资料") {
			t.Fatalf("no declaration: %d %q %.300s", a.status, msg, a.body)
		}
		// A declaration naming someone else: still holder_mismatch, saying so.
		w0["domain_holder"] = map[string]any{"relation": "shareholder", "name": "北京另一家公司"}
		a = e.do("PUT", ap, tok, doc)
		if msg := violationMessage(a.json(t), "violations", "domain.holder_mismatch", "websites[0].domain"); a.status != 200 ||
			!strings.Contains(msg, "北京另一家公司") || !strings.Contains(msg, holder) {
			t.Fatalf("another name declared: %d %q %.300s", a.status, msg, a.body)
		}
		// An unknown relation is refused at its field.
		w0["domain_holder"] = map[string]any{"relation": "cousin", "name": holder}
		if a := e.do("PUT", ap, tok, doc); !hasViolation(a.json(t), "violations", "website.domain_holder.relation.invalid", "websites[0].domain_holder.relation") {
			t.Errorf("unknown relation: %.500s", a.body)
		}
		// The shareholder declared: no holder_mismatch; the plan asks for the proof.
		w0["domain_holder"] = map[string]any{"relation": "shareholder", "name": holder}
		a = e.do("PUT", ap, tok, doc)
		if a.status != 200 || hasViolation(a.json(t), "violations", "domain.holder_mismatch", "") || len(errorViolations(a.json(t))) > 0 {
			t.Fatalf("shareholder declared: %d %v", a.status, errorViolations(a.json(t)))
		}
		if dh := a.json(t)["document"].(map[string]any)["websites"].([]any)[0].(map[string]any)["domain_holder"].(map[string]any); dh["relation"] != "shareholder" || dh["name"] != holder {
			t.Errorf("the declaration is not kept: %v", dh)
		}
		proofSlot := func(app map[string]any) map[string]any {
			for _, s := range app["attachment_plan"].([]any) {
				if s := s.(map[string]any); s["kind"] == "domain_holder_proof" && s["website"] == float64(0) {
					return s
				}
			}
			return nil
		}
		if sl := proofSlot(a.json(t)); sl == nil || sl["required"] != true || sl["missing"] == nil {
			t.Errorf("the plan lacks the proof's slot: %v", sl)
		}

		// Every other attachment: submission refused for the missing proof.
		f.upload(t, "subject_certificate", "subject_leader_id", "verification_form:0", "site_photo:0")
		sub := e.do("POST", ap+"/submit", tok, nil)
		if msg := violationMessage(sub.json(t), "", "attachment.missing", "attachments.domain_holder_proof[0]"); sub.status != 422 || !strings.Contains(msg, holder) {
			t.Fatalf("submit without the proof: %d %q %.500s", sub.status, msg, sub.body)
		}
		f.upload(t, "domain_holder_proof:0")
		if a := e.do("POST", ap+"/submit", tok, nil); a.status != 200 {
			t.Fatalf("submit: %d %.500s", a.status, a.body)
		}

		// The reviewer sees the declaration and its proof, unconfirmed.
		rp := "/api/v1/review/applications/" + id
		rv := e.do("GET", rp, e.admin, nil)
		hs, _ := rv.json(t)["domain_holders"].([]any)
		if rv.status != 200 || len(hs) != 1 {
			t.Fatalf("review: %d %.500s", rv.status, rv.body)
		}
		if h := hs[0].(map[string]any); h["relation"] != "shareholder" || h["relation_name"] != "股东" || h["name"] != holder ||
			h["confirmed"] != false || h["may_confirm"] != true || len(h["proof"].([]any)) != 1 {
			t.Errorf("the declaration as the reviewer sees it: %v", h)
		}
		// Approval without the confirmation is refused.
		ad := e.do("POST", rp+"/decision", e.admin, map[string]any{"decision": "approve"})
		if ad.status != 422 || ad.code(t) != "review.holder_unconfirmed" || !hasViolation(ad.json(t), "", "review.holder_unconfirmed", "websites[0].domain_holder") {
			t.Fatalf("approve unconfirmed: %d %.500s", ad.status, ad.body)
		}
		// Confirming a website without a declaration, or without a website, is refused.
		for _, body := range []map[string]any{{"website": 1}, {}} {
			if a := e.do("POST", rp+"/holder-confirmations", e.admin, body); a.status != 422 || !hasViolation(a.json(t), "", "review.holder.none", "website") {
				t.Errorf("confirm %v: %d %.300s", body, a.status, a.body)
			}
		}
		if a := e.do("POST", rp+"/holder-confirmations", tok, map[string]any{"website": 0}); a.status != 404 {
			t.Errorf("the applicant confirming: %d %s", a.status, a.body)
		}
		cf := e.do("POST", rp+"/holder-confirmations", e.admin, map[string]any{"website": 0})
		if h, _ := cf.json(t)["domain_holders"].([]any); cf.status != 200 || len(h) != 1 || h[0].(map[string]any)["confirmed"] != true {
			t.Fatalf("confirm: %d %.500s", cf.status, cf.body)
		}
		if au := e.do("GET", "/api/v1/admin/audit?object_id="+id, e.admin, nil); !strings.Contains(string(au.body), `"application.holder_confirmed"`) {
			t.Errorf("the confirmation is not audited: %.500s", au.body)
		}
		if a := e.do("POST", rp+"/decision", e.admin, map[string]any{"decision": "approve"}); a.status != 200 || a.json(t)["state"] != "verification" {
			t.Fatalf("approve confirmed: %d %.500s", a.status, a.body)
		}
		// Past the initial review there is nothing to confirm.
		if a := e.do("POST", rp+"/holder-confirmations", e.admin, map[string]any{"website": 0}); a.status != 409 {
			t.Errorf("confirm in verification: %d %s", a.status, a.body)
		}
	})
}

// TestDomainHolderRejectedField: instead of confirming, the reviewer
// rejects the declaration with a reason; the corrected application is
// confirmed again (a confirmation counts for its submission only).
func TestDomainHolderRejectedField(t *testing.T) {
	storagetest.EachURL(t, func(t *testing.T, url string) {
		f := newHeldFiling(t, url, "holder2@example.com", "13900006363", "dr-manager.cn", "张三")
		e, tok, id := f.e, f.tok, f.id
		ap, rp := "/api/v1/applications/"+id, "/api/v1/review/applications/"+id
		f.w0["domain_holder"] = map[string]any{"relation": "senior_manager", "name": "张三"}
		if a := e.do("PUT", ap, tok, f.doc); a.status != 200 || len(errorViolations(a.json(t))) > 0 {
			t.Fatalf("save: %d %v", a.status, errorViolations(a.json(t)))
		}
		f.upload(t, "subject_certificate", "subject_leader_id", "domain_holder_proof:0", "verification_form:0", "site_photo:0")
		if a := e.do("POST", ap+"/submit", tok, nil); a.status != 200 {
			t.Fatalf("submit: %d %.500s", a.status, a.body)
		}
		if a := e.do("POST", rp+"/holder-confirmations", e.admin, map[string]any{"website": 0}); a.status != 200 {
			t.Fatalf("confirm: %d %s", a.status, a.body)
		}
		// Rejected for another field; the confirmation lapses with the resubmission.
		rj := e.do("POST", rp+"/decision", e.admin, map[string]any{"decision": "reject",
			"reasons": []map[string]any{{"field": "websites[0].domain_holder", "message": "任职证明未盖章"}}})
		if rj.status != 200 || rj.json(t)["state"] != "initial_rejected" {
			t.Fatalf("reject the declaration: %d %.500s", rj.status, rj.body)
		}
		if a := e.do("POST", ap+"/submit", tok, nil); a.status != 200 {
			t.Fatalf("resubmit: %d %.500s", a.status, a.body)
		}
		rv := e.do("GET", rp, e.admin, nil)
		if h := rv.json(t)["domain_holders"].([]any)[0].(map[string]any); h["confirmed"] != false || h["may_confirm"] != true || h["relation_name"] != "高级管理人员" {
			t.Errorf("after the resubmission: %v", h)
		}
		if a := e.do("POST", rp+"/decision", e.admin, map[string]any{"decision": "approve"}); a.status != 422 || a.code(t) != "review.holder_unconfirmed" {
			t.Errorf("approve with last submission's confirmation: %d %.300s", a.status, a.body)
		}
	})
}

// TestDomainHolderIndividual: an individual's domain is held by the
// individual; a declaration is refused at its field.
func TestDomainHolderIndividual(t *testing.T) {
	srv := validateServer(t)
	var doc map[string]any
	if err := json.Unmarshal(examples.MustRead("individual-first-filing.json"), &doc); err != nil {
		t.Fatal(err)
	}
	doc["websites"].([]any)[0].(map[string]any)["domain_holder"] = map[string]any{"relation": "main_leader", "name": "陈某"}
	body, _ := json.Marshal(doc)
	resp, err := http.Post(srv.URL+"/api/v1/validate", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var got map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || got["valid"] != false || !hasViolation(got, "violations", "website.domain_holder.individual_not_allowed", "websites[0].domain_holder") {
		t.Errorf("an individual declaring: %d %v", resp.StatusCode, got)
	}
}
