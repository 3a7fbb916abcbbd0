package lines

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
)

// countsOf returns the document count of every key in c.
func countsOf(c *Counts) map[uint64]int64 {
	m := map[uint64]int64{}
	c.Each(0, math.MaxUint64, func(k uint64, v int64) bool {
		m[k] = v
		return true
	})
	return m
}

func TestAddDocumentCounts(t *testing.T) {
	long := strings.Repeat("長", 201)
	cases := []struct {
		name string
		o    Options
		docs []string
		want map[string]int64 // line → documents; every other line absent
	}{
		{
			name: "once per document",
			docs: []string{"メニュー\nメニュー\nメニュー\nメニュー\nメニュー", "本文\nメニュー\n"},
			want: map[string]int64{"メニュー": 2, "本文": 1},
		},
		{
			name: "trimmed lines are one line",
			docs: []string{"　メニュー ", "メニュー", "\tメニュー　\r\n", "メ ニュー"},
			want: map[string]int64{"メニュー": 3, "メ ニュー": 1},
		},
		{
			name: "blank and whitespace lines never count",
			o:    Options{MinChars: -5},
			docs: []string{"\n\n \n　\n\t\r\n", ""},
			want: map[string]int64{},
		},
		{
			name: "default lengths: 1 to 200 runes",
			docs: []string{"a\n" + long + "\n" + long[:600] + "\n"},
			want: map[string]int64{"a": 1, long[:600]: 1},
		},
		{
			name: "MinChars and MaxChars",
			o:    Options{MinChars: 3, MaxChars: 5},
			docs: []string{"ab\nabc\nシェアする\nツイートする\n　ab　"},
			want: map[string]int64{"abc": 1, "シェアする": 1},
		},
		{
			name: "CRLF and missing final newline",
			docs: []string{"ツイート\r\nシェア", "シェア\r\nツイート\n"},
			want: map[string]int64{"ツイート": 2, "シェア": 2},
		},
	}
	for _, c := range cases {
		ct := NewCounts(c.o)
		for _, d := range c.docs {
			ct.AddDocument(d)
		}
		want := map[uint64]int64{}
		for l, n := range c.want {
			want[Key(l)] = n
		}
		if got := countsOf(ct); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s: counts %v, want %v", c.name, got, want)
		}
		if ct.Docs() != int64(len(c.docs)) || ct.Lines() != len(want) {
			t.Errorf("%s: Docs %d Lines %d, want %d %d", c.name, ct.Docs(), ct.Lines(), len(c.docs), len(want))
		}
	}
}

func TestSelectThresholds(t *testing.T) {
	// 10 documents: "a" in 10, "b" in 5, "c" in 3, "d" in 2, "e" in 1
	var docs []string
	for i := 0; i < 10; i++ {
		var ls []string
		for j, l := range []string{"a", "b", "c", "d", "e"} {
			if i < []int{10, 5, 3, 2, 1}[j] {
				ls = append(ls, l)
			}
		}
		docs = append(docs, strings.Join(ls, "\n"))
	}
	cases := []struct {
		o    Options
		want string
	}{
		{Options{MinDocs: 5}, "ab"},
		{Options{MinDocs: 3}, "abc"},
		{Options{MinDocs: 1}, "abcd"}, // never fewer than 2 documents: not "e"
		{Options{MinDocs: 11}, ""},
		{Options{MinFraction: 0.5}, "ab"},
		{Options{MinFraction: 0.3}, "abc"}, // 3/10 passes 0.3 exactly
		{Options{MinFraction: 0.31}, "ab"},
		{Options{MinFraction: 0.1}, "abcd"}, // 1/10 passes 0.1, but "e" is in 1 document
		{Options{MinFraction: 1}, "a"},
		{Options{MinDocs: 5, MinFraction: 0.2}, "abcd"}, // either test
		{Options{MinDocs: 2, MinFraction: 0.9}, "abcd"},
		{Options{}, ""}, // neither test: nothing (Validate rejects it)
	}
	for _, c := range cases {
		ct := NewCounts(c.o)
		for _, d := range docs {
			ct.AddDocument(d)
		}
		set := ct.Select()
		got := ""
		for _, l := range []string{"a", "b", "c", "d", "e"} {
			if set.Contains(Key(l)) {
				got += l
			}
		}
		if got != c.want || set.Len() != len(c.want) {
			t.Errorf("%+v: selected %q (%d keys), want %q", c.o, got, set.Len(), c.want)
		}
	}
}

// corpus returns documents with boilerplate at several frequencies, varied
// whitespace and line endings.
func corpus(n int) []string {
	var docs []string
	for i := range n {
		var b strings.Builder
		if i%2 == 0 {
			b.WriteString("　ホーム ＞ ニュース\r\n")
		}
		if i%3 == 0 {
			b.WriteString("ツイート\nシェア\nはてなブックマーク\n")
		}
		fmt.Fprintf(&b, "本文%dです。\n\n関連記事\n", i)
		if i%5 == 0 {
			b.WriteString("関連記事\n")
		}
		fmt.Fprintf(&b, "記事%d\n", i%7)
		b.WriteString("このページの先頭へ")
		docs = append(docs, b.String())
	}
	return docs
}

func TestMergeHalvesEqualsWhole(t *testing.T) {
	o := Options{MinFraction: 0.3}
	docs := corpus(60)
	whole := NewCounts(o)
	for _, d := range docs {
		whole.AddDocument(d)
	}
	for _, cut := range []int{0, 1, 17, 30, 59, 60} {
		a, b := NewCounts(o), NewCounts(o)
		for _, d := range docs[:cut] {
			a.AddDocument(d)
		}
		for _, d := range docs[cut:] {
			b.AddDocument(d)
		}
		a.Merge(b)
		if fmt.Sprint(countsOf(a)) != fmt.Sprint(countsOf(whole)) || a.Docs() != whole.Docs() || a.Lines() != whole.Lines() {
			t.Fatalf("cut %d: merged counts differ from the whole", cut)
		}
		if !slices.Equal(a.Select().Keys(), whole.Select().Keys()) {
			t.Fatalf("cut %d: merged selection differs", cut)
		}
	}
	if whole.Select().Len() == 0 {
		t.Fatal("the corpus has no boilerplate: the test proves nothing")
	}
}

// TestEachPartitions writes the counts as key-range partitions, reads them
// back with Add and AddDocs, and checks the copy selects the same set.
func TestEachPartitions(t *testing.T) {
	o := Options{MinDocs: 4}
	src := NewCounts(o)
	for _, d := range corpus(40) {
		src.AddDocument(d)
	}
	src.Add(0, 9) // key 0 is a key like any other
	parts := [][2]uint64{{0, 1<<62 - 1}, {1 << 62, 1<<63 - 1}, {1 << 63, 3<<62 - 1}, {3 << 62, math.MaxUint64}}
	dst := NewCounts(o)
	var all []uint64
	for _, p := range parts {
		lo, hi := p[0], p[1]
		src.Each(lo, hi, func(k uint64, v int64) bool {
			if k < lo || k > hi {
				t.Fatalf("partition [%#x, %#x]: key %#x", lo, hi, k)
			}
			if len(all) > 0 && k <= all[len(all)-1] {
				t.Fatalf("key %#x after %#x", k, all[len(all)-1])
			}
			all = append(all, k)
			dst.Add(k, v)
			return true
		})
	}
	dst.AddDocs(src.Docs())
	if len(all) != src.Lines() {
		t.Fatalf("partitions hold %d keys, counts %d", len(all), src.Lines())
	}
	if fmt.Sprint(countsOf(dst)) != fmt.Sprint(countsOf(src)) || dst.Docs() != src.Docs() {
		t.Fatal("read-back counts differ")
	}
	if !slices.Equal(dst.Select().Keys(), src.Select().Keys()) || !src.Select().Contains(0) {
		t.Fatal("read-back selection differs")
	}
	// Each stops when fn returns false
	calls := 0
	src.Each(0, math.MaxUint64, func(uint64, int64) bool { calls++; return calls < 3 })
	if calls != 3 {
		t.Fatalf("Each went on after false: %d calls", calls)
	}
	// non-positive counts are ignored
	dst.Add(12345, 0)
	dst.Add(12345, -4)
	dst.AddDocs(-10)
	if dst.Lines() != src.Lines() || dst.Docs() != src.Docs() {
		t.Fatal("Add or AddDocs took a non-positive count")
	}
}

// TestDocKeysMatchCounts: counting the keys DocKeys lists, and selecting
// with SelectCounts, is Counts.
func TestDocKeysMatchCounts(t *testing.T) {
	o := Options{MinDocs: 2}
	docs := []string{"メニュー\n本文一\nメニュー\n", "　メニュー\n本文二\nフッター", "フッター\n本文一\n\n"}
	c := NewCounts(o)
	k := NewDocKeys(o)
	count := map[uint64]int64{}
	for _, d := range docs {
		c.AddDocument(d)
		k.Each(d, func(key uint64) { count[key]++ })
	}
	var keys []uint64
	var n []int64
	c.Each(0, ^uint64(0), func(key uint64, docs int64) bool {
		if count[key] != docs {
			t.Errorf("key %x: DocKeys counted %d, Counts %d", key, count[key], docs)
		}
		keys, n = append(keys, key), append(n, docs)
		return true
	})
	if len(keys) != len(count) {
		t.Fatalf("DocKeys listed %d keys, Counts holds %d", len(count), len(keys))
	}
	got := o.SelectCounts(c.Docs(), keys, n)
	want := c.Select().Keys()
	if len(got) != 3 || len(got) != len(want) {
		t.Fatalf("SelectCounts %x, Select %x (want メニュー, 本文一, フッター)", got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("SelectCounts %x, Select %x", got, want)
		}
	}
}
