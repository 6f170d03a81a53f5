package console

import (
	"time"

	"github.com/fenliu/fenliu"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestMessagesComplete: every key the templates and handlers use exists in
// both languages, so no screen shows a raw key.
func TestMessagesComplete(t *testing.T) {
	use := regexp.MustCompile(`(?:\.T|translate\([^,]+,)\s*\(?"([a-z0-9_.]+)"`)
	files, _ := filepath.Glob("templates/*.html")
	gofiles, _ := filepath.Glob("*.go")
	n := 0
	for _, f := range append(files, gofiles...) {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range use.FindAllStringSubmatch(string(b), -1) {
			key := m[1]
			if strings.HasSuffix(key, ".") {
				continue // a prefix completed at run time (printf "disp.%s")
			}
			n++
			msg, ok := messages[key]
			if !ok || msg[0] == "" || msg[1] == "" {
				t.Errorf("%s: message %q missing in zh or en", f, key)
			}
		}
	}
	if n < 50 {
		t.Fatalf("found only %d message uses; the pattern is broken", n)
	}
	// The prefixes completed at run time: every value has a message.
	for _, prefix := range []string{"disp.police", "disp.joint", "disp.divert", "disp.redirect", "order.role.lead", "order.role.assist",
		"sat.satisfied", "sat.basic_satisfied", "sat.unsatisfied", "channel.110", "channel.12345", "channel.grid", "channel.citizen", "channel.api",
		"ev.intake", "ev.decide", "ev.dispatch", "ev.note", "ev.sign", "ev.arrive", "ev.feedback", "ev.verify", "ev.reopen", "ev.return", "ev.reroute", "ev.cancel", "ev.callback"} {
		if _, ok := messages[prefix]; !ok {
			t.Errorf("message %q missing", prefix)
		}
	}
}

func TestTranslate(t *testing.T) {
	if got := translate("en", "order.title", 7); got != "Work order #7" {
		t.Errorf("en: %q", got)
	}
	if got := translate("zh", "order.title", 7); got != "工单 #7" {
		t.Errorf("zh: %q", got)
	}
	if got := translate("zh", "no.such.key"); got != "no.such.key" {
		t.Errorf("missing key: %q", got)
	}
}

func TestAcceptLanguage(t *testing.T) {
	for h, want := range map[string]string{
		"":                                 "zh",
		"en-US,en;q=0.9":                   "en",
		"zh-CN,zh;q=0.9,en;q=0.8":          "zh",
		"en-GB,en;q=0.9,zh;q=0.5":          "en",
		"fr-FR,fr;q=0.9,en;q=0.4,zh;q=0.6": "zh",
		"de":                               "zh",
		"EN":                               "en",
		"en;q=bad,zh-TW":                   "zh",
	} {
		if got := acceptLanguage(h); got != want {
			t.Errorf("Accept-Language %q: %s, want %s", h, got, want)
		}
	}
}

func TestPickUnit(t *testing.T) {
	units := []*fenliu.Unit{{ID: 3, Code: "JN-housing", Name: "江南区住建局"}, {ID: 7, Code: "JN-urban_management", Name: "江南区城管执法大队"}}
	for v, want := range map[string]int64{"江南区住建局": 3, " jn-housing ": 3, "7": 7, "": 0} {
		if got, err := pickUnit(units, "lead", v); err != nil || got != want {
			t.Errorf("pickUnit(%q) = %d, %v; want %d", v, got, err, want)
		}
	}
	if _, err := pickUnit(units, "lead", "没有这个单位"); fenliu.ErrorCode(err) != fenliu.EUnprocessable {
		t.Errorf("unknown unit: %v", err)
	}
	if _, err := pickUnit(units, "lead", "99"); err == nil {
		t.Error("unknown id accepted")
	}
	ids, err := pickUnits(units, "assist", []string{"江南区住建局、江南区城管执法大队，江南区住建局"}, 7)
	if err != nil || len(ids) != 1 || ids[0] != 3 {
		t.Errorf("pickUnits: %v, %v", ids, err)
	}
}

func TestLastWholePeriod(t *testing.T) {
	loc := time.FixedZone("CST", 8*3600)
	now := time.Date(2026, 12, 7, 15, 0, 0, 0, loc)
	for _, c := range []struct {
		period string
		t      time.Time
		from   string
	}{
		{"month", now, "2026-11-01"},
		{"month", time.Date(2026, 10, 15, 0, 0, 0, 0, loc), "2026-10-01"},
		{"week", now, "2026-11-30"},
		{"day", now, "2026-12-06"},
		{"day", now.AddDate(0, 0, -3), "2026-12-04"},
	} {
		from, to, err := lastWholePeriod(c.period, c.t, now, loc)
		if err != nil || from.Format("2006-01-02") != c.from || to.After(now) {
			t.Errorf("%s of %s: %s – %s, %v; want from %s", c.period, c.t, from, to, err, c.from)
		}
	}
}
