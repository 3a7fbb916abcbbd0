package shard_test

import (
	"fmt"
	"log"
	"os"

	"github.com/jacorpus/jacorpus/pipeline"
	"github.com/jacorpus/jacorpus/shard"
)

// Example writes three documents into one Parquet shard, then records the
// shard in a manifest.
func Example() {
	dir, err := os.MkdirTemp("", "shard-example-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	docs := []*pipeline.Document{
		{ID: "rashomon:1", Text: "ある日の暮方の事である。一人の下人が、羅生門の下で雨やみを待っていた。", Source: "aozora_bunko", Meta: map[string]string{"title": "羅生門"}, Tokens: 24},
		{ID: "rashomon:2", Text: "広い門の下には、この男のほかに誰もいない。", Source: "aozora_bunko", Meta: map[string]string{"title": "羅生門"}, Tokens: 14},
		{ID: "web:1", Text: "本日は晴天なり。", Source: "web", URL: "https://example.jp/", Tokens: 5},
	}
	w, err := shard.NewWriter(shard.Options{Dir: dir})
	if err != nil {
		log.Fatal(err)
	}
	if err := w.Write(docs); err != nil {
		w.Abort()
		log.Fatal(err)
	}
	infos, err := w.Close()
	if err != nil {
		w.Abort()
		log.Fatal(err)
	}
	for _, in := range infos {
		fmt.Printf("%s: %d rows, %d tokens\n", in.File, in.Rows, in.Tokens)
	}
	m := shard.NewManifest("example", infos)
	if err := shard.WriteManifest(dir, m); err != nil {
		log.Fatal(err)
	}
	fmt.Println("schema:", m.Schema)
	// Output:
	// part-00000.parquet: 3 rows, 43 tokens
	// schema: [id text source url meta tokens]
}
