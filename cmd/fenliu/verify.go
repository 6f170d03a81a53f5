package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
)

func init() {
	register("verify", "check the record: every event's hash chain, the day heads, and that incidents and orders are what their events say", func(ctx context.Context, args []string) error {
		fs := flag.NewFlagSet("verify", flag.ContinueOnError)
		dsn := dbFlag(fs)
		asJSON := fs.Bool("json", false, "print the report as JSON")
		if err := fs.Parse(args); err != nil {
			return err
		}
		db, err := openDB(ctx, *dsn)
		if err != nil {
			return err
		}
		defer db.Close()
		rep, err := newApp(db).Verify(ctx)
		if err != nil {
			return err
		}
		if *asJSON {
			enc := json.NewEncoder(os.Stdout)
			enc.SetIndent("", "  ")
			enc.Encode(rep)
		} else {
			fmt.Printf("events %d, incidents %d, orders %d, days %d\n", rep.Events, rep.Incidents, rep.Orders, len(rep.Days))
			for _, d := range rep.Days {
				fmt.Printf("day %s  head %s  events %d\n", d.Day, d.Head, d.Events)
			}
			for _, f := range rep.Findings {
				fmt.Printf("FOUND %-12s %-11s id %-8d incident %-8d %s\n", f.Kind, f.Table, f.ID, f.IncidentID, f.Detail)
			}
		}
		if !rep.OK() {
			return errors.New(fmt.Sprint(len(rep.Findings), " findings: the record was changed outside Fenliu"))
		}
		if !*asJSON {
			fmt.Println("ok: the record is intact")
		}
		return nil
	})
}
