package triage

// table maps feature hashes to feature ids with open addressing: one probe
// and a compare in the common case, where a Go map costs several.
type table struct {
	keys  []uint64
	vals  []int32
	mask  uint64
	zero  int32 // the id of hash 0, or -1 (0 marks an empty slot)
	count int
}

func newTable(hashes []uint64) *table {
	n := uint64(16)
	for n < uint64(len(hashes))*2 {
		n <<= 1
	}
	t := &table{keys: make([]uint64, n), vals: make([]int32, n), mask: n - 1, zero: -1}
	for id, h := range hashes {
		t.put(h, int32(id))
	}
	return t
}

func (t *table) slot(h uint64) uint64 { return (h * 0x9E3779B97F4A7C15) >> 20 & t.mask }

func (t *table) put(h uint64, id int32) {
	t.count++
	if h == 0 {
		t.zero = id
		return
	}
	for i := t.slot(h); ; i = (i + 1) & t.mask {
		if t.keys[i] == 0 || t.keys[i] == h {
			t.keys[i], t.vals[i] = h, id
			return
		}
	}
}

// get returns the id of h, or -1.
func (t *table) get(h uint64) int32 {
	if h == 0 {
		return t.zero
	}
	for i := t.slot(h); ; i = (i + 1) & t.mask {
		switch t.keys[i] {
		case h:
			return t.vals[i]
		case 0:
			return -1
		}
	}
}

// hashes returns the hash of every id, in id order.
func (t *table) hashes() []uint64 {
	out := make([]uint64, t.count)
	if t.zero >= 0 {
		out[t.zero] = 0
	}
	for i, k := range t.keys {
		if k != 0 {
			out[t.vals[i]] = k
		}
	}
	return out
}
