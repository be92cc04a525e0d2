package notify

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"beian/internal/config"
	"beian/internal/jobs"
	"beian/internal/pii"
	"beian/internal/storage"
	"beian/internal/storage/storagetest"
)

func testSealer() (*pii.Sealer, error) { return pii.New([]byte("0123456789abcdef0123456789abcdef")) }

func sealer(t *testing.T) *pii.Sealer {
	t.Helper()
	s, err := testSealer()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func notifier(t *testing.T, s *storage.Store, cfg config.Config) *Notifier {
	t.Helper()
	cfg.Provider = config.DefaultProvider()
	cfg.BaseURL = "https://beian.example.cn"
	n, err := New(cfg, s, sealer(t))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func runner(s *storage.Store, n *Notifier) *jobs.Runner {
	return &jobs.Runner{Store: s, Log: slog.New(slog.NewTextHandler(logOut, nil)), Handlers: n.Handlers()}
}

func enqueue(t *testing.T, s *storage.Store, n *Notifier, channel, key string, p Payload) {
	t.Helper()
	if err := s.Tx(context.Background(), func(tx *storage.Tx) error { return n.Enqueue(context.Background(), tx, channel, key, p) }); err != nil {
		t.Fatal(err)
	}
}

func TestOutboxThroughJobs(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		n := notifier(t, s, config.Config{})
		enqueue(t, s, n, Email, "mail-1", Payload{To: "Zhang@Example.cn", Template: TplApproved, Lang: "en",
			Data: &Data{Name: "Zhang", Numbers: &Numbers{Subject: "京ICP备2026000001号", Websites: []WebsiteNumber{{Domain: "example.cn", Number: "京ICP备2026000001号-1"}}}}})
		// Same key again: still one job and one message.
		enqueue(t, s, n, Email, "mail-1", Payload{To: "zhang@example.cn", Body: "other"})
		enqueue(t, s, n, SMS, "sms-1", Payload{To: "+86 138-0013-8000", Template: TplSMSCode, Data: &Data{Code: "123456", ValidHours: 24}})
		enqueue(t, s, n, SMS, "sms-2", Payload{To: "13900139000", Subject: "Beian", Body: "plain text"})

		// The jobs table holds no recipient in clear.
		jobsSeen, _ := s.ClaimJobs(ctx, s.Now(), 10, time.Nanosecond) // lease ends at once: the runner re-claims them
		for _, j := range jobsSeen {
			if pl := strings.ToLower(string(j.Payload)); strings.Contains(pl, "13800138000") || strings.Contains(pl, "zhang@example.cn") {
				t.Errorf("payload in clear: %s", j.Payload)
			}
		}
		time.Sleep(2 * time.Millisecond)
		r := runner(s, n)
		if _, err := r.RunDue(ctx); err != nil {
			t.Fatal(err)
		}
		items, err := n.Outbox.List(ctx, OutboxQuery{})
		if err != nil {
			t.Fatal(err)
		}
		if len(items) != 3 {
			t.Fatalf("outbox has %d messages, want 3: %+v", len(items), items)
		}
		mails, _ := n.Outbox.List(ctx, OutboxQuery{To: "zhang@example.cn"})
		if len(mails) != 1 || mails[0].To != "z***@example.cn" || mails[0].Channel != Email ||
			!strings.Contains(mails[0].Subject, "京ICP备2026000001号") || mails[0].Lang != "en" {
			t.Fatalf("email = %+v", mails)
		}
		codes, _ := n.Outbox.List(ctx, OutboxQuery{To: "13800138000", Channel: SMS})
		if len(codes) != 1 || codes[0].To != "138****8000" || codes[0].Subject != "12381" || !strings.Contains(codes[0].Body, "123456") {
			t.Fatalf("sms = %+v", codes)
		}
		storagetest.WantJobs(t, s, map[string]int{"done": 3})
	})
}

// A worker claims a notification job and dies (kill -9): the lease runs
// out, another worker runs it, and the outbox holds the message once. The
// same holds when the dead worker got as far as storing the message.
func TestKilledWorkerSendsOnce(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		n := notifier(t, s, config.Config{})
		enqueue(t, s, n, SMS, "code-app1-1", Payload{To: "13800138000", Template: TplSMSCode, Data: &Data{Code: "654321", ValidHours: 24}})
		enqueue(t, s, n, Email, "mail-app1-1", Payload{To: "a@example.cn", Template: TplSubmitted, Data: &Data{SubjectName: "某公司"}})

		now := s.Now()
		claimed, err := s.ClaimJobs(ctx, now, 10, time.Minute)
		if err != nil || len(claimed) != 2 {
			t.Fatalf("claim: %v %d", err, len(claimed))
		}
		// The first "dead" worker had stored the SMS in the outbox (in a
		// transaction that, unlike the handler's, did not complete the job).
		var smsJob storage.Job
		for _, j := range claimed {
			if j.Kind == JobSMS {
				smsJob = j
			}
		}
		var p Payload
		json.Unmarshal(smsJob.Payload, &p)
		m, err := n.Message(SMS, p)
		if err != nil {
			t.Fatal(err)
		}
		if err := n.Outbox.SendSMS(ctx, smsJob.Key, m); err != nil {
			t.Fatal(err)
		}
		// Before the lease ends nobody else takes the jobs.
		r := runner(s, n)
		r.Now = func() time.Time { return now.Add(30 * time.Second) }
		if ran, _ := r.RunDue(ctx); ran != 0 {
			t.Fatalf("leased jobs re-run early: %d", ran)
		}
		// After it, a new worker does.
		r.Now = func() time.Time { return now.Add(2 * time.Minute) }
		if ran, _ := r.RunDue(ctx); ran != 2 {
			t.Fatalf("re-ran %d jobs, want 2", ran)
		}
		r.RunDue(ctx)
		for _, q := range []OutboxQuery{{To: "13800138000", Channel: SMS}, {To: "a@example.cn", Channel: Email}} {
			items, _ := n.Outbox.List(ctx, q)
			if len(items) != 1 {
				t.Errorf("%s: %d messages, want exactly 1", q.Channel, len(items))
			}
		}
		storagetest.WantJobs(t, s, map[string]int{"done": 2, "running": 0})
	})
}

// smtpServer is a real SMTP server in the test process.
type smtpServer struct {
	mu       sync.Mutex
	received []received
	failNext int // answer the next DATA with a temporary 451
	auths    []string
}

type received struct {
	from string
	to   []string
	data []byte
}

type smtpSession struct {
	srv *smtpServer
	cur received
}

func (b *smtpServer) NewSession(c *smtp.Conn) (smtp.Session, error) { return &smtpSession{srv: b}, nil }

func (s *smtpSession) AuthMechanisms() []string { return []string{sasl.Plain} }
func (s *smtpSession) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, user, pass string) error {
		s.srv.mu.Lock()
		defer s.srv.mu.Unlock()
		s.srv.auths = append(s.srv.auths, user+":"+pass)
		if user != "beian" || pass != "s3cret" {
			return errors.New("bad credentials")
		}
		return nil
	}), nil
}
func (s *smtpSession) Mail(from string, _ *smtp.MailOptions) error { s.cur.from = from; return nil }
func (s *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.cur.to = append(s.cur.to, to)
	return nil
}
func (s *smtpSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.srv.mu.Lock()
	defer s.srv.mu.Unlock()
	if s.srv.failNext > 0 {
		s.srv.failNext--
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
	}
	s.cur.data = b
	s.srv.received = append(s.srv.received, s.cur)
	return nil
}
func (s *smtpSession) Reset()        { s.cur = received{} }
func (s *smtpSession) Logout() error { return nil }

// startSMTP runs a server offering STARTTLS with a self-signed
// certificate, or implicit TLS when implicit is set. Credentials are only
// accepted over TLS, as on a real server.
func startSMTP(t *testing.T, implicit bool) (*smtpServer, string) {
	t.Helper()
	b := &smtpServer{}
	srv := smtp.NewServer(b)
	srv.Domain = "localhost"
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	srv.TLSConfig = selfSigned(t)
	var l net.Listener
	var err error
	if implicit {
		l, err = tls.Listen("tcp", "127.0.0.1:0", srv.TLSConfig)
	} else {
		l, err = net.Listen("tcp", "127.0.0.1:0")
	}
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return b, l.Addr().String()
}

func selfSigned(t *testing.T) *tls.Config {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}
}

// decodeMail parses a received message: headers decoded, body un-QP'd.
func decodeMail(t *testing.T, raw []byte) (hdr mail.Header, subject, body string) {
	t.Helper()
	msg, err := mail.ReadMessage(strings.NewReader(string(raw)))
	if err != nil {
		t.Fatal(err)
	}
	dec := new(mime.WordDecoder)
	subject, err = dec.DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		t.Fatal(err)
	}
	var r io.Reader = msg.Body
	if strings.EqualFold(msg.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
		r = quotedprintable.NewReader(msg.Body)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return msg.Header, subject, string(b)
}

func TestSMTPDelivery(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		srv, addr := startSMTP(t, false)
		n := notifier(t, s, config.Config{SMTPURL: "smtp://beian:s3cret@" + addr + "?from=beian@lanyun.example.cn&insecure=1"})
		if _, ok := n.Email.(*SMTP); !ok {
			t.Fatalf("email sender is %T", n.Email)
		}
		srv.failNext = 1 // the first try meets a temporary failure
		enqueue(t, s, n, Email, "approved-app9", Payload{To: "applicant@example.cn", Template: TplApproved, Data: &Data{Name: "李四",
			Numbers: &Numbers{Subject: "京ICP备2026000007号", Websites: []WebsiteNumber{{Domain: "example.cn", Number: "京ICP备2026000007号-1"}}}}})

		r := runner(s, n)
		start := s.Now()
		r.Now = func() time.Time { return start }
		r.RunDue(ctx)
		if len(srv.received) != 0 {
			t.Fatal("message accepted despite the 451")
		}
		counts, _ := s.JobCounts(ctx)
		if counts["queued"] != 1 {
			t.Fatalf("temporary failure not queued for retry: %v", counts)
		}
		// The retry (after the backoff) succeeds.
		r.Now = func() time.Time { return start.Add(time.Minute) }
		if ran, _ := r.RunDue(ctx); ran != 1 {
			t.Fatalf("retry did not run")
		}
		if len(srv.received) != 1 {
			t.Fatalf("server received %d messages", len(srv.received))
		}
		got := srv.received[0]
		if got.from != "beian@lanyun.example.cn" || len(got.to) != 1 || got.to[0] != "applicant@example.cn" {
			t.Errorf("envelope from %q to %v", got.from, got.to)
		}
		hdr, subject, body := decodeMail(t, got.data)
		if !strings.Contains(subject, "京ICP备2026000007号") {
			t.Errorf("subject %q", subject)
		}
		for _, want := range []string{"李四", "京ICP备2026000007号-1", `<a href="https://beian.miit.gov.cn/"`, "https://beian.mps.gov.cn"} {
			if !strings.Contains(body, want) {
				t.Errorf("body lacks %q:\n%s", want, body)
			}
		}
		if from, err := new(mime.WordDecoder).DecodeHeader(hdr.Get("From")); err != nil || !strings.Contains(from, config.DefaultProvider().Name) || !strings.Contains(from, "<beian@lanyun.example.cn>") {
			t.Errorf("From %q (%v): not in the provider's name", from, err)
		}
		if !strings.Contains(hdr.Get("Message-Id"), "approved-app9@") {
			t.Errorf("Message-ID %q does not carry the idempotency key", hdr.Get("Message-Id"))
		}
		if len(srv.auths) == 0 || srv.auths[0] != "beian:s3cret" {
			t.Errorf("auth attempts %v", srv.auths)
		}

		// A crash after the send was recorded but before the job completed:
		// the job is re-run and the server gets nothing new.
		enqueue(t, s, n, Email, "approved-app9", Payload{To: "applicant@example.cn", Body: "dup"}) // same key: no new job
		if err := s.Tx(ctx, func(tx *storage.Tx) error {
			if err := tx.Enqueue(ctx, JobEmail, Payload{To: "x@example.cn", Body: "hello"}, "crash-key", time.Time{}); err != nil {
				return err
			}
			return tx.RecordSent(ctx, storage.SentMessage{IdemKey: "crash-key", Channel: Email, RecipientMasked: "x***@example.cn"})
		}); err != nil {
			t.Fatal(err)
		}
		r.Now = func() time.Time { return start.Add(2 * time.Minute) }
		r.RunDue(ctx)
		if len(srv.received) != 1 {
			t.Errorf("re-run job sent again: %d messages", len(srv.received))
		}
		storagetest.WantJobs(t, s, map[string]int{"done": 2, "queued": 0})
		if sent, _ := s.CountSent(ctx, Email); sent != 2 {
			t.Errorf("sent_messages = %d", sent)
		}
	})
}

func TestSMTPImplicitTLSAndCredentials(t *testing.T) {
	srv, addr := startSMTP(t, true)
	good, err := NewSMTP("smtps://beian:s3cret@" + addr + "?insecure=1")
	if err != nil {
		t.Fatal(err)
	}
	if err := good.SendEmail(context.Background(), "k1", Message{To: "a@example.cn", Subject: "备案", Body: "正文 body"}); err != nil {
		t.Fatalf("smtps: %v", err)
	}
	if len(srv.received) != 1 {
		t.Fatalf("smtps: received %d", len(srv.received))
	}
	_, subject, body := decodeMail(t, srv.received[0].data)
	if subject != "备案" || !strings.Contains(body, "正文 body") {
		t.Errorf("smtps message %q %q", subject, body)
	}
	bad, _ := NewSMTP("smtps://beian:wrong@" + addr + "?insecure=1")
	if err := bad.SendEmail(context.Background(), "k2", Message{To: "a@example.cn", Subject: "s", Body: "b"}); err == nil {
		t.Fatal("sent with wrong credentials")
	}
	// Without insecure=1 the self-signed certificate is refused.
	strict, _ := NewSMTP("smtps://beian:s3cret@" + addr)
	if err := strict.SendEmail(context.Background(), "k3", Message{To: "a@example.cn", Subject: "s", Body: "b"}); err == nil {
		t.Fatal("self-signed certificate accepted")
	}
	if len(srv.received) != 1 {
		t.Errorf("received %d", len(srv.received))
	}
}

func TestNewSMTPURLs(t *testing.T) {
	tests := []struct {
		url      string
		ok       bool
		port     int
		ssl      bool
		from     string
		userPass string
	}{
		{"smtp://u:p@mail.example.cn:2525", true, 2525, false, "noreply@mail.example.cn", "u:p"},
		{"smtps://u:p%40ss@mail.example.cn", true, 465, true, "noreply@mail.example.cn", "u:p@ss"},
		{"smtp://mail.example.cn?from=a@b.cn", true, 587, false, "a@b.cn", ":"},
		{"http://mail.example.cn", false, 0, false, "", ""},
		{"smtp://:25", false, 0, false, "", ""},
		{"smtp://h:99999", false, 0, false, "", ""},
	}
	for _, tt := range tests {
		s, err := NewSMTP(tt.url)
		if (err == nil) != tt.ok {
			t.Errorf("%s: err %v", tt.url, err)
			continue
		}
		if !tt.ok {
			continue
		}
		if s.port != tt.port || s.ssl != tt.ssl || s.from != tt.from || s.user+":"+s.pass != tt.userPass {
			t.Errorf("%s: %+v", tt.url, s)
		}
	}
}

func TestSMSGateway(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		var mu sync.Mutex
		var bodies []map[string]string
		var keys []string
		status := http.StatusInternalServerError // first answer: retry
		gw := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			defer mu.Unlock()
			if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" {
				http.Error(w, "bad request", 400)
				return
			}
			var b map[string]string
			json.NewDecoder(r.Body).Decode(&b)
			bodies = append(bodies, b)
			keys = append(keys, r.Header.Get("Idempotency-Key"))
			w.WriteHeader(status)
			status = http.StatusOK
		}))
		defer gw.Close()
		n := notifier(t, s, config.Config{SMSURL: gw.URL + "/send"})
		enqueue(t, s, n, SMS, "sms-code-7", Payload{To: "13800138000", Template: TplSMSCode, Data: &Data{Code: "112233", ValidHours: 24}})
		r := runner(s, n)
		start := s.Now()
		r.Now = func() time.Time { return start }
		r.RunDue(ctx)
		r.Now = func() time.Time { return start.Add(time.Minute) }
		r.RunDue(ctx)
		r.Now = func() time.Time { return start.Add(time.Hour) }
		r.RunDue(ctx) // nothing left: no third post
		if len(bodies) != 2 {
			t.Fatalf("gateway got %d posts, want 2 (one failed, one sent)", len(bodies))
		}
		if bodies[1]["to"] != "13800138000" || !strings.Contains(bodies[1]["text"], "112233") || len(bodies[1]) != 2 {
			t.Errorf("body %v", bodies[1])
		}
		if keys[0] != "sms-code-7" || keys[1] != "sms-code-7" {
			t.Errorf("idempotency keys %v", keys)
		}
		storagetest.WantJobs(t, s, map[string]int{"done": 1})
		// The outbox stays empty: the gateway is the channel.
		if items, _ := n.Outbox.List(ctx, OutboxQuery{}); len(items) != 0 {
			t.Errorf("outbox has %d", len(items))
		}
	})
}

func TestSMSGatewayErrors(t *testing.T) {
	for _, tt := range []struct {
		status    int
		permanent bool
	}{{200, false}, {204, false}, {400, true}, {403, true}, {408, false}, {429, false}, {502, false}} {
		gw := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(tt.status) }))
		g, err := NewSMSGateway(gw.URL)
		if err != nil {
			t.Fatal(err)
		}
		err = g.SendSMS(context.Background(), "k", Message{To: "13800138000", Body: "x"})
		gw.Close()
		if tt.status < 300 {
			if err != nil {
				t.Errorf("%d: %v", tt.status, err)
			}
			continue
		}
		if err == nil {
			t.Errorf("%d: no error", tt.status)
			continue
		}
		perm := fmt.Sprintf("%T", err) == "jobs.permanent"
		if perm != tt.permanent {
			t.Errorf("%d: permanent = %v (%T)", tt.status, perm, err)
		}
	}
	for _, bad := range []string{"", "ftp://x", "http://", "not a url"} {
		if _, err := NewSMSGateway(bad); err == nil {
			t.Errorf("NewSMSGateway(%q) accepted", bad)
		}
	}
}

func TestEnqueueRefusesBadPayloads(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		n := notifier(t, s, config.Config{})
		ctx := context.Background()
		for name, tc := range map[string]struct {
			ch string
			p  Payload
		}{
			"no recipient":     {Email, Payload{Body: "x"}},
			"no content":       {Email, Payload{To: "a@b.cn"}},
			"unknown template": {SMS, Payload{To: "13800138000", Template: "nope"}},
			"unknown channel":  {"fax", Payload{To: "1", Body: "x"}},
		} {
			err := s.Tx(ctx, func(tx *storage.Tx) error { return n.Enqueue(ctx, tx, tc.ch, "k-"+name, tc.p) })
			if err == nil {
				t.Errorf("%s: accepted", name)
			}
		}
	})
}

var logOut io.Writer = io.Discard
