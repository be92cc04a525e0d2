package backoffice_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"beian/internal/filing"
	"beian/internal/storage"
	"beian/internal/testkit"
	"beian/internal/workdays"
)

// seedEvent is one state change of the seeded history, as the test knows it.
type seedEvent struct {
	at             time.Time
	event          string
	from, to       string
	role, actor    string
	reasons        []filing.Reason
	late           bool // a reviewer's decision made long after the deadline (else within the hour)
	app, province  string
	appIndex, step int
}

// seedFields are the fields reasons name, and what the dashboard counts them under.
var seedFields = map[string]string{
	"subject.name": "subject.name", "subject.leader.mobile": "subject.leader.mobile",
	"websites[0].name": "websites[].name", "websites[1].name": "websites[].name",
	"websites[1].leader.mobile": "websites[].leader.mobile", "attachments.site_photo[0]": "attachments.site_photo[]",
	"": "",
}

// seedHistory makes 60 applications' histories in three provinces from
// day base on, every change before now: submissions, rejections with
// reasons and resubmissions, verification, material review, the bureau,
// withdrawals; reviewers' decisions either within the hour (on time) or
// two weeks late.
func seedHistory(base, now time.Time, staff []string) (apps [][]seedEvent, states []string) {
	rnd := rand.New(rand.NewPCG(16, 3))
	fields := []string{"subject.name", "subject.leader.mobile", "websites[0].name", "websites[1].name",
		"websites[1].leader.mobile", "attachments.site_photo[0]", ""}
	provinces := []string{"110000", "330000", "440000"}
	for i := range 60 {
		id := uuid.Must(uuid.NewV7()).String()
		prov := provinces[i%3]
		at := base.AddDate(0, 0, i).Add(time.Duration(rnd.IntN(600)) * time.Minute)
		var evs []seedEvent
		state := "draft"
		add := func(after time.Duration, ev, to, role string, late bool, reasons []filing.Reason) bool {
			at = at.Add(after)
			if !at.Before(now) {
				return false
			}
			actor := ""
			switch role {
			case "reviewer":
				actor = staff[rnd.IntN(len(staff))]
				if actor == staff[0] {
					role = "admin"
				}
			case "applicant":
				actor = "owner"
			}
			evs = append(evs, seedEvent{at: at, event: ev, from: state, to: to, role: role, actor: actor, reasons: reasons,
				late: late, app: id, province: prov, appIndex: i, step: len(evs)})
			state = to
			return true
		}
		decide := func() (time.Duration, bool) {
			if rnd.IntN(4) == 0 {
				return 14*24*time.Hour + time.Duration(rnd.IntN(300))*time.Minute, true
			}
			return time.Duration(5+rnd.IntN(50)) * time.Minute, false
		}
		reasons := func() []filing.Reason {
			var out []filing.Reason
			for range 1 + rnd.IntN(3) {
				out = append(out, filing.Reason{Field: fields[rnd.IntN(len(fields))], Message: "请修改"})
			}
			return out
		}
		func() {
			if !add(0, "submit", "initial_review", "applicant", false, nil) {
				return
			}
			for rejects := 0; ; rejects++ {
				d, late := decide()
				if rejects < 2 && rnd.IntN(3) == 0 {
					if !add(d, "reject", "initial_rejected", "reviewer", late, reasons()) ||
						!add(time.Duration(1+rnd.IntN(3))*24*time.Hour, "resubmit", "initial_review", "applicant", false, nil) {
						return
					}
					continue
				}
				if !add(d, "approve", "verification", "reviewer", late, nil) {
					return
				}
				break
			}
			if rnd.IntN(10) == 0 {
				add(48*time.Hour, "withdraw", "withdrawn", "applicant", false, nil)
				return
			}
			for again := 0; ; again++ {
				if !add(time.Duration(1+rnd.IntN(4))*24*time.Hour, "materials_received", "material_review", "reviewer", false, nil) {
					return
				}
				d, late := decide()
				if again == 0 && rnd.IntN(5) == 0 {
					if !add(d, "reject_materials", "verification", "reviewer", late, reasons()) {
						return
					}
					continue
				}
				if !add(d, "approve", "ready_for_bureau", "reviewer", late, nil) {
					return
				}
				break
			}
			if !add(time.Hour, "submit_to_bureau", "bureau_review", "reviewer", false, nil) {
				return
			}
			if rnd.IntN(10) == 0 {
				add(5*24*time.Hour, "bureau_reject", "bureau_rejected", "bureau", false, nil)
				return
			}
			add(5*24*time.Hour, "bureau_approve", "approved", "bureau", false, nil)
		}()
		apps = append(apps, evs)
		states = append(states, state)
	}
	return apps, states
}

// expected computes the dashboard's figures from the seeded history by
// hand: keyed "section|key|key2|measure" as the CSV has them.
func expected(apps [][]seedEvent, states []string, dues []time.Time, from, to, now time.Time, names map[string]string) map[string]string {
	in := func(t time.Time) bool { return !t.Before(from) && t.Before(to) }
	want := map[string]int{}
	var counts = func(k string) { want[k]++ }
	stays := map[string][]time.Duration{}
	for _, evs := range apps {
		firstSeen := map[string]bool{}
		for k, e := range evs {
			dec := e.event == "approve" || e.event == "reject" || e.event == "reject_materials"
			if dec && !firstSeen[e.from] {
				firstSeen[e.from] = true
				if in(e.at) {
					counts("first_pass|" + e.from + "||decided")
					if e.event == "approve" {
						counts("first_pass|" + e.from + "||passed")
					}
				}
			}
			if !in(e.at) {
				continue
			}
			if k > 0 {
				stays[e.from] = append(stays[e.from], e.at.Sub(evs[k-1].at))
			}
			if dec {
				counts("sla|" + e.from + "||decided")
				if e.late {
					counts("sla|" + e.from + "||late")
				} else {
					counts("sla|" + e.from + "||on_time")
				}
			}
			switch e.event {
			case "submit":
				counts("summary|submitted||count")
			case "resubmit":
				counts("summary|resubmitted||count")
			case "bureau_approve":
				counts("summary|approved||count")
			case "withdraw":
				counts("summary|withdrawn||count")
			case "bureau_reject":
				counts("summary|bureau_rejections||count")
			case "reject", "reject_materials":
				counts("summary|rejections||count")
				counts("rejections_by_province|" + e.province + "||count")
				for _, r := range e.reasons {
					counts("summary|reasons||count")
					counts("rejections_by_field|" + seedFields[r.Field] + "||count")
					counts("rejections_by_field_province|" + seedFields[r.Field] + "|" + e.province + "|count")
				}
			}
			if e.role == "reviewer" || e.role == "admin" {
				counts("reviewer|" + e.actor + "||total")
				counts("reviewer|" + e.actor + "||" + e.event)
			}
		}
	}
	for i, st := range states {
		if (st == "initial_review" || st == "material_review") && dues[i].Before(now) {
			counts("sla|" + st + "||overdue_now")
		}
	}
	out := map[string]string{}
	for k, v := range want {
		out[k] = strconv.Itoa(v)
	}
	for _, st := range []string{"initial_review", "material_review"} {
		d, p := want["first_pass|"+st+"||decided"], want["first_pass|"+st+"||passed"]
		out["first_pass|"+st+"||rate"] = strconv.FormatFloat(float64(p)/math.Max(1, float64(d)), 'f', 4, 64)
		d, o := want["sla|"+st+"||decided"], want["sla|"+st+"||on_time"]
		out["sla|"+st+"||compliance"] = strconv.FormatFloat(float64(o)/math.Max(1, float64(d)), 'f', 4, 64)
	}
	h := func(d time.Duration) string { return strconv.FormatFloat(d.Hours(), 'f', 2, 64) }
	for st, ds := range stays {
		slices.Sort(ds)
		var sum float64
		for _, d := range ds {
			sum += float64(d)
		}
		rank := func(p float64) time.Duration { return ds[int(math.Ceil(p*float64(len(ds))))-1] }
		out["time_in_state|"+st+"||stays"] = strconv.Itoa(len(ds))
		out["time_in_state|"+st+"||mean_hours"] = h(time.Duration(sum / float64(len(ds))))
		out["time_in_state|"+st+"||median_hours"] = h(rank(0.5))
		out["time_in_state|"+st+"||p90_hours"] = h(rank(0.9))
		out["time_in_state|"+st+"||max_hours"] = h(ds[len(ds)-1])
	}
	return out
}

// TestInsightMatchesTheSeededHistory is issue 16's bar for the dashboard,
// on both databases: 60 applications' histories written straight into
// the database, the figures of a 31-day period in the middle (histories
// straddle both ends) computed by hand above, and the CSV export and the
// page must say the same.
func TestInsightMatchesTheSeededHistory(t *testing.T) {
	testkit.Each(t, func(t *testing.T, k *testkit.Kit) {
		ctx := context.Background()
		admin := k.AdminToken()
		var staff []string
		me := k.Do("GET", "/api/v1/me", admin, nil).JSON(t)
		staff = append(staff, me["id"].(string))
		names := map[string]string{staff[0]: me["name"].(string)}
		for i, name := range []string{"审核员甲", "=HYPERLINK(1)"} {
			a := k.Do("POST", "/api/v1/admin/users", admin, map[string]any{"email": fmt.Sprintf("rev%d@beian.test", i),
				"password": "Rev1ewer-pass", "name": name, "role": "reviewer"})
			if a.Status != 201 {
				t.Fatalf("reviewer: %d %s", a.Status, a.Body)
			}
			id := a.JSON(t)["id"].(string)
			staff, names[id] = append(staff, id), name
		}
		k.Register("owner@example.com", "13700009999", "Str0ng-pass!")
		owner := k.Login("owner@example.com", "Str0ng-pass!")
		ownerID := k.Do("GET", "/api/v1/me", owner, nil).JSON(t)["id"].(string)

		now := k.Clock.Now()
		day := func(t time.Time) time.Time {
			y, m, d := t.In(workdays.CST).Date()
			return time.Date(y, m, d, 0, 0, 0, 0, workdays.CST)
		}
		base := day(now).AddDate(0, 0, -80).Add(9 * time.Hour)
		apps, states := seedHistory(base, now, staff)
		dues := make([]time.Time, len(apps))
		// Three open tasks without history in the period: two past their deadline now.
		for _, d := range []time.Duration{-time.Hour, -30 * time.Hour, time.Hour} {
			apps, states, dues = append(apps, nil), append(states, "initial_review"), append(dues, now.Add(d))
		}
		err := k.Store.Tx(ctx, func(tx *storage.Tx) error {
			for i, evs := range apps {
				if len(evs) == 0 {
					if err := tx.CreateApplication(ctx, &storage.Application{ID: uuid.Must(uuid.NewV7()).String(), OwnerID: ownerID,
						Flow: "first_filing", State: states[i], Open: true, Province: "110000", Document: "{}", DueAt: dues[i],
						CreatedAt: now, UpdatedAt: now}); err != nil {
						return err
					}
					continue
				}
				last := evs[len(evs)-1]
				if states[i] == "initial_review" || states[i] == "material_review" {
					dues[i] = last.at.Add(48 * time.Hour)
				}
				a := &storage.Application{ID: last.app, OwnerID: ownerID, Flow: "first_filing", State: states[i], Open: true,
					Province: last.province, SubjectName: fmt.Sprintf("seed %d", i), Document: "{}", DueAt: dues[i],
					SubmittedAt: evs[0].at, CreatedAt: evs[0].at, UpdatedAt: last.at}
				if err := tx.CreateApplication(ctx, a); err != nil {
					return err
				}
				for _, e := range evs {
					actor := e.actor
					if actor == "owner" {
						actor = ownerID
					}
					if err := tx.AddTransition(ctx, &storage.Transition{ApplicationID: e.app, At: e.at, ActorID: actor, ActorRole: e.role,
						Event: e.event, From: e.from, To: e.to, Reasons: e.reasons}); err != nil {
						return err
					}
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}

		from, to := day(base).AddDate(0, 0, 25), day(base).AddDate(0, 0, 55)
		want := expected(apps, states, dues, from, to.AddDate(0, 0, 1), now, names)
		for _, k := range []string{"sla|initial_review||overdue_now", "summary|submitted||count", "summary|rejections||count", "sla|initial_review||late",
			"sla|material_review||on_time", "first_pass|initial_review||passed", "rejections_by_field|websites[].name||count"} {
			if n, _ := strconv.Atoi(want[k]); n == 0 {
				t.Fatalf("the seeded period has no %s: make the seed richer", k)
			}
		}

		b := k.Browser()
		b.Login("rev0@beian.test", "Rev1ewer-pass")
		q := "from=" + from.Format(time.DateOnly) + "&to=" + to.Format(time.DateOnly)
		a := b.Get("/review/insight.csv?" + q)
		if a.Status != 200 || !strings.HasPrefix(a.Header.Get("Content-Type"), "text/csv") {
			t.Fatalf("csv: %d %s", a.Status, a.Body)
		}
		rows, err := csv.NewReader(strings.NewReader(string(a.Body))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		labels := map[string]string{}
		for _, r := range rows[1:] {
			if r[4] == "0" {
				continue // a zero is a row the hand count leaves out
			}
			got[r[0]+"|"+r[1]+"|"+r[2]+"|"+r[3]] = r[4]
			labels[r[0]+"|"+r[1]] = r[5]
		}
		for key, v := range want {
			g := got[key]
			if g == "" { // a zero the export left out above
				g = map[bool]string{true: "0.0000", false: "0"}[strings.HasSuffix(key, "rate") || strings.HasSuffix(key, "compliance")]
			}
			if g != v {
				t.Errorf("%s = %q, want %q", key, g, v)
			}
		}
		for key, v := range got {
			if key == "period|from||date" || key == "period|to||date" {
				continue
			}
			if _, ok := want[key]; !ok {
				t.Errorf("the export has %s = %s, the hand count has none", key, v)
			}
		}
		if got["period|from||date"] != from.Format(time.DateOnly) || got["period|to||date"] != to.Format(time.DateOnly) {
			t.Errorf("period %s – %s", got["period|from||date"], got["period|to||date"])
		}
		// Labels are words, never a formula.
		if l := labels["reviewer|"+staff[2]]; l != "'=HYPERLINK(1)" {
			t.Errorf("a formula-like name in the export: %q", l)
		}
		if l := labels["rejections_by_field|websites[].leader.mobile"]; l != "任一网站 · 网站负责人 · 手机号码" {
			t.Errorf("field label %q", l)
		}

		// The page shows the same figures, with its charts.
		page := string(b.Get("/review/insight?" + q).Body)
		fp := want["first_pass|initial_review||passed"] + "</td>"
		for _, s := range []string{`<svg class="chart"`, "一次通过率", "审核员甲", `data-figure="submitted">` + want["summary|submitted||count"] + "<",
			`data-first-pass="initial_review"`, fp} {
			if !strings.Contains(page, s) {
				t.Errorf("the page lacks %q", s)
			}
		}
		if n := strings.Count(page, `<svg class="chart"`); n != 6 {
			t.Errorf("%d charts, want 6", n)
		}
		// A period the wrong way round is refused with its words; another
		// applicant sees nothing.
		if a := b.Get("/review/insight?from=2030-02-01&to=2030-01-01"); a.Status != 422 || !strings.Contains(string(a.Body), "起始日期不能晚于截止日期") {
			t.Errorf("a reversed period: %d %s", a.Status, a.Body)
		}
		if a := b.Get("/review/insight.csv?from=2020-01-01&to=2030-01-01"); a.Status != 422 {
			t.Errorf("a period of ten years: %d", a.Status)
		}
		ob := k.Browser()
		ob.Login("owner@example.com", "Str0ng-pass!")
		for _, p := range []string{"/review/insight", "/review/insight.csv"} {
			if a := ob.Get(p); a.Status != 404 {
				t.Errorf("an applicant at %s: %d", p, a.Status)
			}
		}
	})
}
