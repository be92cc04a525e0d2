package notify

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
	"text/template"

	"beian/internal/config"
	"beian/internal/filing"
	"beian/internal/words"
)

// Template names: one per notification of workflow.md "Notifications".
const (
	TplAccountRegistered = "account_registered"
	TplPasswordReset     = "password_reset"
	TplSubmitted         = "application_submitted"
	TplInitialApproved   = "initial_review_approved"
	TplRejected          = "rejected"
	TplMaterialsReceived = "materials_received"
	TplBureauSubmitted   = "bureau_submitted"
	TplSMSCode           = "sms_code"
	TplSMSReturned       = "sms_returned"
	TplApproved          = "approved"
	// The approval as the leaders named in it receive it (seed 6.5: the
	// bureau mails and texts them), by email and by SMS.
	TplApprovedLeader    = "approved_leader"
	TplApprovedLeaderSMS = "approved_leader_sms"
	TplBureauRejected    = "bureau_rejected"
	TplCancelled         = "cancellation_done"
	TplReviewerOverdue   = "reviewer_overdue"
	TplDraftExpiring     = "draft_expiring"
	TplDutyReminder      = "duty_reminder"
)

// BureauSMSSender is the number the bureau's verification codes come from.
const BureauSMSSender = "12381"

// Data is what a template may use; every field is optional and each
// template names the ones it needs. It travels as JSON in job payloads.
type Data struct {
	Name          string   `json:"name,omitempty"`           // the reader's name
	ApplicationID string   `json:"application_id,omitempty"` // short reference shown to the reader
	URL           string   `json:"url,omitempty"`            // where to act next (absolute, or a path under BaseURL)
	SubjectName   string   `json:"subject_name,omitempty"`
	Domains       []string `json:"domains,omitempty"`
	Flow          string   `json:"flow,omitempty"`
	DueAt         string   `json:"due_at,omitempty"` // e.g. "2026-12-02 10:00"
	ETA           string   `json:"eta,omitempty"`    // YYYY-MM-DD
	// Rejected: the stage ("initial", "material" for data rejected at the
	// material review, "materials" for photo/paper) and every reason.
	Stage   string          `json:"stage,omitempty"`
	Reasons []filing.Reason `json:"reasons,omitempty"`
	// Reason is the bureau's rejection text, or why the SMS step returned.
	Reason string `json:"reason,omitempty"`
	// SMS step: whether codes are coming, and a code with its validity.
	SMSRequired bool `json:"sms_required,omitempty"`
	// SMSAtBureau: the real bureau texts the codes and the leaders confirm
	// them at its site (relay mode); Beian sends none.
	SMSAtBureau bool   `json:"sms_at_bureau,omitempty"`
	Code        string `json:"code,omitempty"`
	ValidHours  int    `json:"valid_hours,omitempty"`
	// Approved: the numbers issued.
	Numbers *Numbers `json:"numbers,omitempty"`
	// Roles are the reader's roles in the filing ("subject_leader",
	// "website_leader"), for the leaders' approval notice.
	Roles []string `json:"roles,omitempty"`
	// Cancellation: the number(s) now void.
	Record string `json:"record,omitempty"`
	// Password reset.
	ResetLink      string `json:"reset_link,omitempty"`
	ExpiresMinutes int    `json:"expires_minutes,omitempty"`
	// Duty reminder (issue 16): the duty (duties.Kinds), whose ID document
	// (Role, Person) for leader_id, the deadline (DueAt, a date) and the
	// days left; Record is the record's number.
	Duty     string `json:"duty,omitempty"`
	Role     string `json:"role,omitempty"`
	Person   string `json:"person,omitempty"`
	DaysLeft int    `json:"days_left,omitempty"`
	// Reviewer overdue alert: the overdue tasks.
	Overdue []OverdueTask `json:"overdue,omitempty"`

	// Filled in by the renderer from the provider settings when empty.
	Offices        []config.Office `json:"offices,omitempty"`
	MailingAddress string          `json:"mailing_address,omitempty"`
	ProviderName   string          `json:"provider_name,omitempty"`
	BaseURL        string          `json:"base_url,omitempty"`
}

// Numbers are the ICP numbers of an approval.
type Numbers struct {
	Subject  string          `json:"subject"`
	Websites []WebsiteNumber `json:"websites"`
}

// WebsiteNumber is one website's number.
type WebsiteNumber struct {
	Domain string `json:"domain"`
	Name   string `json:"name,omitempty"`
	Number string `json:"number"`
}

// OverdueTask is one overdue reviewer task.
type OverdueTask struct {
	ApplicationID string `json:"application_id"`
	SubjectName   string `json:"subject_name"`
	State         string `json:"state"`
	DueAt         string `json:"due_at"`
}

type tplText struct{ subject, body string }

// text holds every template in both languages. Each says what happened and
// what the reader does next.
var text = map[string]map[string]tplText{
	TplAccountRegistered: {
		"zh": {"欢迎使用{{.ProviderName}} ICP 备案系统", `{{hello .Name "zh"}}

您的备案账号已注册成功。

下一步：登录后点击“申请备案”，输入网站域名和主办单位证件号码，系统会自动判断备案类型并引导您填写。
登录地址：{{link "/login"}}

如非本人操作，请忽略本邮件。
{{.ProviderName}}`},
		"en": {"Welcome to the {{.ProviderName}} ICP filing system", `{{hello .Name "en"}}

Your filing account has been created.

Next: sign in and choose "New filing", enter the website's domain and the subject's certificate number; the system picks the filing type and guides you through the form.
Sign in: {{link "/login"}}

If you did not register, ignore this email.
{{.ProviderName}}`},
	},
	TplPasswordReset: {
		"zh": {"重置您的备案账号密码", `{{hello .Name "zh"}}

我们收到了重置密码的请求。请在 {{.ExpiresMinutes}} 分钟内打开以下链接设置新密码（链接只能使用一次）：
{{.ResetLink}}

如非本人操作，请忽略本邮件，您的密码不会改变。
{{.ProviderName}}`},
		"en": {"Reset your filing account password", `{{hello .Name "en"}}

We received a request to reset your password. Open this link within {{.ExpiresMinutes}} minutes to choose a new one (it works once):
{{.ResetLink}}

If you did not ask for this, ignore this email; your password stays the same.
{{.ProviderName}}`},
	},
	TplSubmitted: {
		"zh": {"备案申请已提交，等待初审（{{.SubjectName}}）", `{{hello .Name "zh"}}

您的备案申请（编号 {{.ApplicationID}}，主办单位：{{.SubjectName}}{{if .Domains}}，域名：{{join .Domains "、"}}{{end}}）已提交，正在等待初审。
{{if .DueAt}}初审将在 {{.DueAt}}（北京时间）前完成（2 个工作日）。{{else}}初审在 2 个工作日内完成。{{end}}{{if .ETA}}
预计备案完成日期：{{.ETA}}（以管局审核为准）。{{end}}

下一步：请保持电话和邮箱畅通，审核人员可能与您核实信息。初审结果会通过邮件通知您。
查看进度：{{link .URL}}
{{.ProviderName}}`},
		"en": {"Filing application submitted for initial review ({{.SubjectName}})", `{{hello .Name "en"}}

Your filing application ({{.ApplicationID}}, subject: {{.SubjectName}}{{if .Domains}}, domains: {{join .Domains ", "}}{{end}}) has been submitted and awaits initial review.
{{if .DueAt}}The initial review will be done by {{.DueAt}} (Beijing time, 2 working days).{{else}}The initial review takes up to 2 working days.{{end}}{{if .ETA}}
Estimated approval date: {{.ETA}} (the bureau has the final word).{{end}}

Next: keep your phone and email reachable; a reviewer may call to check details. You will get the result by email.
Progress: {{link .URL}}
{{.ProviderName}}`},
	},
	TplInitialApproved: {
		"zh": {"初审通过，请完成核验（{{.SubjectName}}）", `{{hello .Name "zh"}}

您的备案申请（编号 {{.ApplicationID}}）已通过初审。

下一步：请选择以下任一方式完成核验，并在系统中登记：
1. 现场面签：网站负责人本人携带身份证件原件，以及签字的《网站备案信息真实性核验单》和《网络安全责任书》原件，到以下任一地点办理：
{{range .Offices}}   - {{.City}}：{{.Address}}{{if .Phone}}，电话 {{.Phone}}{{end}}
{{end}}2. 邮寄：上传幕布照片（网站负责人本人在幕布前的正面免冠照片），并将签字盖章的核验单和网络安全责任书原件邮寄至：
   {{.MailingAddress}}
   寄出后请在系统中填写快递单号。

收到材料后，我们将在 1.5 个工作日内完成审核并提交管局。
登记核验方式：{{link .URL}}
{{.ProviderName}}`},
		"en": {"Initial review passed: please complete verification ({{.SubjectName}})", `{{hello .Name "en"}}

Your filing application ({{.ApplicationID}}) has passed the initial review.

Next: complete verification in one of these ways and record it in the system:
1. Face-to-face signing: the website leader comes in person with the original ID document and the signed originals of the Website Filing Information Verification Form and the Network Security Commitment Letter, to one of these offices:
{{range .Offices}}   - {{.City}}: {{.Address}}{{if .Phone}}, phone {{.Phone}}{{end}}
{{end}}2. By mail: upload a backdrop photo (the website leader, facing the camera, bare-headed, in front of the backdrop) and mail the signed and stamped originals of the verification form and the security letter to:
   {{.MailingAddress}}
   Then enter the tracking number in the system.

Once the materials arrive we review them within 1.5 working days and submit to the bureau.
Record your verification: {{link .URL}}
{{.ProviderName}}`},
	},
	TplRejected: {
		"zh": {`{{if eq .Stage "materials"}}核验材料需要补正{{else}}备案申请被驳回，请修改后重新提交{{end}}（{{.SubjectName}}）`, `{{hello .Name "zh"}}

{{if eq .Stage "materials"}}您提交的核验材料（幕布照片或纸质材料）未通过审核，原因如下：{{else if eq .Stage "material"}}材料审核中发现备案信息有误，申请已退回修改，原因如下：{{else}}您的备案申请（编号 {{.ApplicationID}}）未通过初审，原因如下：{{end}}
{{range $i, $r := .Reasons}}{{inc $i}}. {{if $r.Field}}{{fieldName $r.Field "zh"}}：{{end}}{{$r.Text "zh"}}
{{end}}
下一步：{{if eq .Stage "materials"}}请按上述原因重新拍摄幕布照片或重新寄送材料，并在系统中重新登记。{{else}}请登录系统，按上述原因修改标注的字段后重新提交；修改后的申请将重新进入初审（2 个工作日）。{{end}}
修改申请：{{link .URL}}
{{.ProviderName}}`},
		"en": {`{{if eq .Stage "materials"}}Verification materials need correcting{{else}}Filing application rejected: please correct and resubmit{{end}} ({{.SubjectName}})`, `{{hello .Name "en"}}

{{if eq .Stage "materials"}}Your verification materials (backdrop photo or paper originals) were not accepted, for these reasons:{{else if eq .Stage "material"}}The material review found errors in the filing data; the application is returned for correction, for these reasons:{{else}}Your filing application ({{.ApplicationID}}) did not pass the initial review, for these reasons:{{end}}
{{range $i, $r := .Reasons}}{{inc $i}}. {{if $r.Field}}{{fieldName $r.Field "en"}}: {{end}}{{$r.Text "en"}}
{{end}}
Next: {{if eq .Stage "materials"}}retake the backdrop photo or mail the materials again as described, and record it in the system.{{else}}sign in, correct the fields named above and resubmit; the application then goes through the initial review again (2 working days).{{end}}
Correct the application: {{link .URL}}
{{.ProviderName}}`},
	},
	TplMaterialsReceived: {
		"zh": {"核验材料已收到（{{.SubjectName}}）", `{{hello .Name "zh"}}

我们已收到您的备案申请（编号 {{.ApplicationID}}）的核验材料，正在审核{{if .DueAt}}，将在 {{.DueAt}}（北京时间）前完成{{else}}（1.5 个工作日内完成）{{end}}。

下一步：无需操作。审核通过后我们会将申请提交管局，届时工信部将向负责人手机发送短信验证码，请留意。
查看进度：{{link .URL}}
{{.ProviderName}}`},
		"en": {"Verification materials received ({{.SubjectName}})", `{{hello .Name "en"}}

We have received the verification materials of your filing application ({{.ApplicationID}}) and are reviewing them{{if .DueAt}}; the review will be done by {{.DueAt}} (Beijing time){{else}} (within 1.5 working days){{end}}.

Next: nothing to do. After the review we submit the application to the bureau, and the MIIT will text a verification code to the leaders' mobiles: watch for it.
Progress: {{link .URL}}
{{.ProviderName}}`},
	},
	TplBureauSubmitted: {
		"zh": {"备案申请已提交管局{{if .SMSRequired}}，请在 24 小时内完成短信核验{{end}}（{{.SubjectName}}）", `{{hello .Name "zh"}}

您的备案申请（编号 {{.ApplicationID}}）已提交至通信管理局。
{{if .SMSRequired}}
下一步：工信部将从 {{bureauSender}} 向负责人手机发送 6 位短信验证码。请在 24 小时内登录系统（或工信部备案管理系统 https://beian.miit.gov.cn），输入手机号、负责人证件号码后 6 位和验证码完成核验。
超过 24 小时未核验或输错 5 次，申请将被退回，需要重新提交管局。
短信核验：{{link .URL}}
{{else if .SMSAtBureau}}
下一步：工信部将从 {{bureauSender}} 向负责人手机发送短信验证码（本系统不发送验证码）。请负责人在 24 小时内登录工信部备案管理系统 https://beian.miit.gov.cn ，进入“短信核验”，输入手机号、负责人证件号码后 6 位和验证码完成核验。
超过 24 小时未核验或输错 5 次，管局将退回申请，我们需要重新提交。
查看进度：{{link .URL}}
{{else}}
下一步：无需操作，请等待管局审核。
{{end}}{{if .ETA}}预计备案完成日期：{{.ETA}}（以管局审核为准）。
{{end}}{{.ProviderName}}`},
		"en": {"Submitted to the bureau{{if .SMSRequired}}: confirm the SMS within 24 hours{{end}} ({{.SubjectName}})", `{{hello .Name "en"}}

Your filing application ({{.ApplicationID}}) has been submitted to the communications administration (the bureau).
{{if .SMSRequired}}
Next: the MIIT will text a 6-digit code from {{bureauSender}} to the leaders' mobiles. Within 24 hours, enter the mobile number, the last 6 characters of the leader's certificate number and the code in the system (or at https://beian.miit.gov.cn).
After 24 hours, or 5 wrong attempts, the application is returned and must be submitted to the bureau again.
SMS verification: {{link .URL}}
{{else if .SMSAtBureau}}
Next: the MIIT will text a code from {{bureauSender}} to the leaders' mobiles (this system sends none). Within 24 hours, each leader signs in at the MIIT filing system https://beian.miit.gov.cn, opens "SMS verification" (短信核验) and enters the mobile number, the last 6 characters of the leader's certificate number and the code.
After 24 hours, or 5 wrong attempts, the bureau returns the application and we must submit it again.
Progress: {{link .URL}}
{{else}}
Next: nothing to do; the bureau reviews the application.
{{end}}{{if .ETA}}Estimated approval date: {{.ETA}} (the bureau has the final word).
{{end}}{{.ProviderName}}`},
	},
	TplSMSCode: {
		"zh": {BureauSMSSender, `【工信部ICP备案】您的备案短信核验码为 {{.Code}}，{{.ValidHours}} 小时内有效。请在备案系统输入手机号、证件号码后 6 位和此验证码完成核验。如非本人办理备案，请勿告知他人。`},
		"en": {BureauSMSSender, `[MIIT ICP filing] Your filing verification code is {{.Code}}, valid for {{.ValidHours}} hours. Enter your mobile, the last 6 characters of your certificate number and this code in the filing system. Do not share it if you did not apply.`},
	},
	TplSMSReturned: {
		"zh": {"短信核验未完成，申请已被管局退回（{{.SubjectName}}）", `{{hello .Name "zh"}}

您的备案申请（编号 {{.ApplicationID}}）的短信核验未完成{{if .Reason}}（{{.Reason}}）{{end}}，已被管局退回。

下一步：无需修改资料。我们会重新提交管局，届时负责人手机将收到新的验证码，请在 24 小时内完成核验。如有疑问请联系我们。
查看进度：{{link .URL}}
{{.ProviderName}}`},
		"en": {"SMS verification not completed: the bureau returned the application ({{.SubjectName}})", `{{hello .Name "en"}}

The SMS verification of your filing application ({{.ApplicationID}}) was not completed{{if .Reason}} ({{.Reason}}){{end}}, so the bureau returned it.

Next: no changes needed. We will submit it to the bureau again; the leaders will then receive new codes, to be confirmed within 24 hours. Contact us with any question.
Progress: {{link .URL}}
{{.ProviderName}}`},
	},
	TplApproved: {
		"zh": {"备案成功：{{with .Numbers}}{{.Subject}}{{end}}", `{{hello .Name "zh"}}

恭喜！管局已审核通过您的备案申请（编号 {{.ApplicationID}}）。
{{with .Numbers}}主体备案号：{{.Subject}}
{{range .Websites}}网站备案号：{{.Number}}（{{.Domain}}{{if .Name}}，{{.Name}}{{end}}）
{{end}}{{end}}
下一步：
1. 在网站首页底部居中显示网站备案号，并链接到 https://beian.miit.gov.cn ，例如：
{{range footers .Numbers}}   {{.}}
{{end}}2. 请在网站开通之日起 30 日内，到全国互联网安全管理服务平台 https://beian.mps.gov.cn 办理公安联网备案，并按要求在网站底部展示公安备案号。
3. 备案信息发生变化时，请及时在本系统提交变更。

查看备案信息：{{link .URL}}
{{.ProviderName}}`},
		"en": {"Filing approved: {{with .Numbers}}{{.Subject}}{{end}}", `{{hello .Name "en"}}

Congratulations: the bureau approved your filing application ({{.ApplicationID}}).
{{with .Numbers}}Subject number: {{.Subject}}
{{range .Websites}}Website number: {{.Number}} ({{.Domain}}{{if .Name}}, {{.Name}}{{end}})
{{end}}{{end}}
Next:
1. Show the website number centred at the bottom of the home page, linked to https://beian.miit.gov.cn, for example:
{{range footers .Numbers}}   {{.}}
{{end}}2. Within 30 days of the website going live, file it with the public security bureau at https://beian.mps.gov.cn (公安联网备案) and show that number in the footer as required.
3. When the filed information changes, submit a change here promptly.

Your filings: {{link .URL}}
{{.ProviderName}}`},
	},
	TplApprovedLeader: {
		"zh": {"备案成功：{{with .Numbers}}{{.Subject}}{{end}}（{{.SubjectName}}）", `{{hello .Name "zh"}}

您是{{.SubjectName}}备案中的{{roles .Roles "zh"}}。通信管理局已审核通过该备案（编号 {{.ApplicationID}}），备案号如下：
{{with .Numbers}}主体备案号：{{.Subject}}
{{range .Websites}}网站备案号：{{.Number}}（{{.Domain}}{{if .Name}}，{{.Name}}{{end}}）
{{end}}{{end}}
下一步：
1. 网站首页底部居中显示网站备案号，并链接到 https://beian.miit.gov.cn 。
2. 网站开通之日起 30 日内，到 https://beian.mps.gov.cn 办理公安联网备案。
3. 负责人或联系方式发生变化时，请联系备案账号的持有人及时提交变更。
如对此备案不知情，请联系我们。
{{.ProviderName}}`},
		"en": {"Filing approved: {{with .Numbers}}{{.Subject}}{{end}} ({{.SubjectName}})", `{{hello .Name "en"}}

You are named as {{roles .Roles "en"}} in the filing of {{.SubjectName}}. The communications administration approved it ({{.ApplicationID}}); the numbers are:
{{with .Numbers}}Subject number: {{.Subject}}
{{range .Websites}}Website number: {{.Number}} ({{.Domain}}{{if .Name}}, {{.Name}}{{end}})
{{end}}{{end}}
Next:
1. Show the website number centred at the bottom of the home page, linked to https://beian.miit.gov.cn.
2. Within 30 days of the website going live, file it with the public security bureau at https://beian.mps.gov.cn.
3. When a leader or their contact details change, ask the holder of the filing account to submit a change promptly.
If you know nothing of this filing, contact us.
{{.ProviderName}}`},
	},
	TplApprovedLeaderSMS: {
		"zh": {"{{.ProviderName}}", `【{{.ProviderName}}】{{.Name}}，您好：{{.SubjectName}}的ICP备案已通过。{{with .Numbers}}主体备案号 {{.Subject}}{{range .Websites}}；网站备案号 {{.Number}}（{{.Domain}}）{{end}}{{end}}。请在网站首页底部展示备案号并链接至 https://beian.miit.gov.cn 。`},
		"en": {"{{.ProviderName}}", `[{{.ProviderName}}] {{.Name}}: the ICP filing of {{.SubjectName}} is approved. {{with .Numbers}}Subject number {{.Subject}}{{range .Websites}}; website number {{.Number}} ({{.Domain}}){{end}}{{end}}. Show the number in the site footer, linked to https://beian.miit.gov.cn.`},
	},
	TplBureauRejected: {
		"zh": {"管局驳回了您的备案申请（{{.SubjectName}}）", `{{hello .Name "zh"}}

通信管理局驳回了您的备案申请（编号 {{.ApplicationID}}）。
驳回原因：{{.Reason}}

下一步：请登录系统按原因修改资料后重新提交，申请将重新进入初审。如需帮助请联系我们。
修改申请：{{link .URL}}
{{.ProviderName}}`},
		"en": {"The bureau rejected your filing application ({{.SubjectName}})", `{{hello .Name "en"}}

The communications administration rejected your filing application ({{.ApplicationID}}).
Reason: {{.Reason}}

Next: sign in, correct the data as the reason says and resubmit; the application then goes through the initial review again. Contact us if you need help.
Correct the application: {{link .URL}}
{{.ProviderName}}`},
	},
	TplCancelled: {
		"zh": {"注销已完成：{{.Record}}", `{{hello .Name "zh"}}

您申请的{{flowName .Flow "zh"}}（编号 {{.ApplicationID}}）已办理完成，备案号 {{.Record}} 已注销，不会再被使用。

下一步：请从网站页面上撤下该备案号。{{if ne .Flow "cancel_access"}}注销后如需再开办网站，须重新备案。{{else}}如网站不再由任何接入商接入，管局将注销其备案。{{end}}
我的备案：{{link .URL}}
{{.ProviderName}}`},
		"en": {"Cancellation done: {{.Record}}", `{{hello .Name "en"}}

Your {{flowName .Flow "en"}} ({{.ApplicationID}}) is complete; the number {{.Record}} is void and will never be issued again.

Next: remove the number from your web pages. {{if ne .Flow "cancel_access"}}To run the website again later, file it anew.{{else}}If no provider hosts the website any more, the bureau will cancel its filing.{{end}}
Your filings: {{link .URL}}
{{.ProviderName}}`},
	},
	TplDraftExpiring: {
		"zh": {"草稿即将过期：{{.SubjectName}}", `{{hello .Name "zh"}}

您的备案申请草稿（编号 {{.ApplicationID}}{{if .SubjectName}}，{{.SubjectName}}{{end}}）已很久没有修改，将于 {{.DueAt}} 自动撤回。草稿不会为您保留主体或域名：谁先提交，谁先办理。

下一步：如仍要备案，请在此之前登录系统继续填写并提交；任何保存都会让草稿再保留 30 天。
继续填写：{{link .URL}}
{{.ProviderName}}`},
		"en": {"Your draft expires soon: {{.SubjectName}}", `{{hello .Name "en"}}

Your draft filing application ({{.ApplicationID}}{{if .SubjectName}}, {{.SubjectName}}{{end}}) has not been changed for a long time and will be withdrawn on {{.DueAt}}. A draft reserves neither the subject nor the domains: the first to submit goes first.

Next: if you still want to file, sign in and complete and submit it before then; any save keeps the draft for another 30 days.
Continue: {{link .URL}}
{{.ProviderName}}`},
	},
	TplDutyReminder: {
		"zh": {`{{dutyName .Duty "zh"}}：还有 {{.DaysLeft}} 天到期（{{.SubjectName}}）`, `{{hello .Name "zh"}}

{{if eq .Duty "psb_filing"}}网站 {{join .Domains "、"}}（备案号 {{.Record}}）已通过 ICP 备案。依照规定，网站开通之日起 30 日内须到公安机关办理联网备案（公安备案），期限为 {{.DueAt}}，还有 {{.DaysLeft}} 天。

下一步：登录全国互联网安全管理服务平台 https://beian.mps.gov.cn 办理；办好后请在系统中登记公安备案号，之后不再提醒。{{else if eq .Duty "leader_id"}}{{if eq .Role "website_leader"}}网站 {{join .Domains "、"}} 的网站负责人{{else}}主办单位 {{.SubjectName}} 的负责人{{end}}{{if .Person}} {{.Person}}{{end}} 的身份证件将于 {{.DueAt}} 到期，还有 {{.DaysLeft}} 天。

下一步：请负责人及时换领证件，并以“变更备案”更新证件有效期，以免备案信息失效。{{else if eq .Duty "business_licence"}}主办单位 {{.SubjectName}}（备案号 {{.Record}}）的营业执照将于 {{.DueAt}} 到期，还有 {{.DaysLeft}} 天。

下一步：请及时办理延续，并在系统中登记新的有效期；证件信息变化时请提交“变更备案”。{{else}}域名 {{join .Domains "、"}}（备案号 {{.Record}}）的注册将于 {{.DueAt}} 到期，还有 {{.DaysLeft}} 天。域名过期后网站无法访问，备案也可能被注销。

下一步：请到域名注册商处续费。{{end}}
查看我的提醒：{{link .URL}}
{{.ProviderName}}`},
		"en": {`{{dutyName .Duty "en"}}: {{.DaysLeft}} day(s) left ({{.SubjectName}})`, `{{hello .Name "en"}}

{{if eq .Duty "psb_filing"}}The website {{join .Domains ", "}} (number {{.Record}}) is filed. The law asks every website to be filed with the public security bureau (公安备案) within 30 days of opening: by {{.DueAt}}, {{.DaysLeft}} day(s) from now.

Next: file it at https://beian.mps.gov.cn, then record the public security number here; the reminders stop.{{else if eq .Duty "leader_id"}}The ID document of {{if eq .Role "website_leader"}}the leader of the website {{join .Domains ", "}}{{else}}the leader of {{.SubjectName}}{{end}}{{if .Person}}, {{.Person}},{{end}} expires on {{.DueAt}}, {{.DaysLeft}} day(s) from now.

Next: have the leader renew it, and file a change to update its validity, so the filing stays valid.{{else if eq .Duty "business_licence"}}The business licence of {{.SubjectName}} (number {{.Record}}) expires on {{.DueAt}}, {{.DaysLeft}} day(s) from now.

Next: have it renewed and record the new validity here; file a change when the licence's details change.{{else}}The registration of the domain {{join .Domains ", "}} (number {{.Record}}) expires on {{.DueAt}}, {{.DaysLeft}} day(s) from now. An expired domain takes the website off line, and its filing may be cancelled.

Next: renew it at your registrar.{{end}}
Your reminders: {{link .URL}}
{{.ProviderName}}`},
	},
	TplReviewerOverdue: {
		"zh": {"审核超时提醒：{{len .Overdue}} 个备案任务已超过时限", `{{hello .Name "zh"}}

以下备案审核任务已超过处理时限：
{{range .Overdue}}- {{.ApplicationID}} {{.SubjectName}}（{{stateName .State "zh"}}），应于 {{.DueAt}} 前完成
{{end}}
下一步：请尽快在审核队列中处理。
审核队列：{{link "/review"}}
{{.ProviderName}}`},
		"en": {"Overdue reviews: {{len .Overdue}} filing task(s) past their deadline", `{{hello .Name "en"}}

These review tasks are past their deadline:
{{range .Overdue}}- {{.ApplicationID}} {{.SubjectName}} ({{stateName .State "en"}}), due {{.DueAt}}
{{end}}
Next: handle them in the review queue as soon as possible.
Review queue: {{link "/review"}}
{{.ProviderName}}`},
	},
}

// Templates renders the notifications, parsed once at start.
type Templates struct {
	provider config.Provider
	baseURL  string
	parsed   map[string]map[string][2]*template.Template // name → lang → subject, body
}

// NewTemplates parses every template; an error is a programming error
// caught by the tests.
func NewTemplates(p config.Provider, baseURL string) (*Templates, error) {
	t := &Templates{provider: p, baseURL: strings.TrimRight(baseURL, "/"), parsed: map[string]map[string][2]*template.Template{}}
	for name, langs := range text {
		t.parsed[name] = map[string][2]*template.Template{}
		for lang, tx := range langs {
			var pair [2]*template.Template
			for i, src := range []string{tx.subject, tx.body} {
				tpl, err := template.New(name + "." + lang).Option("missingkey=error").Funcs(t.funcs()).Parse(src)
				if err != nil {
					return nil, fmt.Errorf("template %s.%s: %w", name, lang, err)
				}
				pair[i] = tpl
			}
			t.parsed[name][lang] = pair
		}
	}
	return t, nil
}

// Names lists the templates, sorted.
func (t *Templates) Names() []string {
	out := make([]string, 0, len(t.parsed))
	for n := range t.parsed {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// ErrUnknownTemplate is returned by Render for a name not in Names.
var ErrUnknownTemplate = fmt.Errorf("unknown notification template")

// Render produces the subject and body of template name in lang ("en";
// anything else is Chinese). Empty provider fields of d are filled from
// the provider settings.
func (t *Templates) Render(name, lang string, d Data) (subject, body string, err error) {
	if lang != "en" {
		lang = "zh"
	}
	pair, ok := t.parsed[name][lang]
	if !ok {
		return "", "", fmt.Errorf("%w: %q", ErrUnknownTemplate, name)
	}
	if d.Offices == nil {
		d.Offices = t.provider.Offices
	}
	if d.MailingAddress == "" {
		d.MailingAddress = t.provider.MailingAddress
	}
	if d.ProviderName == "" {
		d.ProviderName = t.provider.Name
	}
	if d.BaseURL == "" {
		d.BaseURL = t.baseURL
	}
	var out [2]string
	for i, tpl := range pair {
		var b bytes.Buffer
		if err := tpl.Execute(&b, d); err != nil {
			return "", "", fmt.Errorf("render %s.%s: %w", name, lang, err)
		}
		out[i] = b.String()
	}
	return strings.TrimSpace(out[0]), strings.TrimSpace(out[1]) + "\n", nil
}

func (t *Templates) funcs() template.FuncMap {
	return template.FuncMap{
		"hello": func(name, lang string) string {
			if lang == "en" {
				if name == "" {
					return "Hello,"
				}
				return "Hello " + name + ","
			}
			if name == "" {
				return "您好："
			}
			return name + "，您好："
		},
		"link": func(p string) string {
			if strings.HasPrefix(p, "http://") || strings.HasPrefix(p, "https://") {
				return p
			}
			if p == "" {
				p = "/"
			}
			if !strings.HasPrefix(p, "/") {
				p = "/" + p
			}
			return t.baseURL + p
		},
		"join":         strings.Join,
		"inc":          func(i int) int { return i + 1 },
		"bureauSender": func() string { return BureauSMSSender },
		"footers":      footers,
		// Fields, flows and states are named as the pages name them (package words).
		"fieldName": func(path, lang string) string { return words.Field(lang, path) },
		"flowName":  func(flow, lang string) string { return words.Flow(lang, flow) },
		"stateName": func(state, lang string) string { return words.State(lang, state) },
		"dutyName":  func(kind, lang string) string { return words.T(lang, "duty.kind."+kind) },
		// roles names the reader's roles in a filing (主体负责人、网站负责人).
		"roles": func(roles []string, lang string) string {
			var out []string
			for _, r := range roles {
				out = append(out, words.T(lang, "sms.role."+r))
			}
			sep := "、"
			if lang == "en" {
				return "the " + strings.ToLower(strings.Join(out, " and "))
			}
			return strings.Join(out, sep)
		},
	}
}

// footers gives the HTML to paste into each website's footer: the website
// number linked to the MIIT's public lookup (the bureaus require the link).
func footers(n *Numbers) []string {
	if n == nil {
		return nil
	}
	var out []string
	for _, w := range n.Websites {
		out = append(out, `<a href="https://beian.miit.gov.cn/" target="_blank" rel="noopener">`+w.Number+`</a>`)
	}
	if len(out) == 0 && n.Subject != "" {
		out = append(out, `<a href="https://beian.miit.gov.cn/" target="_blank" rel="noopener">`+n.Subject+`</a>`)
	}
	return out
}
