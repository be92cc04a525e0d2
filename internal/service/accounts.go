package service

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/url"
	"strings"
	"time"

	"github.com/google/uuid"

	"beian/internal/fault"
	"beian/internal/filing"
	"beian/internal/notify"
	"beian/internal/phone"
	"beian/internal/rules"
	"beian/internal/storage"
)

// Roles.
const (
	RoleApplicant = "applicant"
	RoleReviewer  = "reviewer"
	RoleAdmin     = "admin"
)

// Session and reset lifetimes.
const (
	SessionTTL       = 14 * 24 * time.Hour
	PasswordResetTTL = time.Hour
)

// Account is a user of Beian. Phone is the account's own number, shown only to its owner.
type Account struct {
	ID, Email, Phone, Name, Role, Lang string
	CreatedAt                          time.Time
	Disabled                           bool // an admin disabled it: no login, no session
}

// IsStaff reports whether the account reviews or administers.
func (a *Account) IsStaff() bool { return a != nil && (a.Role == RoleReviewer || a.Role == RoleAdmin) }

// RegisterInput is a registration (or a staff account the admin creates).
type RegisterInput struct {
	Email, Phone, Password, Name, Lang string
}

// Session is a login: Token goes to the client (bearer header or cookie) and
// is stored only as its SHA-256.
type Session struct {
	Token     string
	ExpiresAt time.Time
	Account   *Account
}

func tokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

func (s *Service) account(a *storage.Account) *Account {
	ph, err := s.seal.Open(a.PhoneSealed)
	if err != nil {
		s.log.Error("account phone unreadable", "account", a.ID, "err", err)
		ph = ""
	}
	return &Account{ID: a.ID, Email: a.Email, Phone: ph, Name: a.Name, Role: a.Role, Lang: a.Lang, CreatedAt: a.CreatedAt, Disabled: a.Disabled}
}

func normLang(l string) string {
	if l == "en" {
		return "en"
	}
	return "zh"
}

// checkRegistration returns the violations of a registration; staff may go without a phone.
func checkRegistration(in *RegisterInput, phoneOptional bool) []filing.Violation {
	in.Email = strings.ToLower(strings.TrimSpace(in.Email))
	in.Phone = strings.TrimSpace(in.Phone)
	in.Name = strings.TrimSpace(in.Name)
	in.Lang = normLang(in.Lang)
	var vs []filing.Violation
	if !rules.EmailValid(in.Email) {
		vs = append(vs, fault.Violated("account.email.format", "email"))
	}
	if !(phoneOptional && in.Phone == "") && !phone.IsMobile(in.Phone) {
		vs = append(vs, fault.Violated("account.phone.format", "phone"))
	}
	if len([]rune(in.Name)) > 100 {
		vs = append(vs, fault.Violated("account.name.too_long", "name"))
	}
	return append(vs, passwordViolations(in.Password)...)
}

// passwordViolations says what is wrong with a new password, if anything.
func passwordViolations(pw string) []filing.Violation {
	if len(pw) > 1024 {
		return []filing.Violation{fault.Violated("account.password.too_long", "password")}
	}
	if passwordWeak(pw) {
		return []filing.Violation{fault.Violated("account.password.weak", "password")}
	}
	return nil
}

// Register creates an applicant account and queues the welcome email.
func (s *Service) Register(ctx context.Context, in RegisterInput) (*Account, error) {
	return s.createAccount(ctx, nil, in, RoleApplicant)
}

// CreateStaff creates a reviewer or admin account; only an admin may
// (actor nil is the command line, trusted).
func (s *Service) CreateStaff(ctx context.Context, actor *Account, in RegisterInput, role string) (*Account, error) {
	if actor != nil && actor.Role != RoleAdmin {
		return nil, fault.NewForbidden()
	}
	if role != RoleReviewer && role != RoleAdmin {
		return nil, fault.NewInvalid([]filing.Violation{fault.Violated("account.role.invalid", "role")})
	}
	return s.createAccount(ctx, actor, in, role)
}

func (s *Service) createAccount(ctx context.Context, actor *Account, in RegisterInput, role string) (*Account, error) {
	if vs := checkRegistration(&in, role != RoleApplicant); len(vs) > 0 {
		return nil, fault.NewInvalid(vs)
	}
	now := s.now()
	a := &storage.Account{ID: uuid.Must(uuid.NewV7()).String(), Email: in.Email, PhoneSealed: s.seal.Seal(in.Phone),
		PhoneHash: s.seal.Hash(in.Phone), Name: in.Name, Role: role, Lang: in.Lang, CreatedAt: now, UpdatedAt: now}
	a.PasswordHash = s.hashPassword(in.Password)
	err := s.st.Tx(ctx, func(tx *storage.Tx) error {
		emailTaken, phoneTaken, err := tx.AccountTaken(ctx, a.Email, a.PhoneHash)
		if err != nil {
			return err
		}
		if emailTaken {
			return errEmailTaken()
		}
		if phoneTaken {
			return errPhoneTaken()
		}
		if err := tx.CreateAccount(ctx, a); err != nil {
			if errors.Is(err, storage.ErrConflict) {
				return errEmailTaken() // lost a race with an identical registration
			}
			return err
		}
		actorID, action := a.ID, "account.register"
		if actor != nil {
			actorID, action = actor.ID, "account.create_staff"
		}
		if err := tx.Audit(ctx, &storage.AuditEntry{At: now, ActorID: actorID, ActorRole: roleOf(actor, role), Action: action,
			ObjectType: "account", ObjectID: a.ID, Detail: role}); err != nil {
			return err
		}
		if role != RoleApplicant {
			return nil
		}
		return s.queueTemplate(ctx, tx, a.Email, a.Lang, "account.registered:"+a.ID, notify.TplAccountRegistered, notify.Data{Name: a.Name})
	})
	if err != nil {
		return nil, storeErr(err)
	}
	s.poke()
	return s.account(a), nil
}

func roleOf(actor *Account, fallback string) string {
	if actor != nil {
		return actor.Role
	}
	return fallback
}

func errEmailTaken() error {
	return fault.Words(fault.Conflict, "account.email_taken", "error.account.email_taken")
}

func errPhoneTaken() error {
	return fault.Words(fault.Conflict, "account.phone_taken", "error.account.phone_taken")
}

// EnsureAdmin creates the first admin when there is none. Empty email or
// password get defaults; a generated password is returned so the caller
// prints it once. created is false when an admin already exists.
func (s *Service) EnsureAdmin(ctx context.Context, email, password string) (bool, string, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	if email == "" {
		email = "admin@beian.local"
	}
	if password == "" {
		password = randomPassword()
	} else if passwordWeak(password) {
		return false, "", fault.NewInvalid(checkRegistration(&RegisterInput{Email: email, Password: password}, true))
	}
	now := s.now()
	a := &storage.Account{ID: uuid.Must(uuid.NewV7()).String(), Email: email, Name: "Administrator", Role: RoleAdmin, Lang: "zh",
		CreatedAt: now, UpdatedAt: now}
	a.PasswordHash = s.hashPassword(password)
	created := false
	err := s.st.Tx(ctx, func(tx *storage.Tx) error {
		n, err := tx.CountAccountsByRole(ctx, RoleAdmin)
		if err != nil || n > 0 {
			return err
		}
		if taken, _, err := tx.AccountTaken(ctx, email, ""); err != nil {
			return err
		} else if taken {
			return errEmailTaken()
		}
		if err := tx.CreateAccount(ctx, a); err != nil {
			return err
		}
		created = true
		return tx.Audit(ctx, &storage.AuditEntry{At: now, ActorRole: "system", Action: "account.create_admin", ObjectType: "account", ObjectID: a.ID})
	})
	if err != nil {
		// Another instance starting at the same moment may have won the
		// race (PostgreSQL, read committed): then there is an admin now.
		var n int
		if cerr := s.st.Tx(ctx, func(tx *storage.Tx) (e error) { n, e = tx.CountAccountsByRole(ctx, RoleAdmin); return e }); cerr == nil && n > 0 {
			return false, "", nil
		}
		return false, "", storeErr(err)
	}
	if !created {
		return false, "", nil
	}
	return true, password, nil
}

// Login checks a password and opens a session. Wrong credentials are 401
// whatever was wrong; too many tries are 429 with RetryAfter.
func (s *Service) Login(ctx context.Context, email, password, clientIP string) (*Session, error) {
	now := s.now()
	email = strings.ToLower(strings.TrimSpace(email))
	// An empty clientIP is a local tool on this host: no per-IP budget, the
	// per-account lockout below still applies.
	if clientIP != "" {
		if ok, wait := s.loginIP.Allow("login:"+clientIP, now); !ok {
			return nil, rateLimited(wait)
		}
	}
	if wait := s.lockout.check(email, now); wait > 0 {
		return nil, rateLimited(wait)
	}
	sa, err := s.st.AccountByEmail(ctx, email)
	if err != nil && !errors.Is(err, storage.ErrNotFound) {
		return nil, storeErr(err)
	}
	if sa == nil || sa.Disabled {
		// Spend the same time as a real check so timing does not reveal accounts.
		s.checkPassword(password, dummyHash)
		s.lockout.failed(email, now)
		return nil, errBadLogin()
	}
	if !s.checkPassword(password, sa.PasswordHash) {
		s.lockout.failed(email, now)
		_ = s.st.Tx(ctx, func(tx *storage.Tx) error {
			return tx.Audit(ctx, &storage.AuditEntry{At: now, ActorID: sa.ID, ActorRole: sa.Role, Action: "account.login_failed",
				ObjectType: "account", ObjectID: sa.ID, IP: clientIP})
		})
		return nil, errBadLogin()
	}
	s.lockout.reset(email)
	return s.openSession(ctx, sa, "api", clientIP)
}

// dummyHash is checked when the account does not exist (same cost as a real one).
var dummyHash = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$0000000000000000000000000000000000000000000"

func (s *Service) openSession(ctx context.Context, sa *storage.Account, kind, ip string) (*Session, error) {
	now := s.now()
	token, hash := newToken()
	sess := &storage.Session{TokenHash: hash, AccountID: sa.ID, Kind: kind, IP: ip, CreatedAt: now, ExpiresAt: now.Add(SessionTTL)}
	err := s.st.Tx(ctx, func(tx *storage.Tx) error {
		if err := tx.CreateSession(ctx, sess); err != nil {
			return err
		}
		return tx.Audit(ctx, &storage.AuditEntry{At: now, ActorID: sa.ID, ActorRole: sa.Role, Action: "account.login",
			ObjectType: "account", ObjectID: sa.ID, IP: ip})
	})
	if err != nil {
		return nil, storeErr(err)
	}
	return &Session{Token: token, ExpiresAt: sess.ExpiresAt, Account: s.account(sa)}, nil
}

func errBadLogin() error {
	return fault.Words(fault.Unauthorized, fault.CodeUnauthorized, "error.unauthorized.wrong_email_password")
}

func rateLimited(wait int) error {
	return fault.Words(fault.RateLimited, fault.CodeRateLimited, "error.rate_limited.too_many_attempts").Retry(wait)
}

// Authenticate returns the account of a live session token; 401 otherwise.
func (s *Service) Authenticate(ctx context.Context, token string) (*Account, error) {
	if token == "" || len(token) > 256 {
		return nil, fault.NewUnauthorized()
	}
	hash, now := tokenHash(token), s.now()
	if a, ok := s.sessions.get(hash, now); ok {
		return a, nil
	}
	gen := s.sessions.generation()
	sa, sess, err := s.st.SessionAccount(ctx, hash, now)
	if err != nil {
		if errors.Is(err, storage.ErrNotFound) {
			return nil, fault.NewUnauthorized()
		}
		return nil, storeErr(err)
	}
	if sa.Disabled {
		return nil, fault.NewUnauthorized()
	}
	a := s.account(sa)
	s.sessions.put(hash, a, sess.ExpiresAt, gen)
	return a, nil
}

// Logout ends the session of token; an unknown token is no error.
func (s *Service) Logout(ctx context.Context, token string) error {
	if token == "" {
		return nil
	}
	hash := tokenHash(token)
	err := s.st.Tx(ctx, func(tx *storage.Tx) error { return tx.DeleteSession(ctx, hash) })
	s.sessions.forgetToken(hash) // even after an error: the next request asks the database
	return storeErr(err)
}

// RequestPasswordReset queues an email with a single-use link when the
// account exists. It answers nil either way, so accounts cannot be probed.
func (s *Service) RequestPasswordReset(ctx context.Context, email string) error {
	email = strings.ToLower(strings.TrimSpace(email))
	now := s.now()
	if ok, _ := s.loginIP.Allow("reset:"+email, now); !ok {
		return nil // quietly: a flood of reset mails is itself abuse
	}
	sa, err := s.st.AccountByEmail(ctx, email)
	if errors.Is(err, storage.ErrNotFound) || (err == nil && sa.Disabled) {
		return nil
	}
	if err != nil {
		return storeErr(err)
	}
	token, hash := newToken()
	link := strings.TrimRight(s.cfg.BaseURL, "/") + "/password/reset?token=" + url.QueryEscape(token)
	err = s.st.Tx(ctx, func(tx *storage.Tx) error {
		if err := tx.EndPasswordResets(ctx, sa.ID, now); err != nil { // only the newest link works
			return err
		}
		if err := tx.CreatePasswordReset(ctx, &storage.PasswordReset{TokenHash: hash, AccountID: sa.ID, CreatedAt: now, ExpiresAt: now.Add(PasswordResetTTL)}); err != nil {
			return err
		}
		return s.queueTemplate(ctx, tx, sa.Email, sa.Lang, "account.password_reset:"+hash[:16], notify.TplPasswordReset,
			notify.Data{Name: sa.Name, ResetLink: link, ExpiresMinutes: int(PasswordResetTTL / time.Minute)})
	})
	if err != nil {
		return storeErr(err)
	}
	s.poke()
	return nil
}

// ResetPassword sets a new password with a reset token and ends every
// session of the account.
func (s *Service) ResetPassword(ctx context.Context, token, newPassword string) error {
	if passwordWeak(newPassword) {
		return fault.NewInvalid(checkRegistration(&RegisterInput{Email: "x@example.com", Phone: "13800138000", Password: newPassword}, true))
	}
	now := s.now()
	hash := s.hashPassword(newPassword)
	var accountID string
	err := s.st.Tx(ctx, func(tx *storage.Tx) error {
		id, err := tx.UsePasswordReset(ctx, tokenHash(token), now)
		accountID = id
		if errors.Is(err, storage.ErrNotFound) {
			return fault.Words(fault.Invalid, "account.reset_token_invalid", "error.account.reset_token_invalid")
		}
		if err != nil {
			return err
		}
		if err := tx.SetPassword(ctx, id, hash, now); err != nil {
			return err
		}
		if err := tx.EndPasswordResets(ctx, id, now); err != nil { // a new password ends every older link
			return err
		}
		if err := tx.DeleteAccountSessions(ctx, id); err != nil {
			return err
		}
		return tx.Audit(ctx, &storage.AuditEntry{At: now, ActorID: id, Action: "account.password_reset", ObjectType: "account", ObjectID: id})
	})
	if accountID != "" {
		s.sessions.forgetAccount(accountID)
	}
	return storeErr(err)
}

// Cleanup deletes expired sessions and reset tokens and purges the
// payloads of jobs finished before the retention period; the wiring calls it
// now and then (e.g. hourly).
func (s *Service) Cleanup(ctx context.Context) error {
	retention := s.cfg.JobRetention
	if retention <= 0 {
		retention = DefaultJobRetention
	}
	return storeErr(s.st.Tx(ctx, func(tx *storage.Tx) error {
		if _, err := tx.DeleteExpiredSessions(ctx, s.now()); err != nil {
			return err
		}
		// Finished jobs keep their payloads (sealed recipients and bodies,
		// template data) for the retention period only.
		_, err := tx.PurgeJobPayloads(ctx, s.now().Add(-retention))
		return err
	}))
}

// DefaultJobRetention is how long finished jobs keep their payloads when
// BEIAN_JOB_RETENTION is not set.
const DefaultJobRetention = 7 * 24 * time.Hour
