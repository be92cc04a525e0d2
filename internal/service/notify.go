package service

import (
	"context"

	"beian/internal/notify"
	"beian/internal/storage"
)

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
