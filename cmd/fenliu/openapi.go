package main

import (
	"context"
	"encoding/json"
	"os"

	"github.com/fenliu/fenliu/httpapi"
)

func init() {
	register("openapi", "print the OpenAPI 3.1 description of /api/v1 (the one served at /api/v1/openapi.json)", func(ctx context.Context, args []string) error {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(httpapi.New(nil, nil).OpenAPI())
	})
}
