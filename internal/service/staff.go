package service

import (
	"context"

	"beian/internal/fault"
	"beian/internal/filing"
	"beian/internal/storage"
)

// Staff accounts over their life: an admin disables one (it cannot log in
// and its sessions end at once) or enables it again, and sets a new
// initial password when someone forgot theirs (their sessions end too).
// An admin never does either to their own account: locking oneself out
// is a mistake, not an administration.

// staffTarget reads the staff account id for admin a, refusing a's own.
func (s *Service) staffTarget(ctx context.Context, a *Account, id string) (*storage.Account, error) {
	if err := requireAdmin(a); err != nil {
		return nil, err
	}
	sa, err := s.st.AccountByID(ctx, id)
	if err != nil {
		return nil, storeErr(err)
	}
	if sa.Role != RoleReviewer && sa.Role != RoleAdmin {
		return nil, notFound()
	}
	if sa.ID == a.ID {
		return nil, fault.NewInvalid([]filing.Violation{fault.Violated("staff.self", "id")})
	}
	return sa, nil
}

// SetStaffDisabled disables (or enables again) a staff account; disabling
// ends its sessions in the same transaction.
func (s *Service) SetStaffDisabled(ctx context.Context, a *Account, id string, disabled bool) error {
	sa, err := s.staffTarget(ctx, a, id)
	if err != nil {
		return err
	}
	action := "account.enable"
	if disabled {
		action = "account.disable"
	}
	err = s.st.Tx(ctx, func(tx *storage.Tx) error {
		if err := tx.SetAccountDisabled(ctx, sa.ID, disabled, s.now()); err != nil {
			return err
		}
		if disabled {
			if _, err := tx.RevokeAccountSessions(ctx, sa.ID); err != nil {
				return err
			}
		}
		return tx.Audit(ctx, &storage.AuditEntry{At: s.now(), ActorID: a.ID, ActorRole: a.Role, Action: action, ObjectType: "account", ObjectID: sa.ID})
	})
	s.sessions.forgetAccount(sa.ID)
	return storeErr(err)
}

// ResetStaffPassword gives a staff account a new initial password (the
// admin hands it over) and ends its sessions and open reset links.
func (s *Service) ResetStaffPassword(ctx context.Context, a *Account, id, password string) error {
	sa, err := s.staffTarget(ctx, a, id)
	if err != nil {
		return err
	}
	if vs := passwordViolations(password); len(vs) > 0 {
		return fault.NewInvalid(vs)
	}
	hash := s.hashPassword(password)
	err = s.st.Tx(ctx, func(tx *storage.Tx) error {
		now := s.now()
		if err := tx.SetPassword(ctx, sa.ID, hash, now); err != nil {
			return err
		}
		if _, err := tx.RevokeAccountSessions(ctx, sa.ID); err != nil {
			return err
		}
		if err := tx.EndPasswordResets(ctx, sa.ID, now); err != nil {
			return err
		}
		return tx.Audit(ctx, &storage.AuditEntry{At: now, ActorID: a.ID, ActorRole: a.Role, Action: "account.set_password", ObjectType: "account", ObjectID: sa.ID})
	})
	s.sessions.forgetAccount(sa.ID)
	return storeErr(err)
}
