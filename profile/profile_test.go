package profile

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/jacorpus/jacorpus/filters"
	"github.com/jacorpus/jacorpus/internal/testcorpus"
	"github.com/jacorpus/jacorpus/pipeline"
)

// event is a document's end: kept, or dropped by stage for reason.
type event struct {
	d             *pipeline.Document
	stage, reason string
}

// events turns the real fixture into a run's ends: documents keyed in
// input order, some dropped (by length, as a filter would, with a score;
// every seventh as an exact duplicate), the rest kept with tokens.
func events(t *testing.T) []event {
	var evs []event
	for i, d := range testcorpus.Fixture(t) {
		d.Key = pipeline.MakeKey(i/40, int64(i%40))
		d.Source = []string{"kokkai", "egov", "aozora"}[i%3]
		n := len([]rune(d.Text))
		switch {
		case n < 400:
			d.Scratch.Set(pipeline.DropScore{}, float64(n))
			evs = append(evs, event{d, "filters", "too_short"})
		case i%7 == 0:
			evs = append(evs, event{d, "dedup", "exact_duplicate"})
		default:
			d.Tokens = n / 2
			evs = append(evs, event{d, "", ""})
		}
	}
	return evs
}

func record(evs []event) *Profile {
	r := NewRecorder(true)
	for _, e := range evs {
		if e.stage == "" {
			r.Kept(e.d)
		} else {
			r.Dropped(e.stage, e.reason, e.d)
		}
	}
	return r.Profile()
}

func js(t *testing.T, p *Profile) string {
	t.Helper()
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestMergeEqualsOneProcess splits the documents into tasks in several
// ways and merges the tasks' profiles (through JSON, as parts are stored)
// in different orders: always the profile of one recorder over all.
func TestMergeEqualsOneProcess(t *testing.T) {
	evs := events(t)
	whole := record(evs)
	want := js(t, whole)
	var kept, dropped int64
	for _, s := range whole.Sources {
		kept += s.KeptDocs
		dropped += s.Docs - s.KeptDocs
	}
	if kept == 0 || dropped == 0 || len(whole.Dropped) != 2 || len(whole.Kept) != 3 {
		t.Fatalf("the fixture should give kept and dropped documents of three sources: kept %d, dropped %d, %d drop groups", kept, dropped, len(whole.Dropped))
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, tasks := range []int{1, 2, 3, 7} {
		for _, order := range []string{"forward", "backward", "shuffled"} {
			t.Run(fmt.Sprintf("%d tasks %s", tasks, order), func(t *testing.T) {
				var parts []*Profile
				for i := range tasks { // contiguous slices, as tasks read them
					lo, hi := i*len(evs)/tasks, (i+1)*len(evs)/tasks
					var round Profile
					if err := json.Unmarshal([]byte(js(t, record(evs[lo:hi]))), &round); err != nil {
						t.Fatal(err)
					}
					parts = append(parts, &round)
				}
				switch order {
				case "backward":
					for i, j := 0, len(parts)-1; i < j; i, j = i+1, j-1 {
						parts[i], parts[j] = parts[j], parts[i]
					}
				case "shuffled":
					rng.Shuffle(len(parts), func(i, j int) { parts[i], parts[j] = parts[j], parts[i] })
				}
				merged := New(true)
				for _, p := range parts {
					if err := merged.Merge(p); err != nil {
						t.Fatal(err)
					}
				}
				if got := js(t, merged); got != want {
					t.Errorf("merged profile differs from one process's:\n%s\n%s", got, want)
				}
			})
		}
	}
}

// TestSamples checks the samples are the documents with the smallest key
// hashes, cut to SampleChars characters, with the dropping rule's score.
func TestSamples(t *testing.T) {
	evs := events(t)
	p := record(evs)
	for _, g := range p.Dropped {
		var hashes []uint64
		for _, e := range evs {
			if e.stage == g.Stage && e.reason == g.Reason {
				hashes = append(hashes, KeyHash(e.d.Key))
			}
		}
		if int64(len(hashes)) != g.Docs {
			t.Errorf("%s/%s: %d documents counted, %d dropped", g.Stage, g.Reason, g.Docs, len(hashes))
		}
		if len(g.Samples) != min(SampleSize, len(hashes)) {
			t.Fatalf("%s/%s: %d samples of %d documents", g.Stage, g.Reason, len(g.Samples), len(hashes))
		}
		for _, s := range g.Samples {
			smaller := 0
			for _, h := range hashes {
				if h < s.Hash {
					smaller++
				}
			}
			if smaller >= SampleSize {
				t.Errorf("%s/%s: sample %s has %d smaller hashes", g.Stage, g.Reason, s.Key, smaller)
			}
			if n := len([]rune(s.Text)); n > SampleChars || (s.Chars >= SampleChars && n != SampleChars) {
				t.Errorf("sample %s: %d characters of %d", s.Key, n, s.Chars)
			}
			if (g.Stage == "filters") != (s.Score != nil) {
				t.Errorf("sample %s of %s: score %v", s.Key, g.Stage, s.Score)
			}
		}
	}
}

// TestHistograms checks the bins against the documents' own counts.
func TestHistograms(t *testing.T) {
	evs := events(t)
	p := record(evs)
	kept, dropped := p.Length.Total()
	var wantKept, wantDropped int64
	for _, e := range evs {
		if e.stage == "" {
			wantKept++
		} else {
			wantDropped++
		}
	}
	if kept != wantKept || dropped != wantDropped {
		t.Errorf("length histogram: %d kept, %d dropped; want %d, %d", kept, dropped, wantKept, wantDropped)
	}
	if tk, td := p.Tokens.Total(); tk != wantKept || td != 0 {
		t.Errorf("tokens histogram: %d kept, %d dropped; want %d, 0", tk, td, wantKept)
	}
	h := &Histogram{Edges: SizeEdges(), Kept: make([]int64, len(SizeEdges())-1)}
	for _, c := range []struct {
		v   float64
		bin int
	}{{0, 0}, {1, 1}, {2, 2}, {2.9, 2}, {3, 3}, {5, 4}, {6, 5}, {1 << 40, len(h.Kept) - 1}} {
		if got := h.Bin(c.v); got != c.bin {
			t.Errorf("Bin(%v) = %d, want %d", c.v, got, c.bin)
		}
	}
	for _, c := range []struct{ a, b, bin int }{{0, 5, 0}, {1, 20, 1}, {19, 20, 19}, {20, 20, 19}, {1, 3, 6}} {
		if got := ratioBin(c.a, c.b); got != c.bin {
			t.Errorf("ratioBin(%d, %d) = %d, want %d", c.a, c.b, got, c.bin)
		}
	}
}

// TestNearClusters follows chains of reps and counts per task as
// ExpectClusters does: the tasks' clusters add up to the job's.
func TestNearClusters(t *testing.T) {
	k := func(f, r int) uint64 { return uint64(pipeline.MakeKey(f, int64(r))) }
	pairs := [][2]uint64{
		{k(0, 2), k(0, 1)}, // cluster of 0.1: 0.2, 0.5 (via 0.2), 1.0
		{k(0, 5), k(0, 2)},
		{k(0, 7), savedRep}, // a copy of a saved document
		{k(1, 0), k(0, 1)},
		{k(1, 3), k(1, 1)}, // cluster of 1.1: 1.3; 1.4 is an exact duplicate
		{k(1, 4), k(1, 1)},
	}
	exact := func(key pipeline.Key) bool { return uint64(key) == k(1, 4) }
	c := NearClusters(pairs, exact)
	if c.Clusters != 2 || c.Dropped != 4 || c.Largest != 4 || c.Saved != 1 {
		t.Fatalf("clusters %+v, want 2 clusters, 4 dropped, largest 4, 1 saved", *c)
	}
	if c.Sizes.Kept[c.Sizes.Bin(4)] != 1 || c.Sizes.Kept[c.Sizes.Bin(2)] != 1 {
		t.Errorf("sizes %v", c.Sizes.Kept)
	}
	// two tasks: file 0 and file 1, each seeing its documents
	merged := New(false)
	for f := range 2 {
		r := NewRecorder(false)
		r.ExpectClusters(pairs, exact)
		for rec := range 8 {
			d := &pipeline.Document{Key: pipeline.MakeKey(f, int64(rec)), Text: "本文", Source: "s"}
			r.Kept(d)
		}
		if err := merged.Merge(r.Profile()); err != nil {
			t.Fatal(err)
		}
	}
	if got := *merged.Clusters; got.Clusters != c.Clusters || got.Dropped != c.Dropped || got.Largest != c.Largest || got.Saved != c.Saved {
		t.Errorf("tasks' clusters %+v, one process %+v", got, *c)
	}
}

// BenchmarkRecorder measures the recorder's cost per byte of text: with the
// Scripts the filters stage leaves (the usual case), and counting them
// itself (documents dropped before the filters). Against the pipeline's
// 32–38 MB/s per core, the first is the profile's share of the collector's
// work.
func BenchmarkRecorder(b *testing.B) {
	docs := testcorpus.Fixture(b)
	var size int64
	for i, d := range docs {
		d.Key = pipeline.MakeKey(0, int64(i))
		d.Tokens = len(d.Text) / 3
		size += int64(len(d.Text))
	}
	for _, leave := range []bool{true, false} {
		b.Run(fmt.Sprintf("scripts_left=%v", leave), func(b *testing.B) {
			for _, d := range docs {
				d.Scratch = pipeline.Scratch{}
				if leave {
					d.Scratch.Set(filters.ScriptsKey{}, filters.CountScripts(d.Text))
				}
			}
			b.SetBytes(size)
			for b.Loop() {
				r := NewRecorder(true)
				for i, d := range docs {
					if i%5 == 0 {
						r.Dropped("filters", "too_short", d)
					} else {
						r.Kept(d)
					}
				}
			}
		})
	}
}
