package service

import (
	"context"
	"fmt"
	"strings"

	"beian/internal/filing"
	"beian/internal/storage"
)

// JobNotifyEmail is the job kind the notification worker sends as an email.
const JobNotifyEmail = "notify.email"

// EmailPayload is the payload of a notify.email job.
type EmailPayload struct {
	To      string `json:"to,omitempty"`
	Subject string `json:"subject"`
	Body    string `json:"body,omitempty"`
	Lang    string `json:"lang"`
	// Sealed recipient and body (queueEmail): the jobs table keeps payloads
	// after sending, and bodies carry reset links.
	ToSealed   string `json:"to_sealed,omitempty"`
	BodySealed string `json:"body_sealed,omitempty"`
}

// message is an email in both languages.
type message struct{ Subject, Body filing.Text }

// queueEmail queues an email in tx, so it is sent exactly when the change it
// announces committed. key makes retried requests queue it once.
func (s *Service) queueEmail(ctx context.Context, tx *storage.Tx, to, lang, key string, m message) error {
	lang = normLang(lang)
	return tx.Enqueue(ctx, JobNotifyEmail, EmailPayload{ToSealed: s.seal.Seal(strings.ToLower(strings.TrimSpace(to))), Subject: m.Subject.In(lang),
		BodySealed: s.seal.Seal(m.Body.In(lang)), Lang: lang}, key, s.now())
}

func msgRegistered(name, baseURL string) message {
	return message{
		Subject: filing.Text{ZH: "欢迎注册 Beian 备案系统", EN: "Welcome to Beian"},
		Body: filing.Text{
			ZH: fmt.Sprintf("%s，您好：\n\n您的账号已注册成功。登录后即可在首页点击“申请备案”开始 ICP 备案：\n%s\n", nameOr(name, "您好"), baseURL),
			EN: fmt.Sprintf("Hello %s,\n\nyour account is ready. Log in and choose \"Apply\" on the home page to start an ICP filing:\n%s\n", nameOr(name, ""), baseURL),
		},
	}
}

func msgPasswordReset(name, link string) message {
	return message{
		Subject: filing.Text{ZH: "重置您的 Beian 密码", EN: "Reset your Beian password"},
		Body: filing.Text{
			ZH: fmt.Sprintf("%s，您好：\n\n请在 1 小时内打开以下链接设置新密码（仅可使用一次）：\n%s\n\n如果不是您本人操作，请忽略本邮件。\n", nameOr(name, "用户"), link),
			EN: fmt.Sprintf("Hello %s,\n\nopen this link within one hour to set a new password (it works once):\n%s\n\nIf you did not ask for this, ignore this email.\n", nameOr(name, ""), link),
		},
	}
}

func msgSubmitted(appID, subjectName, due, baseURL string) message {
	link := baseURL + "/applications/" + appID
	return message{
		Subject: filing.Text{ZH: "备案申请已提交，进入初审", EN: "Filing application submitted for initial review"},
		Body: filing.Text{
			ZH: fmt.Sprintf("您为“%s”提交的备案申请已进入初审，预计在 %s 前完成初审。进度：\n%s\n", subjectName, due, link),
			EN: fmt.Sprintf("Your filing application for \"%s\" is in initial review, due by %s. Progress:\n%s\n", subjectName, due, link),
		},
	}
}

func nameOr(n, def string) string {
	if n == "" {
		return def
	}
	return n
}
