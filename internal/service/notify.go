package service

import (
	"context"
	"fmt"
	"strings"

	"beian/internal/filing"
	"beian/internal/notify"
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

func msgPasswordReset(name, link, provider string) message {
	return message{
		Subject: filing.Text{ZH: "重置您的" + provider + "备案账号密码", EN: "Reset your " + provider + " filing account password"},
		Body: filing.Text{
			ZH: fmt.Sprintf("%s，您好：\n\n我们收到了重置密码的请求。请在 1 小时内打开以下链接设置新密码（仅可使用一次）：\n%s\n\n如果不是您本人操作，请忽略本邮件，您的密码不会改变。\n%s\n", nameOr(name, "用户"), link, provider),
			EN: fmt.Sprintf("Hello %s,\n\nWe received a request to reset your password. Open this link within one hour to choose a new one (it works once):\n%s\n\nIf you did not ask for this, ignore this email; your password stays the same.\n%s\n", nameOr(name, "there"), link, provider),
		},
	}
}

// queueTemplate queues a templated email (notify/templates.go) to one
// account in tx; the template adds the greeting, the provider's name and
// the signature.
func (s *Service) queueTemplate(ctx context.Context, tx *storage.Tx, to, lang, key, tpl string, d notify.Data) error {
	return s.queueNotice(ctx, tx, key, notify.Payload{To: to, Template: tpl, Data: &d, Lang: normLang(lang)})
}

// queueNotice queues a templated email job in tx, sealed: recipient and
// template data never sit in the jobs table in clear.
func (s *Service) queueNotice(ctx context.Context, tx *storage.Tx, key string, p notify.Payload) error {
	if err := p.Seal(s.seal, notify.Email); err != nil {
		return err
	}
	return tx.Enqueue(ctx, notify.JobEmail, p, key, s.now())
}

func nameOr(n, def string) string {
	if n == "" {
		return def
	}
	return n
}
