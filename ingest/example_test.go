package ingest_test

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/jacorpus/jacorpus/ingest"
	"github.com/jacorpus/jacorpus/pipeline"
)

// Example streams documents from JSON Lines held in a string. Bad records
// are reported as problems and reading goes on.
func Example() {
	data := `{"id": "doc-1", "text": "吾輩は猫である。"}
{"id": "doc-2", "text": ""}
{"text": "名前はまだ無い。"}
`
	r := ingest.NewJSONL(strings.NewReader(data), "neko.jsonl", ingest.Input{})
	for {
		doc, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		var p *pipeline.Problem
		if errors.As(err, &p) {
			fmt.Println("problem:", p.Pos, p.Kind)
			continue
		}
		if err != nil {
			fmt.Println("error:", err)
			return
		}
		fmt.Println(doc.ID, doc.Text)
	}
	// Output:
	// doc-1 吾輩は猫である。
	// problem: neko.jsonl:2 empty_document
	// neko.jsonl:3 名前はまだ無い。
}
