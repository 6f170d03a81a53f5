package metrics

import (
	"encoding/json"
	"sort"
)

// countsWire is Counts with its histograms and pending limits, as the
// report rollups store it.
type countsWire struct {
	Counts
	Sign     durations `json:"sign_h"`
	Feedback durations `json:"feedback_h"`
	Close    durations `json:"close_h"`
	FBFlips  []int64   `json:"fb_flips,omitempty"`
	CLFlips  []int64   `json:"cl_flips,omitempty"`
}

// Encode writes the counts in full (histograms and pending limits too).
func (c *Counts) Encode() ([]byte, error) {
	w := countsWire{Counts: *c, Sign: c.sign, Feedback: c.feedback, Close: c.close, FBFlips: c.fbFlips, CLFlips: c.clFlips}
	sort.Slice(w.FBFlips, func(i, j int) bool { return w.FBFlips[i] < w.FBFlips[j] })
	sort.Slice(w.CLFlips, func(i, j int) bool { return w.CLFlips[i] < w.CLFlips[j] })
	return json.Marshal(&w)
}

// Decode reads counts written by Encode.
func Decode(b []byte) (*Counts, error) {
	var w countsWire
	if err := json.Unmarshal(b, &w); err != nil {
		return nil, err
	}
	c := w.Counts
	c.sign, c.feedback, c.close, c.fbFlips, c.clFlips = w.Sign, w.Feedback, w.Close, w.FBFlips, w.CLFlips
	return &c, nil
}
