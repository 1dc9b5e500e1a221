package factory

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"hash"
	"testing"
	"time"

	"github.com/tracegraph/tracegraph"
)

// run generates cfg, checks every event against the rules and returns the
// summary and the checker's state.
func run(t *testing.T, cfg Config) (*Summary, *checker) {
	t.Helper()
	c := newChecker()
	sum, err := Generate(context.Background(), cfg, func(ev *tracegraph.Event) error {
		if err := normalizeCanonical(ev); err != nil {
			return err
		}
		return c.check(ev)
	})
	if err != nil {
		t.Fatalf("Generate(%+v): %v", cfg, err)
	}
	return sum, c
}

// encodeHash generates cfg and hashes its NDJSON encoding.
func encodeHash(t *testing.T, cfg Config) (string, *Summary) {
	t.Helper()
	h := sha256.New()
	sum, err := Generate(context.Background(), cfg, hashEmit(h))
	if err != nil {
		t.Fatalf("Generate(%+v): %v", cfg, err)
	}
	return string(h.Sum(nil)), sum
}

// hashEmit writes each event's NDJSON line into h.
func hashEmit(h hash.Hash) func(*tracegraph.Event) error {
	w := NewWriter(h)
	return func(ev *tracegraph.Event) error {
		if err := w.Write(ev); err != nil {
			return err
		}
		return w.Flush()
	}
}

func TestDeterministic(t *testing.T) {
	tests := []struct {
		name string
		a, b Config
		same bool
	}{
		{"same seed", Config{Units: 3000, Seed: 7}, Config{Units: 3000, Seed: 7}, true},
		{"explicit default start", Config{Units: 3000, Seed: 7}, Config{Units: 3000, Seed: 7, Start: DefaultStart()}, true},
		{"other seed", Config{Units: 3000, Seed: 7}, Config{Units: 3000, Seed: 8}, false},
		{"other start", Config{Units: 3000, Seed: 7}, Config{Units: 3000, Seed: 7, Start: DefaultStart().Add(time.Hour)}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ha, sa := encodeHash(t, tt.a)
			hb, sb := encodeHash(t, tt.b)
			if (ha == hb) != tt.same {
				t.Errorf("hash(%+v) == hash(%+v) is %v, want %v", tt.a, tt.b, ha == hb, tt.same)
			}
			if tt.same && sa.Events != sb.Events {
				t.Errorf("events %d and %d, want equal", sa.Events, sb.Events)
			}
		})
	}
}

func TestSmallRunsAreValid(t *testing.T) {
	for _, n := range []int{0, 1, 2, 3, 4, 7, 50, 333, 1200} {
		t.Run("n"+itoa(n), func(t *testing.T) {
			sum, c := run(t, Config{Units: n, Seed: uint64(n) + 1})
			if sum.Units != n {
				t.Errorf("Units = %d, want %d", sum.Units, n)
			}
			made := 0
			for _, k := range c.nodes {
				if k == "pcba" || k == "module" || k == "product" {
					made++
				}
			}
			if made != n {
				t.Errorf("unit.created events = %d, want %d", made, n)
			}
		})
	}
}

func itoa(n int) string { return pad("", n, 1) }

func TestEnvelope(t *testing.T) {
	var first *tracegraph.Event
	_, err := Generate(context.Background(), Config{Units: 10, Seed: 3}, func(ev *tracegraph.Event) error {
		if first == nil {
			first = ev
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(first)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"seq", "recordedAt", "prevHash", "hash"} {
		if _, ok := m[k]; ok {
			t.Errorf("json.Marshal(event) has %q: %s", k, b)
		}
	}
	for _, k := range []string{"id", "type", "time", "station", "operator", "data"} {
		if _, ok := m[k]; !ok {
			t.Errorf("json.Marshal(event) lacks %q: %s", k, b)
		}
	}
	if first.ID != "f3-1" {
		t.Errorf("first id = %q, want f3-1", first.ID)
	}
	if !first.Time.Equal(DefaultStart()) {
		t.Errorf("first time = %s, want %s", first.Time, DefaultStart())
	}
	dec, err := tracegraph.DecodeEvent(b)
	if err != nil {
		t.Fatalf("DecodeEvent(%s): %v", b, err)
	}
	if !tracegraph.SameContent(dec, first) {
		t.Errorf("DecodeEvent round trip changed the event:\n%+v\n%+v", dec, first)
	}
}

func TestEmitErrorStops(t *testing.T) {
	stop := errors.New("disk full")
	n := 0
	_, err := Generate(context.Background(), Config{Units: 1000, Seed: 1}, func(*tracegraph.Event) error {
		n++
		if n == 100 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || n != 100 {
		t.Errorf("Generate with failing emit = %v after %d events, want %v after 100", err, n, stop)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Generate(ctx, Config{Units: 1000}, func(*tracegraph.Event) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("Generate(cancelled ctx) = %v, want context.Canceled", err)
	}
}

func TestIMEI(t *testing.T) {
	tests := []struct {
		tac  string
		n    int
		want string
	}{
		{"49015420", 323751, "490154203237518"}, // the GSMA example IMEI
		{"35920419", 1, "359204190000013"},
		{"35920419", 1_000_001, "359204200000011"},
	}
	for _, tt := range tests {
		if got := imei(tt.tac, tt.n); got != tt.want || !luhnValid(got) {
			t.Errorf("imei(%q, %d) = %q (luhn valid %v), want %q", tt.tac, tt.n, got, luhnValid(got), tt.want)
		}
	}
	if got, want := mac(1), "0A:1F:5C:00:00:01"; got != want {
		t.Errorf("mac(1) = %q, want %q", got, want)
	}
}

// luhnValid checks a full number including its check digit.
func luhnValid(s string) bool {
	if len(s) < 2 {
		return false
	}
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return luhn(s[:len(s)-1]) == s[len(s)-1]
}
