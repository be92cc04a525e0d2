package backoffice

import (
	"fmt"
	"html/template"
	"strings"

	"beian/internal/refdata"
	"beian/internal/workflow"
)

// catalog holds every text of the back office in Chinese and English.
var catalog = map[string][2]string{
	"product":                               {"Beian 备案后台", "Beian back office"},
	"nav.queue":                             {"审核队列", "Review queue"},
	"nav.staff":                             {"员工账号", "Staff"},
	"nav.outbox":                            {"发件箱", "Outbox"},
	"nav.audit":                             {"审计日志", "Audit log"},
	"nav.bureau":                            {"管局", "Bureau"},
	"nav.portal":                            {"申请人页面", "Applicant portal"},
	"nav.logout":                            {"退出", "Sign out"},
	"nav.lang":                              {"English", "中文"},
	"nav.skip":                              {"跳到主要内容", "Skip to the main content"},
	"nav.main":                              {"主菜单", "Main menu"},
	"error.title":                           {"出错了", "Something went wrong"},
	"error.back":                            {"返回审核队列", "Back to the queue"},
	"queue.title":                           {"审核队列", "Review queue"},
	"queue.state":                           {"状态", "State"},
	"queue.province":                        {"省份", "Province"},
	"queue.any":                             {"全部", "All"},
	"queue.overdue":                         {"仅看超时", "Overdue only"},
	"queue.filter":                          {"筛选", "Filter"},
	"queue.subject":                         {"主办单位", "Subject"},
	"queue.flow":                            {"类型", "Flow"},
	"queue.submitted":                       {"提交时间", "Submitted"},
	"queue.due":                             {"截止时间（工作日）", "Due (working days)"},
	"queue.empty":                           {"没有待处理的申请。", "Nothing to review."},
	"queue.late":                            {"已超时", "Overdue"},
	"app.title":                             {"审核申请", "Review application"},
	"app.facts":                             {"概况", "Overview"},
	"app.id":                                {"申请编号", "Application"},
	"app.state":                             {"状态", "State"},
	"app.flow":                              {"备案类型", "Flow"},
	"app.province":                          {"省份", "Province"},
	"app.submitted":                         {"提交时间", "Submitted"},
	"app.due":                               {"处理截止", "Due"},
	"app.eta":                               {"预计备案完成", "Estimated approval"},
	"app.numbers":                           {"备案号", "Numbers"},
	"app.changed":                           {"自上次驳回以来修改的字段", "Fields changed since the last rejection"},
	"app.changed.none":                      {"上次驳回后没有字段被修改。", "No field changed since the last rejection."},
	"app.lastreasons":                       {"上次驳回原因", "Reasons of the last rejection"},
	"app.violations":                        {"当前校验问题", "Current violations"},
	"app.violations.ok":                     {"没有校验问题。", "No violations."},
	"app.subject":                           {"主办单位信息", "Subject"},
	"app.leader":                            {"负责人", "Leader"},
	"app.website":                           {"网站 %d", "Website %d"},
	"app.access":                            {"接入信息", "Access"},
	"app.attachments":                       {"附件", "Attachments"},
	"app.attachments.no":                    {"没有附件。", "No attachments."},
	"app.history":                           {"处理记录", "History"},
	"app.verification":                      {"核验方式", "Verification"},
	"app.verify.onsite":                     {"现场面签：%s，%s", "Face-to-face signing: %s, %s"},
	"app.verify.mail":                       {"邮寄，快递单号 %s", "By mail, tracking number %s"},
	"app.verify.none":                       {"申请人尚未登记核验方式。", "The applicant has not chosen a verification method yet."},
	"app.verify.recv":                       {"材料收到时间：%s", "Materials received: %s"},
	"app.sms":                               {"短信核验", "SMS verification"},
	"app.decide":                            {"审核决定", "Decision"},
	"app.approve":                           {"审核通过", "Approve"},
	"app.reject":                            {"驳回（修改资料）", "Reject (data)"},
	"app.rejectmat":                         {"驳回核验材料", "Reject materials"},
	"app.reasons":                           {"驳回原因（至少一条）", "Reasons (at least one to reject)"},
	"app.reason.field":                      {"字段", "Field"},
	"app.reason.rule":                       {"规则代码（可选）", "Rule code (optional)"},
	"app.reason.msg":                        {"说明", "Message"},
	"app.reason.pick":                       {"— 选择字段 —", "— pick a field —"},
	"app.received":                          {"登记材料已收到 / 已面签", "Record materials received / signing done"},
	"app.note":                              {"备注", "Note"},
	"app.tobureau":                          {"提交管局", "Submit to the bureau"},
	"app.none":                              {"当前状态下没有需要审核员处理的操作。", "Nothing for a reviewer to do in this state."},
	"done.decided":                          {"已记录审核决定。", "Decision recorded."},
	"done.received":                         {"已登记材料收到。", "Receipt recorded."},
	"done.submitted":                        {"已提交管局。", "Submitted to the bureau."},
	"done.staff":                            {"已创建员工账号。", "Staff account created."},
	"done.bureau":                           {"已记录管局决定。", "Bureau decision recorded."},
	"staff.title":                           {"员工账号", "Staff accounts"},
	"staff.email":                           {"邮箱", "Email"},
	"staff.name":                            {"姓名", "Name"},
	"staff.phone":                           {"手机号（可选）", "Mobile (optional)"},
	"staff.password":                        {"初始密码", "Initial password"},
	"staff.role":                            {"角色", "Role"},
	"staff.created":                         {"创建时间", "Created"},
	"staff.create":                          {"创建账号", "Create account"},
	"role.reviewer":                         {"审核员", "Reviewer"},
	"role.admin":                            {"管理员", "Admin"},
	"role.applicant":                        {"申请人", "Applicant"},
	"role.bureau":                           {"管局", "Bureau"},
	"role.scheduler":                        {"系统", "System"},
	"role.":                                 {"系统", "System"},
	"colon":                                 {"：", ": "},
	"sms.role.subject_leader":               {"主体负责人", "Subject leader"},
	"sms.role.website_leader":               {"网站负责人", "Website leader"},
	"sms.status.pending":                    {"待确认", "Pending"},
	"sms.status.confirmed":                  {"已确认", "Confirmed"},
	"sms.status.expired":                    {"已过期", "Expired"},
	"sms.attempts":                          {"剩余 %d 次", "%d attempts left"},
	"outbox.title":                          {"发件箱", "Outbox"},
	"outbox.channel":                        {"渠道", "Channel"},
	"outbox.to":                             {"收件人（完整邮箱或手机号）", "Recipient (full address or mobile)"},
	"outbox.sent":                           {"时间", "Sent"},
	"outbox.subject":                        {"主题 / 发送方", "Subject / sender"},
	"outbox.body":                           {"内容", "Body"},
	"outbox.empty":                          {"没有消息。", "No messages."},
	"audit.title":                           {"审计日志", "Audit log"},
	"audit.at":                              {"时间", "Time"},
	"audit.actor":                           {"操作人", "Actor"},
	"audit.action":                          {"操作", "Action"},
	"audit.object":                          {"对象", "Object"},
	"audit.detail":                          {"详情", "Detail"},
	"audit.csv":                             {"导出 CSV", "Export CSV"},
	"audit.open":                            {"查看", "Open"},
	"audit.on.application":                  {"备案申请", "Application"},
	"audit.on.account":                      {"账号", "Account"},
	"audit.on.attachment":                   {"附件", "Attachment"},
	"audit.on.audit_log":                    {"审计日志", "Audit log"},
	"audit.on.session":                      {"登录会话", "Session"},
	"audit.do.account.register":             {"注册账号", "Registered"},
	"audit.do.account.create_staff":         {"创建员工账号", "Created a staff account"},
	"audit.do.account.create_admin":         {"创建管理员", "Created the admin"},
	"audit.do.account.login":                {"登录", "Logged in"},
	"audit.do.account.login_failed":         {"登录失败", "Failed login"},
	"audit.do.account.password_reset":       {"重置密码", "Reset the password"},
	"audit.do.account.sessions_revoked":     {"注销全部登录", "Ended every session"},
	"audit.do.account.disable":              {"停用账号", "Disabled the account"},
	"audit.do.account.enable":               {"启用账号", "Enabled the account"},
	"audit.do.account.set_password":         {"管理员重置密码", "Password set by an admin"},
	"audit.do.application.create":           {"创建申请", "Created an application"},
	"audit.do.application.read":             {"查看申请", "Read an application"},
	"audit.do.application.submit":           {"提交备案", "Submitted"},
	"audit.do.application.resubmit":         {"重新提交", "Resubmitted"},
	"audit.do.application.approve":          {"审核通过", "Approved"},
	"audit.do.application.reject":           {"审核驳回", "Rejected"},
	"audit.do.application.reject_materials": {"驳回核验材料", "Refused the materials"},
	"audit.do.application.materials_received": {"登记材料收到", "Recorded the materials"},
	"audit.do.application.submit_to_bureau":   {"提交管局", "Submitted to the bureau"},
	"audit.do.application.sms_confirmed":      {"短信核验完成", "SMS confirmed"},
	"audit.do.application.sms_returned":       {"短信核验退回", "SMS returned"},
	"audit.do.application.sms_confirm":        {"填写短信验证码", "Entered an SMS code"},
	"audit.do.application.bureau_approve":     {"管局审核通过", "Approved by the bureau"},
	"audit.do.application.bureau_reject":      {"管局驳回", "Rejected by the bureau"},
	"audit.do.application.withdraw":           {"撤回申请", "Withdrew"},
	"audit.do.application.verification":       {"登记核验方式", "Chose the verification"},
	"audit.do.attachment.add":                 {"上传附件", "Uploaded an attachment"},
	"audit.do.attachment.delete":              {"删除附件", "Deleted an attachment"},
	"audit.do.attachment.read":                {"查看附件", "Viewed an attachment"},
	"audit.do.audit.read":                     {"查看审计日志", "Read the audit log"},
	"audit.do.bureau.decide":                  {"管局决定", "Bureau decision"},
	"detail.onsite":                           {"现场面签", "Face-to-face signing"},
	"detail.mail":                             {"邮寄", "By mail"},
	"detail.approve":                          {"批准", "Approve"},
	"detail.reject":                           {"驳回", "Reject"},
	"detail.correct=true returned=false":      {"验证码正确", "Correct code"},
	"detail.correct=false returned=false":     {"验证码错误", "Wrong code"},
	"detail.correct=false returned=true":      {"验证码错误，申请已退回", "Wrong code; the application was returned"},
	"bureau.title":                            {"管局模拟器", "Bureau simulator"},
	"bureau.mode":                             {"模式：%s", "Mode: %s"},
	"bureau.since":                            {"审核开始", "Review since"},
	"bureau.decideat":                         {"自动决定时间", "Auto decision at"},
	"bureau.approve":                          {"批准", "Approve"},
	"bureau.reject":                           {"驳回", "Reject"},
	"bureau.reason":                           {"驳回原因", "Reason"},
	"bureau.empty":                            {"管局当前没有审核中的申请。", "The bureau is reviewing nothing."},
	"bureau.title.relay":                      {"管局审核结果登记", "Bureau outcomes"},
	"bureau.relay.help":                       {"请在管局备案系统中提交下列申请，并在此登记管局的审核结果：通过时填写管局下发的备案号；负责人未在 24 小时内完成短信核验、管局退回时选择“短信核验超时”。", "File each application below at the bureau's system and record its outcome here: the numbers it issued on approval, or \"SMS lapsed\" when the leaders did not confirm its SMS within 24 hours and it returned the application."},
	"bureau.subjectno":                        {"主体备案号", "Subject number"},
	"bureau.siteno":                           {"网站备案号（%s）", "Website number (%s)"},
	"bureau.approve.relay":                    {"登记通过", "Record approval"},
	"bureau.reject.relay":                     {"登记驳回", "Record rejection"},
	"bureau.smsexpired":                       {"短信核验超时（管局退回）", "SMS lapsed (returned)"},
	"bureau.import":                           {"批量导入管局结果（CSV）", "Import outcomes (CSV)"},
	"bureau.import.help":                      {"第一行为列名：application、decision（approve / reject / sms_expired）、subject_number、website_numbers（多个用分号分隔）、reason。每行单独登记。", "Header row: application, decision (approve / reject / sms_expired), subject_number, website_numbers (separated by semicolons), reason. Each line is recorded on its own."},
	"bureau.import.file":                      {"CSV 文件", "CSV file"},
	"bureau.import.submit":                    {"导入", "Import"},
	"bureau.import.nofile":                    {"请选择要导入的 CSV 文件", "choose the CSV file to import"},
	"bureau.import.result":                    {"导入结果", "Import result"},
	"bureau.import.line":                      {"行", "Line"},
	"bureau.import.recorded":                  {"已登记", "Recorded"},

	"flow.first_filing":   {"首次备案", "First filing"},
	"flow.new_website":    {"新增网站", "New website"},
	"flow.new_access":     {"新增接入", "New access"},
	"flow.change_subject": {"变更主体", "Change subject"},
	"flow.change_website": {"变更网站", "Change website"},
	"flow.change_access":  {"变更接入", "Change access"},
	"flow.cancel_subject": {"注销主体", "Cancel subject"},
	"flow.cancel_website": {"注销网站", "Cancel website"},
	"flow.cancel_access":  {"取消接入", "Cancel access"},
}

func tr(lang, key string, args ...any) string {
	t, ok := catalog[key]
	if !ok {
		return key
	}
	s := t[0]
	if lang == "en" {
		s = t[1]
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

var funcs = template.FuncMap{
	"stateName": func(s, lang string) string { return workflow.Label(workflow.State(s), lang) },
	"join":      strings.Join,
	"flowName":  func(f, lang string) string { return tr(lang, "flow."+f) },
	"provinceName": func(code, lang string) string {
		if p, ok := refdata.Default().Province(code); ok {
			if lang == "en" {
				return p.NameEN
			}
			return p.Name
		}
		return code
	},
	"add": func(a, b int) int { return a + b },
	"seq": func(n int) []int {
		out := make([]int, n)
		for i := range out {
			out[i] = i
		}
		return out
	},
}
