package lines_test

import (
	"fmt"

	"github.com/jacorpus/jacorpus/dedup/lines"
)

func Example() {
	docs := []string{
		"ホーム ＞ ニュース\n桜が開花しました。\nツイート\nシェア\n",
		"ホーム ＞ ニュース\n台風が接近しています。\nツイート\n",
		"ホーム ＞ ブログ\n今日は晴れでした。\n　ツイート　\r\n",
	}
	o := lines.Options{MinFraction: 0.5} // in at least half of the documents
	if err := o.Validate(); err != nil {
		panic(err)
	}
	counts := lines.NewCounts(o)
	for _, d := range docs {
		counts.AddDocument(d)
	}
	set := counts.Select()
	fmt.Println("documents", counts.Docs(), "distinct lines", counts.Lines(), "boilerplate", set.Len())

	var tally lines.Tally
	for _, d := range docs {
		out, removed := set.Strip(d, &tally)
		fmt.Printf("%d removed: %q\n", removed, out)
	}
	for _, l := range tally.Top(10) {
		fmt.Printf("%q in %d documents\n", l.Text, l.Docs)
	}
	// Output:
	// documents 3 distinct lines 7 boilerplate 2
	// 2 removed: "桜が開花しました。\nシェア\n"
	// 2 removed: "台風が接近しています。\n"
	// 1 removed: "ホーム ＞ ブログ\n今日は晴れでした。\n"
	// "ツイート" in 3 documents
	// "ホーム ＞ ニュース" in 2 documents
}
