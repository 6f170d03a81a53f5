package main

import "github.com/fenliu/fenliu/app"

// wireRouter connects the router (route package) to the service layer.
func wireRouter(a *app.App) {}
