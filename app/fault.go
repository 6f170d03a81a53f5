//go:build !simbreak

package app

// faultDropReturned is false in every real build. The simbreak test build
// (fault_simbreak.go) turns it on to break one rule on purpose — returned
// orders vanish from the desk's queue — so that a test can prove the city
// simulator notices a broken rule and stops with that incident's story.
const faultDropReturned = false
