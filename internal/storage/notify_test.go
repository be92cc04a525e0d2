package storage_test

import (
	"context"
	"testing"
	"time"

	"beian/internal/storage"
	"beian/internal/storage/storagetest"
)

func TestOutbox(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		base := s.Now().Add(-time.Hour)
		msgs := []storage.OutboxMessage{
			{Channel: "email", RecipientSealed: "k1:a", RecipientHash: "ha", RecipientMasked: "a***@x.cn", Subject: "one", Body: "b1", Lang: "zh", IdemKey: "m1", SentAt: base},
			{Channel: "sms", RecipientSealed: "k1:m", RecipientHash: "hm", RecipientMasked: "138****8000", Body: "code 123456", Lang: "zh", IdemKey: "m2", SentAt: base.Add(time.Minute)},
			{Channel: "email", RecipientSealed: "k1:a", RecipientHash: "ha", RecipientMasked: "a***@x.cn", Subject: "two", Body: "b2", Lang: "en", IdemKey: "m3", SentAt: base.Add(2 * time.Minute)},
		}
		for _, m := range msgs {
			err := s.Tx(ctx, func(tx *storage.Tx) error {
				added, err := tx.InsertOutbox(ctx, m)
				if err == nil && !added {
					t.Errorf("%s not added", m.IdemKey)
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		// The same key again: nothing added, no error.
		err := s.Tx(ctx, func(tx *storage.Tx) error {
			dup := msgs[0]
			dup.Body = "changed"
			added, err := tx.InsertOutbox(ctx, dup)
			if added {
				t.Error("duplicate idempotency key added a row")
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		all, err := s.ListOutbox(ctx, storage.OutboxFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != 3 || all[0].Subject != "two" || all[2].Body != "b1" {
			t.Fatalf("list = %+v", all)
		}
		if !all[0].SentAt.Equal(base.Add(2 * time.Minute).Truncate(time.Millisecond)) {
			t.Errorf("sent_at = %v", all[0].SentAt)
		}
		emails, _ := s.ListOutbox(ctx, storage.OutboxFilter{Channel: "email", RecipientHash: "ha"})
		if len(emails) != 2 {
			t.Errorf("filter by channel and recipient: %d", len(emails))
		}
		sms, _ := s.ListOutbox(ctx, storage.OutboxFilter{Channel: "sms"})
		if len(sms) != 1 || sms[0].RecipientMasked != "138****8000" || sms[0].Body != "code 123456" {
			t.Errorf("sms = %+v", sms)
		}
		one, _ := s.ListOutbox(ctx, storage.OutboxFilter{Limit: 1})
		if len(one) != 1 {
			t.Errorf("limit: %d", len(one))
		}
		if err := s.Tx(ctx, func(tx *storage.Tx) error {
			_, err := tx.InsertOutbox(ctx, storage.OutboxMessage{Channel: "sms", Body: "x"})
			return err
		}); err == nil {
			t.Error("empty idempotency key accepted")
		}
	})
}

func TestSentMessages(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		if ok, err := s.WasSent(ctx, "k"); ok || err != nil {
			t.Fatalf("WasSent before = %v, %v", ok, err)
		}
		for i := 0; i < 2; i++ {
			if err := s.Tx(ctx, func(tx *storage.Tx) error {
				return tx.RecordSent(ctx, storage.SentMessage{IdemKey: "k", Channel: "email", RecipientMasked: "a***@x.cn", Subject: "s"})
			}); err != nil {
				t.Fatal(err)
			}
		}
		if ok, err := s.WasSent(ctx, "k"); !ok || err != nil {
			t.Fatalf("WasSent after = %v, %v", ok, err)
		}
		if n, _ := s.CountSent(ctx, "email"); n != 1 {
			t.Errorf("CountSent = %d", n)
		}
	})
}
