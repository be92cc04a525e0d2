package service

import (
	"context"
	"strconv"

	"beian/internal/storage"
)

// RevokeSessions ends every session (API tokens and browser logins) of the
// account id: at once on this instance, within sessionCacheTTL (2 s) on
// others, which may have the session cached (sessioncache.go). Only an admin may; an applicant gets 404 (no probing), a
// reviewer 403. The revocation is audited with the admin's address.
func (s *Service) RevokeSessions(ctx context.Context, actor *Account, id, ip string) (int64, error) {
	switch {
	case !actor.IsStaff():
		return 0, notFound()
	case actor.Role != RoleAdmin:
		return 0, errForbidden()
	}
	if _, err := s.st.AccountByID(ctx, id); err != nil {
		return 0, storeErr(err)
	}
	var n int64
	err := s.st.Tx(ctx, func(tx *storage.Tx) error {
		var err error
		if n, err = tx.RevokeAccountSessions(ctx, id); err != nil {
			return err
		}
		return tx.Audit(ctx, &storage.AuditEntry{At: s.now(), ActorID: actor.ID, ActorRole: actor.Role, Action: "account.sessions_revoked",
			ObjectType: "account", ObjectID: id, IP: ip, Detail: strconv.FormatInt(n, 10)})
	})
	s.sessions.forgetAccount(id)
	if err != nil {
		return 0, storeErr(err)
	}
	return n, nil
}
