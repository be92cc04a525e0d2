package bench

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"beian/internal/bench/loadgen"
	"beian/internal/bench/seed"
	"beian/internal/config"
	"beian/internal/examples"
	"beian/internal/filing"
)

// exampleDocument is spec/examples/enterprise-first-filing.json: what the
// validate benchmark posts.
var exampleDocument = examples.MustRead(examples.Enterprise)

// goal is a target: the minimum share of the yardstick's throughput (0:
// none) and the p99 bound.
type goal struct {
	ratio float64
	p99   time.Duration
}

// loadTargets are issue 17's targets (docs/benchmarks.md "Targets") for
// the store measured and the pattern: the cached pattern of a search box
// or the crawler's (--spread), where every input is new.
func loadTargets(store string, spread bool) map[string]goal {
	if store == "postgres" {
		lookup, precheck := goal{0.50, 30 * time.Millisecond}, goal{0.30, 30 * time.Millisecond}
		if spread {
			lookup, precheck = goal{}, goal{} // every filed record once: measured, no target of its own
		}
		return map[string]goal{
			"public lookup":            lookup,
			"public lookup, new names": {0.40, 30 * time.Millisecond},
			"pre-check":                precheck,
			"pre-check new domains":    {0.30, 30 * time.Millisecond},
			"validate":                 {0.50, 30 * time.Millisecond},
			"review queue":             {0, 50 * time.Millisecond},
		}
	}
	lookup, precheck := goal{0.70, 20 * time.Millisecond}, goal{0.40, 20 * time.Millisecond}
	if spread {
		// Every seeded record once: measured, no target of its own.
		lookup, precheck = goal{}, goal{}
	}
	return map[string]goal{
		"public lookup": lookup,
		// A crawler asking names nobody filed here (issue 17's "new names").
		"public lookup, new names": {0.60, 20 * time.Millisecond},
		"pre-check":                precheck,
		// An applicant trying domain names for a known subject: every
		// domain new, so no answer cache helps (issue 17's pattern).
		"pre-check new domains": {0.50, 20 * time.Millisecond},
		"validate":              {0.50, 20 * time.Millisecond},
		"review queue":          {0, 50 * time.Millisecond},
	}
}

// Load is `beian load`: it measures, in one run, the bare net/http
// yardstick and Beian's hot paths on a running server, and prints each
// one's throughput, p50/p99 and ratio to the yardstick.
func Load(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	base := fs.String("url", "http://127.0.0.1:8080", "the running server")
	conns := fs.Int("conns", 64, "concurrent connections")
	dur := fs.Duration("duration", 10*time.Second, "measured time per target")
	warm := fs.Duration("warmup", 2*time.Second, "unmeasured warm-up per target")
	samplePath := fs.String("sample", "./data/seed-sample.json", "sample file written by beian seed")
	revEmail := fs.String("reviewer-email", "", "a reviewer or admin account, for the review queue")
	revPassword := fs.String("reviewer-password", "", "its password")
	only := fs.String("only", "", "comma-separated targets to run (yardstick always runs): lookup,crawl,precheck,trydomains,validate,read,queue,mix")
	pid := fs.Int("server-pid", 0, "the server's process id, to report its peak memory (VmHWM)")
	store := fs.String("targets", "sqlite", "whose targets to judge by: sqlite or postgres (the store the server runs on)")
	serveYardstick := fs.Bool("serve-yardstick", false, "internal: serve the yardstick and print its URL (the load run starts this as its own process)")
	spread := fs.Bool("spread", false, "lookups and pre-checks over every seeded subject and unknown names, each input used about once (a crawler's pattern: the caches do not help)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *serveYardstick {
		return serveYardstickProcess(ctx, stdout)
	}
	if *store != "sqlite" && *store != "postgres" {
		return fmt.Errorf("load: --targets must be sqlite or postgres, not %q", *store)
	}
	sample, err := seed.ReadSample(*samplePath)
	if err != nil {
		return fmt.Errorf("load: %w (run beian seed first)", err)
	}
	want := func(name string) bool {
		return *only == "" || strings.Contains(","+*only+",", ","+name+",")
	}
	api := strings.TrimSuffix(*base, "/") + "/api/v1"
	client := loadgen.NewClient(*conns)
	gen, err := seed.NewGenerator(config.DefaultProvider(), time.Now())
	if err != nil {
		return err
	}
	tag := strconv.FormatInt(time.Now().Unix()%1_000_000, 36)
	fresh := rand.Int64N(1_000_000_000_000) // far beyond any seeded index: certificates nobody filed
	nextFresh := func() int { fresh++; return int(1_000_000_000 + fresh) }

	var targets []loadgen.Target
	items := sample.Items
	if want("lookup") && *spread {
		qs := spreadLookups(gen, sample.Subjects, tag)
		targets = append(targets, loadgen.Target{Name: "public lookup", Make: func(i int64) (*http.Request, error) {
			return http.NewRequest(http.MethodGet, api+"/public/filings?q="+url.QueryEscape(qs[i%int64(len(qs))]), nil)
		}})
	} else if want("lookup") {
		targets = append(targets, loadgen.Target{Name: "public lookup", Make: func(i int64) (*http.Request, error) {
			it := items[i%int64(len(items))]
			q := it.Domain
			if i%2 == 1 {
				q = it.WebsiteNumber
			}
			return http.NewRequest(http.MethodGet, api+"/public/filings?q="+url.QueryEscape(q), nil)
		}})
	}
	if want("crawl") {
		// A crawler's guesses: every request a name nobody filed, in the
		// shapes people type (bare, www., a URL with a path).
		targets = append(targets, loadgen.Target{Name: "public lookup, new names", Make: func(i int64) (*http.Request, error) {
			return http.NewRequest(http.MethodGet, api+"/public/filings?q="+url.QueryEscape(crawlName(i, tag)), nil)
		}})
	}
	var token string
	if want("precheck") || want("trydomains") {
		token, err = registerAndLogin(ctx, client, api)
		if err != nil {
			return fmt.Errorf("load: applicant account: %w", err)
		}
	}
	if want("precheck") {
		// Half known subjects with a new domain (new_website), half nobody (first_filing).
		var idle []seed.SampleItem // subjects without an open application
		for _, it := range items {
			if it.ApplicationID == "" {
				idle = append(idle, it)
			}
		}
		bodies := make([][]byte, 4096)
		if *spread {
			bodies = make([][]byte, spreadInputs)
		}
		for k := range bodies {
			var in map[string]string
			if *spread && k%2 == 0 {
				// A seeded subject picked across the whole run, without an open application.
				s := gen.Subject(spreadIndex(k, sample.Subjects))
				for s.Open != nil {
					s = gen.Subject((s.Index + 1) % sample.Subjects)
				}
				in = map[string]string{"domain": fmt.Sprintf("new-%d-%s.cn", k, tag), "cert_type": s.Doc.Subject.CertType, "cert_number": s.Doc.Subject.CertNumber}
			} else if k%2 == 0 {
				it := idle[(k*7919)%len(idle)]
				in = map[string]string{"domain": fmt.Sprintf("new-%d-%s.cn", k, tag), "cert_type": it.CertType, "cert_number": it.CertNumber}
			} else {
				d := gen.Fresh(tag, nextFresh())
				in = map[string]string{"domain": d.Websites[0].Domain, "cert_type": d.Subject.CertType, "cert_number": d.Subject.CertNumber}
			}
			bodies[k], _ = json.Marshal(in)
		}
		targets = append(targets, loadgen.Target{Name: "pre-check", Make: func(i int64) (*http.Request, error) {
			return jsonRequest(http.MethodPost, api+"/precheck", token, bodies[i%int64(len(bodies))])
		}})
	}
	if want("trydomains") {
		// A few known subjects without an open application, as a handful of
		// applicants would be; each request a domain nobody has seen.
		var known []seed.SampleItem
		for _, it := range items {
			if it.ApplicationID == "" && len(known) < 16 {
				known = append(known, it)
			}
		}
		if len(known) == 0 {
			return errors.New("load: the sample lists no subject without an open application")
		}
		// The body is spliced around the request's number, not marshalled:
		// the load generator shares the server's cores, and its own work
		// per request should be no more than the yardstick's.
		type parts struct{ head, tail []byte }
		bodies := make([]parts, len(known))
		for k, it := range known {
			b, _ := json.Marshal(map[string]string{"domain": "try-#-" + tag + ".cn", "cert_type": it.CertType, "cert_number": it.CertNumber})
			head, tail, _ := bytes.Cut(b, []byte("#"))
			bodies[k] = parts{head, tail}
		}
		targets = append(targets, loadgen.Target{Name: "pre-check new domains", Make: func(i int64) (*http.Request, error) {
			p := bodies[i%int64(len(bodies))]
			b := make([]byte, 0, len(p.head)+20+len(p.tail))
			b = append(strconv.AppendInt(append(b, p.head...), i, 10), p.tail...)
			return jsonRequest(http.MethodPost, api+"/precheck", token, b)
		}})
	}
	if want("validate") {
		targets = append(targets, loadgen.Target{Name: "validate", Make: func(i int64) (*http.Request, error) {
			return jsonRequest(http.MethodPost, api+"/validate", "", exampleDocument)
		}})
	}
	if want("read") {
		type owned struct{ token, id string }
		var apps []owned
		for _, it := range items {
			if it.ApplicationID == "" || len(apps) >= 16 {
				continue
			}
			tok, err := login(ctx, client, api, it.AccountEmail, sample.Password)
			if err != nil {
				return fmt.Errorf("load: log in as seeded owner %s: %w", it.AccountEmail, err)
			}
			apps = append(apps, owned{tok, it.ApplicationID})
		}
		if len(apps) == 0 {
			return errors.New("load: the sample lists no open application")
		}
		targets = append(targets, loadgen.Target{Name: "read application", Make: func(i int64) (*http.Request, error) {
			a := apps[i%int64(len(apps))]
			return jsonRequest(http.MethodGet, api+"/applications/"+a.id, a.token, nil)
		}})
	}
	if want("queue") {
		if *revEmail == "" {
			fmt.Fprintln(stderr, "load: no --reviewer-email: the review queue is not measured")
		} else {
			rtok, err := login(ctx, client, api, *revEmail, *revPassword)
			if err != nil {
				return fmt.Errorf("load: reviewer login: %w", err)
			}
			provs := map[string]bool{}
			var list []string
			for _, it := range items {
				if !provs[it.Province] {
					provs[it.Province] = true
					list = append(list, it.Province)
				}
			}
			targets = append(targets, loadgen.Target{Name: "review queue", Make: func(i int64) (*http.Request, error) {
				return jsonRequest(http.MethodGet, api+"/review/queue?limit=50&province="+list[i%int64(len(list))], rtok, nil)
			}})
		}
	}
	if want("mix") {
		// Applicants filling in their forms: 3 in 4 save a whole document
		// into one of a pool of drafts, 1 in 4 read one back (the page after
		// a save). An account keeps at most 5 drafts, so the pool is spread
		// over accounts, 4 drafts each.
		type draft struct {
			token, id string
			doc       []byte
		}
		pool := make([]draft, 8**conns) // large: two saves of one draft at once are a 409 (optimistic locking)
		var owner string
		for k := range pool {
			if k%4 == 0 {
				var err error
				if owner, err = registerAndLogin(ctx, client, api); err != nil {
					return fmt.Errorf("load: applicant for the mix: %w", err)
				}
			}
			d := gen.Fresh(tag+"p", nextFresh())
			id, err := createApplication(ctx, client, api, owner, d)
			if err != nil {
				return fmt.Errorf("load: draft for the mix: %w", err)
			}
			b, _ := json.Marshal(d)
			pool[k] = draft{owner, id, b}
		}
		targets = append(targets, loadgen.Target{Name: "submission mix", Make: func(i int64) (*http.Request, error) {
			d := pool[i%int64(len(pool))]
			if i%4 == 0 {
				return jsonRequest(http.MethodGet, api+"/applications/"+d.id, d.token, nil)
			}
			return jsonRequest(http.MethodPut, api+"/applications/"+d.id, d.token, d.doc)
		}})
	}

	// The yardstick is a server of its own, as Beian is: a process with
	// its own runtime competing for the same cores. Served inside the load
	// process it shared the client's scheduler and came out faster than
	// any separate server could (measured beside it, last line).
	ystick, stop, err := startYardstickProcess(ctx)
	if err != nil {
		return err
	}
	defer stop()
	yard := loadgen.Target{Name: "yardstick", Make: func(int64) (*http.Request, error) {
		return http.NewRequest(http.MethodGet, ystick+"/", nil)
	}}
	fmt.Fprintf(stdout, "load: %s, %d connections, %s per target (+%s warm-up), sample of %d subjects from %d seeded\n",
		*base, *conns, *dur, *warm, len(items), sample.Subjects)
	y1 := loadgen.Run(ctx, client, *conns, *warm, *dur, yard)
	fmt.Fprintln(stdout, y1)
	var results []loadgen.Result
	for _, t := range targets {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		r := loadgen.Run(ctx, client, *conns, *warm, *dur, t)
		fmt.Fprintln(stdout, r)
		results = append(results, r)
	}
	y2 := loadgen.Run(ctx, client, *conns, *warm, *dur, yard)
	fmt.Fprintln(stdout, y2)
	yRPS := (y1.RPS + y2.RPS) / 2
	inner, stopInner, err := loadgen.Yardstick()
	if err != nil {
		return err
	}
	yIn := loadgen.Run(ctx, client, *conns, *warm, *dur, loadgen.Target{Name: "yardstick in the load process", Make: func(int64) (*http.Request, error) {
		return http.NewRequest(http.MethodGet, inner+"/", nil)
	}})
	stopInner()
	fmt.Fprintln(stdout, yIn)

	fmt.Fprintf(stdout, "\n| target | req/s | p50 | p99 | max | of yardstick | 4xx | 5xx | target |\n|---|---:|---:|---:|---:|---:|---:|---:|---|\n")
	fmt.Fprintf(stdout, "| yardstick (mean of before and after) | %.0f | %s | %s | %s | 100%% | | | |\n", yRPS, millis(y1.P50), millis(y1.P99), millis(y1.Max))
	failed := false
	goals := loadTargets(*store, *spread)
	for _, r := range results {
		ratio := r.RPS / yRPS
		verdict := ""
		if t, ok := goals[r.Name]; ok && t.p99 > 0 {
			pass := r.P99 < t.p99 && ratio >= t.ratio && r.Status5xx == 0 && r.Errors == 0
			verdict = fmt.Sprintf("p99 < %s", t.p99)
			if t.ratio > 0 {
				verdict = fmt.Sprintf("≥ %.0f%%, %s", t.ratio*100, verdict)
			}
			if pass {
				verdict = "pass (" + verdict + ")"
			} else {
				verdict = "**fail** (" + verdict + ")"
				failed = true
			}
		} else if r.Status5xx > 0 || r.Errors > 0 {
			verdict, failed = "**fail** (5xx)", true
		}
		fmt.Fprintf(stdout, "| %s | %.0f | %s | %s | %s | %.0f%% | %d | %d | %s |\n", r.Name, r.RPS, millis(r.P50), millis(r.P99), millis(r.Max),
			ratio*100, r.Status4xx, r.Status5xx, verdict)
	}
	fmt.Fprintf(stdout, "\n(the yardstick served inside the load process, as until 2026-12-06: %.0f req/s, p99 %s; the targets' shares of it: %s)\n",
		yIn.RPS, millis(yIn.P99), innerShares(results, yIn.RPS))
	if *pid > 0 {
		hwm, rss := procMemory(*pid)
		fmt.Fprintf(stdout, "\nserver memory: peak %s (VmHWM), now %s (VmRSS)\n", hwm, rss)
	}
	if failed {
		return errors.New("load: some targets were missed")
	}
	return nil
}

// innerShares lists each target's share of the in-process yardstick.
func innerShares(results []loadgen.Result, rps float64) string {
	parts := make([]string, 0, len(results))
	for _, r := range results {
		parts = append(parts, fmt.Sprintf("%s %.0f%%", r.Name, 100*r.RPS/rps))
	}
	return strings.Join(parts, ", ")
}

// startYardstickProcess runs `beian load --serve-yardstick` beside this
// process and returns its URL; stop ends it (closing its stdin ends it too,
// should this process die first).
func startYardstickProcess(ctx context.Context) (string, func(), error) {
	exe, err := os.Executable()
	if err != nil {
		return "", nil, err
	}
	cmd := exec.CommandContext(ctx, exe, "load", "--serve-yardstick")
	in, err := cmd.StdinPipe()
	if err != nil {
		return "", nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return "", nil, err
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return "", nil, fmt.Errorf("load: yardstick process: %w", err)
	}
	stop := func() { in.Close(); cmd.Process.Kill(); cmd.Wait() }
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "http://") {
		stop()
		return "", nil, fmt.Errorf("load: yardstick process said %q: %v", line, err)
	}
	return strings.TrimSpace(line), stop, nil
}

// serveYardstickProcess is the yardstick's own process: it serves until
// its stdin closes (the load run ended) or ctx ends.
func serveYardstickProcess(ctx context.Context, stdout io.Writer) error {
	u, stop, err := loadgen.Yardstick()
	if err != nil {
		return err
	}
	defer stop()
	fmt.Fprintln(stdout, u)
	done := make(chan struct{})
	go func() { io.Copy(io.Discard, os.Stdin); close(done) }()
	select {
	case <-ctx.Done():
	case <-done:
	}
	return nil
}

// spreadInputs is how many distinct inputs --spread prepares per target:
// more than a 10-second run at these rates sends, so inputs do not repeat
// within a cache's lifetime.
const spreadInputs = 1 << 18

// spreadIndex scatters input k over the seeded subjects 0..n-1.
func spreadIndex(k, n int) int {
	x := uint64(k) * 0x9e3779b97f4a7c15
	return int((x ^ x>>29) % uint64(n))
}

// spreadLookups are public-lookup queries over the whole seeded range: in
// every four, a domain, a website number, a subject number and a domain
// nobody filed.
func spreadLookups(gen *seed.Generator, n int, tag string) []string {
	qs := make([]string, spreadInputs)
	for k := range qs {
		s := gen.Subject(spreadIndex(k, n))
		switch k % 4 {
		case 0:
			qs[k] = s.Doc.Websites[0].Domain
		case 1:
			qs[k] = s.WebsiteNumbers[len(s.WebsiteNumbers)-1]
		case 2:
			qs[k] = s.SubjectNumber
		default:
			qs[k] = fmt.Sprintf("unknown-%d-%s.cn", k, tag)
		}
	}
	return qs
}

// crawlName is the i-th name of the crawler pattern: never filed, never
// repeated within a run.
func crawlName(i int64, tag string) string {
	tlds := [...]string{".cn", ".com", ".com.cn", ".net", ".中国"}
	name := fmt.Sprintf("crawl-%d-%s%s", i, tag, tlds[i%int64(len(tlds))])
	switch i % 3 {
	case 1:
		return "www." + name
	case 2:
		return "https://" + name + "/index.html"
	}
	return name
}

func millis(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000) }

func jsonRequest(method, u, token string, body []byte) (*http.Request, error) {
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, u, r)
	if err != nil {
		return nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return req, nil
}

func call(ctx context.Context, c *http.Client, method, u, token string, in, out any) error {
	var body []byte
	if in != nil {
		body, _ = json.Marshal(in)
	}
	req, err := jsonRequest(method, u, token, body)
	if err != nil {
		return err
	}
	resp, err := c.Do(req.WithContext(ctx))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s %s: %d %s", method, u, resp.StatusCode, bytes.TrimSpace(b))
	}
	if out != nil {
		return json.Unmarshal(b, out)
	}
	return nil
}

func login(ctx context.Context, c *http.Client, api, email, password string) (string, error) {
	var out struct {
		Token string `json:"token"`
	}
	if err := call(ctx, c, http.MethodPost, api+"/sessions", "", map[string]string{"email": email, "password": password}, &out); err != nil {
		return "", err
	}
	return out.Token, nil
}

// registerAndLogin makes a fresh applicant account for this run.
func registerAndLogin(ctx context.Context, c *http.Client, api string) (string, error) {
	pw := "Load-Passw0rd-2026"
	var err error
	for try := 0; try < 5; try++ {
		email := fmt.Sprintf("load-%d@bench.example.cn", rand.Int64())
		ph := fmt.Sprintf("199%08d", rand.IntN(100_000_000))
		err = call(ctx, c, http.MethodPost, api+"/accounts", "", map[string]string{"email": email, "phone": ph, "password": pw, "name": "压测账号"}, nil)
		if err == nil {
			return login(ctx, c, api, email, pw)
		}
	}
	return "", err
}

func createApplication(ctx context.Context, c *http.Client, api, token string, d filing.Document) (string, error) {
	var out struct {
		ID string `json:"id"`
	}
	in := map[string]string{"domain": d.Websites[0].Domain, "cert_type": d.Subject.CertType, "cert_number": d.Subject.CertNumber}
	if err := call(ctx, c, http.MethodPost, api+"/applications", token, in, &out); err != nil {
		return "", err
	}
	return out.ID, nil
}

// procMemory reads a process's peak and current resident memory.
func procMemory(pid int) (hwm, rss string) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return "?", "?"
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, _ := strings.Cut(sc.Text(), ":")
		switch k {
		case "VmHWM":
			hwm = strings.TrimSpace(v)
		case "VmRSS":
			rss = strings.TrimSpace(v)
		}
	}
	return hwm, rss
}
