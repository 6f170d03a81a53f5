package server

import (
	"flag"
	"io"
	"os"
	"strings"
	"testing"
	"time"
)

// TestREADMESettings: the README's list of server settings is the
// configuration table — every flag, its environment variable and default.
func TestREADMESettings(t *testing.T) {
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(b), "<!-- settings:start -->")
	block, _, ok2 := strings.Cut(rest, "<!-- settings:end -->")
	if !ok || !ok2 {
		t.Fatal("README has no settings block")
	}
	listed := map[string][2]string{}
	for _, line := range strings.Split(block, "\n") {
		cells := strings.Split(line, "|")
		if len(cells) < 5 || !strings.Contains(cells[1], "`-") {
			continue
		}
		unq := func(s string) string { return strings.Trim(strings.TrimSpace(s), "`") }
		def := unq(cells[3])
		if def == `""` {
			def = ""
		}
		listed[strings.TrimPrefix(unq(cells[1]), "-")] = [2]string{unq(cells[2]), def}
	}
	for _, o := range Options {
		got, ok := listed[o.Flag]
		if !ok {
			t.Errorf("-%s is not in the README's settings", o.Flag)
			continue
		}
		if got[0] != o.Env || got[1] != o.Default {
			t.Errorf("-%s: README says %s default %q; the table says %s default %q", o.Flag, got[0], got[1], o.Env, o.Default)
		}
		delete(listed, o.Flag)
	}
	for f := range listed {
		t.Errorf("the README lists -%s, which is not a setting", f)
	}
}

// TestConfigFromFlagsAndEnvironment: one table drives both, the
// environment sets defaults, flags override, bad values are refused.
func TestConfigFromFlagsAndEnvironment(t *testing.T) {
	t.Setenv("FENLIU_ADDR", "127.0.0.1:9999")
	t.Setenv("FENLIU_REPEAT_WINDOW", "24h")
	t.Setenv("FENLIU_DEMO", "true")
	cfg, err := DefaultConfig()
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Addr != "127.0.0.1:9999" || cfg.RepeatWindow != 24*time.Hour || !cfg.Demo || cfg.DB != "fenliu.db" || cfg.DemoIncidents != 300 {
		t.Fatalf("from the environment: %+v", cfg)
	}
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	cfg.Flags(fs)
	if err := fs.Parse([]string{"-db", "x.db", "-demo=false", "-scheduler-interval", "5s"}); err != nil {
		t.Fatal(err)
	}
	if cfg.DB != "x.db" || cfg.Demo || cfg.SchedulerInterval != 5*time.Second || cfg.Addr != "127.0.0.1:9999" {
		t.Fatalf("flags: %+v", cfg)
	}
	fs = flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	cfg.Flags(fs)
	if err := fs.Parse([]string{"-repeat-window", "soon"}); err == nil {
		t.Error("a bad duration was accepted")
	}
	t.Setenv("FENLIU_DEMO_INCIDENTS", "many")
	if _, err := DefaultConfig(); err == nil || !strings.Contains(err.Error(), "FENLIU_DEMO_INCIDENTS") {
		t.Errorf("a bad environment value: %v", err)
	}
}
