package service_test

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"beian/internal/clock"
	"beian/internal/duties"
	"beian/internal/testkit"
)

// TestDutyRemindersOnceEach is issue 16's bar for the reminders, on both
// databases: two instances on one database, one of them restarted on the
// way, visit every day a reminder falls due and the day after, each
// sending the scan's reminders and running its job queue at the same
// moment. Every deadline — the 公安备案 30 days after approval, the
// business licence's validity the owner recorded, the domain's expiry
// the registry knows, the leader's ID card — gets its 90-, 30- and 7-day
// reminder exactly once (the 公安备案 only its 30-day one: it is due in
// 30 days, and the owner records it done before the 7-day one).
func TestDutyRemindersOnceEach(t *testing.T) {
	const domain = "remind-once.cn"
	start := clock.TestNow()
	domainDue := duties.Day(start).AddDate(0, 0, 200)
	seed := testkit.File(t, "seed.json", fmt.Appendf(nil, `{"domains": [{"domain": %q, "registrar": "测试注册商", "registrar_mainland": true,
		"verified": true, "expires_on": %q}]}`, domain, domainDue.Format(time.DateOnly)))
	testkit.EachPair(t, func(t *testing.T, a, b *testkit.Kit) {
		setDay := func(d time.Time) {
			at := d.Add(10 * time.Hour) // 10:00 in Beijing
			a.Clock.Set(at)
			b.Clock.Set(at)
		}
		admin := a.AdminToken()
		f := a.FileThrough(1, domain)
		a.Approve(f, admin)
		approved := duties.Day(a.Clock.Now())

		// The owner records the licence's validity; the list shows every duty.
		licenceDue := approved.AddDate(0, 0, 100)
		ds := a.Do("GET", "/api/v1/duties", f.Token, nil).JSON(t)["items"].([]any)
		subject, leaderDue := "", time.Time{}
		for _, d := range ds {
			m := d.(map[string]any)
			subject = m["subject"].(string)
			if m["kind"] == duties.LeaderID {
				leaderDue, _ = duties.ParseDate(m["due_on"].(string)) // the example document's leader
			}
		}
		if leaderDue.IsZero() || len(ds) != 3 {
			t.Fatalf("duties after approval: %v", ds)
		}
		if r := b.Do("PUT", "/api/v1/duties/licence-validity", f.Token, map[string]any{"subject": subject, "valid_until": "2030-02-30"}); r.Status != 422 || r.Code() != "validation_failed" {
			t.Errorf("an impossible date: %d %s", r.Status, r.Body)
		}
		if r := b.Do("PUT", "/api/v1/duties/licence-validity", f.Token, map[string]any{"subject": subject, "valid_until": licenceDue.Format(time.DateOnly)}); r.Status != 200 || r.JSON(t)["state"] != "ok" {
			t.Fatalf("licence validity: %d %s", r.Status, r.Body)
		}
		other := b.Applicant(2)
		if r := b.Do("PUT", "/api/v1/duties/licence-validity", other.Token, map[string]any{"subject": subject, "valid_until": "long_term"}); r.Status != 404 {
			t.Errorf("another account's subject: %d %s", r.Status, r.Body)
		}

		deadlines := map[string]time.Time{duties.PSBFiling: duties.PSBDue(approved), duties.BusinessLicence: licenceDue,
			duties.Domain: domainDue, duties.LeaderID: leaderDue}
		var days []time.Time
		for _, due := range deadlines {
			for _, lead := range duties.Leads {
				if d := due.AddDate(0, 0, -lead); !d.Before(approved) {
					days = append(days, d, d.AddDate(0, 0, 1))
				}
			}
		}
		slices.SortFunc(days, func(x, y time.Time) int { return x.Compare(y) })
		days = slices.Compact(days)

		website := ""
		for i, day := range days {
			setDay(day)
			if i == 3 {
				a.Reopen() // a restart forgets nothing
			}
			if website == "" && day.After(approved) {
				// After the 公安备案's first reminder the owner records it done.
				for _, d := range a.Do("GET", "/api/v1/duties", f.Token, nil).JSON(t)["items"].([]any) {
					if m := d.(map[string]any); m["kind"] == duties.PSBFiling {
						website = m["website"].(string)
					}
				}
				if r := a.Do("POST", "/api/v1/duties/psb-filing", f.Token, map[string]any{"website": website, "psb_number": "110105"}); r.Status != 422 {
					t.Errorf("a malformed 公安备案号: %d %s", r.Status, r.Body)
				}
				r := a.Do("POST", "/api/v1/duties/psb-filing", f.Token, map[string]any{"website": website, "psb_number": "京公网安备11010502000001号"})
				if r.Status != 200 || r.JSON(t)["state"] != "done" || r.JSON(t)["may_mark_done"] != false {
					t.Fatalf("mark the 公安备案 done: %d %s", r.Status, r.Body)
				}
			}
			// Both instances at once: the scan, and the periodic job.
			testkit.Together([]*testkit.Kit{a, b}, func(k *testkit.Kit) {
				if err := k.Service.ScheduleDutyReminders(context.Background()); err != nil {
					t.Error(err)
				}
				if _, err := k.Service.RemindDuties(context.Background()); err != nil {
					t.Error(err)
				}
				k.DrainJobs()
			})
		}
		a.RunJobs()
		// Years on, the sessions have ended: log in again.
		admin, f.Token = a.AdminToken(), a.Login("filer1@example.com", "Str0ng-pass!")

		// Exactly one mail per deadline and lead time.
		got := map[string]int{}
		for _, it := range a.Do("GET", "/api/v1/admin/outbox?channel=email&limit=1000&to=filer1@example.com", admin, nil).JSON(t)["items"].([]any) {
			if s := it.(map[string]any)["subject"].(string); strings.Contains(s, "天到期") {
				got[s]++
			}
		}
		want := map[string]int{}
		for kind, due := range deadlines {
			name := map[string]string{duties.PSBFiling: "公安联网备案", duties.BusinessLicence: "营业执照有效期",
				duties.Domain: "域名到期", duties.LeaderID: "负责人证件有效期"}[kind]
			for _, lead := range duties.Leads {
				if kind == duties.PSBFiling && lead != 30 {
					continue // 30 days from the start; done before the 7-day one
				}
				if due.AddDate(0, 0, -lead).Before(approved) {
					t.Fatalf("%s: the %d-day reminder falls before the approval", kind, lead)
				}
				want[fmt.Sprintf("%s：还有 %d 天到期（杭州示例1号网络科技有限公司）", name, lead)] = 1
			}
		}
		if !mapsEqual(got, want) {
			t.Errorf("reminders sent:\n%v\nwant each once:\n%v", got, want)
		}
		// The owner's list says which reminders went out.
		for _, d := range a.Do("GET", "/api/v1/duties", f.Token, nil).JSON(t)["items"].([]any) {
			m := d.(map[string]any)
			var leads []int
			for _, l := range m["reminded"].([]any) {
				leads = append(leads, int(l.(float64)))
			}
			want := []int{90, 30, 7}
			if m["kind"] == duties.PSBFiling {
				want = []int{30}
			}
			if !slices.Equal(leads, want) {
				t.Errorf("%s reminded %v, want %v", m["kind"], leads, want)
			}
		}
	}, testkit.Env("BEIAN_BUREAU_SEED", seed))
}

func mapsEqual(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// TestDutyDoors: the owner sees the duties on the page and in the API,
// and records the 公安备案 and the licence's validity through either; a
// malformed number is refused with its message, and another account
// cannot touch the records.
func TestDutyDoors(t *testing.T) {
	k := testkit.New(t)
	admin := k.AdminToken()
	f := k.FileThrough(3, "duty-doors.cn")
	k.Approve(f, admin)
	var subject, website string
	for _, d := range k.Do("GET", "/api/v1/duties", f.Token, nil).JSON(t)["items"].([]any) {
		m := d.(map[string]any)
		subject = m["subject"].(string)
		if m["kind"] == duties.PSBFiling {
			website = m["website"].(string)
			if m["state"] != duties.StateDueSoon || m["days_left"] != float64(30) || m["may_mark_done"] != true {
				t.Errorf("the 公安备案 after approval: %v", m)
			}
		}
	}
	if website == "" {
		t.Fatal("no 公安备案 duty after approval")
	}

	b := k.Browser()
	b.Login("filer3@example.com", "Str0ng-pass!")
	page := string(b.Get("/duties").Body)
	for _, want := range []string{"公安联网备案", "负责人证件有效期", "营业执照有效期", website, `action="/duties/psb-filing"`, "未登记"} {
		if !strings.Contains(page, want) {
			t.Errorf("the duties page lacks %q", want)
		}
	}
	if a := b.Post("/duties/psb-filing", url.Values{"website": {website}, "psb_number": {"公安 123"}}); a.Status != 422 || !strings.Contains(string(a.Body), "京公网安备11010502000001号") {
		t.Errorf("a malformed number through the form: %d", a.Status)
	}
	if a := b.Post("/duties/psb-filing", url.Values{"website": {website}, "psb_number": {"浙公网安备 33010602000001号"}}); a.Status != 303 {
		t.Errorf("record the 公安备案 through the form: %d %s", a.Status, a.Body)
	}
	if a := b.Post("/duties/licence-validity", url.Values{"subject": {subject}, "long_term": {"1"}}); a.Status != 303 {
		t.Errorf("a long-term licence through the form: %d %s", a.Status, a.Body)
	}
	page = string(b.Get("/duties").Body)
	if !strings.Contains(page, "已完成") || !strings.Contains(page, "浙公网安备 33010602000001号") || !strings.Contains(page, "长期有效") {
		t.Errorf("the page after recording: %s", page)
	}
	for _, d := range k.Do("GET", "/api/v1/duties", f.Token, nil).JSON(t)["items"].([]any) {
		m := d.(map[string]any)
		switch m["kind"] {
		case duties.PSBFiling:
			if m["state"] != duties.StateDone || m["value"] != "浙公网安备 33010602000001号" || m["done_at"] == nil {
				t.Errorf("the 公安备案 recorded: %v", m)
			}
		case duties.BusinessLicence:
			if m["state"] != duties.StateOK || m["value"] != "long_term" {
				t.Errorf("the licence recorded: %v", m)
			}
		}
	}
	// Another account: not found, through either door.
	o := k.Applicant(4)
	if r := k.Do("POST", "/api/v1/duties/psb-filing", o.Token, map[string]any{"website": website}); r.Status != 404 {
		t.Errorf("another account's website: %d %s", r.Status, r.Body)
	}
	if r := k.Do("POST", "/api/v1/duties/psb-filing", o.Token, map[string]any{"website": 7}); r.Status != 400 {
		t.Errorf("a number for the website: %d %s", r.Status, r.Body)
	}
	if r := k.Do("GET", "/api/v1/duties", o.Token, nil); r.Status != 200 || len(r.JSON(t)["items"].([]any)) != 0 {
		t.Errorf("another account's duties: %d %s", r.Status, r.Body)
	}
	if r := k.Do("GET", "/api/v1/duties", "", nil); r.Status != 401 {
		t.Errorf("no session: %d", r.Status)
	}
}
