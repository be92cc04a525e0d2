package service

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"beian/internal/blob"
	"beian/internal/jobs"
	"beian/internal/storage"
	"beian/internal/workflow"
)

// Attachment bytes are removed by background jobs queued in the same
// transaction as the change that orphans them: a deleted or replaced
// attachment, a withdrawn application. The database commit is the
// decision; the job (retried until the store answers) makes the bytes
// follow, so neither a crash nor an unreachable object store leaves blobs
// behind or deletes bytes a row still points to.
const (
	// JobBlobDelete removes one blob whose attachment row is gone.
	JobBlobDelete = "blob.delete"
	// JobBlobsOfWithdrawn removes the attachments (rows and blobs) of a
	// withdrawn application.
	JobBlobsOfWithdrawn = "blob.delete_withdrawn"
)

type blobDeletePayload struct {
	Key string `json:"key"`
}

type withdrawnPayload struct {
	ApplicationID string `json:"application_id"`
}

// JobHandlers are the attachment cleanup handlers for the jobs.Runner.
func (s *Service) JobHandlers() map[string]jobs.Handler {
	return map[string]jobs.Handler{
		JobBlobDelete:       s.runBlobDelete,
		JobBlobsOfWithdrawn: s.runBlobsOfWithdrawn,
	}
}

// queueBlobDelete schedules the removal of a blob whose row this
// transaction deletes, at (zero: now).
func queueBlobDelete(ctx context.Context, tx *storage.Tx, key string, at time.Time) error {
	return tx.Enqueue(ctx, JobBlobDelete, blobDeletePayload{Key: key}, blobDeleteKey(key), at)
}

func blobDeleteKey(key string) string { return "blob.delete:" + key }

// SweepBlobs removes blobs no row wants that are older than the grace
// period: a process killed between writing a blob and committing its row
// leaves one, and one killed while writing leaves a local ".tmp-*" file.
// The grace keeps files a running upload has written but not committed
// yet, and those a backup taken within it still references (blobDeleteAt).
// The wiring calls it now and then, like Cleanup. It reports how many
// blobs and temporary files it removed.
func (s *Service) SweepBlobs(ctx context.Context) (int, error) {
	before := s.now().Add(-max(s.blobGrace, time.Hour))
	n := 0
	if l, ok := s.blobs.(interface {
		SweepTemp(context.Context, time.Time) (int, error)
	}); ok {
		m, err := l.SweepTemp(ctx, before)
		if err != nil {
			return n, err
		}
		n += m
	}
	lister, ok := s.blobs.(blob.Lister)
	if !ok {
		return n, nil
	}
	var orphans []string
	err := lister.List(ctx, func(key string, modified time.Time) error {
		if !modified.Before(before) {
			return nil
		}
		wanted, err := s.st.BlobReferenced(ctx, key, blobDeleteKey(key))
		if err != nil {
			return err
		}
		if !wanted {
			orphans = append(orphans, key)
		}
		return nil
	})
	if err != nil {
		return n, fmt.Errorf("sweep blobs: %w", err)
	}
	for _, key := range orphans {
		if err := s.blobs.Delete(ctx, key); err != nil && !errors.Is(err, blob.ErrInvalidKey) {
			return n, fmt.Errorf("sweep blob: %w", err)
		}
		n++
	}
	if n > 0 {
		s.log.Info("swept orphaned attachment files", "count", n)
	}
	return n, nil
}

// queueWithdrawnCleanup schedules the removal of a withdrawn
// application's attachments (called in the withdrawal's transaction).
func queueWithdrawnCleanup(ctx context.Context, tx *storage.Tx, applicationID string, at time.Time) error {
	return tx.Enqueue(ctx, JobBlobsOfWithdrawn, withdrawnPayload{ApplicationID: applicationID}, "blob.delete_withdrawn:"+applicationID, at)
}

// blobDeleteAt is when orphaned bytes may go: after the grace period, so a
// backup whose database snapshot still references them finds them when it
// copies the files (issue 8: a backup taken during a running filing).
func (s *Service) blobDeleteAt() time.Time {
	if s.blobGrace <= 0 {
		return time.Time{}
	}
	return s.now().Add(s.blobGrace)
}

func (s *Service) runBlobDelete(ctx context.Context, j storage.Job) error {
	var p blobDeletePayload
	if err := json.Unmarshal(j.Payload, &p); err != nil {
		return jobs.Permanent(fmt.Errorf("blob.delete payload: %w", err))
	}
	if err := s.blobs.Delete(ctx, p.Key); err != nil {
		if errors.Is(err, blob.ErrInvalidKey) {
			return jobs.Permanent(err)
		}
		return fmt.Errorf("delete blob: %w", err)
	}
	return nil
}

// runBlobsOfWithdrawn deletes the blobs first and the rows after, so a
// failure half-way leaves rows to retry with, never unreferenced bytes.
func (s *Service) runBlobsOfWithdrawn(ctx context.Context, j storage.Job) error {
	var p withdrawnPayload
	if err := json.Unmarshal(j.Payload, &p); err != nil {
		return jobs.Permanent(fmt.Errorf("blob.delete_withdrawn payload: %w", err))
	}
	sa, err := s.st.Application(ctx, p.ApplicationID)
	if errors.Is(err, storage.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if sa.State != string(workflow.Withdrawn) {
		return nil // not withdrawn (any more): keep everything
	}
	atts, err := s.st.Attachments(ctx, sa.ID)
	if err != nil {
		return err
	}
	for _, at := range atts {
		if err := s.blobs.Delete(ctx, at.BlobKey); err != nil && !errors.Is(err, blob.ErrInvalidKey) {
			return fmt.Errorf("delete blob of withdrawn application: %w", err)
		}
	}
	return s.st.Tx(ctx, func(tx *storage.Tx) error {
		for _, at := range atts {
			if err := tx.DeleteAttachment(ctx, sa.ID, at.ID); err != nil && !errors.Is(err, storage.ErrNotFound) {
				return err
			}
		}
		return nil
	})
}
