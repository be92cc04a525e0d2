package service

import (
	"context"
	"fmt"
	"time"

	"beian/internal/notify"
	"beian/internal/storage"
	"beian/internal/workdays"
	"beian/internal/workflow"
)

// A draft reserves nothing, so it must not live for ever either
// (workflow.md "What reserves a subject or a domain"): one untouched for
// DraftLife is withdrawn by the scheduler, and its owner is mailed
// DraftWarning before. "Untouched" is the document's last save
// (updated_at): a save keeps a draft for another DraftLife.
const (
	DraftLife    = 30 * 24 * time.Hour
	DraftWarning = 7 * 24 * time.Hour

	// JobDraftExpiry is the periodic job that warns about and withdraws stale drafts.
	JobDraftExpiry = "drafts.expire"
	// DraftExpiryEvery is how often it looks.
	DraftExpiryEvery = time.Hour
	// draftBatch bounds one run's work; the next run takes the rest.
	draftBatch = 500
)

// ScheduleDraftExpiry queues the first run (idempotent: every instance may
// call it at start, the slot key keeps one job).
func (s *Service) ScheduleDraftExpiry(ctx context.Context) error {
	return storeErr(s.st.Tx(ctx, func(tx *storage.Tx) error { return s.enqueueDraftExpiry(ctx, tx, s.now()) }))
}

func (s *Service) enqueueDraftExpiry(ctx context.Context, tx *storage.Tx, at time.Time) error {
	return enqueueSlot(ctx, tx, JobDraftExpiry, "drafts-expire:", DraftExpiryEvery, at)
}

// ExpireDrafts mails the owner of every draft untouched for DraftLife −
// DraftWarning (once per version of the draft) and withdraws every draft
// untouched for DraftLife. It reports how many it warned and withdrew.
func (s *Service) ExpireDrafts(ctx context.Context) (warned, withdrawn int, err error) {
	now := s.now()
	stale, err := s.st.StaleDrafts(ctx, now.Add(-(DraftLife - DraftWarning)), draftBatch)
	if err != nil {
		return 0, 0, storeErr(err)
	}
	for _, sa := range stale {
		if !sa.UpdatedAt.After(now.Add(-DraftLife)) {
			err = s.st.Tx(ctx, func(tx *storage.Tx) error {
				cur, err := tx.ApplicationForUpdate(ctx, sa.ID)
				if err != nil {
					return err
				}
				if cur.State != string(workflow.Draft) || cur.Version != sa.Version {
					return nil // submitted or saved meanwhile: no longer stale
				}
				return s.withdrawTx(ctx, tx, cur, workflow.Scheduler, "", string(workflow.Scheduler))
			})
			if err != nil {
				return warned, withdrawn, storeErr(err)
			}
			withdrawn++
			continue
		}
		// The mail's key names the draft's version (notifyOwner): hourly
		// runs send it once, and a draft saved and left alone again is
		// warned again.
		err = s.st.Tx(ctx, func(tx *storage.Tx) error {
			return s.notifyOwner(ctx, tx, sa, notify.TplDraftExpiring,
				notify.Data{DueAt: sa.UpdatedAt.Add(DraftLife).In(workdays.CST).Format("2006-01-02 15:04")})
		})
		if err != nil {
			return warned, withdrawn, storeErr(err)
		}
		warned++
	}
	if withdrawn > 0 {
		s.poke()
	}
	return warned, withdrawn, nil
}

// runDraftExpiry is the job: expire, then queue the next run.
func (s *Service) runDraftExpiry(ctx context.Context, j storage.Job) error {
	if _, _, err := s.ExpireDrafts(ctx); err != nil {
		return fmt.Errorf("expire drafts: %w", err)
	}
	return s.st.Tx(ctx, func(tx *storage.Tx) error {
		if err := s.enqueueDraftExpiry(ctx, tx, s.now().Add(time.Minute)); err != nil {
			return err
		}
		return tx.CompleteJob(ctx, j.ID)
	})
}
