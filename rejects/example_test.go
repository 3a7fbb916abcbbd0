package rejects_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/jacorpus/jacorpus/pipeline"
	"github.com/jacorpus/jacorpus/rejects"
)

func Example() {
	dir, _ := os.MkdirTemp("", "rejects")
	defer os.RemoveAll(dir)
	w, err := rejects.Create(dir, rejects.Options{})
	if err != nil {
		panic(err)
	}
	w.Problem(&pipeline.Problem{Pos: pipeline.Position{File: "in.jsonl", Line: 7}, Key: pipeline.MakeKey(2, 6),
		Kind: pipeline.ProblemMalformedJSON, Raw: []byte(`{"text": "閉じていない`)})
	w.Close()
	data, _ := os.ReadFile(filepath.Join(dir, rejects.ProblemsFile))
	fmt.Print(string(data))
	// Output: {"file":"in.jsonl","line":7,"offset":0,"key":2199023255558,"kind":"malformed_json","raw":"{\"text\": \"閉じていない"}
}

// Dropped documents go to dropped.parquet with the stage, the rule and, if
// the stage left one, the rule's score; ReadDropped reads them back (as do
// DuckDB and pandas).
func Example_dropped() {
	dir, _ := os.MkdirTemp("", "rejects")
	defer os.RemoveAll(dir)
	w, err := rejects.Create(dir, rejects.Options{})
	if err != nil {
		panic(err)
	}
	d := &pipeline.Document{ID: "web:3", Text: "今すぐクリック！", Source: "web", Pos: pipeline.Position{File: "web.jsonl", Line: 3}}
	d.Scratch.Set(pipeline.DropScore{}, 0.92)
	w.Dropped("filters", "ad_words", d)
	w.Dropped("dedup", "exact_duplicate", &pipeline.Document{ID: "web:4", Text: "同じ。", Source: "web"})
	w.Close()
	rows, err := rejects.ReadDropped(filepath.Join(dir, rejects.DroppedFile))
	if err != nil {
		panic(err)
	}
	for _, r := range rows {
		score := "-"
		if r.Score != nil {
			score = fmt.Sprint(*r.Score)
		}
		fmt.Println(r.Stage, r.Reason, score, r.ID, r.Text)
	}
	fmt.Println(w.Summary().Files)
	// Output:
	// filters ad_words 0.92 web:3 今すぐクリック！
	// dedup exact_duplicate - web:4 同じ。
	// [ingest.jsonl dropped.parquet]
}
