package domainreg

import (
	"context"
	"sort"
	"strings"
	"testing"
	"time"

	"beian/internal/bureau"
	"beian/internal/filing"
	"beian/internal/workdays"
)

var asOf = time.Date(2026, 11, 28, 10, 0, 0, 0, workdays.CST)

func subject() filing.Subject {
	return filing.Subject{Name: "北京星河云图科技有限公司", CertType: "business_license", CertNumber: "91110108MA01XK3NX8",
		Leader: filing.Person{Name: "王建国", CertType: "resident_id", CertNumber: "110108198503152312"}}
}

func codes(vs []filing.Violation) string {
	var out []string
	for _, v := range vs {
		out = append(out, v.Rule+"@"+v.Field)
	}
	sort.Strings(out)
	return strings.Join(out, ",")
}

func good() *Registration {
	return &Registration{Domain: "example.cn", Registered: true, Verified: true, HolderName: "北京星河云图科技有限公司",
		HolderCertNumber: "91110108MA01XK3NX8", Registrar: "某注册商", RegistrarMainland: true, ExpiresOn: asOf.AddDate(1, 0, 0)}
}

func TestCheckRegistration(t *testing.T) {
	const f = "websites[0].domain"
	tests := []struct {
		name string
		mod  func(r *Registration)
		want string
	}{
		{"all fine", func(r *Registration) {}, ""},
		{"not registered (and nothing else)", func(r *Registration) { r.Registered, r.Verified, r.Privacy = false, false, true }, "domain.not_registered@" + f},
		{"not verified", func(r *Registration) { r.Verified = false }, "domain.not_verified@" + f},
		{"holder is someone else", func(r *Registration) {
			r.HolderName, r.HolderCertNumber = "深圳某某贸易有限公司", "91440300MA5F00000X"
		}, "domain.holder_mismatch@" + f},
		{"same name, other certificate", func(r *Registration) { r.HolderCertNumber = "91440300MA5F00000X" }, "domain.holder_mismatch@" + f},
		{"holder is the leader by certificate", func(r *Registration) { r.HolderName, r.HolderCertNumber = "王建国", "110108198503152312" }, ""},
		{"holder is the leader by name", func(r *Registration) { r.HolderName, r.HolderCertNumber = "王建国", "" }, ""},
		{"holder certificate in lower case", func(r *Registration) { r.HolderCertNumber = "91110108ma01xk3nx8" }, ""},
		{"no holder data", func(r *Registration) { r.HolderName, r.HolderCertNumber = "", "" }, ""},
		{"expires in 2 months", func(r *Registration) { r.ExpiresOn = asOf.AddDate(0, 2, 0) }, "domain.expiring@" + f},
		{"expires the day before 3 months", func(r *Registration) { r.ExpiresOn = time.Date(2027, 2, 27, 0, 0, 0, 0, workdays.CST) }, "domain.expiring@" + f},
		{"expires exactly 3 months on", func(r *Registration) { r.ExpiresOn = time.Date(2027, 2, 28, 0, 0, 0, 0, workdays.CST) }, ""},
		{"already expired", func(r *Registration) { r.ExpiresOn = asOf.AddDate(0, -1, 0) }, "domain.expiring@" + f},
		{"privacy on", func(r *Registration) { r.Privacy = true }, "domain.privacy_protected@" + f},
		{"foreign registrar", func(r *Registration) { r.RegistrarMainland = false }, "domain.registrar_not_approved@" + f},
		{"several at once", func(r *Registration) { r.Verified, r.Privacy, r.RegistrarMainland = false, true, false },
			"domain.not_verified@" + f + ",domain.privacy_protected@" + f + ",domain.registrar_not_approved@" + f},
	}
	for _, tt := range tests {
		r := good()
		tt.mod(r)
		vs := CheckRegistration(r, subject(), filing.DomainHolder{}, f, asOf)
		if got := codes(vs); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
		for _, v := range vs {
			if v.Severity != filing.SeverityError || v.Message.ZH == "" || v.Message.EN == "" || !strings.Contains(v.Message.EN, "example.cn") {
				t.Errorf("%s: violation %+v", tt.name, v)
			}
		}
	}
}

// TestHolderDeclared: an organization's domain held by its shareholder,
// main leader or a senior manager passes when the declaration names the
// registry's holder (seed 2.3 (5)); a declaration naming someone else, or
// an individual's, leaves domain.holder_mismatch, each saying why.
func TestHolderDeclared(t *testing.T) {
	const f = "websites[0].domain"
	held := func() *Registration {
		r := good()
		r.HolderName, r.HolderCertNumber = "杭州某某控股有限公司", "91330100MA2B00000X"
		return r
	}
	org, person := subject(), subject()
	org.Nature, person.Nature = "enterprise", "individual"
	tests := []struct {
		name     string
		subject  filing.Subject
		declared filing.DomainHolder
		want     string // the rule, "" for none
		says     string // a word of the English message
	}{
		{"no declaration", org, filing.DomainHolder{}, "domain.holder_mismatch@" + f, "declare that relation"},
		{"shareholder declared", org, filing.DomainHolder{Relation: "shareholder", Name: " 杭州某某控股有限公司 "}, "", ""},
		{"senior manager declared", org, filing.DomainHolder{Relation: "senior_manager", Name: "杭州某某控股有限公司"}, "", ""},
		{"another name declared", org, filing.DomainHolder{Relation: "shareholder", Name: "杭州另一家公司"}, "domain.holder_mismatch@" + f, "not the declared holder 杭州另一家公司"},
		{"name without relation", org, filing.DomainHolder{Name: "杭州某某控股有限公司"}, "domain.holder_mismatch@" + f, "not the declared holder"},
		{"an individual declaring", person, filing.DomainHolder{Relation: "main_leader", Name: "杭州某某控股有限公司"}, "domain.holder_mismatch@" + f, "transfer the domain to the subject"},
	}
	for _, tt := range tests {
		vs := CheckRegistration(held(), tt.subject, tt.declared, f, asOf)
		if got := codes(vs); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
		for _, v := range vs {
			if !strings.Contains(v.Message.EN, tt.says) || v.Message.ZH == "" {
				t.Errorf("%s: message %q lacks %q", tt.name, v.Message.EN, tt.says)
			}
		}
	}
	// A declaration changes nothing when the subject holds the domain.
	if vs := CheckRegistration(good(), org, filing.DomainHolder{Relation: "shareholder", Name: "某人"}, f, asOf); len(vs) != 0 {
		t.Errorf("subject holds it, declaration aside: %v", codes(vs))
	}
	// Check reads each website's own declaration.
	reg, _ := NewSimulator([]bureau.SeedDomain{{Domain: "held.cn", HolderName: "杭州某某控股有限公司", HolderCertNumber: "91330100MA2B00000X",
		Verified: true, RegistrarMainland: true, ExpiresOn: "2030-01-01"}})
	doc := filing.Document{Subject: org, Websites: []filing.Website{{Domain: "held.cn"},
		{Domain: "held.cn", DomainHolder: filing.DomainHolder{Relation: "shareholder", Name: "杭州某某控股有限公司"}}}}
	vs, err := Check(context.Background(), reg, doc, asOf)
	if err != nil || codes(vs) != "domain.holder_mismatch@websites[0].domain" {
		t.Errorf("Check: %v %v", codes(vs), err)
	}
}

func TestSimulatorWithDemoSeed(t *testing.T) {
	reg, err := NewSimulator(bureau.DemoSeed().Domains)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	doc := filing.Document{Flow: filing.FlowFirstFiling, Subject: subject()}
	for _, d := range []string{"xinghe-cloud.cn", "brand-new-domain.cn", "unverified-demo.cn", "expiring-demo.cn",
		"privacy-demo.com", "overseas-demo.com", "taken-demo.cn", "XINGHE-CLOUD.CN."} {
		doc.Websites = append(doc.Websites, filing.Website{Domain: d})
	}
	doc.Websites = append(doc.Websites, filing.Website{Domain: ""}) // left to the pure rules
	vs, err := Check(ctx, reg, doc, asOf)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"domain.not_verified@websites[2].domain",
		"domain.expiring@websites[3].domain",
		"domain.privacy_protected@websites[4].domain",
		"domain.registrar_not_approved@websites[5].domain",
		"domain.holder_mismatch@websites[6].domain",
	}
	sort.Strings(want)
	if got := codes(vs); got != strings.Join(want, ",") {
		t.Errorf("violations:\n got %s\nwant %s", got, strings.Join(want, ","))
	}
	// The documented default for an unknown domain.
	r, _ := reg.Lookup(ctx, "brand-new-domain.cn", doc.Subject, asOf)
	if !r.Assumed || !r.Registered || !r.Verified || !r.RegistrarMainland || r.Privacy || r.HolderCertNumber != doc.Subject.CertNumber ||
		r.HolderName != doc.Subject.Name || workdays.Date(r.ExpiresOn) != "2027-11-28" {
		t.Errorf("unknown domain: %+v", r)
	}
	if r, _ := reg.Lookup(ctx, "xinghe-cloud.cn", doc.Subject, asOf); r.Assumed || workdays.Date(r.ExpiresOn) != "2029-03-01" {
		t.Errorf("seeded domain: %+v", r)
	}
}

func TestIDNAndErrors(t *testing.T) {
	reg, err := NewSimulator([]bureau.SeedDomain{{Domain: "例子.中国", Verified: false, RegistrarMainland: true, ExpiresOn: "2030-01-01"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{"例子.中国", "xn--fsqu00a.xn--fiqs8s"} {
		r, _ := reg.Lookup(context.Background(), d, subject(), asOf)
		if r.Assumed || r.Verified {
			t.Errorf("%s not matched to the seeded IDN: %+v", d, r)
		}
	}
	if _, err := NewSimulator([]bureau.SeedDomain{{Domain: " "}}); err == nil {
		t.Error("empty domain accepted")
	}
	if _, err := NewSimulator([]bureau.SeedDomain{{Domain: "a.cn", ExpiresOn: "2030/01/01"}}); err == nil {
		t.Error("bad date accepted")
	}
	for _, f := range filing.Flows {
		want := f == filing.FlowFirstFiling || f == filing.FlowNewWebsite || f == filing.FlowNewAccess
		if Applies(f) != want {
			t.Errorf("Applies(%s) = %v", f, Applies(f))
		}
	}
}
