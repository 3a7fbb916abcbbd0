package job

import (
	"context"
	"encoding/json"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/jacorpus/jacorpus/dedup"
	"github.com/jacorpus/jacorpus/filters"
	"github.com/jacorpus/jacorpus/rejects"
	"github.com/jacorpus/jacorpus/shard"
)

// outputRows reads every row of a run's shards.
func outputRows(t *testing.T, res *Result) []shard.Row {
	t.Helper()
	var rows []shard.Row
	for _, s := range res.Manifest.Shards {
		r, err := shard.OpenReader(filepath.Join(res.Dir, s.File))
		if err != nil {
			t.Fatal(err)
		}
		buf := make([]shard.Row, 100)
		for {
			k, err := r.Read(buf)
			rows = append(rows, buf[:k]...)
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		r.Close()
	}
	return rows
}

// TestApplyArrowWakati: applying bounds to an annotated Arrow dataset with
// the wakati column writes Arrow shards that keep the column.
func TestApplyArrowWakati(t *testing.T) {
	cfg := sampleConfig(t)
	cfg.Tokenize.Wakati = true
	cfg.Output.Format = shard.FormatArrow
	cfg.Filters.Mode = filters.Annotate
	res, err := Run(context.Background(), cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ann := outputRows(t, res)
	out := t.TempDir()
	m, err := ApplyFilters(context.Background(), ApplyOptions{In: res.Dir, Out: out, Filters: cfg.Filters, ShardSize: cfg.Output.ShardSize})
	if err != nil {
		t.Fatal(err)
	}
	applied := outputRows(t, &Result{Dir: out, Manifest: m})
	if len(applied) == 0 || len(applied) >= len(ann) || !slices.Contains(m.Schema, "wakati") {
		t.Fatalf("%d of %d kept, schema %v", len(applied), len(ann), m.Schema)
	}
	for _, s := range m.Shards {
		if !strings.HasSuffix(s.File, ".arrow") {
			t.Errorf("applied shard %s is not Arrow", s.File)
		}
	}
	for _, r := range applied {
		if r.Wakati == "" || strings.Join(strings.Fields(r.Wakati), "") != strings.Join(strings.Fields(r.Text), "") {
			t.Fatalf("%s: wakati %.80q does not spell text %.80q", r.ID, r.Wakati, r.Text)
		}
	}
}

// TestAnnotateThenRethreshold: an annotate run keeps every document with
// every rule's score in its meta; applying the bounds to those scores
// afterwards keeps exactly the documents a dropping run keeps, with the
// same texts — with the shipped bounds and with tuned ones. Dedup runs
// before the filters, so that it sees the same documents in both runs.
func TestAnnotateThenRethreshold(t *testing.T) {
	base := sampleConfig(t)
	base.Tokenize.Enabled = false
	base.Dedup.Order = dedup.BeforeFilters
	for i := range base.Inputs {
		if base.Inputs[i].Preset == "default" { // the fixture: laws, speeches, novels under web rules
			base.Inputs[i].Preset = "swallow"
		}
	}
	tuned := base
	tuned.Filters.Presets = nil
	tuned.Filters.SetBound("swallow", "duplicate_paragraph_fraction", filters.Bound{Cmp: filters.LessEq, Value: 0.6})
	tuned.Filters.SetBound("gov", "too_short", filters.Bound{Cmp: filters.GreaterEq, Value: 400})

	run := func(cfg Config, mode filters.Mode, rej bool) (*Result, []shard.Row, string) {
		cfg.Filters.Mode = mode
		cfg.Output.Dir = t.TempDir()
		if rej {
			cfg.Rejects = t.TempDir()
		}
		res, err := Run(context.Background(), cfg, Options{})
		if err != nil {
			t.Fatal(err)
		}
		return res, outputRows(t, res), cfg.Rejects
	}
	annRes, ann, _ := run(base, filters.Annotate, false)
	if st := annRes.Stats.Stage(filters.StageName); st.DroppedTotal() != 0 {
		t.Fatalf("annotate dropped %v", st.Dropped)
	}
	for _, cfg := range []Config{base, tuned} {
		dropRes, kept, rejDir := run(cfg, filters.Drop, true)
		want := map[string]string{}
		for _, r := range kept {
			want[r.ID] = r.Text
		}
		dropped, err := rejects.ReadDropped(filepath.Join(rejDir, rejects.DroppedFile))
		if err != nil {
			t.Fatal(err)
		}
		reason := map[string]string{}
		for _, d := range dropped {
			reason[d.ID] = d.Stage + ":" + d.Reason
		}
		got := 0
		for _, r := range ann {
			var meta map[string]string
			if err := json.Unmarshal([]byte(r.Meta), &meta); err != nil {
				t.Fatal(err)
			}
			rule, err := filters.Rethreshold(meta, cfg.Filters)
			if err != nil {
				t.Fatal(err)
			}
			text, ok := want[r.ID]
			switch {
			case rule == "" && !ok:
				t.Errorf("%s: kept by the thresholds, dropped by the run", r.ID)
			case rule != "" && ok:
				t.Errorf("%s: dropped by %s afterwards, kept by the run", r.ID, rule)
			case ok && text != r.Text:
				t.Errorf("%s: texts differ", r.ID)
			case !ok && reason[r.ID] != filters.StageName+":"+rule:
				t.Errorf("%s: dropped by %s afterwards, by %s in the run", r.ID, rule, reason[r.ID])
			}
			if rule == "" {
				got++
			}
		}
		if got != len(kept) || len(kept) == 0 || len(kept) == len(ann) {
			t.Errorf("%d kept afterwards, %d by the run, of %d", got, len(kept), len(ann))
		}
		// ApplyFilters writes the same documents as a new dataset
		appliedDir := t.TempDir()
		m, err := ApplyFilters(context.Background(), ApplyOptions{In: annRes.Dir, Out: appliedDir, Filters: cfg.Filters, ShardSize: cfg.Output.ShardSize})
		if err != nil {
			t.Fatal(err)
		}
		applied := outputRows(t, &Result{Dir: appliedDir, Manifest: m})
		if len(applied) != len(kept) {
			t.Errorf("applied %d documents, the run kept %d", len(applied), len(kept))
		}
		for i := range min(len(applied), len(kept)) {
			if applied[i].ID != kept[i].ID || applied[i].Text != kept[i].Text {
				t.Errorf("row %d: applied %s, the run %s", i, applied[i].ID, kept[i].ID)
				break
			}
		}
		if st := m.Stats.Stage(filters.StageName); st.DocsOut != int64(len(kept)) || st.DocsIn != int64(len(ann)) {
			t.Errorf("apply stats %+v", st)
		}
		// the rejects hold the filter drops with the failing score
		var n int64
		for _, d := range dropped {
			if d.Stage != filters.StageName {
				continue
			}
			n++
			p, _ := cfg.Filters.Preset(presetOfSource(cfg, d.Source))
			i := slices.IndexFunc(p.Steps, func(s filters.Step) bool { return s.Rule == d.Reason })
			if i < 0 || d.Score == nil || p.Steps[i].Keep.Keep(*d.Score) {
				t.Errorf("%s: dropped by %q with score %v", d.ID, d.Reason, d.Score)
			}
		}
		rep := dropRes.Manifest.Filters
		var failed int64
		for _, p := range rep.Presets {
			for _, s := range p.Steps {
				failed += s.Failed
			}
		}
		if n != failed || n != dropRes.Stats.Stage(filters.StageName).DroppedTotal() || n == 0 {
			t.Errorf("rejects %d, report %d, stats %d", n, failed, dropRes.Stats.Stage(filters.StageName).DroppedTotal())
		}
	}
}

func presetOfSource(cfg Config, source string) string {
	for _, in := range cfg.Inputs {
		if in.Source == source {
			return in.Preset
		}
	}
	return ""
}
