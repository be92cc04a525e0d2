package service_test

import (
	"context"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"beian/internal/config"
	"beian/internal/examples"
	"beian/internal/fault"
	"beian/internal/filing"
	"beian/internal/jobs"
	"beian/internal/notify"
	"beian/internal/service"
	"beian/internal/storage"
	"beian/internal/storage/storagetest"
	"beian/internal/workdays"
)

func loadExample(t *testing.T) filing.Document {
	t.Helper()
	d, err := examples.Document(examples.Enterprise)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestChangedFields(t *testing.T) {
	base := loadExample(t)
	cases := []struct {
		name   string
		change func(d *filing.Document)
		want   []string
	}{
		{"nothing", func(d *filing.Document) {}, nil},
		{"as_of is not a field", func(d *filing.Document) { d.AsOf = "2027-01-01" }, nil},
		{"website name", func(d *filing.Document) { d.Websites[0].Name = "新名称" }, []string{"websites[0].name"}},
		{"leader mobile and subject name", func(d *filing.Document) {
			d.Subject.Leader.Mobile = "13900000000"
			d.Subject.Name = "新公司"
		}, []string{"subject.name", "subject.leader.mobile"}},
		{"a list of plain values is one field", func(d *filing.Document) { d.Websites[0].Languages = []string{"zh-Hans"} }, []string{"websites[0].languages"}},
		{"access IPs", func(d *filing.Document) { d.Websites[0].Access.IPs = append(d.Websites[0].Access.IPs, "42.159.88.2") }, []string{"websites[0].access.ips"}},
		{"website added", func(d *filing.Document) { d.Websites = append(d.Websites, d.Websites[0]) }, []string{"websites[1]"}},
		{"empty list equals none", func(d *filing.Document) { d.Websites[0].PreApprovals = nil }, nil},
		{"pre-approval added", func(d *filing.Document) {
			d.Websites[0].PreApprovals = []filing.PreApproval{{Category: "news", Number: "1"}}
		}, []string{"websites[0].pre_approvals[0]"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			after := loadExample(t)
			c.change(&after)
			got, err := service.ChangedFields(base, after)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}

// TestReviewQueue: oldest due first, tasks without due time last, the
// filters, overdue marking, and no entry for applicants.
func TestReviewQueue(t *testing.T) {
	for name, st := range storagetest.Open(t) {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t, st)
			ctx := context.Background()
			add := func(id, state, province string, due time.Time) {
				t.Helper()
				err := st.Tx(ctx, func(tx *storage.Tx) error {
					return tx.CreateApplication(ctx, &storage.Application{ID: id, OwnerID: f.owner.ID, Flow: "first_filing", State: state,
						Open: true, Province: province, SubjectName: "S " + id[len(id)-1:], Domains: []string{"site-" + id[len(id)-1:] + ".cn", "www-" + id[len(id)-1:] + ".cn"}, Document: "x", DueAt: due, SubmittedAt: f.now.Add(-time.Hour),
						CreatedAt: f.now, UpdatedAt: f.now})
				})
				if err != nil {
					t.Fatal(err)
				}
			}
			add("00000000-0000-7000-8000-000000000001", "initial_review", "110000", f.now.Add(5*time.Hour))
			add("00000000-0000-7000-8000-000000000002", "material_review", "310000", f.now.Add(-time.Hour)) // overdue
			add("00000000-0000-7000-8000-000000000003", "ready_for_bureau", "110000", time.Time{})
			add("00000000-0000-7000-8000-000000000004", "draft", "110000", time.Time{})
			add("00000000-0000-7000-8000-000000000005", "initial_review", "110000", f.now.Add(2*time.Hour))

			rev := &service.Account{ID: "r", Role: service.RoleReviewer}
			ids := func(items []service.QueueItem) (out []string) {
				for _, it := range items {
					out = append(out, it.ID[len(it.ID)-1:])
				}
				return out
			}
			all, err := f.svc.ReviewQueue(ctx, rev, service.QueueFilter{})
			if err != nil {
				t.Fatal(err)
			}
			if got := ids(all); !slices.Equal(got, []string{"2", "5", "1", "3"}) {
				t.Errorf("order %v", got)
			}
			if !all[0].Overdue || all[1].Overdue {
				t.Errorf("overdue marking: %+v", all[:2])
			}
			// Each item names the domains it files, in document order.
			if d := all[1].Domains; !slices.Equal(d, []string{"site-5.cn", "www-5.cn"}) {
				t.Errorf("domains in the queue: %v", d)
			}
			bj, _ := f.svc.ReviewQueue(ctx, rev, service.QueueFilter{Province: "110000", State: "initial_review"})
			if got := ids(bj); !slices.Equal(got, []string{"5", "1"}) {
				t.Errorf("filtered %v", got)
			}
			late, _ := f.svc.ReviewQueue(ctx, rev, service.QueueFilter{Overdue: true})
			if got := ids(late); !slices.Equal(got, []string{"2"}) {
				t.Errorf("overdue only %v", got)
			}
			if _, err := f.svc.ReviewQueue(ctx, rev, service.QueueFilter{State: "approved"}); err == nil {
				t.Errorf("a closed state as filter accepted")
			}
			if _, err := f.svc.ReviewQueue(ctx, f.owner, service.QueueFilter{}); !fault.Is(err, fault.NotFound) {
				t.Errorf("applicant: %v", err)
			}
		})
	}
}

// TestOverdueAlerts: the periodic job mails each reviewer the overdue
// tasks once per slot and queues its next run.
func TestOverdueAlerts(t *testing.T) {
	for name, st := range storagetest.Open(t) {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t, st)
			ctx := context.Background()
			f.now = time.Date(2026, 11, 30, 10, 30, 0, 0, workdays.CST)
			if _, err := f.svc.CreateStaff(ctx, nil, service.RegisterInput{Email: "rev@example.com", Password: "Staff-pass-2026", Name: "审核员"}, service.RoleReviewer); err != nil {
				t.Fatal(err)
			}
			err := st.Tx(ctx, func(tx *storage.Tx) error {
				return tx.CreateApplication(ctx, &storage.Application{ID: "00000000-0000-7000-8000-0000000000aa", OwnerID: f.owner.ID, Flow: "first_filing",
					State: "initial_review", Open: true, Province: "110000", SubjectName: "超时公司", Document: "x", DueAt: f.now.Add(-time.Minute),
					CreatedAt: f.now, UpdatedAt: f.now})
			})
			if err != nil {
				t.Fatal(err)
			}
			notifier, err := notify.New(configForTest(), st, f.seal)
			if err != nil {
				t.Fatal(err)
			}
			runner := &jobs.Runner{Store: st, Log: slog.New(slog.DiscardHandler), Handlers: map[string]jobs.Handler{}, Now: func() time.Time { return f.now }}
			for _, hs := range []map[string]jobs.Handler{notifier.Handlers(), f.svc.Handlers()} {
				for k, h := range hs {
					runner.Handlers[k] = h
				}
			}
			if err := f.svc.ScheduleOverdueAlerts(ctx); err != nil {
				t.Fatal(err)
			}
			if err := f.svc.ScheduleOverdueAlerts(ctx); err != nil { // a second instance starting
				t.Fatal(err)
			}
			f.now = f.now.Add(31 * time.Minute) // 11:01, past the 11:00 slot
			for {
				n, err := runner.RunDue(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if n == 0 {
					break
				}
			}
			msgs, err := notifier.Outbox.List(ctx, notify.OutboxQuery{To: "rev@example.com", Channel: notify.Email})
			if err != nil {
				t.Fatal(err)
			}
			if len(msgs) != 1 || !strings.Contains(msgs[0].Subject, "审核超时提醒") || !strings.Contains(msgs[0].Body, "超时公司") {
				t.Fatalf("alerts: %+v", msgs)
			}
			next, err := st.NextJobAt(ctx)
			if err != nil || !next.Equal(time.Date(2026, 11, 30, 12, 0, 0, 0, workdays.CST)) {
				t.Errorf("next run at %v (%v), want 12:00", next.In(workdays.CST), err)
			}
		})
	}
}

func configForTest() config.Config {
	return config.Config{Provider: config.DefaultProvider(), BaseURL: "http://beian.test"}
}
