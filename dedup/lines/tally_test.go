package lines

import (
	"reflect"
	"testing"
)

func TestTallyCounts(t *testing.T) {
	set := NewSet(Options{}, []uint64{Key("シェア"), Key("ツイート"), Key("メニュー")})
	var tl Tally
	for _, d := range []string{
		"　シェア\nシェア\nツイート\n", // first sample of シェア: the untrimmed first line
		"ツイート\r\n本文\n",
		"シェア \nメニュー",
		"本文だけ",
	} {
		set.Strip(d, &tl)
	}
	want := []Line{
		{Key("シェア"), "　シェア", 2, 3},
		{Key("ツイート"), "ツイート", 2, 2},
		{Key("メニュー"), "メニュー", 1, 1},
	}
	if Key("ツイート") < Key("シェア") { // ties by key ascending
		want[0], want[1] = want[1], want[0]
	}
	if got := tl.Top(-1); !reflect.DeepEqual(got, want) {
		t.Fatalf("Top(-1) =\n%v\nwant\n%v", got, want)
	}
	if got := tl.Top(1); !reflect.DeepEqual(got, want[:1]) {
		t.Fatalf("Top(1) = %v", got)
	}
	if got := tl.Top(0); len(got) != 0 {
		t.Fatalf("Top(0) = %v", got)
	}
	var zero Tally
	if len(zero.Top(5)) != 0 {
		t.Fatal("a zero Tally holds lines")
	}
}

// TestTallyMergeHalvesEqualsWhole strips a corpus whole and in two halves
// with their own tallies, merged in input order: counts and samples must
// agree, whatever the cut.
func TestTallyMergeHalvesEqualsWhole(t *testing.T) {
	docs := corpus(60)
	c := NewCounts(Options{MinFraction: 0.3})
	for _, d := range docs {
		c.AddDocument(d)
	}
	set := c.Select()
	var whole, wholePlus Tally // wholePlus: then docs[0] again
	for _, d := range append(docs, docs[0]) {
		set.Strip(d, &wholePlus)
	}
	for _, d := range docs {
		set.Strip(d, &whole)
	}
	if len(whole.Top(-1)) < 3 {
		t.Fatalf("only %d lines removed: the test proves nothing", len(whole.Top(-1)))
	}
	for _, cut := range []int{0, 1, 13, 30, 60} {
		var a, b Tally
		for _, d := range docs[:cut] {
			set.Strip(d, &a)
		}
		for _, d := range docs[cut:] {
			set.Strip(d, &b)
		}
		a.Merge(&b)
		if !reflect.DeepEqual(a.Top(-1), whole.Top(-1)) {
			t.Fatalf("cut %d: merged\n%v\nwhole\n%v", cut, a.Top(-1), whole.Top(-1))
		}
		// stripping on after a merge counts new documents correctly
		set.Strip(docs[0], &a)
		if !reflect.DeepEqual(a.Top(-1), wholePlus.Top(-1)) {
			t.Fatalf("cut %d: after one more document, merged and whole differ", cut)
		}
	}
}

// TestTallyMergeSamples checks that the receiver's sample wins: it came
// first in input order.
func TestTallyMergeSamples(t *testing.T) {
	set := NewSet(Options{}, []uint64{Key("メニュー")})
	var first, second Tally
	set.Strip("メニュー　", &first)
	set.Strip("　メニュー", &second)
	first.Merge(&second)
	if got := first.Top(1)[0]; got.Text != "メニュー　" || got.Docs != 2 {
		t.Fatalf("first.Merge(second) = %+v", got)
	}
	var empty Tally
	empty.Merge(&second)
	empty.Merge(nil)
	if got := empty.Top(1)[0]; got.Text != "　メニュー" || got.Docs != 1 {
		t.Fatalf("empty.Merge(second) = %+v", got)
	}
	empty.Merge(&empty)
	if got := empty.Top(1)[0]; got.Docs != 2 || got.Lines != 2 {
		t.Fatalf("self merge = %+v", got)
	}
}
