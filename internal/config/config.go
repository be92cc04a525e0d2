// Package config reads Beian's settings (spec/config.md) into one struct
// that the wiring passes down. Every key has a default so `beian serve`
// runs with no configuration at all.
package config

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Config is everything an operator can set.
type Config struct {
	Addr            string  // BEIAN_ADDR
	DataDir         string  // BEIAN_DATA_DIR
	DatabaseURL     string  // BEIAN_DATABASE_URL: "sqlite:PATH" or "postgres://…"
	BlobURL         string  // BEIAN_BLOB_URL: "file:DIR" or "s3://bucket?endpoint=…"
	SMTPURL         string  // BEIAN_SMTP_URL; empty: outbox
	SMSURL          string  // BEIAN_SMS_URL; empty: outbox
	BureauMode      string  // BEIAN_BUREAU_MODE: auto | manual (the simulator) | relay (the real bureau, worked by hand)
	BureauTimeScale float64 // BEIAN_BUREAU_TIME_SCALE
	BureauSeed      string  // BEIAN_BUREAU_SEED: path, empty for the built-in demo seed
	AdminEmail      string  // BEIAN_ADMIN_EMAIL
	AdminPassword   string  // BEIAN_ADMIN_PASSWORD
	BaseURL         string  // BEIAN_BASE_URL: links in mails; default http://ADDR
	SecretKey       string  // BEIAN_SECRET_KEY: hex 32 bytes for PII encryption; default a key file in the data dir
	SecretKeysOld   string  // BEIAN_SECRET_KEY_OLD: earlier keys after a rotation, comma-separated hex, oldest first
	LogLevel        string  // BEIAN_LOG_LEVEL: debug | info | warn | error
	LogFormat       string  // BEIAN_LOG_FORMAT: text | json
	Pprof           string  // BEIAN_PPROF: address of a separate profiler listener (benchmarks); empty: off
	// JobRetention is how long a finished job keeps its payload
	// (BEIAN_JOB_RETENTION, a Go duration; default 7 days): then only its
	// kind, key and times remain.
	JobRetention time.Duration
	// RateLimits turns the abuse limits on (default). BEIAN_RATE_LIMITS=off
	// is for load benchmarks driven from one client only.
	RateLimits bool

	// Operations (docs/operations.md).
	MetricsToken string // BEIAN_METRICS_TOKEN: a bearer token that may read /metrics from anywhere
	MetricsAllow string // BEIAN_METRICS_ALLOW: networks that may read /metrics without it (CIDR, comma-separated)
	// WebhooksPrivate lets accounts' webhook endpoints use plain http and
	// private or loopback addresses (BEIAN_WEBHOOKS_PRIVATE=allow; labs and tests).
	WebhooksPrivate bool
	// Monitor is the compliance monitor's settings (BEIAN_MONITOR_*).
	Monitor Monitor

	Provider Provider
}

// Monitor is how the compliance monitor runs (docs/configuration.md).
type Monitor struct {
	Enabled       bool          // BEIAN_MONITOR: on | off
	Every         time.Duration // BEIAN_MONITOR_EVERY: how often the scheduler looks for websites due
	Interval      time.Duration // BEIAN_MONITOR_INTERVAL: how often each website is checked
	Batch         int           // BEIAN_MONITOR_BATCH: websites one scheduler run takes at most
	Rate          int           // BEIAN_MONITOR_RATE: checks per minute at most
	Confirm       int           // BEIAN_MONITOR_CONFIRM: consecutive checks that confirm a problem
	EscalateAfter time.Duration // BEIAN_MONITOR_ESCALATE_AFTER: an open number problem goes to staff after this
	Resolver      string        // BEIAN_MONITOR_RESOLVER: host:port; empty: the first name server of /etc/resolv.conf
	Timeout       time.Duration // BEIAN_MONITOR_TIMEOUT: one DNS question, one homepage fetch
	MaxBytes      int64         // BEIAN_MONITOR_MAX_BYTES: of a homepage read
	MaxRedirects  int           // BEIAN_MONITOR_MAX_REDIRECTS
	HTTPPort      string        // BEIAN_MONITOR_HTTP_PORT: labs and tests only
	HTTPSPort     string        // BEIAN_MONITOR_HTTPS_PORT: labs and tests only
}

// Provider holds the provider settings (BEIAN_PROVIDER_FILE).
type Provider struct {
	Name                      string   `json:"name"`
	IPRanges                  []string `json:"ip_ranges"`
	AccessMethods             []string `json:"access_methods"`
	ServerLocations           []string `json:"server_locations"`
	Offices                   []Office `json:"offices"`
	MailingAddress            string   `json:"mailing_address"`
	MaxWebsitesPerApplication int      `json:"max_websites_per_application"`
	AttachmentMaxBytes        int64    `json:"attachment_max_bytes"`
	AttachmentStoreMaxBytes   int64    `json:"attachment_store_max_bytes"`
	AttachmentMinWidth        int      `json:"attachment_min_width"`
	AttachmentMinHeight       int      `json:"attachment_min_height"`
	// ApprovedTLDs overrides data/approved_tlds.txt when not empty.
	ApprovedTLDs []string `json:"approved_tlds"`
	// HolidayOverrides adds official calendars for years the library does not
	// cover: "2028-01-01": "holiday" | "workday".
	HolidayOverrides map[string]string `json:"holiday_overrides"`
}

// Office is a place where face-to-face signing (面签) happens.
type Office struct {
	Key     string `json:"key"`
	City    string `json:"city"`
	Address string `json:"address"`
	Phone   string `json:"phone"`
}

// DefaultProvider is the seed provider's settings (config.md).
func DefaultProvider() Provider {
	return Provider{
		Name:            "上海蓝云网络科技有限公司",
		IPRanges:        []string{"42.159.0.0/16", "139.217.0.0/16", "139.219.0.0/16"},
		AccessMethods:   []string{"cloud"},
		ServerLocations: []string{"110000", "310000", "130000"},
		Offices: []Office{
			{Key: "beijing", City: "北京", Address: "北京市朝阳区酒仙桥东路1号", Phone: "4000890365"},
			{Key: "shanghai", City: "上海", Address: "上海浦东区科苑路88号3号楼657室", Phone: "021-28986102"},
		},
		MailingAddress:            "北京市朝阳区酒仙桥东路1号（备案组收，电话 4000890365）",
		MaxWebsitesPerApplication: 10,
		AttachmentMaxBytes:        10 << 20,
		AttachmentStoreMaxBytes:   2 << 20,
		AttachmentMinWidth:        600,
		AttachmentMinHeight:       400,
	}
}

// Load reads the environment (and the provider file it names).
func Load(getenv func(string) string) (_ Config, err error) {
	get := func(k, def string) string {
		if v := strings.TrimSpace(getenv(k)); v != "" {
			return v
		}
		return def
	}
	c := Config{
		Addr:          get("BEIAN_ADDR", "127.0.0.1:8080"),
		DataDir:       get("BEIAN_DATA_DIR", "./data"),
		SMTPURL:       get("BEIAN_SMTP_URL", ""),
		SMSURL:        get("BEIAN_SMS_URL", ""),
		BureauMode:    get("BEIAN_BUREAU_MODE", "auto"),
		BureauSeed:    get("BEIAN_BUREAU_SEED", ""),
		AdminEmail:    get("BEIAN_ADMIN_EMAIL", ""),
		AdminPassword: get("BEIAN_ADMIN_PASSWORD", ""),
		SecretKey:     get("BEIAN_SECRET_KEY", ""),
		SecretKeysOld: get("BEIAN_SECRET_KEY_OLD", ""),
		LogLevel:      get("BEIAN_LOG_LEVEL", "info"),
		LogFormat:     get("BEIAN_LOG_FORMAT", "text"),
		MetricsToken:  get("BEIAN_METRICS_TOKEN", ""),
		MetricsAllow:  get("BEIAN_METRICS_ALLOW", "127.0.0.0/8,::1/128"),
		Pprof:         get("BEIAN_PPROF", ""),
		Provider:      DefaultProvider(),
	}
	c.DatabaseURL = get("BEIAN_DATABASE_URL", "sqlite:"+filepath.Join(c.DataDir, "beian.db"))
	c.BlobURL = get("BEIAN_BLOB_URL", "file:"+filepath.Join(c.DataDir, "blobs"))
	c.BaseURL = get("BEIAN_BASE_URL", "http://"+c.Addr)
	switch get("BEIAN_RATE_LIMITS", "on") {
	case "on":
		c.RateLimits = true
	case "off":
	default:
		return c, fmt.Errorf("BEIAN_RATE_LIMITS must be on or off")
	}
	switch get("BEIAN_WEBHOOKS_PRIVATE", "deny") {
	case "deny":
	case "allow":
		c.WebhooksPrivate = true
	default:
		return c, fmt.Errorf("BEIAN_WEBHOOKS_PRIVATE must be allow or deny")
	}
	if c.Monitor, err = loadMonitor(get); err != nil {
		return c, err
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return c, fmt.Errorf("BEIAN_LOG_FORMAT must be text or json, not %q", c.LogFormat)
	}
	if c.BureauMode != "auto" && c.BureauMode != "manual" && c.BureauMode != "relay" {
		return c, fmt.Errorf("BEIAN_BUREAU_MODE must be auto, manual or relay, not %q", c.BureauMode)
	}
	retention, err := time.ParseDuration(get("BEIAN_JOB_RETENTION", "168h"))
	if err != nil || retention <= 0 {
		return c, fmt.Errorf("BEIAN_JOB_RETENTION must be a duration such as 168h, not %q", get("BEIAN_JOB_RETENTION", ""))
	}
	c.JobRetention = retention
	scale, err := strconv.ParseFloat(get("BEIAN_BUREAU_TIME_SCALE", "0"), 64)
	if err != nil || scale < 0 {
		return c, fmt.Errorf("BEIAN_BUREAU_TIME_SCALE must be a number ≥ 0")
	}
	c.BureauTimeScale = scale
	if path := get("BEIAN_PROVIDER_FILE", ""); path != "" {
		b, err := os.ReadFile(path)
		if err != nil {
			return c, fmt.Errorf("provider file: %w", err)
		}
		// Keys absent from the file keep their defaults.
		if err := json.Unmarshal(b, &c.Provider); err != nil {
			return c, fmt.Errorf("provider file %s: %w", path, err)
		}
	}
	return c, nil
}

// IsPostgres reports whether the database URL names PostgreSQL.
func (c Config) IsPostgres() bool {
	return strings.HasPrefix(c.DatabaseURL, "postgres://") || strings.HasPrefix(c.DatabaseURL, "postgresql://")
}

func loadMonitor(get func(k, def string) string) (Monitor, error) {
	m := Monitor{Resolver: get("BEIAN_MONITOR_RESOLVER", ""), HTTPPort: get("BEIAN_MONITOR_HTTP_PORT", "80"), HTTPSPort: get("BEIAN_MONITOR_HTTPS_PORT", "443")}
	switch get("BEIAN_MONITOR", "on") {
	case "on":
		m.Enabled = true
	case "off":
	default:
		return m, fmt.Errorf("BEIAN_MONITOR must be on or off")
	}
	durations := []struct {
		key, def string
		to       *time.Duration
	}{
		{"BEIAN_MONITOR_EVERY", "1h", &m.Every}, {"BEIAN_MONITOR_INTERVAL", "24h", &m.Interval},
		{"BEIAN_MONITOR_ESCALATE_AFTER", "168h", &m.EscalateAfter}, {"BEIAN_MONITOR_TIMEOUT", "10s", &m.Timeout},
	}
	for _, d := range durations {
		v, err := time.ParseDuration(get(d.key, d.def))
		if err != nil || v <= 0 {
			return m, fmt.Errorf("%s must be a duration such as %s", d.key, d.def)
		}
		*d.to = v
	}
	ints := []struct {
		key, def string
		min      int
		to       *int
	}{
		{"BEIAN_MONITOR_BATCH", "200", 1, &m.Batch}, {"BEIAN_MONITOR_RATE", "30", 1, &m.Rate},
		{"BEIAN_MONITOR_CONFIRM", "2", 1, &m.Confirm}, {"BEIAN_MONITOR_MAX_REDIRECTS", "5", 0, &m.MaxRedirects},
	}
	for _, n := range ints {
		v, err := strconv.Atoi(get(n.key, n.def))
		if err != nil || v < n.min {
			return m, fmt.Errorf("%s must be a whole number ≥ %d", n.key, n.min)
		}
		*n.to = v
	}
	mb, err := strconv.ParseInt(get("BEIAN_MONITOR_MAX_BYTES", "2097152"), 10, 64)
	if err != nil || mb < 1024 {
		return m, fmt.Errorf("BEIAN_MONITOR_MAX_BYTES must be a number of bytes ≥ 1024")
	}
	m.MaxBytes = mb
	for _, p := range []string{m.HTTPPort, m.HTTPSPort} {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return m, fmt.Errorf("BEIAN_MONITOR_HTTP_PORT and BEIAN_MONITOR_HTTPS_PORT must be port numbers")
		}
	}
	return m, nil
}
