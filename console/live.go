package console

import (
	"fmt"
	"net/http"
	"sync"
	"time"
)

// Broker fans out "incident changed" notices to the open screens. Only ids
// travel; each screen re-reads what it may see through the service layer.
type Broker struct {
	mu   sync.Mutex
	subs map[chan int64]struct{}
}

// NewBroker returns an empty broker.
func NewBroker() *Broker { return &Broker{subs: map[chan int64]struct{}{}} }

// Publish tells every subscriber that an incident changed; a slow screen
// misses a notice rather than blocking the writer.
func (b *Broker) Publish(incidentID int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for c := range b.subs {
		select {
		case c <- incidentID:
		default:
		}
	}
}

func (b *Broker) subscribe() chan int64 {
	c := make(chan int64, 16)
	b.mu.Lock()
	b.subs[c] = struct{}{}
	b.mu.Unlock()
	return c
}

func (b *Broker) unsubscribe(c chan int64) {
	b.mu.Lock()
	delete(b.subs, c)
	b.mu.Unlock()
}

// events streams change notices as server-sent events.
func (s *Server) events(w http.ResponseWriter, r *http.Request, sess *session) {
	fl, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Accel-Buffering", "no")
	rc := http.NewResponseController(w)
	c := s.live.subscribe()
	defer s.live.unsubscribe(c)
	fmt.Fprint(w, "retry: 3000\n: connected\n\n")
	fl.Flush()
	tick := time.NewTicker(25 * time.Second)
	defer tick.Stop()
	for {
		rc.SetWriteDeadline(time.Now().Add(30 * time.Second))
		select {
		case <-r.Context().Done():
			return
		case id := <-c:
			// Only what the viewer may read: unit staff hear of their
			// units' incidents alone.
			if err := s.app.CanSeeIncident(r.Context(), sess.User, id); err != nil {
				continue
			}
			if _, err := fmt.Fprintf(w, "event: changed\ndata: %d\n\n", id); err != nil {
				return
			}
		case <-tick.C:
			if _, err := fmt.Fprint(w, ": keep-alive\n\n"); err != nil {
				return
			}
		}
		fl.Flush()
	}
}
