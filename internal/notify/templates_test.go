package notify

import (
	"regexp"
	"strings"
	"testing"

	"beian/internal/config"
	"beian/internal/filing"
)

func templates(t *testing.T) *Templates {
	t.Helper()
	tpl, err := NewTemplates(config.DefaultProvider(), "https://beian.example.cn/")
	if err != nil {
		t.Fatal(err)
	}
	return tpl
}

// sample has every field a template may use.
func sample() Data {
	return Data{
		Name: "张三", ApplicationID: "A-1001", URL: "/applications/A-1001", SubjectName: "北京示例科技有限公司",
		Domains: []string{"example.cn", "example.com.cn"}, Flow: filing.FlowCancelWebsite, DueAt: "2026-12-02 10:00", ETA: "2026-12-17",
		Stage: "initial",
		Reasons: []filing.Reason{
			{Field: "websites[0].name", Rule: "website.name.generic", Message: "网站名称不能只用“博客”"},
			{Field: "subject.leader.mobile", Message: "电话无法接通"},
			{Field: "attachments.site_photo[0]", Message: "照片模糊"},
			{Field: "attachments.subject_certificate", Message: "请上传彩色扫描件"},
		},
		Reason: "主体证件与登记信息不符", SMSRequired: true, Code: "482913", ValidHours: 24,
		Numbers: &Numbers{Subject: "京ICP备2026000001号", Websites: []WebsiteNumber{
			{Domain: "example.cn", Name: "示例商城", Number: "京ICP备2026000001号-1"},
			{Domain: "example.com.cn", Number: "京ICP备2026000001号-2"},
		}},
		Roles:  []string{"subject_leader", "website_leader"},
		Record: "京ICP备2019000001号-3", ResetLink: "https://beian.example.cn/reset/tok", ExpiresMinutes: 30,
		Overdue:  []OverdueTask{{ApplicationID: "A-7", SubjectName: "某公司", State: "initial_review", DueAt: "2026-11-27 18:00"}},
		Problem:  "number_missing",
		Problems: []MonitorIssue{{Domain: "example.cn", Number: "京ICP备2026000001号-1", Problem: "number_unlinked", Since: "2026-11-20 10:00"}},
		Duty:     "leader_id", Role: "website_leader", Person: "李四", DaysLeft: 30,
	}
}

// internalName matches a document path or a snake_case key.
var internalName = regexp.MustCompile(`\b[a-z]+(_[a-z]+)+\b|\[[0-9]+\]|\b(subject|websites|attachments)\.[a-z]`)

func TestEveryTemplateRendersInBothLanguages(t *testing.T) {
	tpl := templates(t)
	want := []string{TplAccountRegistered, TplPasswordReset, TplSubmitted, TplInitialApproved, TplRejected,
		TplMaterialsReceived, TplBureauSubmitted, TplSMSCode, TplSMSReturned, TplApproved, TplBureauRejected,
		TplCancelled, TplReviewerOverdue, TplDraftExpiring, TplApprovedLeader, TplApprovedLeaderSMS,
		TplMonitorProblem, TplMonitorEscalated, TplSupplementRequested, TplDutyReminder}
	if got := tpl.Names(); len(got) != len(want) {
		t.Fatalf("templates %v, want %d", got, len(want))
	}
	han := regexp.MustCompile(`\p{Han}`)
	for _, name := range want {
		for _, lang := range []string{"zh", "en"} {
			subj, body, err := tpl.Render(name, lang, sample())
			if err != nil {
				t.Fatalf("%s.%s: %v", name, lang, err)
			}
			if subj == "" || len(body) < 40 {
				t.Errorf("%s.%s: empty subject or body: %q / %q", name, lang, subj, body)
			}
			// Field paths and keys are internal names: the reader sees words.
			if m := internalName.FindString(subj + body); m != "" {
				t.Errorf("%s.%s shows the internal name %q:\n%s", name, lang, m, body)
			}
			// Every mail greets and signs in the provider's name, never "Beian".
			if name != TplSMSCode && (!strings.Contains(body, config.DefaultProvider().Name) || strings.Contains(subj+body, "Beian")) {
				t.Errorf("%s.%s is not signed by the provider:\n%s", name, lang, body)
			}
			if name != TplSMSCode && !strings.Contains(body, "张三") {
				t.Errorf("%s.%s does not greet the reader:\n%s", name, lang, body)
			}
			if strings.Contains(subj+body, "<no value>") {
				t.Errorf("%s.%s: unfilled value:\n%s", name, lang, body)
			}
			if lang == "zh" && !han.MatchString(body) {
				t.Errorf("%s.zh has no Chinese", name)
			}
			// English bodies quote Chinese only in data and addresses.
			short := name == TplSMSCode || name == TplApprovedLeaderSMS || name == TplPasswordReset // an SMS says it in one line
			if lang == "en" && !strings.Contains(body, "Next") && !short {
				t.Errorf("%s.en does not say what to do next:\n%s", name, body)
			}
			if lang == "zh" && !strings.Contains(body, "下一步") && !short {
				t.Errorf("%s.zh does not say what to do next:\n%s", name, body)
			}
		}
	}
	if _, _, err := tpl.Render("nope", "zh", Data{}); err == nil {
		t.Error("unknown template rendered")
	}
}

// TestDutyReminderNamesEachDuty: each duty's reminder says what is due,
// when, and what to do, in both languages.
func TestDutyReminderNamesEachDuty(t *testing.T) {
	tpl := templates(t)
	for _, c := range []struct {
		duty, lang string
		contains   []string
	}{
		{"psb_filing", "zh", []string{"公安联网备案：还有 7 天到期", "https://beian.mps.gov.cn", "2027-01-30", "example.cn"}},
		{"psb_filing", "en", []string{"Public security filing: 7 day(s) left", "https://beian.mps.gov.cn", "2027-01-30"}},
		{"leader_id", "zh", []string{"负责人证件有效期", "李四", "变更备案"}},
		{"leader_id", "en", []string{"Leader's ID validity", "李四", "file a change"}},
		{"business_licence", "zh", []string{"营业执照", "京ICP备2019000001号-3"}},
		{"business_licence", "en", []string{"business licence"}},
		{"domain", "zh", []string{"域名到期", "续费"}},
		{"domain", "en", []string{"Domain expiry", "renew it at your registrar"}},
	} {
		d := sample()
		d.Duty, d.DaysLeft, d.DueAt, d.Role = c.duty, 7, "2027-01-30", "subject_leader"
		subj, body, err := tpl.Render(TplDutyReminder, c.lang, d)
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range c.contains {
			if !strings.Contains(subj+"\n"+body, want) {
				t.Errorf("%s.%s lacks %q:\n%s\n%s", c.duty, c.lang, want, subj, body)
			}
		}
	}
}

func TestTemplateContents(t *testing.T) {
	tpl := templates(t)
	d := sample()
	p := config.DefaultProvider()
	tests := []struct {
		name, lang string
		contains   []string
	}{
		{TplInitialApproved, "zh", []string{p.Offices[0].Address, p.Offices[1].Address, p.Offices[1].Phone, p.MailingAddress, "快递单号", "https://beian.example.cn/applications/A-1001"}},
		{TplInitialApproved, "en", []string{p.Offices[0].Address, p.MailingAddress, "tracking number"}},
		// Fields are named as the applicant's form labels them (words.Field).
		{TplRejected, "zh", []string{"网站 1 · 网站名称：网站名称不能只用“博客”", "主办单位负责人 · 手机号码：电话无法接通",
			"网站 1 · 现场核验照片：照片模糊", "主办单位证件：请上传彩色扫描件", "重新提交", "上海蓝云网络科技有限公司"}},
		{TplRejected, "en", []string{"Website 1 · Website name: ", "Subject leader · Mobile: 电话无法接通", "Website 1 · Backdrop photo: 照片模糊", "resubmit"}},
		{TplBureauSubmitted, "zh", []string{"24 小时内", "12381", "后 6 位"}},
		{TplBureauSubmitted, "en", []string{"within 24 hours", "12381", "last 6 characters"}},
		{TplSMSCode, "zh", []string{"482913", "24 小时"}},
		{TplApproved, "zh", []string{"京ICP备2026000001号", "京ICP备2026000001号-1", "京ICP备2026000001号-2",
			`<a href="https://beian.miit.gov.cn/" target="_blank" rel="noopener">京ICP备2026000001号-1</a>`,
			"30 日内", "https://beian.mps.gov.cn"}},
		{TplApproved, "en", []string{"京ICP备2026000001号-2", `href="https://beian.miit.gov.cn/"`, "Within 30 days", "https://beian.mps.gov.cn"}},
		{TplBureauRejected, "zh", []string{"主体证件与登记信息不符"}},
		// The leaders' notice (seed 6.5) names their roles in the catalogue's words and gives every number.
		{TplApprovedLeader, "zh", []string{"主体负责人、网站负责人", "京ICP备2026000001号-1", "京ICP备2026000001号-2", "https://beian.mps.gov.cn"}},
		{TplApprovedLeader, "en", []string{"the subject leader and website leader", "京ICP备2026000001号-2"}},
		{TplApprovedLeaderSMS, "zh", []string{"京ICP备2026000001号", "京ICP备2026000001号-1（example.cn）", "https://beian.miit.gov.cn"}},
		{TplSubmitted, "zh", []string{"2026-12-02 10:00", "2026-12-17", "example.cn、example.com.cn"}},
		{TplCancelled, "en", []string{"京ICP备2019000001号-3", "Your website cancellation (A-1001)", "never be issued again"}},
		{TplReviewerOverdue, "zh", []string{"A-7", "初审中", "2026-11-27 18:00", "https://beian.example.cn/review"}},
		{TplPasswordReset, "en", []string{"https://beian.example.cn/reset/tok", "30 minutes"}},
	}
	for _, tt := range tests {
		subj, body, err := tpl.Render(tt.name, tt.lang, d)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range tt.contains {
			if !strings.Contains(subj+"\n"+body, c) {
				t.Errorf("%s.%s lacks %q:\n%s\n%s", tt.name, tt.lang, c, subj, body)
			}
		}
	}
	// The SMS comes from 12381 and never carries a certificate number.
	subj, body, _ := tpl.Render(TplSMSCode, "zh", Data{Code: "000123", ValidHours: 24})
	if subj != BureauSMSSender || !strings.Contains(body, "000123") {
		t.Errorf("sms_code: %q %q", subj, body)
	}
	if regexp.MustCompile(`\d{15,}`).MatchString(body) {
		t.Errorf("sms body carries a long number: %q", body)
	}
	// Materials rejection says to redo the photo or mail, not to resubmit data.
	d.Stage = "materials"
	_, body, _ = tpl.Render(TplRejected, "zh", d)
	if !strings.Contains(body, "幕布照片") || strings.Contains(body, "重新进入初审") {
		t.Errorf("materials rejection:\n%s", body)
	}
}

// TestReasonsInTheReadersLanguage: a reason from the catalogue of common
// reasons carries its English, which the English mail shows.
func TestReasonsInTheReadersLanguage(t *testing.T) {
	tpl := templates(t)
	d := sample()
	d.Reasons = []filing.Reason{{Field: "subject.name", Rule: "subject.name.mismatch", Message: "名称须与证件一致。", MessageEN: "The name must match the certificate."}}
	_, en, err := tpl.Render(TplRejected, "en", d)
	if err != nil || !strings.Contains(en, "The name must match the certificate.") || strings.Contains(en, "名称须与证件一致") {
		t.Errorf("English mail: %v\n%s", err, en)
	}
	_, zh, err := tpl.Render(TplRejected, "zh", d)
	if err != nil || !strings.Contains(zh, "名称须与证件一致。") || strings.Contains(zh, "The name must") {
		t.Errorf("Chinese mail: %v\n%s", err, zh)
	}
}
