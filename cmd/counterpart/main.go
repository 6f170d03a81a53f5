// Command counterpart plays a 12345 platform linked to Fenliu: it receives
// the outbox as Standard Webhooks, checks each message's signature and age,
// drops repeats by webhook-id, and for every work order dispatched to its
// desk unit signs for it and feeds it back through the JSON API — what a
// real platform's adapter does (docs/integration.md).
//
//	counterpart -listen 127.0.0.1:9311 -api http://127.0.0.1:8080 -token TOKEN -secret whsec_…
//
// Configure it in Fenliu as a subscriber with URL http://127.0.0.1:9311/hook,
// the same secret, kinds "dispatch", and the desk unit's id; the token is
// that of a unit-staff account of the desk unit.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/fenliu/fenliu/cmd/counterpart/platform"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:9311", "address the webhook receiver listens on")
	api := flag.String("api", "http://127.0.0.1:8080", "Fenliu's base URL")
	token := flag.String("token", os.Getenv("COUNTERPART_TOKEN"), "API token of a unit-staff account of the desk unit (env COUNTERPART_TOKEN)")
	secret := flag.String("secret", os.Getenv("COUNTERPART_SECRET"), "the subscriber's whsec_ secret (env COUNTERPART_SECRET)")
	flag.Parse()
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	p, err := platform.New(*api, *token, *secret, log)
	if err != nil {
		fmt.Fprintln(os.Stderr, "counterpart:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go p.Work(ctx)
	srv := &http.Server{Addr: *listen, Handler: p, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		srv.Close()
	}()
	log.Info("counterpart listening", "addr", *listen, "api", *api)
	if err := srv.ListenAndServe(); err != nil && err != http.ErrServerClosed {
		fmt.Fprintln(os.Stderr, "counterpart:", err)
		os.Exit(1)
	}
}
