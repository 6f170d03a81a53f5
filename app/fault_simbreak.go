//go:build simbreak

package app

// faultDropReturned breaks one rule on purpose in the simbreak test build:
// the desk's queue leaves out returned orders, so a returned order sits in
// no one's queue. sim/break_test.go proves the simulator catches it.
const faultDropReturned = true
