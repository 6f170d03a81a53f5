package console

import (
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
