package web

import "fmt"

// catalog holds every UI string in both languages: key → {zh, en}. Keys
// are grouped by page; the wording of the Chinese follows the seed
// provider's user guide, which is what customers already know.
var catalog = map[string][2]string{
	"product":         {"备案系统", "ICP Filing"},
	"nav.home":        {"首页", "Home"},
	"nav.apply":       {"申请备案", "New filing"},
	"nav.logout":      {"退出", "Log out"},
	"nav.lang":        {"English", "中文"},
	"nav.account":     {"账号", "Account"},
	"footer":          {"ICP 备案服务", "ICP filing service"},
	"common.save":     {"保存", "Save"},
	"common.savenext": {"保存并下一步", "Save and continue"},
	"common.back":     {"返回首页", "Back to home"},
	"common.prev":     {"上一步", "Back"},
	"common.delete":   {"删除", "Delete"},
	"common.required": {"必填", "required"},
	"common.optional": {"选填", "optional"},
	"common.choose":   {"请选择", "Please choose"},
	"common.none":     {"无", "None"},
	"common.readonly": {"（不可修改）", "(locked)"},
	"common.yes":      {"是", "yes"},
	"common.no":       {"否", "no"},

	// Accounts.
	"login.title":             {"登录", "Log in"},
	"login.email":             {"邮箱", "Email"},
	"login.password":          {"密码", "Password"},
	"login.submit":            {"登录", "Log in"},
	"login.noaccount":         {"还没有账号？", "No account yet?"},
	"login.register":          {"注册", "Register"},
	"login.forgot":            {"忘记密码", "Forgot password"},
	"login.failed":            {"邮箱或密码不正确", "Wrong email or password"},
	"login.intro":             {"登录备案系统，申请、变更、注销 ICP 备案并查询进度。", "Log in to apply for, change or cancel ICP filings and follow their progress."},
	"register.title":          {"注册备案账号", "Register an account"},
	"register.email":          {"邮箱（登录账号）", "Email (your login)"},
	"register.phone":          {"手机号码", "Mobile number"},
	"register.name":           {"姓名", "Name"},
	"register.password":       {"密码", "Password"},
	"register.password2":      {"确认密码", "Repeat password"},
	"register.hint":           {"系统默认以注册邮箱为登录账号。如果邮箱或手机已经注册过，请更换其他邮箱或手机号码。", "Your email is your login. If the email or mobile number is already registered, please use another one."},
	"register.pwhint":         {"至少 10 个字符，包含大写字母、小写字母、数字、符号中的至少三类", "At least 10 characters from at least three of: upper case, lower case, digits, symbols"},
	"register.submit":         {"注册", "Register"},
	"register.mismatch":       {"两次输入的密码不一致", "The passwords do not match"},
	"register.done":           {"注册成功，请登录", "Registered. Please log in."},
	"register.haveaccount":    {"已有账号？", "Already registered?"},
	"register.backlogin":      {"返回登录", "Back to login"},
	"forgot.title":            {"忘记密码", "Forgot password"},
	"forgot.intro":            {"请输入注册邮箱，我们将发送一封包含重置链接的邮件。", "Enter your email; we will send you a link to reset your password."},
	"forgot.submit":           {"发送重置邮件", "Send reset link"},
	"forgot.sent":             {"如果该邮箱已注册，重置邮件已发出，请查收。", "If the email is registered, a reset link is on its way."},
	"reset.title":             {"重置密码", "Reset password"},
	"reset.password":          {"新密码", "New password"},
	"reset.submit":            {"重置密码", "Reset password"},
	"reset.done":              {"密码已重置，请使用新密码登录", "Password reset. Please log in with the new password."},
	"reset.badtoken":          {"重置链接无效或已过期", "The reset link is invalid or has expired"},
	"logout.done":             {"您已退出登录", "You are logged out"},
	"auth.required":           {"请先登录", "Please log in first"},
	"csrf.failed":             {"表单已过期或来源不明（CSRF 校验失败），请刷新页面后重试。", "The form expired or did not come from this site (CSRF check failed). Please reload the page and try again."},
	"error.title":             {"出错了", "Something went wrong"},
	"error.notfound":          {"页面或对象不存在", "Page or object not found"},
	"error.toolarge":          {"上传的文件过大", "The upload is too large"},
	"error.code":              {"错误代码", "Error code"},
	"lang.switched":           {"已切换为中文", "Switched to English"},
	"home.title":              {"首页", "Home"},
	"home.tab.apply":          {"申请备案", "New filing"},
	"home.tab.change":         {"变更备案", "Change a filing"},
	"home.tab.cancel":         {"注销备案", "Cancel a filing"},
	"home.apply.intro":        {"填写备案的域名及主办单位证件信息，系统会根据域名及主办单位证件号码核实是否存在已备案记录，并自动选择首次备案、新增网站或新增接入。", "Enter the domain and the subject's certificate; the system looks up existing filings and chooses first filing, new website or new access for you."},
	"home.apply.start":        {"申请备案", "Start a filing"},
	"home.change.intro":       {"可以变更已经通过管局审核的备案信息，变更必须再次提交管局审核才可生效。变更备案时，核验单内网站负责人签字日期有效期为 3 个月。", "You can change filings the bureau approved; a change takes effect once the bureau approves it again. A verification form signed more than 3 months ago must be signed again."},
	"home.cancel.intro":       {"若已经备案成功的信息需要删除，可以进行注销备案的操作：注销主体、注销网站或取消接入。", "To remove an approved filing, cancel the subject, a website, or this provider's access."},
	"home.records":            {"从我的备案发起", "Start from my filings"},
	"home.records.none":       {"暂无已通过管局审核的备案记录。备案成功后，记录会显示在这里。", "No approved filings yet. They appear here once the bureau approves them."},
	"home.record.open":        {"有进行中的申请", "An application is open"},
	"record.active":           {"已备案", "Active"},
	"record.cancelled":        {"已注销", "Cancelled"},
	"record.no_access":        {"无接入", "No access"},
	"sms.role.subject_leader": {"主体负责人", "Subject leader"},
	"sms.role.website_leader": {"网站负责人", "Website leader"},
	"sms.status.pending":      {"待确认", "Pending"},
	"sms.status.confirmed":    {"已确认", "Confirmed"},
	"sms.status.expired":      {"已过期", "Expired"},
	"home.progress":           {"备案进度", "Progress"},
	"home.empty":              {"暂无备案申请", "No applications yet"},
	"home.col.flow":           {"备案类型", "Type"},
	"home.col.subject":        {"主办单位", "Subject"},
	"home.col.domains":        {"域名", "Domains"},
	"home.col.state":          {"状态", "State"},
	"home.col.updated":        {"更新时间", "Updated"},
	"home.col.eta":            {"预计完成", "Estimated approval"},
	"home.col.action":         {"操作", "Action"},
	"home.edit":               {"编辑", "Edit"},
	"home.view":               {"查看进度", "Progress"},
	"home.start.change":       {"变更", "Change"},
	"home.start.cancel":       {"注销", "Cancel"},
	"precheck.title":          {"申请备案", "New filing"},
	"precheck.intro":          {"填写备案的域名及主办单位证件信息。没有备案记录的被认定为首次备案；证件号已有备案但域名无备案记录的为新增网站；证件号和域名都已在其他接入商备案的为新增接入。", "Enter the domain and the subject's certificate. With no filing on record this is a first filing; a filed subject with a new domain adds a website; a subject and domain filed through another provider add this provider's access."},
	"precheck.domain":         {"域名", "Domain"},
	"precheck.domain.hint":    {"顶级域名，不需加 www.，例如 example.com", "The registered domain without www., e.g. example.com"},
	"precheck.certtype":       {"主办单位证件类型", "Subject certificate type"},
	"precheck.certnumber":     {"主办单位证件号码", "Subject certificate number"},
	"precheck.certhint":       {"三证合一后的营业执照请填写统一社会信用代码；身份证最后一位若为 X，请大写。", "For a business licence enter the unified social credit code; an ID number ending in X needs a capital X."},
	"precheck.submit":         {"验证", "Check"},
	"precheck.group.org":      {"单位证件", "Organization certificates"},
	"precheck.group.person":   {"个人证件", "Personal certificates"},
	"precheck.created":        {"已创建备案申请，备案类型：%s", "Application created; filing type: %s"},
	"precheck.refused":        {"无法申请备案", "This filing cannot be started"},
	"precheck.locked":         {"域名和主办单位证件在申请中不可修改；如有错误，请撤回后重新申请。", "The domain and the subject's certificate are locked in the application; to correct them, withdraw and start again."},

	// Steps.
	"step.subject":       {"主体信息", "Subject"},
	"step.websites":      {"网站信息", "Websites"},
	"step.access":        {"接入信息", "Access"},
	"step.uploads":       {"上传资料", "Documents"},
	"step.submit":        {"提交备案", "Submit"},
	"step.saved":         {"已保存", "Saved"},
	"step.saved.fix":     {"已保存。请修正标出的问题后再继续。", "Saved. Please fix the problems marked below before you continue."},
	"step.problems":      {"本页还有以下问题", "Problems on this page"},
	"step.other":         {"其他步骤还有 %d 个问题", "%d problems on other steps"},
	"step.locked":        {"当前状态下申请不可修改。", "The application cannot be edited in its current state."},
	"step.fromrecord":    {"以下信息来自已有备案记录，不可在此修改；如需修改，请先办理变更备案。", "This information comes from the filing on record and cannot be edited here; change the filing first if it is wrong."},
	"step.rejected":      {"审核驳回原因", "Reasons for rejection"},
	"step.warning":       {"提示", "Note"},
	"field.rejected":     {"驳回：", "Rejected: "},
	"subject.region":     {"主办单位所在地", "Location"},
	"subject.province":   {"省份", "Province"},
	"subject.city":       {"城市", "City"},
	"subject.county":     {"区县", "County"},
	"subject.nature":     {"主办单位性质", "Nature of the subject"},
	"subject.certtype":   {"主办单位证件类型", "Certificate type"},
	"subject.certnum":    {"主办单位证件号码", "Certificate number"},
	"subject.name":       {"主办单位名称", "Subject name"},
	"subject.name.hint":  {"填写证件上的完整名称；个人填写本人姓名", "The full registered name; an individual enters their own name"},
	"subject.certaddr":   {"主办单位证件住所", "Address on the certificate"},
	"subject.mailaddr":   {"主办单位通讯地址", "Mailing address"},
	"subject.mailhint":   {"请填写真实准确的详细地址，具体到街道以及门牌号；农村单位应详细填写到村", "A real, detailed address down to street and house number (rural: to the village)"},
	"subject.investor":   {"投资者或上级主管单位", "Investor or superior"},
	"subject.invhint":    {"若无特定投资人或主管单位，填写主办单位名称即可", "Without a distinct investor or superior, enter the subject's own name"},
	"subject.leader":     {"主办单位负责人", "Subject leader"},
	"subject.leadhint":   {"以公司为主体进行备案，主体负责人建议填写营业执照上法人的相关信息。办公室电话和手机号码，归属地需与主办单位所在地对应一致。", "For a company, the subject leader should be the legal representative on the business licence. Office phone and mobile must belong to the subject's province."},
	"subject.emergency":  {"应急联系电话", "Emergency phone"},
	"subject.emerghint":  {"手机号码，不能与负责人手机相同", "A mobile number other than any leader's"},
	"subject.remark":     {"备注", "Remark"},
	"person.name":        {"姓名", "Name"},
	"person.certtype":    {"证件类型", "ID type"},
	"person.certnum":     {"证件号码", "ID number"},
	"person.certhint":    {"最后一位若为 X，请大写", "A final X must be upper case"},
	"person.validfrom":   {"证件有效期起", "Valid from"},
	"person.validuntil":  {"证件有效期至", "Valid until"},
	"person.longterm":    {"长期", "No end date"},
	"person.office":      {"办公室电话", "Office phone"},
	"person.officehint":  {"例如 010-62345678", "e.g. 010-62345678"},
	"person.mobile":      {"手机号码", "Mobile"},
	"person.email":       {"电子邮箱", "Email"},
	"website.n":          {"网站 %d", "Website %d"},
	"website.add":        {"新增网站", "Add a website"},
	"website.remove":     {"删除此网站", "Remove this website"},
	"website.name":       {"网站名称", "Website name"},
	"website.namehint":   {"不可将域名或网址作为网站名称；非国家级单位的网站不得以“中国”等字头命名", "Not a domain or URL; only national bodies may use words such as 中国"},
	"website.domain":     {"网站域名", "Domain"},
	"website.homepage":   {"网站首页 URL", "Homepage URL"},
	"website.homehint":   {"填写顶级域名对应网址即可，如 www.abc.com", "The host of the homepage, e.g. www.abc.com"},
	"website.content":    {"网站服务内容", "Service content"},
	"website.conthint":   {"选择 1 至 5 项", "Choose 1 to 5"},
	"website.languages":  {"网站语言", "Languages"},
	"website.preapp":     {"前置审批", "Pre-approvals"},
	"website.preapphint": {"网站涉及新闻、出版、教育、医疗保健、药品和医疗器械、文化、广播电影电视节目等需先取得主管部门审批；未涉及则不填", "Only when the site is in a regulated sector (news, publishing, education, medical, drugs, culture, broadcasting …); leave empty otherwise"},
	"website.preapp.cat": {"审批类别", "Category"},
	"website.preapp.num": {"审批文号", "Approval number"},
	"website.leader":     {"网站负责人", "Website leader"},
	"website.sameleader": {"网站负责人与主办单位负责人为同一人", "The website leader is the subject leader"},
	"website.leaderhint": {"若网站负责人与主办单位负责人非同一人，请分别填写他们的手机号码和电子邮件，且二者信息不可相同。", "If the website leader is another person, their mobile and email must differ from the subject leader's."},
	"website.remark":     {"备注", "Remark"},
	"website.remarkhint": {"个人网站请简要描述网站内容", "Individuals: briefly describe the site's content"},
	"website.removed":    {"已删除网站", "Website removed"},
	"website.added":      {"已新增网站，请填写", "Website added; please fill it in"},
	"access.for":         {"%s 的接入信息", "Access of %s"},
	"access.method":      {"网站接入方式", "Access method"},
	"access.ips":         {"网站 IP 地址", "IP addresses"},
	"access.ipshint":     {"必须填写属于本公司网段的 IP 地址，每行一个", "Addresses in this provider's ranges, one per line"},
	"access.location":    {"服务器放置地点", "Server location"},
	"access.provider":    {"接入服务单位", "Access provider"},

	// Uploads.
	"uploads.intro":              {"所有附件应为原件彩色扫描件或原件拍照，格式为 JPG，至少 600×400 像素。身份证正反面需要合成一张图片上传；大陆境内身份证需在 3 个月内有效。", "Every attachment is a colour scan or photo of the original, as JPEG, at least 600×400 pixels. Both sides of an ID card go into one image."},
	"uploads.upload":             {"PC上传", "Upload"},
	"uploads.file":               {"选择文件", "Choose file"},
	"uploads.nofile":             {"未选择文件", "No file chosen"},
	"uploads.replace":            {"重新上传", "Replace"},
	"uploads.merge":              {"正反面分开拍摄？上传两张照片，系统合成一张", "Front and back photographed separately? Upload both and we merge them"},
	"uploads.front":              {"正面（人像面）", "Front (photo side)"},
	"uploads.back":               {"反面（国徽面）", "Back"},
	"uploads.mergebtn":           {"合成并上传", "Merge and upload"},
	"uploads.choosefirst":        {"请选择要上传的文件", "Choose a file to upload"},
	"uploads.signedon":           {"网站负责人签字日期", "Date of the leader's signature"},
	"uploads.missing":            {"缺少", "missing"},
	"uploads.done":               {"已上传", "uploaded"},
	"uploads.optional":           {"可选", "optional"},
	"uploads.uploaded":           {"上传成功", "Uploaded"},
	"uploads.deleted":            {"已删除附件", "Attachment deleted"},
	"uploads.print":              {"打印核验单", "Print the verification form"},
	"uploads.formhint":           {"《网站备案信息真实性核验单》只需填写“网站主办者名称”和“网站域名”（不需加 www.），并在“网站负责人签字”处签字加盖公章（个人备案需要按手印）。请勿在“核验人签字及单位盖章”处填写任何信息。", "On the verification form fill in only the subject name and the domain (without www.), and sign (and seal; individuals press a fingerprint) where the website leader signs. Leave the verifier's box empty."},
	"uploads.photohint":          {"首次备案时可上传域名证书代替暂未获得的现场核验照片；域名证书中的注册者需与备案主体或主体负责人一致。", "At a first filing the domain certificate may stand in for the backdrop photo you do not have yet; its registrant must be the subject or its leader."},
	"uploads.size":               {"%d×%d 像素，%s", "%d×%d px, %s"},
	"uploads.subjectlevel":       {"主体资料", "Subject documents"},
	"uploads.websitelevel":       {"%s 的资料", "Documents of %s"},
	"kind.subject_certificate":   {"主办单位证件", "Subject certificate"},
	"kind.subject_leader_id":     {"主体负责人证件（正反面合成一张）", "Subject leader's ID (both sides in one image)"},
	"kind.website_leader_id":     {"网站负责人证件（正反面合成一张）", "Website leader's ID (both sides in one image)"},
	"kind.verification_form":     {"网站备案信息真实性核验单", "Verification form"},
	"kind.site_photo":            {"现场核验照片", "Backdrop photo"},
	"kind.domain_certificate":    {"域名证书", "Domain certificate"},
	"kind.pre_approval_document": {"前置审批文件", "Pre-approval document"},
	"kind.authorization_letter":  {"授权书", "Letter of authorization"},
	"kind.security_letter":       {"网络安全责任书", "Security responsibility letter"},

	// Submit and progress.
	"submit.title":                   {"提交备案", "Submit"},
	"submit.ready":                   {"资料已齐全，可以提交备案，等待初审。", "Everything is complete; submit for initial review."},
	"submit.missing":                 {"提交前还需完成以下内容", "Still needed before you can submit"},
	"submit.button":                  {"提交备案", "Submit"},
	"submit.done":                    {"已提交备案，等待初审", "Submitted for initial review"},
	"submit.privacy":                 {"为确保审核通过，域名在审核期间不要开启隐私保护。", "Keep the domain's WHOIS privacy protection off during the review."},
	"submit.after":                   {"提交备案后我们会在 2 个工作日内进行审核，并以邮件或电话和您沟通，请保持电话畅通并及时查看邮件。", "We review within 2 working days and contact you by email or phone about any problem."},
	"submit.warnings":                {"提示（不影响提交）", "Notes (do not block submission)"},
	"submit.gofix":                   {"去修改", "Fix"},
	"progress.title":                 {"备案进度", "Progress"},
	"progress.state":                 {"当前状态", "State"},
	"progress.flow":                  {"备案类型", "Filing type"},
	"progress.due":                   {"本环节截止", "Due"},
	"progress.eta":                   {"预计完成日期", "Estimated approval"},
	"progress.submitted":             {"提交时间", "Submitted"},
	"progress.created":               {"创建时间", "Created"},
	"progress.timeline":              {"办理记录", "History"},
	"progress.numbers":               {"备案号", "Filing numbers"},
	"progress.subjectno":             {"主体备案号", "Subject number"},
	"progress.siteno":                {"网站备案号", "Website number"},
	"progress.reasons":               {"驳回原因", "Reasons"},
	"progress.edit":                  {"修改并重新提交", "Edit and resubmit"},
	"progress.continue":              {"继续填写", "Continue"},
	"progress.withdraw":              {"撤回申请", "Withdraw"},
	"progress.withdrawconfirm":       {"撤回后申请将终止，确定撤回吗？", "Withdrawing ends the application. Withdraw?"},
	"progress.withdrawn":             {"申请已撤回", "The application was withdrawn"},
	"progress.sms":                   {"短信核验", "SMS verification"},
	"progress.created.event":         {"创建申请", "Application created"},
	"progress.actor.applicant":       {"申请人", "Applicant"},
	"progress.actor.reviewer":        {"审核员", "Reviewer"},
	"progress.actor.bureau":          {"管局", "Bureau"},
	"progress.actor.system":          {"系统", "System"},
	"progress.next.draft":            {"请完成各步骤并提交备案。", "Complete every step and submit."},
	"progress.next.initial_review":   {"我们会在 2 个工作日内完成初审，请保持电话畅通并及时查看邮件。", "We complete the initial review within 2 working days; keep your phone and email at hand."},
	"progress.next.initial_rejected": {"初审未通过，请按驳回原因修改后重新提交。", "The initial review found problems: fix the fields named and resubmit."},
	"progress.next.verification":     {"初审已通过：请携带“网站真实性核验单+网络安全责任书”原件到办公地点面签，或自制幕布拍照并邮寄资料。", "Initial review passed: bring the verification form and the security letter to an office for signing, or take a backdrop photo and mail the originals."},
	"progress.next.material_review":  {"我们已收到纸质资料，会在 1.5 个工作日内完成审核。", "We received the paper documents and review them within 1.5 working days."},
	"progress.next.ready_for_bureau": {"审核通过，即将提交管局。", "Reviewed; about to be submitted to the bureau."},
	"progress.next.bureau_sms":       {"管局已发送短信验证码，请负责人在 24 小时内完成短信核验。", "The bureau texted a code: the leaders must confirm it within 24 hours."},
	"progress.next.bureau_review":    {"管局审核中，最终审核时间以管局为准。", "The bureau is reviewing; it decides the final timing."},
	"progress.next.bureau_rejected":  {"管局审核未通过，请按原因修改后重新提交。", "The bureau rejected the filing: fix and resubmit."},
	"progress.next.approved":         {"备案成功。请在网站底部展示备案号并链接至 https://beian.miit.gov.cn ，并在网站开通之日起 30 日内办理公安联网备案。", "Approved. Show the number in your site's footer linked to https://beian.miit.gov.cn, and file with the public security bureau within 30 days."},
	"progress.next.withdrawn":        {"申请已撤回。", "The application was withdrawn."},

	"verform.title":    {"网站备案信息真实性核验单", "Website filing verification form"},
	"verform.subject":  {"网站主办者名称", "Website owner"},
	"verform.domain":   {"网站域名", "Website domain"},
	"verform.sign":     {"网站负责人签字（单位盖章；个人按手印）", "Website leader's signature (seal; individuals: fingerprint)"},
	"verform.date":     {"日期", "Date"},
	"verform.verifier": {"核验人签字及单位盖章（请勿填写）", "Verifier's signature and seal (leave empty)"},
	"verform.print":    {"打印", "Print"},
	"verform.provider": {"接入服务单位", "Access provider"},
}

// states are the workflow states in both languages (workflow.md).
var states = map[string][2]string{
	"draft":            {"待提交", "Draft"},
	"initial_review":   {"初审中", "Initial review"},
	"initial_rejected": {"初审驳回（待修改）", "Rejected at initial review"},
	"verification":     {"待核验", "Awaiting verification"},
	"material_review":  {"材料审核中", "Material review"},
	"ready_for_bureau": {"待提交管局", "Ready for the bureau"},
	"bureau_sms":       {"待短信核验", "Awaiting SMS confirmation"},
	"bureau_review":    {"管局审核中", "Bureau review"},
	"bureau_rejected":  {"管局驳回", "Rejected by the bureau"},
	"approved":         {"已备案", "Approved"},
	"withdrawn":        {"已撤回", "Withdrawn"},
}

// flows are the filing types in both languages (workflow.md).
var flows = map[string][2]string{
	"first_filing":   {"首次备案", "First filing"},
	"new_website":    {"新增网站", "New website"},
	"new_access":     {"新增接入", "New access"},
	"change_subject": {"变更主体", "Subject change"},
	"change_website": {"变更网站", "Website change"},
	"change_access":  {"变更接入", "Access change"},
	"cancel_subject": {"注销主体", "Subject cancellation"},
	"cancel_website": {"注销网站", "Website cancellation"},
	"cancel_access":  {"取消接入", "Access cancellation"},
}

// refEN gives English names for the small reference tables, whose data
// files carry only Chinese. A key without an entry falls back to Chinese.
var refEN = map[string]string{
	// natures
	"defense": "Defence body", "government": "Government agency", "institution": "Public institution",
	"enterprise": "Enterprise", "individual": "Individual", "social_group": "Social organization",
	"private_non_enterprise": "Private non-enterprise unit",
	// certificate types
	"business_license": "Business licence", "foreign_enterprise_rep_certificate": "Foreign enterprise representative office certificate",
	"org_code_certificate": "Organization code certificate", "uscc_certificate": "Unified social credit code certificate",
	"institution_certificate": "Public institution certificate", "military_code": "Military unit code",
	"military_service_license": "Military paid-service licence", "social_group_certificate": "Social organization certificate",
	"private_non_enterprise_certificate": "Private non-enterprise certificate", "social_service_certificate": "Social service organization certificate",
	"private_school_license": "Private school licence", "foundation_certificate": "Foundation certificate",
	"law_firm_license": "Law firm licence", "foreign_cultural_center_certificate": "Foreign cultural centre certificate",
	"judicial_appraisal_license": "Judicial appraisal licence", "religious_venue_certificate": "Religious venue certificate",
	"overseas_org_certificate": "Overseas organization certificate", "medical_institution_license": "Medical institution licence",
	"notary_license": "Notary licence", "collective_economy_certificate": "Rural collective economy certificate",
	"arbitration_certificate": "Arbitration commission certificate", "resident_id": "Resident ID card", "passport": "Passport",
	"taiwan_travel_permit": "Taiwan travel permit", "hk_macao_travel_permit": "Hong Kong/Macao travel permit",
	"foreign_permanent_residence": "Foreign permanent residence ID", "hk_macao_residence_permit": "Hong Kong/Macao residence permit",
	"taiwan_residence_permit": "Taiwan residence permit",
	// content types
	"instant_messaging": "Instant messaging", "search_engine": "Search engine", "portal": "Portal", "email": "Email",
	"news": "News", "blog": "Blog", "advertising": "Advertising", "corporate_portal": "Organization website",
	"shopping": "Online shopping", "payment": "Online payment", "online_banking": "Online banking", "securities": "Securities",
	"games": "Online games", "music": "Music", "video": "Video", "images": "Images", "software_download": "Software downloads",
	"jobs": "Jobs", "dating": "Dating", "real_estate": "Real estate", "education": "Education", "web_building": "Web building",
	"wap": "WAP", "other": "Other",
	// languages
	"zh-Hans": "Simplified Chinese", "zh-Hant": "Traditional Chinese", "ug": "Uyghur", "kk": "Kazakh", "ky": "Kyrgyz",
	"mn": "Mongolian", "bo": "Tibetan", "za": "Zhuang", "ko": "Korean", "ii": "Yi", "hmn": "Miao", "en": "English",
	"ja": "Japanese", "fr": "French", "ru": "Russian", "es": "Spanish", "ar": "Arabic",
	// pre-approval categories (news, education, other share keys above)
	"publishing": "Publishing", "medical": "Medical", "drugs_devices": "Drugs and medical devices",
	"bbs": "Bulletin boards", "culture": "Culture", "broadcasting": "Radio, film and TV", "ride_hailing": "Ride hailing",
	"internet_finance": "Internet finance", "tutoring": "Off-campus tutoring", "religion": "Religion",
	// access methods
	"dedicated_line": "Dedicated line", "colocation": "Colocation", "virtual_host": "Virtual hosting", "cloud": "Cloud",
}

// tr translates key into lang, formatting args when given. A missing key
// shows itself, which the catalog test catches.
func tr(lang, key string, args ...any) string {
	s, ok := catalog[key]
	if !ok {
		return key
	}
	out := s[0]
	if lang == "en" {
		out = s[1]
	}
	if len(args) > 0 {
		return fmt.Sprintf(out, args...)
	}
	return out
}

func pick(lang string, pair [2]string, fallback string) string {
	if pair[0] == "" {
		return fallback
	}
	if lang == "en" {
		return pair[1]
	}
	return pair[0]
}

// stateName is a state's display name.
func stateName(lang, state string) string { return pick(lang, states[state], state) }

// flowName is a flow's display name.
func flowName(lang, flow string) string { return pick(lang, flows[flow], flow) }

// refName is a reference-table item's display name: its Chinese name, or
// in English the translation when the catalog has one.
func refName(lang, key, zh string) string {
	if lang == "en" {
		if en, ok := refEN[key]; ok {
			return en
		}
	}
	return zh
}
