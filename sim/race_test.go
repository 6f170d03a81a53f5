//go:build race

package sim_test

// raceBuild: the race detector makes the simulated city several times
// slower; TestCityHoldsTogether then plays a shorter run (the full length
// runs without it, and `fenliu simulate --days 30` is in docs/simulation.md).
const raceBuild = true
