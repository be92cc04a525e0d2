package bureau

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"beian/internal/config"
	"beian/internal/filing"
	"beian/internal/ident"
	"beian/internal/jobs"
	"beian/internal/notify"
	"beian/internal/pii"
	"beian/internal/storage"
	"beian/internal/storage/storagetest"
	"beian/internal/workdays"
	"beian/internal/workflow"
)

// fakeBeian stands in for the service layer: it keeps each application's
// state and moves it with the real state machine, so an outcome the
// workflow would refuse fails the test.
type fakeBeian struct {
	mu      sync.Mutex
	flow    map[string]string
	state   map[string]workflow.State
	numbers map[string]Numbers
	reasons map[string]filing.Text
	calls   []string
	// reported are the outcome keys applied.
	reported map[string]bool
}

func newFake() *fakeBeian {
	return &fakeBeian{flow: map[string]string{}, state: map[string]workflow.State{}, numbers: map[string]Numbers{}, reasons: map[string]filing.Text{}}
}

func (f *fakeBeian) move(appID string, ev workflow.Event) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	to, err := workflow.Apply(f.flow[appID], f.state[appID], ev, workflow.Bureau)
	if err != nil {
		return err
	}
	f.state[appID] = to
	f.calls = append(f.calls, appID+":"+string(ev))
	return nil
}

// Report implements Outcomes as the service does: once per outcome key.
func (f *fakeBeian) Report(ctx context.Context, o Outcome) error {
	f.mu.Lock()
	if f.reported == nil {
		f.reported = map[string]bool{}
	}
	if f.reported[o.Key()] {
		f.mu.Unlock()
		return nil
	}
	f.mu.Unlock()
	var ev workflow.Event
	switch o.Kind {
	case OutcomeSMSConfirmed:
		ev = workflow.SMSConfirmed
	case OutcomeSMSReturned:
		ev = workflow.SMSReturned
	case OutcomeApproved:
		ev = workflow.BureauApprove
	case OutcomeRejected:
		ev = workflow.BureauReject
	default:
		return fmt.Errorf("unknown outcome %q", o.Kind)
	}
	f.mu.Lock()
	if o.Kind == OutcomeApproved {
		f.numbers[o.ApplicationID] = o.Numbers
	}
	if o.Reason != (filing.Text{}) {
		f.reasons[o.ApplicationID] = o.Reason
	}
	f.mu.Unlock()
	if err := f.move(o.ApplicationID, ev); err != nil {
		return err
	}
	f.mu.Lock()
	f.reported[o.Key()] = true
	f.mu.Unlock()
	return nil
}

func (f *fakeBeian) get(appID string) workflow.State {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.state[appID]
}

const provider = "上海蓝云网络科技有限公司"

type env struct {
	t      *testing.T
	store  *storage.Store
	sim    *Simulator
	notify *notify.Notifier
	beian  *fakeBeian
	runner *jobs.Runner
	clock  *clock
}

// clock runs with the store's clock (jobs are stamped with it) plus an
// offset the test moves forward.
type clock struct {
	mu   sync.Mutex
	base func() time.Time
	off  time.Duration
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.base().Add(c.off) }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.off += d
	c.mu.Unlock()
}
func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	c.off = t.Sub(c.base())
	c.mu.Unlock()
}

func newEnv(t *testing.T, s *storage.Store, mode string, scale float64) *env {
	t.Helper()
	sealer, err := pii.New([]byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	cal, _ := workdays.New(nil)
	n, err := notify.New(config.Config{Provider: config.DefaultProvider(), BaseURL: "http://beian.test"}, s, sealer)
	if err != nil {
		t.Fatal(err)
	}
	c := &clock{base: s.Now}
	sim, err := NewSimulator(Options{Store: s, Sealer: sealer, Calendar: cal, Notifier: n, Mode: mode, TimeScale: scale, Now: c.Now,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	f := newFake()
	sim.Outcomes = f
	if err := sim.LoadSeed(context.Background(), DemoSeed()); err != nil {
		t.Fatal(err)
	}
	h := n.Handlers()
	maps.Copy(h, sim.Handlers())
	r := &jobs.Runner{Store: s, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Handlers: h, Now: c.Now}
	return &env{t: t, store: s, sim: sim, notify: n, beian: f, runner: r, clock: c}
}

// drain runs due jobs until none is left.
func (e *env) drain() {
	e.t.Helper()
	for i := 0; i < 20; i++ {
		n, err := e.runner.RunDue(context.Background())
		if err != nil {
			e.t.Fatal(err)
		}
		if n == 0 {
			return
		}
	}
	e.t.Fatal("jobs keep coming")
}

// submit puts an application in ready_for_bureau and submits it, as the
// service would: the state change and the submission in one transaction.
func (e *env) submit(appID string, sub Submission) {
	e.t.Helper()
	sub.ApplicationID = appID
	if sub.Provider == "" {
		sub.Provider = provider
	}
	e.beian.mu.Lock()
	e.beian.flow[appID] = sub.Flow
	e.beian.mu.Unlock()
	sub.ID = uuid.Must(uuid.NewV7()).String()
	to, err := workflow.Apply(sub.Flow, workflow.ReadyForBureau, workflow.SubmitToBureau, workflow.Reviewer,
		workflow.WithSMS(len(workflow.SMSRecipients(sub.Flow, sub.Document)) > 0))
	if err != nil {
		e.t.Fatal(err)
	}
	e.beian.mu.Lock()
	e.beian.state[appID] = to
	e.beian.mu.Unlock()
	if err := e.sim.Submit(context.Background(), sub); err != nil {
		e.t.Fatal(err)
	}
	// A retried hand-over changes nothing.
	if err := e.sim.Submit(context.Background(), sub); err != nil {
		e.t.Fatal(err)
	}
}

// fileFirst submits doc as app1's first filing and runs the jobs that
// follow (the leaders' SMS codes).
func (e *env) fileFirst(doc filing.Document) {
	e.t.Helper()
	e.submit("app1", Submission{Flow: filing.FlowFirstFiling, Document: doc})
	e.drain()
}

func (e *env) confirm(appID string, in SMSInput) (*SMSResult, error) {
	return e.sim.ConfirmSMS(context.Background(), appID, in)
}

// code reads the latest SMS code texted to mobile from the outbox.
func (e *env) code(mobile string) string {
	e.t.Helper()
	items, err := e.notify.Outbox.List(context.Background(), notify.OutboxQuery{To: mobile, Channel: notify.SMS})
	if err != nil || len(items) == 0 {
		e.t.Fatalf("no SMS to %s: %v", mobile, err)
	}
	if items[0].Subject != notify.BureauSMSSender {
		e.t.Errorf("SMS sender %q, want 12381", items[0].Subject)
	}
	m := regexp.MustCompile(`\b(\d{6})\b`).FindStringSubmatch(items[0].Body)
	if m == nil {
		e.t.Fatalf("no code in %q", items[0].Body)
	}
	return m[1]
}

func person(name, cert, mobile string) filing.Person {
	return filing.Person{Name: name, CertType: "resident_id", CertNumber: cert, CertValidFrom: "2020-01-01", CertValidUntil: "2040-01-01", Mobile: mobile, Email: "x@example.cn"}
}

// beijingDoc is a Beijing enterprise with two websites led by different people.
func beijingDoc(domains ...string) filing.Document {
	boss := person("张三", "11010519491231002X", "13800138000")
	web := person("李四", "110105197001010011", "13900139000")
	d := filing.Document{Flow: filing.FlowFirstFiling, Subject: filing.Subject{Province: "110000", City: "110100", County: "110105",
		Nature: "enterprise", CertType: "business_license", CertNumber: "91110105MA00000000", Name: "北京测试科技有限公司", Leader: boss}}
	for i, dm := range domains {
		d.Websites = append(d.Websites, filing.Website{Name: fmt.Sprintf("测试网站%d", i+1), Domain: dm, Leader: web})
	}
	return d
}

func TestDemoSeedIsValid(t *testing.T) {
	seed := DemoSeed()
	if len(seed.Subjects) < 3 || len(seed.Domains) < 4 || len(seed.Blacklist) == 0 {
		t.Fatalf("demo seed too small: %d subjects, %d domains", len(seed.Subjects), len(seed.Domains))
	}
	provinces := map[string]bool{}
	asOf := time.Date(2026, 11, 28, 0, 0, 0, 0, workdays.CST)
	for _, s := range seed.Subjects {
		provinces[s.Subject.Province] = true
		format := ident.FormatUSCC
		if s.Subject.CertType == "resident_id" {
			format = ident.FormatResidentID
		}
		if r := ident.Check(format, s.Subject.CertType, s.Subject.CertNumber, asOf); r != ident.OK {
			t.Errorf("%s: subject certificate %s: %v", s.Number, s.Subject.CertNumber, r)
		}
		for _, p := range []filing.Person{s.Subject.Leader} {
			if r := ident.Check(ident.FormatResidentID, p.CertType, p.CertNumber, asOf); r != ident.OK {
				t.Errorf("%s: leader certificate %s: %v", s.Number, p.CertNumber, r)
			}
		}
		for _, w := range s.Websites {
			if r := ident.Check(ident.FormatResidentID, w.Website.Leader.CertType, w.Website.Leader.CertNumber, asOf); r != ident.OK {
				t.Errorf("%s: website leader certificate: %v", w.Number, r)
			}
		}
	}
	if len(provinces) < 3 {
		t.Errorf("subjects in %d provinces, want 3", len(provinces))
	}
	for _, bad := range []string{
		`{"subjects":[{"number":"京ICP备123号","subject":{"province":"110000","cert_type":"x","cert_number":"1","name":"n"}}]}`,
		`{"subjects":[{"number":"京ICP备2019000001号","subject":{"province":"110000","cert_type":"x","cert_number":"1","name":"n"},"websites":[{"number":"京ICP备2019000002号-1","website":{"domain":"a.cn"}}]}]}`,
		`{"domains":[{"domain":"a.cn","expires_on":"tomorrow"}]}`,
		`{"subjectz":[]}`,
		`not json`,
	} {
		if _, err := ParseSeed([]byte(bad)); err == nil {
			t.Errorf("ParseSeed accepted %s", bad)
		}
	}
}

func TestSeedAndLookups(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		e := newEnv(t, s, ModeAuto, 0)
		// Seeding again changes nothing.
		if err := e.sim.LoadSeed(ctx, DemoSeed()); err != nil {
			t.Fatal(err)
		}
		sub, err := e.sim.LookupSubject(ctx, "business_license", "91310115ma1h7q2r7c") // case-insensitive
		if err != nil || sub == nil {
			t.Fatalf("LookupSubject: %v %v", sub, err)
		}
		if sub.Number != "沪ICP备2020034567号" || len(sub.Websites) != 2 || sub.Subject.Leader.Mobile != "13916881234" {
			t.Errorf("subject %+v", sub)
		}
		w, err := e.sim.LookupDomain(ctx, "Chengming-Docs.cn")
		if err != nil || w == nil || w.Number != "沪ICP备2020034567号-2" || w.SubjectCertNumber != "91310115MA1H7Q2R7C" || w.Providers[0] != "杭州某某数据服务有限公司" {
			t.Fatalf("LookupDomain: %+v %v", w, err)
		}
		if none, err := e.sim.LookupDomain(ctx, "unknown-domain.cn"); none != nil || err != nil {
			t.Errorf("unknown domain: %v %v", none, err)
		}
		if none, err := e.sim.LookupSubject(ctx, "resident_id", "110105194912310020"); none != nil || err != nil {
			t.Errorf("unknown subject: %v %v", none, err)
		}
		// No certificate number or mobile in clear anywhere in the bureau's tables.
		assertNoClear(t, s, []string{"91310115MA1H7Q2R7C", "310115198807224021", "13916881234", "110108199005206618"})
	})
}

// assertNoClear scans every text column of the bureau tables.
func assertNoClear(t *testing.T, s *storage.Store, secrets []string) {
	t.Helper()
	dump, err := s.DebugDump(context.Background(), "bureau_subjects", "bureau_websites", "bureau_submissions", "bureau_sms", "bureau_blacklist", "jobs")
	if err != nil {
		t.Fatal(err)
	}
	if len(dump) < 100 {
		t.Fatalf("dump too short: %q", dump)
	}
	for _, sec := range secrets {
		if strings.Contains(dump, sec) {
			t.Errorf("%s stored in clear", sec)
		}
	}
}

// The whole bureau path of a first filing at time scale 0: codes texted
// from 12381 to both leaders, a wrong attempt, both confirmed, the
// automatic decision at once, numbers in the real format.
func TestFirstFilingApproved(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		e := newEnv(t, s, ModeAuto, 0)
		e.submit("app1", Submission{Flow: filing.FlowFirstFiling, Document: beijingDoc("beijing-test.cn", "beijing-test2.cn")})
		if st := e.beian.get("app1"); st != workflow.BureauSMS {
			t.Fatalf("state %s", st)
		}
		e.drain()
		st, _ := e.sim.SMSStatus(ctx, "app1")
		if len(st) != 2 || st[0].Role != "subject_leader" || st[1].Role != "website_leader" || st[0].Mobile != "138****8000" || st[0].Status != SMSPending || st[0].AttemptsLeft != 5 {
			t.Fatalf("sms status %+v", st)
		}
		bossCode, webCode := e.code("13800138000"), e.code("13900139000")

		res, err := e.confirm("app1", SMSInput{Mobile: "13800138000", CertLast6: "31002X", Code: webCode}) // the other leader's code
		if err != nil || res.Correct || res.AttemptsLeft != 4 {
			t.Fatalf("wrong code: %+v %v", res, err)
		}
		res, err = e.confirm("app1", SMSInput{Mobile: "138 0013 8000", CertLast6: "31002x", Code: bossCode})
		if err != nil || !res.Correct || res.AllConfirmed || res.SMS[0].Status != SMSConfirmed {
			t.Fatalf("boss confirm: %+v %v", res, err)
		}
		res, err = e.confirm("app1", SMSInput{Mobile: "13900139000", CertLast6: "010011", Code: webCode})
		if err != nil || !res.Correct || !res.AllConfirmed {
			t.Fatalf("web confirm: %+v %v", res, err)
		}
		if st := e.beian.get("app1"); st != workflow.BureauReview {
			t.Fatalf("after SMS: %s", st)
		}
		e.drain() // the decision job, due at once (scale 0)
		if st := e.beian.get("app1"); st != workflow.Approved {
			t.Fatalf("after decision: %s (%v)", st, e.beian.reasons["app1"])
		}
		n := e.beian.numbers["app1"]
		year := e.clock.Now().In(workdays.CST).Year()
		if !regexp.MustCompile(fmt.Sprintf(`^京ICP备%d\d{6}号$`, year)).MatchString(n.Subject) {
			t.Errorf("subject number %q", n.Subject)
		}
		if len(n.Websites) != 2 || n.Websites[0] != n.Subject+"-1" || n.Websites[1] != n.Subject+"-2" {
			t.Errorf("website numbers %v", n.Websites)
		}
		// The registry now knows the approval.
		w, _ := e.sim.LookupDomain(ctx, "beijing-test2.cn")
		if w == nil || w.Number != n.Subject+"-2" || w.Providers[0] != provider {
			t.Errorf("registry website %+v", w)
		}
		sub, _ := e.sim.LookupSubject(ctx, "business_license", "91110105MA00000000")
		if sub == nil || sub.Number != n.Subject || len(sub.Websites) != 2 {
			t.Errorf("registry subject %+v", sub)
		}
		// Confirming after the step is over.
		if _, err := e.confirm("app1", SMSInput{Mobile: "13800138000", CertLast6: "31002X", Code: bossCode}); !errors.Is(err, ErrNoPendingSMS) {
			t.Errorf("late confirm: %v", err)
		}
		assertNoClear(t, s, []string{"91110105MA00000000", "11010519491231002X", "110105197001010011", "13800138000", "13900139000"})
	})
}

func TestSameMobileGetsOneCode(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s, ModeAuto, 0)
		doc := beijingDoc("one-mobile.cn")
		doc.Websites[0].Leader = doc.Subject.Leader
		e.fileFirst(doc)
		items, _ := e.notify.Outbox.List(context.Background(), notify.OutboxQuery{Channel: notify.SMS})
		if len(items) != 1 {
			t.Fatalf("%d SMS, want 1", len(items))
		}
		res, err := e.confirm("app1", SMSInput{Mobile: "13800138000", CertLast6: "31002X", Code: e.code("13800138000")})
		if err != nil || !res.AllConfirmed {
			t.Fatalf("%+v %v", res, err)
		}
	})
}

func TestFiveWrongAttemptsReturn(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		e := newEnv(t, s, ModeAuto, 0)
		e.fileFirst(beijingDoc("five-wrong.cn"))
		good := e.code("13800138000")
		for i := 1; i <= 5; i++ {
			// Wrong in turn: code, certificate digits, mobile.
			in := SMSInput{Mobile: "13800138000", CertLast6: "31002X", Code: "000000"}
			if good == "000000" {
				in.Code = "111111"
			}
			if i == 2 {
				in = SMSInput{Mobile: "13800138000", CertLast6: "123456", Code: good}
			}
			if i == 3 {
				in = SMSInput{Mobile: "13700137000", CertLast6: "31002X", Code: good}
			}
			res, err := e.confirm("app1", in)
			if err != nil {
				t.Fatal(err)
			}
			if res.Correct || res.AttemptsLeft != 5-i || res.Returned != (i == 5) {
				t.Fatalf("attempt %d: %+v", i, res)
			}
		}
		if st := e.beian.get("app1"); st != workflow.ReadyForBureau {
			t.Fatalf("after 5 wrong attempts: %s", st)
		}
		if !strings.Contains(e.beian.reasons["app1"].ZH, "5") {
			t.Errorf("reason %v", e.beian.reasons["app1"])
		}
		st, _ := e.sim.SMSStatus(ctx, "app1")
		if st[0].Status != SMSExpired || st[0].AttemptsLeft != 0 {
			t.Errorf("status %+v", st)
		}
		if _, err := e.confirm("app1", SMSInput{Mobile: "13800138000", CertLast6: "31002X", Code: good}); !errors.Is(err, ErrNoPendingSMS) {
			t.Errorf("confirm after return: %v", err)
		}
		// Resubmitting sends new codes; the expiry job of the old submission does nothing.
		e.fileFirst(beijingDoc("five-wrong.cn"))
		items, _ := e.notify.Outbox.List(ctx, notify.OutboxQuery{To: "13800138000", Channel: notify.SMS})
		if len(items) != 2 {
			t.Fatalf("%d codes after resubmission", len(items))
		}
		res, err := e.confirm("app1", SMSInput{Mobile: "13800138000", CertLast6: "31002X", Code: e.code("13800138000")})
		if err != nil || !res.Correct || res.AttemptsLeft != 5 {
			t.Fatalf("new submission: %+v %v", res, err)
		}
	})
}

func TestSMSExpiresAfter24Hours(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s, ModeAuto, 0)
		e.submit("app1", Submission{Flow: filing.FlowNewWebsite, SubjectNumber: "沪ICP备2020034567号",
			Document: filing.Document{Flow: filing.FlowNewWebsite, Subject: DemoSeed().Subjects[1].Subject,
				Websites: []filing.Website{{Name: "新站", Domain: "chengming-new.cn", Leader: person("陈丽", "310115198807224021", "13916881234")}}}})
		e.drain()
		e.clock.Add(23 * time.Hour)
		e.drain()
		if st := e.beian.get("app1"); st != workflow.BureauSMS {
			t.Fatalf("returned early: %s", st)
		}
		e.clock.Add(time.Hour + time.Second)
		e.drain()
		if st := e.beian.get("app1"); st != workflow.ReadyForBureau {
			t.Fatalf("after 24 h: %s", st)
		}
		if !strings.Contains(e.beian.reasons["app1"].EN, "24 hours") {
			t.Errorf("reason %v", e.beian.reasons["app1"])
		}
	})
}

// new_website under a seeded subject continues its numbering (-3 after
// the seeded -1 and -2); a cancelled website's number is never reused.
func TestNewWebsiteAndCancelNumbering(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		e := newEnv(t, s, ModeAuto, 0)
		seeded := DemoSeed().Subjects[1]
		leader := seeded.Subject.Leader
		newSite := func(app, domain string) {
			e.submit(app, Submission{Flow: filing.FlowNewWebsite,
				Document: filing.Document{Flow: filing.FlowNewWebsite, Subject: seeded.Subject,
					Websites: []filing.Website{{Name: "新站", Domain: domain, Leader: leader}}}})
			e.drain()
			if _, err := e.confirm(app, SMSInput{Mobile: leader.Mobile, CertLast6: "224021", Code: e.code(leader.Mobile)}); err != nil {
				t.Fatal(err)
			}
			e.drain()
		}
		newSite("app1", "chengming-shop.cn")
		if n := e.beian.numbers["app1"]; n.Subject != seeded.Number || len(n.Websites) != 1 || n.Websites[0] != seeded.Number+"-3" {
			t.Fatalf("new website numbers %+v (%v)", n, e.beian.reasons["app1"])
		}
		// Cancel -3 …
		e.submit("app2", Submission{Flow: filing.FlowCancelWebsite, SubjectNumber: seeded.Number, WebsiteNumbers: []string{seeded.Number + "-3"},
			Document: filing.Document{Flow: filing.FlowCancelWebsite, Subject: seeded.Subject,
				Websites: []filing.Website{{Name: "新站", Domain: "chengming-shop.cn", Leader: leader}}}})
		e.drain()
		e.confirm("app2", SMSInput{Mobile: leader.Mobile, CertLast6: "224021", Code: e.code(leader.Mobile)})
		e.drain()
		if st := e.beian.get("app2"); st != workflow.Approved {
			t.Fatalf("cancel: %s %v", st, e.beian.reasons["app2"])
		}
		if w, _ := e.sim.LookupDomain(ctx, "chengming-shop.cn"); w != nil {
			t.Errorf("cancelled website still found: %+v", w)
		}
		// … and file the same domain again: it gets -4, never -3 again.
		newSite("app3", "chengming-shop.cn")
		if n := e.beian.numbers["app3"]; len(n.Websites) != 1 || n.Websites[0] != seeded.Number+"-4" {
			t.Fatalf("refiled numbers %+v (%v)", n, e.beian.reasons["app3"])
		}
	})
}

func TestAutomaticRejections(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s, ModeAuto, 0)
		approveSMS := func(app string, doc filing.Document) {
			e.drain()
			for _, r := range workflow.SMSRecipients(doc.Flow, doc) {
				e.confirm(app, SMSInput{Mobile: r.Mobile, CertLast6: last6(r.CertNumbers[0]), Code: e.code(r.Mobile)})
			}
			e.drain()
		}
		// A domain already filed by another subject.
		doc := beijingDoc("xinghe-cloud.cn")
		e.submit("conflict", Submission{Flow: filing.FlowFirstFiling, Document: doc})
		approveSMS("conflict", doc)
		if st := e.beian.get("conflict"); st != workflow.BureauRejected || !strings.Contains(e.beian.reasons["conflict"].ZH, "xinghe-cloud.cn") {
			t.Errorf("domain conflict: %s %v", st, e.beian.reasons["conflict"])
		}
		// A leader on the blacklist.
		doc = beijingDoc("blacklisted-leader.cn")
		doc.Websites[0].Leader = person("赵六", "110108199005206618", "13700137000")
		e.submit("black", Submission{Flow: filing.FlowFirstFiling, Document: doc})
		approveSMS("black", doc)
		if st := e.beian.get("black"); st != workflow.BureauRejected || !strings.Contains(e.beian.reasons["black"].EN, "blacklist") {
			t.Errorf("blacklist: %s %v", st, e.beian.reasons["black"])
		}
		// A first filing of an already filed subject.
		seeded := DemoSeed().Subjects[0]
		doc = filing.Document{Flow: filing.FlowFirstFiling, Subject: seeded.Subject,
			Websites: []filing.Website{{Name: "x", Domain: "xinghe-new.cn", Leader: seeded.Subject.Leader}}}
		e.submit("dup", Submission{Flow: filing.FlowFirstFiling, Document: doc})
		approveSMS("dup", doc)
		if st := e.beian.get("dup"); st != workflow.BureauRejected || !strings.Contains(e.beian.reasons["dup"].ZH, seeded.Number) {
			t.Errorf("subject already filed: %s %v", st, e.beian.reasons["dup"])
		}
	})
}

func TestManualModeAndAccessFlows(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		e := newEnv(t, s, ModeManual, 0)
		seeded := DemoSeed().Subjects[1]
		// change_access needs no SMS: straight to review, and in manual mode nothing decides.
		e.submit("acc", Submission{Flow: filing.FlowChangeAccess, SubjectNumber: seeded.Number, WebsiteNumbers: []string{seeded.Websites[0].Number},
			Document: filing.Document{Flow: filing.FlowChangeAccess, Subject: seeded.Subject, Websites: []filing.Website{seeded.Websites[0].Website}}})
		e.drain()
		if st := e.beian.get("acc"); st != workflow.BureauReview {
			t.Fatalf("change_access: %s", st)
		}
		list, _ := e.sim.ListUnderReview(ctx)
		if len(list) != 1 || list[0].ApplicationID != "acc" || list[0].SubjectName != seeded.Subject.Name || !list[0].DecideAt.IsZero() {
			t.Fatalf("under review %+v", list)
		}
		decide := func(app string, d Decision) error {
			return e.sim.Decide(ctx, app, d)
		}
		if err := decide("acc", Decision{Kind: DecisionReject}); err == nil {
			t.Error("rejection without reason accepted")
		}
		if err := decide("acc", Decision{Kind: DecisionApprove}); err != nil {
			t.Fatal(err)
		}
		if st := e.beian.get("acc"); st != workflow.Approved || e.beian.numbers["acc"].Websites[0] != seeded.Websites[0].Number {
			t.Fatalf("manual approve: %s %+v", st, e.beian.numbers["acc"])
		}
		if err := decide("acc", Decision{Kind: DecisionApprove}); !errors.Is(err, ErrNotUnderReview) {
			t.Errorf("second decision: %v", err)
		}
		// cancel_access of the only provider of chengming-docs.cn leaves it without access.
		docs := seeded.Websites[1]
		e.submit("cancel", Submission{Flow: filing.FlowCancelAccess, Provider: "杭州某某数据服务有限公司",
			Document: filing.Document{Flow: filing.FlowCancelAccess, Subject: seeded.Subject, Websites: []filing.Website{docs.Website}}})
		if err := decide("cancel", Decision{Kind: DecisionApprove}); err != nil {
			t.Fatal(err)
		}
		w, _ := e.sim.LookupDomain(ctx, "chengming-docs.cn")
		if w == nil || w.Status != storage.BureauNoAccess || len(w.Providers) != 0 {
			t.Errorf("after cancel_access: %+v", w)
		}
		// new_access brings it back under this provider.
		e.submit("newacc", Submission{Flow: filing.FlowNewAccess,
			Document: filing.Document{Flow: filing.FlowNewAccess, Subject: seeded.Subject, Websites: []filing.Website{docs.Website}}})
		e.drain()
		e.confirm("newacc", SMSInput{Mobile: docs.Website.Leader.Mobile, CertLast6: "224021", Code: e.code(docs.Website.Leader.Mobile)})
		if err := decide("newacc", Decision{Kind: DecisionApprove}); err != nil {
			t.Fatal(err)
		}
		w, _ = e.sim.LookupDomain(ctx, "chengming-docs.cn")
		if w == nil || w.Status != storage.BureauActive || len(w.Providers) != 1 || w.Providers[0] != provider {
			t.Errorf("after new_access: %+v", w)
		}
		// A manual approval that conflicts is refused; the admin rejects instead.
		e.submit("bad", Submission{Flow: filing.FlowChangeAccess, Document: filing.Document{Flow: filing.FlowChangeAccess, Subject: seeded.Subject,
			Websites: []filing.Website{{Domain: "not-filed-anywhere.cn"}}}})
		if err := decide("bad", Decision{Kind: DecisionApprove}); !errors.Is(err, ErrChecksFailed) {
			t.Errorf("conflicting approval: %v", err)
		}
		if err := decide("bad", Decision{Kind: DecisionReject, Reason: "网站不存在"}); err != nil {
			t.Fatal(err)
		}
		if st := e.beian.get("bad"); st != workflow.BureauRejected || e.beian.reasons["bad"].ZH != "网站不存在" {
			t.Errorf("manual reject: %s %v", st, e.beian.reasons["bad"])
		}
	})
}

// With a time scale, the decision waits for the province's review time:
// Beijing's 10 working days × 0.5.
func TestTimeScale(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s, ModeAuto, 0.5)
		seeded := DemoSeed().Subjects[0]
		e.submit("app1", Submission{Flow: filing.FlowChangeAccess, Document: filing.Document{Flow: filing.FlowChangeAccess,
			Subject: seeded.Subject, Websites: []filing.Website{seeded.Websites[0].Website}}})
		start := e.clock.Now()
		due := e.sim.DecisionTime("110000", start)
		cal, _ := workdays.New(nil)
		full := cal.AddWorkingDays(start, 10).Sub(start)
		if got := due.Sub(start); got < full/2-time.Second || got > full/2+time.Second {
			t.Fatalf("decision after %s, want half of %s", got, full)
		}
		e.clock.Set(due.Add(-time.Minute))
		e.drain()
		if st := e.beian.get("app1"); st != workflow.BureauReview {
			t.Fatalf("decided early: %s", st)
		}
		e.clock.Set(due.Add(time.Second))
		e.drain()
		if st := e.beian.get("app1"); st != workflow.Approved {
			t.Fatalf("not decided on time: %s %v", st, e.beian.reasons["app1"])
		}
	})
}

// Subject numbers stay unique under concurrent issuing (two instances on
// one PostgreSQL behave like concurrent transactions), and a number taken
// by a seeded filing is skipped.
func TestSubjectNumbersUnique(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		e := newEnv(t, s, ModeAuto, 0)
		year := e.clock.Now().In(workdays.CST).Year()
		taken := fmt.Sprintf("京ICP备%d000002号", year)
		seed := &Seed{Subjects: []SeedSubject{{Number: taken, Subject: filing.Subject{Province: "110000", CertType: "business_license", CertNumber: "91110000MA00000001", Name: "占位"}}}}
		if err := e.sim.LoadSeed(ctx, seed); err != nil {
			t.Fatal(err)
		}
		var mu sync.Mutex
		seen := map[string]bool{}
		var wg sync.WaitGroup
		errs := make(chan error, 40)
		for g := 0; g < 8; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < 5; i++ {
					err := s.Tx(ctx, func(tx *storage.Tx) error {
						n, err := issueSubjectNumber(ctx, tx, "京", year)
						if err != nil {
							return err
						}
						_, err = tx.InsertBureauSubject(ctx, &storage.BureauSubject{Number: n, Province: "110000", CertType: "x", CertHash: n, Name: n, Data: "", Status: storage.BureauActive, Source: "test"})
						if err != nil {
							return err
						}
						mu.Lock()
						defer mu.Unlock()
						if seen[n] {
							return fmt.Errorf("number %s issued twice", n)
						}
						seen[n] = true
						return nil
					})
					if err != nil {
						errs <- err
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		if len(seen) != 40 || seen[taken] {
			t.Errorf("%d numbers issued, seeded one reused: %v", len(seen), seen[taken])
		}
	})
}

// A subject whose websites are all cancelled (空壳) counts as unknown: a
// first filing is approved with a new number and the old one is void.
func TestShellSubjectRefiles(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		e := newEnv(t, s, ModeManual, 0)
		seeded := DemoSeed().Subjects[2] // one website
		decide := func(app string) {
			if err := e.sim.Decide(ctx, app, Decision{Kind: DecisionApprove}); err != nil {
				t.Fatal(err)
			}
		}
		leader := seeded.Subject.Leader
		e.submit("cancel", Submission{Flow: filing.FlowCancelWebsite, Document: filing.Document{Flow: filing.FlowCancelWebsite,
			Subject: seeded.Subject, Websites: []filing.Website{seeded.Websites[0].Website}}})
		e.drain()
		e.confirm("cancel", SMSInput{Mobile: leader.Mobile, CertLast6: last6(leader.CertNumber), Code: e.code(leader.Mobile)})
		decide("cancel")
		e.submit("refile", Submission{Flow: filing.FlowFirstFiling, Document: filing.Document{Flow: filing.FlowFirstFiling,
			Subject: seeded.Subject, Websites: []filing.Website{{Name: "新笔记", Domain: "liming-new.cn", Leader: leader}}}})
		e.drain()
		e.confirm("refile", SMSInput{Mobile: leader.Mobile, CertLast6: last6(leader.CertNumber), Code: e.code(leader.Mobile)})
		decide("refile")
		n := e.beian.numbers["refile"]
		if e.beian.get("refile") != workflow.Approved || n.Subject == seeded.Number || !strings.HasPrefix(n.Subject, "粤ICP备") {
			t.Fatalf("refile: %s %+v", e.beian.get("refile"), n)
		}
		sub, _ := e.sim.LookupSubject(ctx, seeded.Subject.CertType, seeded.Subject.CertNumber)
		if sub == nil || sub.Number != n.Subject {
			t.Errorf("lookup after refiling: %+v", sub)
		}
		old, _ := s.BureauSubjectByNumber(ctx, seeded.Number)
		if old.Status != storage.BureauCancelled {
			t.Errorf("old subject %s", old.Status)
		}
	})
}

// TestSimulatedCodesStayInTheOutbox (issue 14): with a real SMS gateway
// configured, the simulator's 12381 codes still go to the outbox only,
// while Beian's own SMS reach the gateway.
func TestSimulatedCodesStayInTheOutbox(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		var mu sync.Mutex
		var hits []string
		gw := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			b, _ := io.ReadAll(r.Body)
			mu.Lock()
			hits = append(hits, string(b))
			mu.Unlock()
			w.WriteHeader(http.StatusOK)
		}))
		defer gw.Close()
		e := newEnv(t, s, ModeAuto, 0)
		n, err := notify.New(config.Config{Provider: config.DefaultProvider(), BaseURL: "http://beian.test", SMSURL: gw.URL}, s, e.sim.o.Sealer)
		if err != nil {
			t.Fatal(err)
		}
		e.sim.o.Notifier, e.notify = n, n
		maps.Copy(e.runner.Handlers, n.Handlers())
		e.submit("app1", Submission{Flow: filing.FlowFirstFiling, Document: beijingDoc("gateway-test.cn")})
		if err := s.Tx(context.Background(), func(tx *storage.Tx) error {
			return n.Enqueue(context.Background(), tx, notify.SMS, "beian-own", notify.Payload{To: "13700137000", Body: "Beian's own message"})
		}); err != nil {
			t.Fatal(err)
		}
		e.drain()
		mu.Lock()
		defer mu.Unlock()
		if len(hits) != 1 || !strings.Contains(hits[0], "Beian's own message") {
			t.Fatalf("the gateway got %d requests: %v", len(hits), hits)
		}
		for _, mobile := range []string{"13800138000", "13900139000"} {
			if code := e.code(mobile); len(code) != 6 {
				t.Errorf("no code in the outbox for %s", mobile)
			}
		}
	})
}

// TestSMSAttemptsPerLeader (issue 14): each leader's code has its own 5
// tries; wrong tries of one leader do not use up the other's.
func TestSMSAttemptsPerLeader(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		e := newEnv(t, s, ModeAuto, 0)
		e.fileFirst(beijingDoc("per-leader.cn"))
		boss, web := e.code("13800138000"), e.code("13900139000")
		wrong := "000000"
		if boss == wrong || web == wrong {
			wrong = "111111"
		}
		for i := 1; i <= 4; i++ {
			res, err := e.confirm("app1", SMSInput{Mobile: "13800138000", CertLast6: "31002X", Code: wrong})
			if err != nil || res.Correct || res.AttemptsLeft != 5-i || res.Returned {
				t.Fatalf("boss's wrong try %d: %+v %v", i, res, err)
			}
		}
		st, _ := e.sim.SMSStatus(ctx, "app1")
		if st[0].AttemptsLeft != 1 || st[1].AttemptsLeft != 5 {
			t.Fatalf("attempts after the boss's 4 wrong tries: %+v", st)
		}
		// The website leader's own tries are untouched.
		res, err := e.confirm("app1", SMSInput{Mobile: "13900139000", CertLast6: "123456", Code: web})
		if err != nil || res.Correct || res.AttemptsLeft != 4 || res.Returned {
			t.Fatalf("web leader's wrong try: %+v %v", res, err)
		}
		if res, err = e.confirm("app1", SMSInput{Mobile: "13900139000", CertLast6: "010011", Code: web}); err != nil || !res.Correct {
			t.Fatalf("web leader confirms: %+v %v", res, err)
		}
		if res, err = e.confirm("app1", SMSInput{Mobile: "13800138000", CertLast6: "31002X", Code: boss}); err != nil || !res.Correct || !res.AllConfirmed {
			t.Fatalf("boss confirms on the last try: %+v %v", res, err)
		}
		if st := e.beian.get("app1"); st != workflow.BureauReview {
			t.Errorf("state %s", st)
		}
	})
}
