// Package server wires Fenliu together — the database, the service layer,
// the triage engine, the console, the JSON API, the webhooks and the
// scheduler — into one server that runs and closes (Main). `fenliu serve`
// and the end-to-end and browser tests run exactly this wiring.
package server

import (
	"flag"
	"fmt"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"time"
)

// Config is the server's configuration. Every setting is both a flag and
// an environment variable, from the one table Options.
type Config struct {
	DB                string
	Addr              string
	Demo              bool
	DemoIncidents     int
	Tiles             string
	WebhookBackoff    time.Duration
	WebhookBackoffMax time.Duration
	WebhookTimeout    time.Duration
	WebhookPoll       time.Duration
	RepeatWindow      time.Duration
	SecureCookies     bool
	SchedulerInterval time.Duration
	LogFormat         string
	TrustedProxies    []netip.Prefix
	MinFreeDisk       int64
}

// Option is one configuration setting: its flag, its environment variable,
// its default and how it is read.
type Option struct {
	Flag    string
	Env     string
	Default string
	Usage   string
	set     func(c *Config, v string) error
}

func str(p func(*Config) *string) func(*Config, string) error {
	return func(c *Config, v string) error { *p(c) = v; return nil }
}

func boolean(p func(*Config) *bool) func(*Config, string) error {
	return func(c *Config, v string) error {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("not true or false: %q", v)
		}
		*p(c) = b
		return nil
	}
}

func duration(p func(*Config) *time.Duration) func(*Config, string) error {
	return func(c *Config, v string) error {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 {
			return fmt.Errorf("not a duration: %q", v)
		}
		*p(c) = d
		return nil
	}
}

// prefixes reads a comma-separated list of addresses and CIDR ranges.
func prefixes(p func(*Config) *[]netip.Prefix) func(*Config, string) error {
	return func(c *Config, v string) error {
		var out []netip.Prefix
		for _, f := range strings.Split(v, ",") {
			if f = strings.TrimSpace(f); f == "" {
				continue
			}
			if !strings.Contains(f, "/") {
				a, err := netip.ParseAddr(f)
				if err != nil {
					return fmt.Errorf("not an address or CIDR range: %q", f)
				}
				out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
				continue
			}
			pr, err := netip.ParsePrefix(f)
			if err != nil {
				return fmt.Errorf("not an address or CIDR range: %q", f)
			}
			out = append(out, pr.Masked())
		}
		*p(c) = out
		return nil
	}
}

// bytesize reads a size: a number with an optional KB, MB or GB (of 1024).
func bytesize(p func(*Config) *int64) func(*Config, string) error {
	return func(c *Config, v string) error {
		mult := int64(1)
		s := strings.ToUpper(strings.TrimSpace(v))
		for _, u := range []struct {
			suffix string
			m      int64
		}{{"GB", 1 << 30}, {"MB", 1 << 20}, {"KB", 1 << 10}} {
			if t, ok := strings.CutSuffix(s, u.suffix); ok {
				s, mult = strings.TrimSpace(t), u.m
				break
			}
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 0 {
			return fmt.Errorf("not a size (such as 512MB): %q", v)
		}
		*p(c) = n * mult
		return nil
	}
}

func integer(p func(*Config) *int) func(*Config, string) error {
	return func(c *Config, v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return fmt.Errorf("not a whole number: %q", v)
		}
		*p(c) = n
		return nil
	}
}

// Options is the table of every server setting.
var Options = []Option{
	{"db", "FENLIU_DB", "fenliu.db", "SQLite file, or PostgreSQL URL (postgres://…)", str(func(c *Config) *string { return &c.DB })},
	{"addr", "FENLIU_ADDR", "127.0.0.1:8080", "listen address", str(func(c *Config) *string { return &c.Addr })},
	{"demo", "FENLIU_DEMO", "false", "load the demo city into an empty database", boolean(func(c *Config) *bool { return &c.Demo })},
	{"demo-incidents", "FENLIU_DEMO_INCIDENTS", "300", "incidents the demo makes", integer(func(c *Config) *int { return &c.DemoIncidents })},
	{"tiles", "FENLIU_TILES", "", "map tile URL template (e.g. https://tile.example/{z}/{x}/{y}.png); empty draws maps without tiles", str(func(c *Config) *string { return &c.Tiles })},
	{"webhook-backoff", "FENLIU_WEBHOOK_BACKOFF", "5s", "wait after a subscriber's first failed delivery, doubled after each further one (subscribers are set in the console or the API)", duration(func(c *Config) *time.Duration { return &c.WebhookBackoff })},
	{"webhook-backoff-max", "FENLIU_WEBHOOK_BACKOFF_MAX", "1h", "longest wait between two delivery attempts", duration(func(c *Config) *time.Duration { return &c.WebhookBackoffMax })},
	{"webhook-timeout", "FENLIU_WEBHOOK_TIMEOUT", "10s", "how long a receiver has to answer a delivery", duration(func(c *Config) *time.Duration { return &c.WebhookTimeout })},
	{"webhook-poll", "FENLIU_WEBHOOK_POLL", "2s", "how often the delivery workers look for entries written by other servers", duration(func(c *Config) *time.Duration { return &c.WebhookPoll })},
	{"repeat-window", "FENLIU_REPEAT_WINDOW", "72h", "a call within this time of an earlier one from the same caller, or about the same place and matter, is a repeat call", duration(func(c *Config) *time.Duration { return &c.RepeatWindow })},
	{"secure-cookies", "FENLIU_SECURE_COOKIES", "false", "mark cookies Secure (serve behind HTTPS)", boolean(func(c *Config) *bool { return &c.SecureCookies })},
	{"scheduler-interval", "FENLIU_SCHEDULER_INTERVAL", "30s", "how often the scheduler looks for timers armed by other servers", duration(func(c *Config) *time.Duration { return &c.SchedulerInterval })},
	{"log-format", "FENLIU_LOG_FORMAT", "text", "log format: text or json", str(func(c *Config) *string { return &c.LogFormat })},
	{"trusted-proxies", "FENLIU_TRUSTED_PROXIES", "", "reverse proxies (addresses or CIDR ranges, comma-separated) whose X-Forwarded-For names the client's address; empty trusts none", prefixes(func(c *Config) *[]netip.Prefix { return &c.TrustedProxies })},
	{"min-free-disk", "FENLIU_MIN_FREE_DISK", "256MB", "free space the database's disk must keep: below it /readyz answers 503 and uploads are refused", bytesize(func(c *Config) *int64 { return &c.MinFreeDisk })},
}

// DefaultConfig is the configuration from the table's defaults, then the
// environment (a bad value in the environment is an error).
func DefaultConfig() (Config, error) {
	var c Config
	for _, o := range Options {
		if err := o.set(&c, o.Default); err != nil {
			return c, fmt.Errorf("default of -%s: %w", o.Flag, err)
		}
		if v, ok := os.LookupEnv(o.Env); ok && v != "" {
			if err := o.set(&c, v); err != nil {
				return c, fmt.Errorf("%s: %w", o.Env, err)
			}
		}
	}
	return c, nil
}

// Flags registers the named options (all when none are named) on fs, with
// the values in c as defaults; parsing fs writes into c.
func (c *Config) Flags(fs *flag.FlagSet, names ...string) {
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	for _, o := range Options {
		if len(names) > 0 && !want[o.Flag] {
			continue
		}
		o := o
		usage := o.Usage + " (env " + o.Env + ", default " + quoteDefault(o.Default) + ")"
		if o.Default == "true" || o.Default == "false" {
			fs.BoolFunc(o.Flag, usage, func(v string) error { return o.set(c, v) })
			continue
		}
		fs.Func(o.Flag, usage, func(v string) error { return o.set(c, v) })
	}
}

func quoteDefault(s string) string {
	if s == "" {
		return `""`
	}
	return s
}
