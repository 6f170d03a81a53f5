package metrics

import (
	"encoding/binary"
	"errors"
	"slices"
)

// Encode writes the counts in full (histograms and pending limits too) in
// a compact binary form: the report rollups store millions of them.
func (c *Counts) Encode() ([]byte, error) {
	b := make([]byte, 0, 96)
	b = append(b, formatVersion)
	for _, v := range c.ints(formatVersion) {
		b = binary.AppendUvarint(b, uint64(*v))
	}
	for _, d := range c.durs(formatVersion) {
		if d.S != nil {
			dd := d.clone()
			dd.dense()
			d = &dd
		}
		b = binary.AppendUvarint(b, uint64(d.N))
		b = binary.AppendVarint(b, d.SumMS)
		nz := 0
		for _, v := range d.H {
			if v != 0 {
				nz++
			}
		}
		b = binary.AppendUvarint(b, uint64(nz))
		last := 0
		for i, v := range d.H {
			if v != 0 {
				b = binary.AppendUvarint(b, uint64(i-last))
				b = binary.AppendUvarint(b, uint64(v))
				last = i
			}
		}
	}
	for _, fl := range [][]int64{c.fbFlips, c.clFlips} {
		s := slices.Clone(fl)
		slices.Sort(s)
		b = binary.AppendUvarint(b, uint64(len(s)))
		var last int64
		for _, x := range s {
			b = binary.AppendVarint(b, x-last)
			last = x
		}
	}
	return b, nil
}

var errCorrupt = errors.New("metrics: corrupt encoded counts")

// formatVersion is the encoding Encode writes; Decode reads it and the
// ones before (version 1 lacks the counts added since, which decode as 0).
const formatVersion = 2

// FormatVersion is part of the report rollups' fingerprint: rollups
// written in an older format are rebuilt.
const FormatVersion = formatVersion

// Decode reads counts written by Encode.
func Decode(b []byte) (*Counts, error) {
	if len(b) == 0 || b[0] < 1 || b[0] > formatVersion {
		return nil, errCorrupt
	}
	version := b[0]
	b = b[1:]
	bad := false
	uv := func() uint64 {
		v, n := binary.Uvarint(b)
		if n <= 0 {
			bad = true
			return 0
		}
		b = b[n:]
		return v
	}
	sv := func() int64 {
		v, n := binary.Varint(b)
		if n <= 0 {
			bad = true
			return 0
		}
		b = b[n:]
		return v
	}
	c := &Counts{}
	for _, v := range c.ints(version) {
		x := uv()
		if x > 1<<40 {
			return nil, errCorrupt
		}
		*v = int(x)
	}
	for _, d := range c.durs(version) {
		n := uv()
		if n > 1<<40 {
			return nil, errCorrupt
		}
		d.N, d.SumMS = int(n), sv()
		nz := int(uv())
		if nz > nBuckets || bad {
			return nil, errCorrupt
		}
		if nz > 0 {
			d.S = make([]hpair, 0, nz)
		}
		i := 0
		for k := 0; k < nz; k++ {
			step := uv()
			if step >= nBuckets {
				return nil, errCorrupt
			}
			i += int(step)
			if i >= nBuckets {
				return nil, errCorrupt
			}
			v := uv()
			if v > 1<<31-1 {
				return nil, errCorrupt
			}
			d.S = append(d.S, hpair{int32(i), int32(v)})
		}
	}
	for _, fl := range []*[]int64{&c.fbFlips, &c.clFlips} {
		n := int(uv())
		if n > len(b) || bad {
			return nil, errCorrupt
		}
		var last int64
		for k := 0; k < n; k++ {
			last += sv()
			*fl = append(*fl, last)
		}
	}
	if bad || len(b) != 0 {
		return nil, errCorrupt
	}
	return c, nil
}

// ints lists the counters in their encoded order for a format version; a
// new counter goes at the end (and the format version goes up).
func (c *Counts) ints(version byte) []*int {
	out := []*int{&c.Incidents, &c.Repeats, &c.NonPolice, &c.NonPoliceDiverted, &c.NonPolicePoliced, &c.Dispatched,
		&c.Signed, &c.SignedOnTime, &c.FeedbackDue, &c.FedBackOnTime, &c.CloseDue, &c.Closed, &c.ClosedOnTime,
		&c.FlowBack, &c.Complaints, &c.Rated, &c.Satisfied, &c.CalledBack, &c.Solved, &c.MediationCalled, &c.MediationSucceeded}
	if version >= 2 {
		out = append(out, &c.OneContact, &c.Arrived, &c.ArrivedOnTime, &c.PartnerOrders, &c.PartnerEngaged)
	}
	return out
}

// durs lists the duration histograms in their encoded order.
func (c *Counts) durs(version byte) []*durations {
	out := []*durations{&c.sign, &c.feedback, &c.close}
	if version >= 2 {
		out = append(out, &c.arrive, &c.dispatch, &c.partner)
	}
	return out
}
