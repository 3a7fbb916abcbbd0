package morph

import "testing"

// FuzzAnalyzer: on any bytes the analyzer does not panic, its tokens tile
// the input, Count counts the tokens that are not whitespace-only, and the
// boundaries and parts of speech are kagome's.
func FuzzAnalyzer(f *testing.F) {
	for _, s := range []string{
		"", " ", "すもももももももものうち", "国会は、国権の最高機関であつて、国の唯一の立法機関である。",
		"iPhone15をAmazonで買った", "ｱｲｳｴｵ", "😀👍", "1,234円", "あ\xffい\xff\xfe", "\uFFFD\uFFFD", "\x00a\x00",
	} {
		f.Add([]byte(s))
	}
	a := NewAnalyzer(testDict(f))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<14 {
			data = data[:1<<14] // one piece, as tokenize cuts them
		}
		text := string(data)
		checkAgainstKagome(t, a, text)
	})
}

// FuzzLoad: Load never panics, and a Dict it accepts can be used on any
// text. The checksum is skipped too (load(b, false, …)), so that mutations
// reach the structural checks, and then the arrays of b are used in place
// as for the embedded dictionary.
func FuzzLoad(f *testing.F) {
	small, err := tinyDict().MarshalBinary()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(small)
	f.Add(small[:len(small)/2])
	f.Add([]byte(binMagic))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, verify := range []bool{true, false} {
			d, err := load(b, verify, !verify)
			if err != nil {
				continue
			}
			a := NewAnalyzer(d)
			for _, s := range []string{"", "あいう", "abc 123", "\xff\uFFFD漢字カナ", "\x00"} {
				n := 0
				a.Tokens(s, func(_, _ int, _ POS) { n++ })
				a.Count(s)
				a.AppendWakati(nil, s)
			}
		}
	})
}
