// Command genmodel trains the default triage engine and writes its model
// file (the built-in model embedded in package triage): go generate ./triage.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"

	"github.com/fenliu/fenliu/triage"
)

func main() {
	out := flag.String("out", "data/default.model", "model file to write")
	flag.Parse()
	e, err := triage.TrainDefault()
	if err != nil {
		fmt.Fprintln(os.Stderr, "genmodel:", err)
		os.Exit(1)
	}
	var b bytes.Buffer
	v, err := e.WriteModelRaw(&b)
	if err == nil {
		err = os.WriteFile(*out, b.Bytes(), 0o644)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "genmodel:", err)
		os.Exit(1)
	}
	fmt.Printf("%s: model %s, %d bytes\n", *out, v, b.Len())
}
