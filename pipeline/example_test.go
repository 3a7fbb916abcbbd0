package pipeline_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/jacorpus/jacorpus/pipeline"
)

// A two-stage run: trim every text in parallel, drop the empty ones, and
// print what reaches the sink. Order is kept whatever the worker count.
func Example() {
	docs := []*pipeline.Document{
		{ID: "a", Text: "  吾輩は猫である。 "},
		{ID: "b", Text: "   "},
		{ID: "c", Text: "名前はまだ無い。"},
	}
	r := &pipeline.Runner{
		Workers: 4,
		Stages: []pipeline.Stage{
			pipeline.MapStage{StageName: "trim", Fn: func(d *pipeline.Document) (string, error) {
				d.Text = strings.TrimSpace(d.Text)
				return "", nil
			}},
			pipeline.MapStage{StageName: "nonempty", Fn: func(d *pipeline.Document) (string, error) {
				if d.Text == "" {
					return "empty", nil
				}
				return "", nil
			}},
		},
		Sink: pipeline.SinkFunc(func(ds []*pipeline.Document) error {
			for _, d := range ds {
				fmt.Println(d.ID, d.Text)
			}
			return nil
		}),
	}
	stats, err := r.Run(context.Background(), pipeline.FromSlice(docs))
	if err != nil {
		panic(err)
	}
	fmt.Println("dropped:", stats.Stage("nonempty").Dropped)
	// Output:
	// a 吾輩は猫である。
	// c 名前はまだ無い。
	// dropped: map[empty:1]
}
