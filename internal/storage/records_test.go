package storage_test

import (
	"context"
	"errors"
	"testing"

	"beian/internal/storage"
	"beian/internal/storage/storagetest"
)

func TestRecords(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		now := s.Now().UTC()
		sub := &storage.SubjectRecord{Number: "京ICP备2026000001号", OwnerID: "u1", Province: "110000", Nature: "enterprise",
			CertType: "business_license", CertHash: "ch", Name: "示例", Status: storage.RecordActive, Data: "sealed", ApplicationID: "a1", UpdatedAt: now}
		var serials []int
		err := s.Tx(ctx, func(tx *storage.Tx) error {
			if err := tx.PutSubjectRecord(ctx, sub); err != nil {
				return err
			}
			for range 2 {
				n, err := tx.TakeWebsiteSerial(ctx, sub.ID)
				if err != nil {
					return err
				}
				serials = append(serials, n)
			}
			w := &storage.WebsiteRecord{SubjectID: sub.ID, Number: sub.Number + "-1", Domain: "example.cn", Name: "站", Status: storage.RecordActive, Data: "s", UpdatedAt: now}
			if err := tx.PutWebsiteRecord(ctx, w); err != nil {
				return err
			}
			if err := tx.PutAccessRecord(ctx, &storage.AccessRecord{WebsiteID: w.ID, Status: storage.RecordActive, Data: "{}", UpdatedAt: now}); err != nil {
				return err
			}
			// A second version of the subject.
			sub.Name = "示例二"
			sub.ApplicationID = "a2"
			sub.NextWebsite = 1 // must not move the serial back
			return tx.PutSubjectRecord(ctx, sub)
		})
		if err != nil {
			t.Fatal(err)
		}
		if serials[0] != 1 || serials[1] != 2 {
			t.Errorf("serials %v", serials)
		}
		got, err := s.SubjectRecordByNumber(ctx, "京ICP备2026000001号")
		if err != nil || got.Version != 2 || got.Name != "示例二" || got.NextWebsite != 3 {
			t.Fatalf("subject: %+v %v", got, err)
		}
		vs, err := s.RecordVersions(ctx, "subject", sub.ID)
		if err != nil || len(vs) != 2 || vs[0].ApplicationID != "a1" || vs[1].ApplicationID != "a2" {
			t.Errorf("versions: %+v %v", vs, err)
		}
		if rs, _ := s.SubjectRecordsByCert(ctx, "ch", storage.RecordActive); len(rs) != 1 {
			t.Errorf("by cert: %d", len(rs))
		}
		ws, err := s.WebsiteRecordsByDomain(ctx, "example.cn")
		if err != nil || len(ws) != 1 {
			t.Fatalf("by domain: %v %v", ws, err)
		}
		if as, _ := s.AccessRecordsByWebsite(ctx, ws[0].ID); len(as) != 1 || as[0].Status != storage.RecordActive {
			t.Errorf("access: %+v", as)
		}
		// A number is never issued twice.
		err = s.Tx(ctx, func(tx *storage.Tx) error {
			return tx.PutSubjectRecord(ctx, &storage.SubjectRecord{Number: sub.Number, Status: storage.RecordActive, Data: "x", UpdatedAt: now})
		})
		if !errors.Is(err, storage.ErrConflict) {
			t.Errorf("reused number: %v", err)
		}
	})
}
