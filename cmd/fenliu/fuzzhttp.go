package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fenliu/fenliu/demo"
	"github.com/fenliu/fenliu/server"
)

func init() {
	register("fuzz-http", "send fuzzed requests to every route of the API and the console as every role, and tally the answers (no 5xx, no panic)", fuzzHTTP)
}

// fuzzHTTP runs the real server on a fresh demo city and sends it requests
// made at random from both route tables: every route, as nobody and as
// every demo account, with mangled paths, queries, headers and bodies
// (JSON, forms, multipart). It prints the tally of statuses and fails when
// any answer is a 5xx or a handler panicked (docs/security.md).
func fuzzHTTP(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("fuzz-http", flag.ContinueOnError)
	n := fs.Int("requests", 100_000, "requests to send")
	workers := fs.Int("workers", 8, "requests in flight at once")
	seed := fs.Uint64("seed", 1, "random seed (the same seed sends the same requests)")
	dsn := fs.String("db", "", "database (default: a new SQLite file in a temporary folder)")
	fs.Duration("timeout", time.Minute, "how long one answer may take before it counts as missing")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := server.DefaultConfig()
	if err != nil {
		return err
	}
	cfg.DB, cfg.Addr, cfg.Demo, cfg.DemoIncidents = *dsn, "127.0.0.1:0", true, 60
	if cfg.DB == "" {
		dir, err := os.MkdirTemp("", "fenliu-fuzz-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		cfg.DB = filepath.Join(dir, "fenliu.db")
	}
	m := server.New(cfg)
	m.Out = io.Discard
	panics := &countPanics{}
	m.Log = slog.New(panics)
	if err := m.Run(ctx); err != nil {
		return err
	}
	defer m.Close()
	base := m.URL()

	// Who sends: nobody, and every demo account by token (API) and by
	// session (console).
	type who struct {
		name, token, cookie, csrf string
	}
	subjects := []who{{name: "nobody"}}
	for _, acc := range m.Demo.Accounts {
		s, err := m.App.SignIn(ctx, acc.Username, demo.Password, time.Hour)
		if err != nil {
			return err
		}
		subjects = append(subjects, who{name: acc.Username, token: acc.Token, cookie: s.ID, csrf: s.CSRF})
	}
	type route struct {
		table, method, path string
	}
	var routes []route
	for _, r := range m.API.Routes() {
		if strings.HasSuffix(r.Pattern, "/disable") || strings.HasPrefix(r.Pattern, "DELETE /api/v1/tokens/") {
			continue // they would end the accounts the run sends as (the matrix probes them)
		}
		method, path, _ := strings.Cut(r.Pattern, " ")
		routes = append(routes, route{"api", method, path})
	}
	for _, r := range m.Console.Routes() {
		method, path, _ := strings.Cut(r.Pattern, " ")
		if r.Pattern == "POST /logout" {
			continue // it would end the session the run signs in with
		}
		routes = append(routes, route{"console", method, path})
	}

	var (
		mu       sync.Mutex
		statuses = map[int]int{}
		byTable  = map[string]int{}
		fivexx   []string
		sent     atomic.Int64
		slow     int // answers slower than 5 s
		slowest  time.Duration
		// slowestReq is the slowest answer's request.
		slowestReq string
	)
	timeout := fs.Lookup("timeout").Value.(flag.Getter).Get().(time.Duration)
	client := &http.Client{Timeout: timeout, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Transport: &http.Transport{MaxIdleConnsPerHost: *workers * 2}}
	start := time.Now()
	var wg sync.WaitGroup
	for w := 0; w < *workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(*seed, uint64(w)))
			for sent.Add(1) <= int64(*n) {
				rt := routes[rng.IntN(len(routes))]
				s := subjects[rng.IntN(len(subjects))]
				method := rt.method
				if rng.IntN(40) == 0 {
					method = []string{"PATCH", "DELETE", "PUT", "OPTIONS", "HEAD"}[rng.IntN(5)]
				}
				target := base + fuzzPath(rng, rt.path) + fuzzQuery(rng)
				var body io.Reader
				ctype := ""
				if method == "POST" || method == "PUT" || rng.IntN(20) == 0 {
					if rt.table == "api" {
						body, ctype = bytes.NewReader(fuzzJSON(rng)), []string{"application/json", "application/json", "text/plain", "application/yaml", ""}[rng.IntN(5)]
					} else {
						body, ctype = fuzzForm(rng, s.csrf)
					}
				}
				rctx, cancel := context.WithTimeout(ctx, timeout)
				t0 := time.Now()
				req, err := http.NewRequestWithContext(rctx, method, target, body)
				if err != nil {
					cancel()
					continue // not a request a client could send
				}
				if ctype != "" {
					req.Header.Set("Content-Type", ctype)
				}
				if rt.table == "api" && s.token != "" && rng.IntN(10) > 0 {
					req.Header.Set("Authorization", "Bearer "+s.token)
				} else if rt.table == "api" && rng.IntN(5) == 0 {
					req.Header.Set("Authorization", "Bearer "+fuzzWord(rng))
				}
				if rt.table == "console" && s.cookie != "" && rng.IntN(10) > 0 {
					req.AddCookie(&http.Cookie{Name: "fenliu_session", Value: s.cookie})
					if rng.IntN(3) > 0 {
						req.Header.Set("X-CSRF-Token", s.csrf)
					}
				}
				if rng.IntN(8) == 0 {
					req.Header.Set("X-Forwarded-For", fuzzWord(rng)+", 10.0.0.1")
				}
				if rng.IntN(8) == 0 {
					req.Header.Set("HX-Request", "true")
				}
				resp, err := client.Do(req)
				if err != nil {
					cancel()
					if ctx.Err() != nil {
						return
					}
					mu.Lock()
					statuses[0]++
					fivexx = append(fivexx, fmt.Sprintf("%s %s: %v", method, target, err))
					mu.Unlock()
					continue
				}
				if rt.path != "/events" {
					io.Copy(io.Discard, resp.Body)
				}
				resp.Body.Close()
				cancel()
				took := time.Since(t0)
				mu.Lock()
				if took > 5*time.Second {
					slow++
				}
				if took > slowest {
					slowest, slowestReq = took, method+" "+target
				}
				statuses[resp.StatusCode]++
				byTable[rt.table]++
				if resp.StatusCode >= 500 && len(fivexx) < 20 {
					fivexx = append(fivexx, fmt.Sprintf("%d %s %s", resp.StatusCode, method, target))
				}
				mu.Unlock()
			}
		}(w)
	}
	wg.Wait()
	took := time.Since(start)
	codes := make([]int, 0, len(statuses))
	total, bad := 0, 0
	for c, k := range statuses {
		codes = append(codes, c)
		total += k
		if c >= 500 || c == 0 {
			bad += k
		}
	}
	sort.Ints(codes)
	fmt.Printf("fuzz-http: %d requests in %s (%.0f/s), %d routes (api %d, console %d requests), %d subjects, seed %d\n",
		total, took.Round(time.Millisecond), float64(total)/took.Seconds(), len(routes), byTable["api"], byTable["console"], len(subjects), *seed)
	for _, c := range codes {
		label := fmt.Sprint(c)
		if c == 0 {
			label = "no answer"
		}
		fmt.Printf("  %-9s %7d\n", label, statuses[c])
	}
	fmt.Printf("  5xx       %7d\n  panics    %7d\n", bad, panics.n.Load())
	fmt.Printf("  slower than 5 s: %d; slowest %s (%s)\n", slow, slowest.Round(time.Millisecond), slowestReq)
	for _, f := range fivexx {
		fmt.Println("  !", f)
	}
	if bad > 0 || panics.n.Load() > 0 {
		return fmt.Errorf("%d answers were 5xx or missing, %d handlers panicked", bad, panics.n.Load())
	}
	return nil
}

// countPanics is the server's log during the run: it counts recovered
// panics and prints errors, which a fuzz run should not cause.
type countPanics struct{ n atomic.Int64 }

func (c *countPanics) Enabled(_ context.Context, l slog.Level) bool { return l >= slog.LevelError }
func (c *countPanics) Handle(_ context.Context, r slog.Record) error {
	if r.Message == "panic" {
		c.n.Add(1)
	}
	fmt.Fprintln(os.Stderr, "server:", r.Level, r.Message)
	return nil
}
func (c *countPanics) WithAttrs([]slog.Attr) slog.Handler { return c }
func (c *countPanics) WithGroup(string) slog.Handler      { return c }

var fuzzWords = []string{"", "0", "1", "2", "3", "7", "42", "-1", "999999999", "99999999999999999999", "1e3", "abc", "%00", "%2e%2e",
	"../../etc/passwd", "<script>", "'; DROP TABLE events;--", "\u202e", "张三", "null", "true", " ", "%ff%fe", strings.Repeat("a", 3000)}

func fuzzWord(rng *rand.Rand) string {
	if rng.IntN(4) == 0 {
		b := make([]byte, rng.IntN(40))
		for i := range b {
			b[i] = byte(rng.IntN(256))
		}
		return url.PathEscape(string(b))
	}
	return url.PathEscape(fuzzWords[rng.IntN(len(fuzzWords))])
}

// fuzzPath fills a pattern's parameters: usually with ids that exist,
// sometimes with anything.
func fuzzPath(rng *rand.Rand, pattern string) string {
	p := strings.TrimSuffix(pattern, "{$}")
	for {
		i := strings.IndexByte(p, '{')
		if i < 0 {
			break
		}
		j := strings.IndexByte(p[i:], '}') + i
		name := p[i+1 : j]
		var v string
		switch {
		case rng.IntN(4) == 0:
			v = fuzzWord(rng)
		case name == "action":
			v = []string{"sign", "arrive", "feedback", "verify", "reopen", "return", "reroute", "cancel", "callback", "reject", "hand_down"}[rng.IntN(11)]
		case name == "lang":
			v = []string{"en", "zh"}[rng.IntN(2)]
		case name == "path...":
			v = []string{"app.css", "app.js", "vendor/htmx.min.js"}[rng.IntN(3)]
		case name == "unit_type":
			v = []string{"urban_management", "housing", "police"}[rng.IntN(3)]
		case name == "code":
			v = []string{"city_appearance.night_market_noise", "legal.consultation"}[rng.IntN(2)]
		default:
			v = fmt.Sprint(1 + rng.IntN(80))
		}
		p = p[:i] + v + p[j+1:]
	}
	if rng.IntN(30) == 0 {
		p += "/" + fuzzWord(rng)
	}
	return p
}

var fuzzKeys = []string{"limit", "before", "from", "to", "state", "unit_id", "incident_id", "area_id", "phone", "disposition", "channel",
	"format", "period", "date", "days", "group", "rate", "part", "key", "no", "next", "part", "kind", "user_id", "q"}

func fuzzQuery(rng *rand.Rand) string {
	if rng.IntN(3) > 0 {
		return ""
	}
	v := url.Values{}
	for i := rng.IntN(4); i >= 0; i-- {
		val := fuzzWord(rng)
		if rng.IntN(2) == 0 {
			val = []string{"10", "-5", "2026-11-23", "2026-13-45", "signed,closed", "xlsx", "yaml", "day", "week", "unit", "sign_rate", "1", "0"}[rng.IntN(13)]
		}
		v.Add(fuzzKeys[rng.IntN(len(fuzzKeys))], val)
	}
	return "?" + v.Encode()
}

var fuzzSeeds = []string{
	`{"channel":"110","text":"楼下太吵","caller_phone":"13800000001","address":"江南大道1号","area_id":1}`,
	`{"channel":"110","channel_ref":"110-20261123-0001","text":"同一来电重发"}`,
	`{"channel":"110","text":"x","transfer":{}}`,
	`{"disposition":"divert","category":"city_appearance.night_market_noise"}`,
	`{"disposition":"redirect","hotline":"12348","reason":"改判"}`,
	`{"orders":[{"unit_id":1,"role":"lead"},{"unit_id":2,"role":"assist"}],"note":"一键转派"}`,
	`{"note":"已处理","attachments":[{"kind":"photo","uri":"/uploads/abc"}],"lat":22.8,"lng":108.3}`,
	`{"solved":true,"satisfaction":"satisfied","version":3}`,
	`{"unit_id":2,"note":"改派"}`, `{"reason":"回电核实"}`, `{"reply":"收到"}`, `{"kind":"supervision","text":"督办","due_at":"2030-01-01T00:00:00Z"}`,
	`{"username":"u1","display_name":"x","role":"unit_staff","unit_id":1,"password":"a-long-password-1"}`,
	`{"code":"X1","name":"某单位","type":"housing","area_ids":[1]}`, `{"code":"A1","name":"区","level":"district"}`,
	`{"unit_id":1,"starts_at":"2026-11-23T08:00:00Z","ends_at":"2026-11-23T20:00:00Z","person":"p","phone":"1"}`,
	`{"mode":"direct"}`, `{"routing.mode":"desk_first"}`, `{"text":"楼下烧烤摊太吵","caller_phone":"13800000001"}`,
	`[]`, `null`, `{}`, `{"text":"\ud800"}`, "{\"text\":\"\xff\"}", `{"lat":1e400}`, `{"a":{"b":{"c":[[[[[[]]]]]]}}}`,
}

// fuzzJSON is a seed body, often mangled.
func fuzzJSON(rng *rand.Rand) []byte {
	b := []byte(fuzzSeeds[rng.IntN(len(fuzzSeeds))])
	for k := rng.IntN(4); k > 0 && len(b) > 0; k-- {
		switch rng.IntN(4) {
		case 0: // flip a byte
			b[rng.IntN(len(b))] = byte(rng.IntN(256))
		case 1: // cut
			b = b[:rng.IntN(len(b))]
		case 2: // insert a word
			i := rng.IntN(len(b))
			b = append(b[:i], append([]byte(fuzzWords[rng.IntN(len(fuzzWords))]), b[i:]...)...)
		case 3: // repeat
			b = bytes.Repeat(b, 1+rng.IntN(50))
		}
	}
	return b
}

// fuzzForm is a console form: urlencoded or multipart (with files, the
// token in its place or not), or bytes.
func fuzzForm(rng *rand.Rand, csrf string) (io.Reader, string) {
	fields := []string{"csrf", "text", "phone", "name", "address", "note", "version", "unit_id", "solved", "satisfaction", "reason",
		"reply", "kind", "due_at", "username", "password", "role", "code", "type", "level", "lat", "lng", "disposition", "category", "next"}
	switch rng.IntN(3) {
	case 0:
		v := url.Values{}
		if rng.IntN(2) == 0 {
			v.Set("csrf", csrf)
		}
		for i := rng.IntN(6); i >= 0; i-- {
			v.Add(fields[rng.IntN(len(fields))], fuzzWord(rng))
		}
		return strings.NewReader(v.Encode()), "application/x-www-form-urlencoded"
	case 1:
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		if rng.IntN(2) == 0 {
			mw.WriteField("csrf", csrf)
		}
		for i := rng.IntN(6); i >= 0; i-- {
			if rng.IntN(3) == 0 {
				w, _ := mw.CreateFormFile([]string{"photo", "file", "x"}[rng.IntN(3)], fuzzWord(rng)+".png")
				data := []byte("\x89PNG\r\n\x1a\n")
				if rng.IntN(2) == 0 {
					data = []byte("MZ" + strings.Repeat("x", rng.IntN(5000)))
				}
				w.Write(data)
				continue
			}
			mw.WriteField(fields[rng.IntN(len(fields))], fuzzWord(rng))
		}
		if rng.IntN(5) > 0 {
			mw.Close()
		}
		ct := mw.FormDataContentType()
		if rng.IntN(10) == 0 {
			ct = "multipart/form-data; boundary=" + fuzzWord(rng)
		}
		return &b, ct
	}
	return bytes.NewReader(fuzzJSON(rng)), []string{"application/x-www-form-urlencoded", "multipart/form-data", "text/plain"}[rng.IntN(3)]
}
