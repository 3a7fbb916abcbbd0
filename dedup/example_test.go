package dedup_test

import (
	"fmt"

	"github.com/jacorpus/jacorpus/dedup"
	"github.com/jacorpus/jacorpus/pipeline"
)

func Example() {
	e := dedup.NewExact()
	for _, s := range []string{"吾輩は猫である。", "名前はまだ無い。", "吾輩は猫である。"} {
		fmt.Println(s, e.Seen(s))
	}
	// Output:
	// 吾輩は猫である。 false
	// 名前はまだ無い。 false
	// 吾輩は猫である。 true
}

// ExampleNear runs near-duplicate removal by hand: Signer computes each
// document's signature (in parallel workers in a pipeline), Near decides in
// input order.
func ExampleNear() {
	o := dedup.DefaultNear()
	o.Enabled = true
	signer, _ := dedup.NewSigner(o)
	sign, _ := signer.NewProcessor()
	near, _ := dedup.NewNear(o)
	defer near.Close()
	base := "国会は、国権の最高機関であつて、国の唯一の立法機関である。衆議院及び参議院の両議院でこれを構成する。両議院は、全国民を代表する選挙された議員でこれを組織する。"
	texts := []string{
		base,
		base + "両議院の議員の定数は、法律でこれを定める。", // a sentence added
		"何人も、法律の定める手続によらなければ、その生命若しくは自由を奪はれ、又はその他の刑罰を科せられない。",
	}
	for i, text := range texts {
		d := &pipeline.Document{Text: text, Key: pipeline.MakeKey(0, int64(i))}
		sign.Process(d)
		reason, _ := near.Process(d)
		fmt.Printf("%d %q\n", i, reason)
	}
	b, r := o.Params()
	fmt.Printf("%d bands × %d rows\n", b, r)
	// Output:
	// 0 ""
	// 1 "near_duplicate"
	// 2 ""
	// 16 bands × 8 rows
}
