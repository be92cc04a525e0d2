package seed

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"beian/internal/clock"
	"beian/internal/config"
	"beian/internal/filing"
	"beian/internal/pii"
	"beian/internal/service"
	"beian/internal/storage"
	"beian/internal/workdays"
	"beian/internal/workflow"
)

// Password is the password of every seeded applicant account: the load
// benchmark logs in as seeded owners with it. Seeded data is for
// benchmarks only, never for a production database.
const Password = "Seed-Passw0rd-2026"

// Options say what to seed.
type Options struct {
	Subjects int
	// Offset is the index of the first subject; -1 continues after the
	// records already in the database.
	Offset int
	// PerTx is how many subjects one transaction carries (about 12 rows each).
	PerTx int
	// SamplePath receives the sample file (see Sample); empty writes none.
	SamplePath string
	// SampleSize bounds the items of the sample file.
	SampleSize int
	Now        time.Time
	Progress   io.Writer // one line every few seconds; may be nil
}

// Report is what a seed run did.
type Report struct {
	First, Subjects int
	Rows            int64
	Elapsed         time.Duration
}

// Sample is the benchmark's input: real rows to query, with the personal
// data in clear. It is written for the load generator only and must be
// kept out of anything shared, like the database's own key file.
type Sample struct {
	Subjects int          `json:"subjects"`
	First    int          `json:"first"`
	Password string       `json:"password"` // of every seeded account
	Items    []SampleItem `json:"items"`
}

// SampleItem is one seeded subject.
type SampleItem struct {
	Domain          string `json:"domain"`
	WebsiteNumber   string `json:"website_number"`
	SubjectNumber   string `json:"subject_number"`
	Province        string `json:"province"`
	CertType        string `json:"cert_type"`
	CertNumber      string `json:"cert_number"`
	LeaderMobile    string `json:"leader_mobile"`
	AccountEmail    string `json:"account_email"`
	ApplicationID   string `json:"application_id,omitempty"` // an open application of this subject
	ApplicationOpen string `json:"application_state,omitempty"`
}

// table is one destination of generated rows.
type table struct {
	name string
	cols []string
}

var tables = []table{
	{"accounts", strings.Fields("id email phone_sealed phone_hash name role lang password_hash disabled created_at updated_at")},
	{"subject_records", strings.Fields("id number owner_id province nature cert_type cert_hash name status version data application_id next_website approved_on created_at updated_at")},
	{"website_records", strings.Fields("id subject_id number domain name status version data application_id approved_on created_at updated_at")},
	{"access_records", strings.Fields("id website_id status version data application_id created_at updated_at")},
	{"record_versions", strings.Fields("record_type record_id version status data application_id at")},
	{"leader_mobiles", strings.Fields("owner_type owner_id role mobile_hash")},
	{"applications", strings.Fields("id owner_id flow state open province subject_name subject_cert_type subject_cert_hash record_number document version due_at submitted_at created_at updated_at queue_domains")},
	{"application_domains", strings.Fields("application_id idx domain open")},
	{"transitions", strings.Fields("id application_id seq at actor_id actor_role event from_state to_state reasons document")},
}

const (
	tAccounts = iota
	tSubjects
	tWebsites
	tAccess
	tVersions
	tMobiles
	tApplications
	tAppDomains
	tTransitions
	nTables
)

// chunk is the rows of a run of subjects, one transaction's worth.
type chunk struct {
	args   [nTables][]any
	rows   int64
	sample []SampleItem
}

func (c *chunk) add(t int, vals ...any) {
	c.args[t] = append(c.args[t], vals...)
	c.rows++
}

// builder turns generated subjects into rows, sealing as the service does.
type builder struct {
	g      *Generator
	seal   *pii.Sealer
	cal    *workdays.Calendar
	pwHash string
	now    time.Time
	stride int
}

// certHash is the service's subject key (service.CertHash): the keyed hash of
// "type|NUMBER" (internal/service precheck.go).
func (b *builder) certHash(certType, number string) string {
	return service.CertHash(b.seal, certType, number)
}

func (b *builder) sealJSON(v any) string {
	j, err := json.Marshal(v)
	if err != nil {
		panic("seed: " + err.Error()) // plain structs always marshal
	}
	return b.seal.SealBytes(j)
}

// newID is a version 7 id of the seeding moment, as an import would
// assign: ids grow, so rows land at the right edge of the primary key.
func newID(time.Time) string { return uuid.Must(uuid.NewV7()).String() }

func ms(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// build generates subjects [from, to) into one chunk.
func (b *builder) build(from, to int) *chunk {
	c := &chunk{}
	for i := from; i < to; i++ {
		s := b.g.Subject(i)
		// every stride-th subject, and every stride-th of those with an open application
		b.subject(c, s, i%b.stride == 0 || (s.Open != nil && (i/openEvery)%b.stride == 0))
	}
	return c
}

func (b *builder) subject(c *chunk, s *Subject, sampled bool) {
	d := s.Doc
	at := s.ApprovedAt
	acct := newID(at.Add(-time.Hour))
	c.add(tAccounts, acct, s.AccountEmail, b.seal.Seal(s.AccountPhone), b.seal.Hash(s.AccountPhone), d.Subject.Leader.Name,
		"applicant", "zh", b.pwHash, 0, ms(at.Add(-time.Hour)), ms(at.Add(-time.Hour)))

	subID := newID(at)
	subData := b.sealJSON(d.Subject)
	certHash := b.certHash(d.Subject.CertType, d.Subject.CertNumber)
	c.add(tSubjects, subID, s.SubjectNumber, acct, d.Subject.Province, d.Subject.Nature, d.Subject.CertType, certHash,
		d.Subject.Name, "active", 1, subData, "", len(d.Websites)+1, s.ApprovedOn, ms(at), ms(at))
	c.add(tVersions, "subject", subID, 1, "active", subData, "", ms(at))
	c.add(tMobiles, "subject", subID, "subject_leader", b.seal.Hash(d.Subject.Leader.Mobile))
	for w, site := range d.Websites {
		webID, accID := newID(at), newID(at)
		access := site.Access
		site.Access = filing.Access{}
		webData := b.sealJSON(site)
		accData, _ := json.Marshal(access)
		c.add(tWebsites, webID, subID, s.WebsiteNumbers[w], site.Domain, site.Name, "active", 1, webData, "", s.ApprovedOn, ms(at), ms(at))
		c.add(tVersions, "website", webID, 1, "active", webData, "", ms(at))
		c.add(tAccess, accID, webID, "active", 1, string(accData), "", ms(at), ms(at))
		c.add(tVersions, "access", accID, 1, "active", string(accData), "", ms(at))
		// keyed by website number, as approvals write them (service lifecycle.go)
		c.add(tMobiles, "subject", subID, "website_leader:"+s.WebsiteNumbers[w], b.seal.Hash(site.Leader.Mobile))
	}
	var item *SampleItem
	if sampled {
		item = &SampleItem{Domain: d.Websites[0].Domain, WebsiteNumber: s.WebsiteNumbers[0], SubjectNumber: s.SubjectNumber,
			Province: d.Subject.Province, CertType: d.Subject.CertType, CertNumber: d.Subject.CertNumber,
			LeaderMobile: d.Subject.Leader.Mobile, AccountEmail: s.AccountEmail}
	}
	if s.Open != nil {
		id := b.application(c, s, acct, certHash)
		if item != nil {
			item.ApplicationID, item.ApplicationOpen = id, s.Open.State
		}
	}
	if item != nil {
		c.sample = append(c.sample, *item)
	}
}

// chainTo is the path of states and events that leads to each open state.
var chainTo = map[string][][2]string{ // {event, to}
	"initial_review":   {{"submit", "initial_review"}},
	"initial_rejected": {{"submit", "initial_review"}, {"reject", "initial_rejected"}},
	"verification":     {{"submit", "initial_review"}, {"approve", "verification"}},
	"material_review":  {{"submit", "initial_review"}, {"approve", "verification"}, {"materials_received", "material_review"}},
	"ready_for_bureau": {{"submit", "initial_review"}, {"approve", "verification"}, {"materials_received", "material_review"}, {"approve", "ready_for_bureau"}},
	"bureau_sms":       {{"submit", "initial_review"}, {"approve", "verification"}, {"materials_received", "material_review"}, {"approve", "ready_for_bureau"}, {"submit_to_bureau", "bureau_sms"}},
	"bureau_review":    {{"submit", "initial_review"}, {"approve", "verification"}, {"materials_received", "material_review"}, {"approve", "ready_for_bureau"}, {"submit_to_bureau", "bureau_sms"}, {"sms_confirmed", "bureau_review"}},
	"bureau_rejected":  {{"submit", "initial_review"}, {"approve", "verification"}, {"materials_received", "material_review"}, {"approve", "ready_for_bureau"}, {"submit_to_bureau", "bureau_sms"}, {"sms_confirmed", "bureau_review"}, {"bureau_reject", "bureau_rejected"}},
}

var actorOf = map[string]string{"submit": "applicant", "reject": "reviewer", "approve": "reviewer", "materials_received": "reviewer",
	"submit_to_bureau": "reviewer", "sms_confirmed": "bureau", "bureau_reject": "bureau"}

func (b *builder) application(c *chunk, s *Subject, owner, certHash string) string {
	oa := s.Open
	d := oa.Doc
	id := newID(oa.CreatedAt)
	updated := oa.CreatedAt
	var due time.Time
	seq := 0
	from := "draft"
	for _, step := range chainTo[oa.State] {
		seq++
		at := oa.SubmittedAt.Add(time.Duration(seq-1) * 20 * time.Hour)
		if at.After(b.now) {
			at = b.now
		}
		reasons := "[]"
		if step[0] == "reject" || step[0] == "bureau_reject" {
			reasons = `[{"field":"websites[0].name","rule":"website.name.content_mismatch","message":"网站名称与网站内容不符，请修改"}]`
		}
		c.add(tTransitions, newID(at), id, seq, ms(at), "", actorOf[step[0]], step[0], from, step[1], reasons, "")
		from, updated = step[1], at
		if t, ok := workflow.DueAt(b.cal, workflow.State(step[1]), at); ok {
			due = t
		} else {
			due = time.Time{}
		}
	}
	c.add(tApplications, id, owner, d.Flow, oa.State, 1, d.Subject.Province, d.Subject.Name, d.Subject.CertType, certHash,
		s.SubjectNumber, b.sealJSON(d), 1+seq, ms(due), ms(oa.SubmittedAt), ms(oa.CreatedAt), ms(updated),
		storage.QueueDomains([]string{d.Websites[0].Domain}))
	c.add(tAppDomains, id, 0, d.Websites[0].Domain, 1)
	c.add(tMobiles, "application", id, "subject_leader", b.seal.Hash(d.Subject.Leader.Mobile))
	c.add(tMobiles, "application", id, "website_leader:0", b.seal.Hash(d.Websites[0].Leader.Mobile))
	return id
}

// Run seeds opts.Subjects subjects into the configured database: it brings
// the schema up to date, then writes from parallel generators through one
// writer, one transaction per opts.PerTx subjects, with multi-row prepared
// INSERTs.
func Run(ctx context.Context, cfg config.Config, opts Options) (rep Report, err error) {
	if opts.Subjects <= 0 {
		return rep, errors.New("seed: --subjects must be positive")
	}
	if opts.PerTx <= 0 {
		opts.PerTx = 800
	}
	if opts.SampleSize <= 0 {
		opts.SampleSize = 10_000
	}
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	st, err := storage.Open(ctx, cfg.DatabaseURL, clock.Fixed(opts.Now))
	if err != nil {
		return rep, err
	}
	err = st.Migrate(ctx)
	if err != nil {
		st.Close()
		return rep, err
	}
	// The same key `beian serve` resolves for this database.
	sealer, err := pii.Resolve(ctx, cfg.SecretKey, cfg.SecretKeysOld, cfg.DataDir, st, st.Postgres())
	st.Close()
	if err != nil {
		return rep, err
	}
	st0, _, err := openBulk(cfg.DatabaseURL, false)
	if err != nil {
		return rep, err
	}
	g, err := NewGenerator(cfg.Provider, opts.Now)
	if err != nil {
		return rep, err
	}
	cal, err := workdays.New(cfg.Provider.HolidayOverrides)
	if err != nil {
		return rep, err
	}
	var existing int
	if err := st0.QueryRowContext(ctx, `SELECT COUNT(*) FROM subject_records`).Scan(&existing); err != nil {
		st0.Close()
		return rep, fmt.Errorf("seed: count records: %w", err)
	}
	st0.Close()
	if opts.Offset < 0 {
		opts.Offset = existing
	}
	db, pg, err := openBulk(cfg.DatabaseURL, existing == 0)
	if err != nil {
		return rep, err
	}
	defer db.Close()
	if opts.Offset+opts.Subjects > g.Capacity() {
		return rep, fmt.Errorf("seed: at most %d subjects can be generated without repeating mobiles", g.Capacity())
	}
	rep.First = opts.Offset
	rebuild := func() error { return nil }
	if existing == 0 {
		// A fresh database: load without the secondary indexes and build
		// them once at the end (a sort instead of millions of random
		// inserts). An interrupted run rebuilds them on its way out.
		saved, err := dropIndexes(ctx, db, pg)
		if err != nil {
			return rep, err
		}
		defer func() {
			if saved == nil {
				return
			}
			if rerr := createIndexes(context.WithoutCancel(ctx), db, saved); rerr != nil && err == nil {
				err = rerr
			}
		}()
		rebuild = func() error {
			t0 := time.Now()
			err := createIndexes(ctx, db, saved)
			saved = nil
			if opts.Progress != nil {
				fmt.Fprintf(opts.Progress, "seed: indexes built in %s\n", time.Since(t0).Round(time.Millisecond))
			}
			return err
		}
	}
	b := &builder{g: g, seal: sealer, cal: cal, pwHash: service.HashPassword(Password), now: opts.Now,
		stride: max(1, opts.Subjects/opts.SampleSize)}
	w := &writer{db: db, pg: pg, stmts: map[string]*sql.Stmt{}}
	defer w.close()

	start := time.Now()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	jobs := make(chan [2]int)
	out := make(chan *chunk, 4)
	var wg sync.WaitGroup
	for range max(1, runtime.NumCPU()) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range jobs {
				select {
				case out <- b.build(r[0], r[1]):
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	go func() {
		defer close(jobs)
		end := opts.Offset + opts.Subjects
		for from := opts.Offset; from < end; from += opts.PerTx {
			select {
			case jobs <- [2]int{from, min(end, from+opts.PerTx)}:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() { wg.Wait(); close(out) }()

	sample := Sample{First: opts.Offset, Password: Password}
	done, last := 0, time.Now()
	for c := range out {
		if err := w.write(ctx, c); err != nil {
			cancel()
			for range out {
			}
			return rep, err
		}
		done += len(c.args[tSubjects]) / len(tables[tSubjects].cols)
		rep.Rows += c.rows
		sample.Items = append(sample.Items, c.sample...)
		if opts.Progress != nil && time.Since(last) > 5*time.Second {
			last = time.Now()
			el := time.Since(start)
			fmt.Fprintf(opts.Progress, "seed: %d/%d subjects, %d rows, %s, %.0f subjects/s\n",
				done, opts.Subjects, rep.Rows, el.Round(time.Second), float64(done)/el.Seconds())
		}
	}
	if err := rebuild(); err != nil {
		return rep, err
	}
	if err := w.finish(ctx); err != nil {
		return rep, err
	}
	rep.Subjects, rep.Elapsed = done, time.Since(start)
	if opts.SamplePath != "" {
		sample.Subjects = done
		if err := writeSample(opts.SamplePath, &sample); err != nil {
			return rep, err
		}
	}
	return rep, nil
}

func writeSample(path string, s *Sample) error {
	b, err := json.MarshalIndent(s, "", " ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	// 0600: the sample holds certificate numbers and mobiles in clear.
	if err := os.WriteFile(path, b, 0o600); err != nil {
		return fmt.Errorf("seed: write sample: %w", err)
	}
	return nil
}

// ReadSample reads a sample file written by Run.
func ReadSample(path string) (*Sample, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var s Sample
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("sample %s: %w", path, err)
	}
	if len(s.Items) == 0 {
		return nil, fmt.Errorf("sample %s: no items", path)
	}
	return &s, nil
}

// secondaryIndexes lists the indexes of the seeded tables that no
// constraint needs (not primary keys, not UNIQUE columns), with their SQL.
func secondaryIndexes(ctx context.Context, db *sql.DB, pg bool) ([][2]string, error) {
	names := make([]any, len(tables))
	for i, t := range tables {
		names[i] = t.name
	}
	in := strings.TrimSuffix(strings.Repeat("?, ", len(names)), ", ")
	q := `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (` + in + `) ORDER BY name`
	if pg {
		ph := make([]string, len(names))
		for i := range ph {
			ph[i] = "$" + strconv.Itoa(i+1)
		}
		q = `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename IN (` + strings.Join(ph, ", ") + `)
			AND indexname NOT IN (SELECT conname FROM pg_constraint) ORDER BY indexname`
	}
	rows, err := db.QueryContext(ctx, q, names...)
	if err != nil {
		return nil, fmt.Errorf("seed: list indexes: %w", err)
	}
	defer rows.Close()
	var out [][2]string
	for rows.Next() {
		var n, def string
		if err := rows.Scan(&n, &def); err != nil {
			return nil, err
		}
		out = append(out, [2]string{n, def})
	}
	return out, rows.Err()
}

func dropIndexes(ctx context.Context, db *sql.DB, pg bool) ([][2]string, error) {
	idx, err := secondaryIndexes(ctx, db, pg)
	if err != nil {
		return nil, err
	}
	for i, x := range idx {
		if _, err := db.ExecContext(ctx, "DROP INDEX "+x[0]); err != nil {
			_ = createIndexes(ctx, db, idx[:i])
			return nil, fmt.Errorf("seed: drop index %s: %w", x[0], err)
		}
	}
	return idx, nil
}

func createIndexes(ctx context.Context, db *sql.DB, idx [][2]string) error {
	var errs []error
	for _, x := range idx {
		if _, err := db.ExecContext(ctx, x[1]); err != nil {
			errs = append(errs, fmt.Errorf("seed: recreate index %s: %w", x[0], err))
		}
	}
	return errors.Join(errs...)
}

// openBulk opens the database for loading: on SQLite one connection of its
// own with durability relaxed for the run and foreign keys unchecked (the
// rows are consistent by construction).
func openBulk(url string, fresh bool) (*sql.DB, bool, error) {
	if strings.HasPrefix(url, "postgres://") || strings.HasPrefix(url, "postgresql://") {
		db, err := sql.Open("pgx", url)
		if err != nil {
			return nil, false, err
		}
		db.SetMaxOpenConns(1)
		return db, true, nil
	}
	path := strings.TrimPrefix(strings.TrimPrefix(url, "sqlite:"), "//")
	pragmas := os.Getenv("BEIAN_SEED_SQLITE_PRAGMAS") // for experiments
	if pragmas == "" && fresh {
		// No journal and an exclusive lock: the loader alone writes every
		// page once, three times faster than through the WAL. A crash
		// leaves a broken file: delete it and seed again.
		pragmas = "_pragma=journal_mode(OFF)&_pragma=synchronous(OFF)&_pragma=locking_mode(EXCLUSIVE)&_pragma=cache_size(-524288)"
	} else if pragmas == "" {
		// Adding to a database that holds other data: keep the WAL, which
		// survives a crash of this process.
		pragmas = "_pragma=journal_mode(WAL)&_pragma=synchronous(OFF)&_pragma=cache_size(-262144)"
	}
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)&_pragma=foreign_keys(0)&_pragma=temp_store(MEMORY)&_txlock=immediate&"+pragmas)
	if err != nil {
		return nil, false, err
	}
	db.SetMaxOpenConns(1)
	return db, false, nil
}

// writer inserts chunks with multi-row prepared statements.
type writer struct {
	db    *sql.DB
	pg    bool
	stmts map[string]*sql.Stmt
}

// maxRowsPerStmt keeps statements under both databases' parameter limits
// (SQLite 32,766, PostgreSQL 65,535).
const maxRowsPerStmt = 256

func (w *writer) stmt(ctx context.Context, t table, rows int) (*sql.Stmt, error) {
	key := t.name + "/" + strconv.Itoa(rows)
	if s := w.stmts[key]; s != nil {
		return s, nil
	}
	var q strings.Builder
	q.WriteString("INSERT INTO " + t.name + " (" + strings.Join(t.cols, ", ") + ") VALUES ")
	n := 0
	for r := range rows {
		if r > 0 {
			q.WriteString(", ")
		}
		q.WriteByte('(')
		for c := range t.cols {
			if c > 0 {
				q.WriteString(", ")
			}
			n++
			if w.pg {
				q.WriteString("$" + strconv.Itoa(n))
			} else {
				q.WriteByte('?')
			}
		}
		q.WriteByte(')')
	}
	s, err := w.db.PrepareContext(ctx, q.String())
	if err != nil {
		return nil, fmt.Errorf("seed: prepare %s: %w", t.name, err)
	}
	w.stmts[key] = s
	return s, nil
}

func (w *writer) write(ctx context.Context, c *chunk) error {
	// Prepare first: the one connection is the transaction's once it begins.
	for ti, t := range tables {
		n := len(c.args[ti]) / len(t.cols)
		if n >= maxRowsPerStmt {
			if _, err := w.stmt(ctx, t, maxRowsPerStmt); err != nil {
				return err
			}
		}
		if n%maxRowsPerStmt > 0 {
			if _, err := w.stmt(ctx, t, n%maxRowsPerStmt); err != nil {
				return err
			}
		}
	}
	tx, err := w.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("seed: begin: %w", err)
	}
	for ti, t := range tables {
		args := c.args[ti]
		nc := len(t.cols)
		for len(args) > 0 {
			rows := min(maxRowsPerStmt, len(args)/nc)
			s := w.stmts[t.name+"/"+strconv.Itoa(rows)]
			if _, err := tx.StmtContext(ctx, s).ExecContext(ctx, args[:rows*nc]...); err != nil {
				tx.Rollback()
				return fmt.Errorf("seed: insert %s: %w", t.name, err)
			}
			args = args[rows*nc:]
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("seed: commit: %w", err)
	}
	return nil
}

// finish refreshes the planner's statistics so the first queries after a
// large load use the indexes.
func (w *writer) finish(ctx context.Context) error {
	if !w.pg {
		// back to the WAL the server runs with
		if _, err := w.db.ExecContext(ctx, "PRAGMA journal_mode = WAL"); err != nil {
			return fmt.Errorf("seed: journal mode: %w", err)
		}
		// a bounded sample per index: seconds, not minutes, on millions of rows
		if _, err := w.db.ExecContext(ctx, "PRAGMA analysis_limit = 2000"); err != nil {
			return fmt.Errorf("seed: analysis_limit: %w", err)
		}
	}
	q := "ANALYZE"
	if w.pg {
		// and the visibility map, so covering indexes answer without the heap
		q = "VACUUM (ANALYZE)"
	}
	if _, err := w.db.ExecContext(ctx, q); err != nil {
		return fmt.Errorf("seed: %s: %w", q, err)
	}
	return nil
}

func (w *writer) close() {
	for _, s := range w.stmts {
		s.Close()
	}
}
