// Package service is where Beian's business orchestration lives. The JSON
// API (internal/api) and the HTML UI (internal/web) are two thin doors into
// it. Every method returns errors as *fault.Error — a kind, a stable code,
// a message and violations — so both doors render them alike, and every method touching an application takes the acting account
// and enforces authorization itself: another applicant's object is 404.
package service

import (
	"errors"
	"fmt"
	"log/slog"
	"time"

	"golang.org/x/sync/semaphore"

	"beian/internal/blob"
	"beian/internal/bureau"
	"beian/internal/config"
	"beian/internal/domainreg"
	"beian/internal/fault"
	"beian/internal/images"
	"beian/internal/pii"
	"beian/internal/ratelimit"
	"beian/internal/refdata"
	"beian/internal/rules"
	"beian/internal/storage"
	"beian/internal/workdays"
)

// Now is the service's business clock, for the doors that show or compare
// times (they never read the wall clock for business time themselves).
func (s *Service) Now() time.Time { return s.now() }

// Deps is what the service needs; the wiring builds it once.
type Deps struct {
	Store  *storage.Store
	Sealer *pii.Sealer      // encrypts cert numbers and mobiles at rest, HMAC for equality lookups
	Rules  *rules.Validator // pure validation (rules.New(cfg.Provider))
	Blobs  blob.Store       // attachment bytes
	Config config.Config    // provider settings, BaseURL, rate-limit switch
	Log    *slog.Logger     // never given personal data
	Now    func() time.Time // the business clock; nil means the store's
	// Registry is the bureau's national registry for the pre-check; nil
	// means Beian knows only its own records. Wrap a remote one in
	// CachedRegistry.
	Registry Registry
	// RegistryKeys, when the registry's tables live in this store (the
	// simulator and the relay's mirror), names a certificate's and a
	// domain's keys there, so the pre-check's one query also says whether
	// the registry could know them (storage.RegistryProbe); nil asks the
	// registry every time.
	RegistryKeys func(certType, certNumber, domain string) storage.RegistryProbe
	// Domains is the domain registry (workflow.md "Domain registry"); nil
	// is the simulator without seeded domains, which knows every domain as
	// registered to its applicant.
	Domains domainreg.Registry
	// Calendar counts working days; nil builds one from the provider's
	// holiday overrides.
	Calendar *workdays.Calendar
	// Wake nudges the job runner after a commit that queued jobs; may be nil.
	Wake func()
	// Requests counts the requests the server has begun (may be nil): the
	// background walks rest longer while it moves (duties.go).
	Requests func() uint64
	// Bureau is the bureau adapter (the simulator or the relay); nil
	// refuses submissions to it.
	Bureau bureau.Bureau
	// BureauMode is the adapter's mode (bureau.ModeAuto, ModeManual, ModeRelay).
	BureauMode string
	// SMS is the bureau's SMS check when Beian hosts it (the simulator);
	// nil when the leaders confirm at the bureau's own site (relay).
	SMS bureau.SMSCheck
	// Console is where staff decide for the bureau (simulator) or record
	// its outcomes (relay); nil hides the console.
	Console bureau.Console
	// BlobGrace keeps the bytes of replaced, deleted and withdrawn
	// attachments this long, so a backup running meanwhile finds every file
	// its snapshot references; 0 deletes them at once.
	BlobGrace time.Duration
}

// Service implements the service contract (accounts, sessions, pre-check,
// applications, attachments).
type Service struct {
	st        *storage.Store
	seal      *pii.Sealer
	rules     *rules.Validator
	blobs     blob.Store
	cfg       config.Config
	log       *slog.Logger
	now       func() time.Time
	registry  Registry
	domainReg domainreg.Registry
	cal       *workdays.Calendar
	wake      func()
	requests  func() uint64
	bureau    bureau.Bureau
	mode      string
	sms       bureau.SMSCheck
	console   bureau.Console
	ref       *refdata.Data
	limits    images.Limits
	blobGrace time.Duration

	loginIP *ratelimit.Limiter // every login attempt, per client IP
	// precheckAcct bounds pre-checks per account: far above what a person
	// types, far below what an enumerating script needs.
	precheckAcct *ratelimit.Limiter
	lockout      *lockout      // failed logins, per account
	hashSlot     chan struct{} // bounds concurrent argon2id runs (19 MiB each)

	imageWork *semaphore.Weighted // pixels being decoded at once (imagework.go)

	sessions *sessionCache             // token hash → account, for sessionCacheTTL (sessioncache.go)
	public   *genCache[[]PublicFiling] // public lookup answers (publiccache.go)
	subjects *genCache[subjectFacts]   // pre-check: by certificate hash (precheck.go)
	domains  *genCache[domainFacts]    // pre-check: by domain
	// pre-check: whether a subject (by certificate hash) or a domain is in an open application
	openSubjects, openDomains *genCache[openFacts]
	// registryKeys names the registry's keys in this store, so the
	// pre-check's facts query asks the registry too (precheck.go).
	registryKeys func(certType, certNumber, domain string) storage.RegistryProbe
}

// New builds the service.
func New(d Deps) *Service {
	s := &Service{st: d.Store, seal: d.Sealer, rules: d.Rules, blobs: d.Blobs, cfg: d.Config, log: d.Log, now: d.Now,
		registry: d.Registry, registryKeys: d.RegistryKeys, cal: d.Calendar, wake: d.Wake, requests: d.Requests, bureau: d.Bureau, mode: d.BureauMode,
		sms: d.SMS, console: d.Console, ref: refdata.Default(), limits: images.LimitsFrom(d.Config.Provider), blobGrace: d.BlobGrace}
	if s.registry == nil && d.Bureau != nil {
		// The pre-check consults the bureau's national registry (records.go).
		s.registry = BureauRegistry(d.Bureau)
	}
	if s.domainReg = d.Domains; s.domainReg == nil {
		s.domainReg, _ = domainreg.NewSimulator(nil)
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = d.Store.Now
	}
	if s.cal == nil {
		cal, err := workdays.New(d.Config.Provider.HolidayOverrides)
		if err != nil {
			// Config validation reports bad overrides at start; fall back to the official calendar.
			s.log.Warn("holiday overrides ignored", "err", err)
			cal, _ = workdays.New(nil)
		}
		s.cal = cal.WithLog(s.log)
	}
	if d.Config.RateLimits {
		// A person mistyping stays far below 20 tries in a burst; a script does not.
		s.loginIP = ratelimit.New(30, 20)
		s.precheckAcct = ratelimit.New(120, 300)
		s.lockout = newLockout(maxLoginFailures, loginFailureWindow)
	} else {
		s.loginIP = ratelimit.Disabled()
		s.precheckAcct = ratelimit.Disabled()
		s.lockout = newLockout(0, loginFailureWindow)
	}
	s.hashSlot = make(chan struct{}, hashConcurrency)
	s.imageWork = semaphore.NewWeighted(imagePixelBudget)
	s.sessions = newSessionCache(sessionCacheTTL, sessionCacheSize)
	s.public = newGenCache[[]PublicFiling](publicCacheTTL, publicCacheSize)
	s.subjects = newGenCache[subjectFacts](precheckCacheTTL, precheckCacheSize)
	s.domains = newGenCache[domainFacts](precheckCacheTTL, precheckCacheSize)
	s.openSubjects = newGenCache[openFacts](precheckCacheTTL, precheckCacheSize)
	s.openDomains = newGenCache[openFacts](precheckCacheTTL, precheckCacheSize)
	// Caches of data every instance writes keep entries longer while the
	// store announces the other instances' writes.
	s.public.announced = s.st.SeesOtherInstances
	s.subjects.announced = s.st.SeesOtherInstances
	s.domains.announced = s.st.SeesOtherInstances
	s.openSubjects.announced = s.st.SeesOtherInstances
	s.openDomains.announced = s.st.SeesOtherInstances
	return s
}

// poke wakes the job runner after a commit that queued jobs.
func (s *Service) poke() {
	if s.wake != nil {
		s.wake()
	}
}

// storeErr turns a storage error into the answer a door renders.
func storeErr(err error) error {
	if err == nil {
		return nil
	}
	var fe *fault.Error
	if errors.As(err, &fe) {
		return fe
	}
	switch {
	case errors.Is(err, storage.ErrNotFound):
		return fault.NewNotFound().Wrap(err)
	case errors.Is(err, storage.ErrConflict):
		return fault.Words(fault.Conflict, fault.CodeConflict, "error.conflict.data_was_changed").Wrap(err)
	case errors.Is(err, storage.ErrUnavailable):
		return fault.Words(fault.Unavailable, fault.CodeUnavailable, "error.unavailable.service_temporarily_unavailable").Retry(5).Wrap(err)
	}
	return fmt.Errorf("storage: %w", err)
}

// notFound is what every unauthorized object answers: the same as a
// missing one, so ids cannot be probed.
func notFound() error { return fault.NewNotFound() }
