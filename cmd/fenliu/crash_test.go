package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/fenliu/fenliu/store"
	"github.com/fenliu/fenliu/store/storetest"
)

// child is the real server running in a separate process.
type child struct {
	cmd  *exec.Cmd
	base string
}

func startChild(t *testing.T, dsn string) *child {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "FENLIU_TEST_CHILD=1", "FENLIU_TEST_ARGS=serve -db "+dsn+" -addr 127.0.0.1:0")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	lines := bufio.NewScanner(out)
	// No fixed start-up wait: the child has until the test's own deadline
	// (a loaded machine starts it slowly); it stops waiting at once if the
	// child exits.
	deadline := time.AfterFunc(untilDeadline(t), func() { cmd.Process.Kill() })
	defer deadline.Stop()
	for lines.Scan() {
		if addr, ok := strings.CutPrefix(lines.Text(), "listening on "); ok {
			go io.Copy(io.Discard, out)
			return &child{cmd: cmd, base: addr}
		}
	}
	t.Fatal("child server did not start")
	return nil
}

// untilDeadline is how long t may still wait: until the test binary's
// deadline (go test -timeout) less a minute to report, or ten minutes
// without one.
func untilDeadline(t testing.TB) time.Duration {
	if tt, ok := t.(interface{ Deadline() (time.Time, bool) }); ok {
		if d, ok := tt.Deadline(); ok {
			return max(time.Until(d)-time.Minute, time.Second)
		}
	}
	return 10 * time.Minute
}

// TestCrashKeepsAcknowledgedIncidents streams incidents into a server in a
// child process from four clients, kills it with SIGKILL mid-stream, and
// checks that every incident it acknowledged is in the database afterwards
// and that a restarted server knows each one (a resend is not a duplicate).
func TestCrashKeepsAcknowledgedIncidents(t *testing.T) {
	storetest.EachDSN(t, func(t *testing.T, dsn string) {
		tok := bootstrapAdmin(t, dsn)
		c := startChild(t, dsn)

		var (
			mu    sync.Mutex
			acked []string
			wg    sync.WaitGroup
		)
		stop := make(chan struct{})
		hc := &http.Client{Timeout: 5 * time.Second}
		for w := 0; w < 4; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				for i := 0; ; i++ {
					select {
					case <-stop:
						return
					default:
					}
					ref := fmt.Sprintf("CRASH-%d-%05d", w, i)
					body, _ := json.Marshal(map[string]any{"channel": "api", "channel_ref": ref, "text": "压力测试：小区门口占道经营 " + ref})
					req, _ := http.NewRequest("POST", c.base+"/api/v1/incidents", bytes.NewReader(body))
					req.Header.Set("Authorization", "Bearer "+tok)
					req.Header.Set("Content-Type", "application/json")
					resp, err := hc.Do(req)
					if err != nil {
						return // the server is gone
					}
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode == http.StatusCreated {
						mu.Lock()
						acked = append(acked, ref)
						mu.Unlock()
					}
				}
			}(w)
		}
		// Kill once a few hundred are acknowledged, with requests in flight.
		deadline := time.Now().Add(60 * time.Second)
		for {
			mu.Lock()
			n := len(acked)
			mu.Unlock()
			if n >= 300 || time.Now().After(deadline) {
				break
			}
			time.Sleep(5 * time.Millisecond)
		}
		if err := c.cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		c.cmd.Wait()
		close(stop)
		wg.Wait()
		if len(acked) < 100 {
			t.Fatalf("only %d incidents acknowledged before the kill", len(acked))
		}

		// Every acknowledged incident is in the database.
		ctx := context.Background()
		db, err := store.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		for _, ref := range acked {
			if _, err := db.IncidentByRef(ctx, "api", ref); err != nil {
				t.Errorf("acknowledged incident %s lost: %v", ref, err)
			}
		}
		db.Close()

		// A restarted server recognises them: resending is not a new incident.
		c2 := startChild(t, dsn)
		for _, ref := range acked[:50] {
			body, _ := json.Marshal(map[string]any{"channel": "api", "channel_ref": ref, "text": "重发"})
			req, _ := http.NewRequest("POST", c2.base+"/api/v1/incidents", bytes.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+tok)
			resp, err := hc.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			var out struct{ Created bool }
			json.NewDecoder(resp.Body).Decode(&out)
			resp.Body.Close()
			if resp.StatusCode != 200 || out.Created {
				t.Fatalf("resend of %s after restart: %d created=%v", ref, resp.StatusCode, out.Created)
			}
		}
		t.Logf("%d incidents acknowledged before SIGKILL; all present after restart", len(acked))
	})
}
