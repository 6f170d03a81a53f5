package main

import (
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestREADMEWalkthrough runs the README's curl walk-through exactly as
// written and checks what it prints, so the README cannot drift from the API.
func TestREADMEWalkthrough(t *testing.T) {
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("curl not installed")
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(readme), "<!-- walkthrough:start -->\n```sh\n")
	script, _, ok2 := strings.Cut(rest, "```\n<!-- walkthrough:end -->")
	if !ok || !ok2 {
		t.Fatal("README has no walkthrough block")
	}
	cmd := exec.Command("bash", "-euo", "pipefail", "-c", script)
	cmd.Dir = "../.."
	cmd.WaitDelay = 10 * time.Second // never wait on a server the script left behind
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("walkthrough failed: %v\n%s", err, out)
	}
	for _, want := range []string{
		`"state":"visited"`,                 // the callback closed the loop
		`"code":"invalid_transition"`,       // the refused second sign
		`"kind":"callback"`,                 // the record holds every step
		`"orders":[{"id":1,"incident_id":1`, // dispatch made the orders
		`"created":false`,                   // the resend returned the first incident
		`"message_zh":"工单当前状态为「已回访」，不能执行「签收」"`, // both languages
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("walkthrough output lacks %s\n%s", want, out)
		}
	}
}
