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
