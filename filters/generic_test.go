package filters

import (
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
)

// Real text of testdata/sample/fixture_docs.jsonl (document ids in the
// comments), cut at the places said, as it is there (not normalized:
// full-width Latin and digits, U+3000). The expected counts of the tests
// were counted by hand and checked with an independent count (Python's
// unicodedata categories and character names).
const (
	// kokkai:119303968X00920170407_210, the whole speech: 107 characters,
	// 62 hiragana, 38 kanji, ○ and 5 、。 as symbols, one U+3000; three
	// sentences of 51, 29 and 27 characters.
	speechKishida = "○岸田国務大臣\u3000専守防衛につきましては、憲法にのっとった我が国の基本的な防衛姿勢であると考えています。この方針は今も全く変わらないと認識をいたします。政府の政策は、その方針に基づいて進められるものであると考えます。"
	// kokkai:121104080X01320230426_180, its first line: 59 characters, the
	// full-width Latin ＲＥ (letters, not Japanese) and the kanji numerals
	// 一〇〇; 29 hiragana, 4 katakana (エネ twice), 18 kanji.
	speechKasai = "○笠井委員\u3000終わりますが、再エネ、ＲＥ一〇〇を歓迎すべきだとおっしゃった、ならば本当に軸足を再エネに切り替えるべきだ。"
	// kokkai:121004889X00120221021_014, a phrase with 暴力 twice.
	speechOgura = "男女間賃金格差の是正や女性デジタル人材の育成など、女性の経済的自立、性犯罪、性暴力や配偶者暴力対策、女性の健康に係る取組の強化など"
	// egov2013:379b4ba843184f04, its first three lines: a Meiji text in
	// katakana and kanji (29 katakana, 93 kanji, no hiragana).
	lawCable = "海底電信線保護万国連合条約ノ説明書\n（明治二十年十二月二十二日勅令）\n\u3000千八百八十四年三月十四日ノ海底電信線保護万国連合条約ニ調印セシ各政府ヨリ出セル下名ノ全権委員ハ該条約第二条及第四条ノ意義ヲ明確ニスルヲ便宜ナリト認メタルニ依リ同意ノ上説明書ヲ決定セリ"
	// egov2013:346fe58c39276b9f, a formula: 55 characters, 19 full-width
	// Latin letters, 4 の and 7 kanji, 11 full-width digits, 14 symbols
	// （）＝×÷; the law goes on with "\n２\n\n\u3000前項の式中".
	lawFormula = "１ｍ３中のＤＤＶＰの量（ｍｇ）＝標準液１ｍｌ中のＤＤＶＰの量（ｍｇ）×（ＡＴ÷ＡＳ）×（１０００÷６０）×２０"
	// egov2013:a44859d06349bc7a, items of an article: 7 lines (一 二 三 ３
	// short), blank lines between them.
	lawItems = "一\n\n\u3000世帯構成員の数が四人である場合\u3000千万円\n\n二\n\n\u3000世帯構成員の数が四人を超える場合\u3000千万円に世帯構成員の数が四人を超える一人ごとに百万円を加算した額\n\n三\n\n\u3000世帯構成員の数が四人に満たない場合\u3000千万円から世帯構成員の数が四人に満たない一人ごとに百万円を控除した額\n\n\n３"
	// The colophon of every Aozora Bunko file (here aozora:3910_txt_12534):
	// 87 characters, a URL of 24.
	aozoraColophon = "このファイルは、インターネットの図書館、青空文庫（http://www.aozora.gr.jp/）で作られました。入力、校正、制作にあたったのは、ボランティアの皆さんです。"
	// aozora:52896_ruby_42309, dialogue: three sentences, 「何！」 (4),
	// と、鋭く云つた。 (8) and 「それなら何故今迄黙つてゐたのだ。」 (18).
	aozoraDialogue = "「何！」と、鋭く云つた。「それなら何故今迄黙つてゐたのだ。」"
	// aozora:52896_ruby_42309, the dash of 実はＳ――先生.
	aozoraDash = "実はＳ――先生が君に用事があるから直ぐ来い、と伝へられたのだ。"
	// aozora:4611_txt_14426, four lines, the third ending in ……
	aozoraEllipsis = "郵便左千夫より、日本週報課題春雨の歌に就いて詳細の論である、\n［＃ここから２字下げ］\n……今出たのを見ると君のは意外に少ない……君のは四首や五首ではあるまい、外の歌はどんな歌か見せ給へ、例令人々考が異りたりとて半數以上を削るは削る方が無理か詠者が無理かお互に少し注意せねばならぬと思ふ、實際歌がよくないとすれば半數も削られるやうな歌を送るは選者を困らせること少なからず、同人間ではこの邊少し考へねばならぬ……\n［＃ここで字下げ終わり］"
	// aozora:3084_txt_10652, a sentence with 殺す and テロ.
	aozoraMayday = "いくら戦争をしても減らない三百万人の失業者の苦しみ、労働者農民を絞め殺す白テロに抗して、勇敢に闘われなければならぬ時です。"
	// The separator line of the Aozora header (55 hyphens).
	aozoraRule = "-------------------------------------------------------"
)

// charClass is what the character pass counts for one rune.
type charClass struct {
	Letters, Hiragana, Katakana, Kanji, Digits, Symbols, Spaces, Replacement int
}

func classOf(text string) charClass {
	var m statsMeter
	var s textStats
	m.chars(&s, text)
	return charClass{s.Letters, s.Hiragana, s.Katakana, s.Kanji, s.Digits, s.Symbols, s.Spaces, s.Replacement}
}

// TestGenericCharClasses: the character classes of the generic measures,
// rune by rune, at the edges of each class: what is a kanji (〇, 々, 〆, 〻,
// the extension planes), what katakana (ー, half-width ｰ ﾞ), which
// characters of the kana and Han scripts are symbols and no letters (㋐ ㌀
// ⼈ ⺅ 🈀), full-width digits, spaces.
func TestGenericCharClasses(t *testing.T) {
	var (
		hira   = charClass{Letters: 1, Hiragana: 1}
		kata   = charClass{Letters: 1, Katakana: 1}
		kanji  = charClass{Letters: 1, Kanji: 1}
		letter = charClass{Letters: 1}
		digit  = charClass{Digits: 1}
		symbol = charClass{Symbols: 1}
		space  = charClass{Spaces: 1}
		none   = charClass{}
	)
	cases := []struct {
		r    string
		want charClass
		why  string
	}{
		{"あ", hira, ""}, {"ゖ", hira, "U+3096, the end of the fast range"}, {"ゝ", hira, "iteration mark, Lm"}, {"ゞ", hira, ""}, {"ゟ", hira, "yori, Lo"},
		{"ア", kata, ""}, {"ヶ", kata, "三ヶ月"}, {"ヺ", kata, "U+30FA"}, {"ヽ", kata, "iteration mark, Lm"}, {"ヿ", kata, "koto, Lo"},
		{"ー", kata, "prolonged sound mark, Common script"}, {"ｰ", kata, "half-width ー"}, {"ｱ", kata, "half-width"}, {"ﾞ", kata, "half-width dakuten, Lm"}, {"ﾟ", kata, ""},
		{"ㇰ", kata, "U+31F0 small ku (Ainu)"},
		{"漢", kanji, ""}, {"一", kanji, "U+4E00"}, {"々", kanji, "iteration mark, Lm"}, {"〆", kanji, "closing mark, Common script"},
		{"〇", kanji, "ideographic zero, Nl: the kanji numeral of 二〇二〇年"}, {"〻", kanji, "vertical iteration mark"},
		{"㐀", kanji, "extension A"}, {"𠮷", kanji, "extension B (U+20BB7)"}, {"﨑", kanji, "compatibility ideograph U+FA11"},
		{"・", symbol, "U+30FB, Po"}, {"゛", symbol, "spacing dakuten U+309B, Sk"}, {"゠", symbol, "U+30A0, Pd"}, {"○", symbol, "U+25CB of ○岸田国務大臣"},
		{"㋐", symbol, "circled katakana, So"}, {"㌀", symbol, "squared katakana, So"}, {"⼈", symbol, "Kangxi radical U+2F08, So"},
		{"⺅", symbol, "radical supplement U+2E85, So"}, {"🈀", symbol, "squared hiragana U+1F200, So"},
		{"〡", none, "Hangzhou numeral, Nl of the Han script"}, {"①", none, "No"}, {"Ⅳ", none, "Nl"}, {"\u200b", none, "zero width space, Cf"},
		{"0", digit, ""}, {"９", digit, "full-width, Nd"}, {"٣", digit, "Arabic-Indic, Nd"},
		{"Ａ", letter, "full-width Latin"}, {"z", letter, ""}, {"é", letter, ""}, {"α", letter, ""}, {"한", letter, "Hangul"},
		{"、", symbol, ""}, {"。", symbol, ""}, {"「", symbol, ""}, {"」", symbol, ""}, {"!", symbol, ""}, {"~", symbol, ""}, {"＝", symbol, "Sm"}, {"×", symbol, ""},
		{"\u3000", space, "ideographic space"}, {"\u00a0", space, "no-break space"}, {"\t", space, ""}, {"\n", space, ""}, {"\u2028", space, ""},
		{"\ufffd", charClass{Symbols: 1, Replacement: 1}, "U+FFFD, So"}, {"\x82", charClass{Symbols: 1, Replacement: 1}, "an undecoded byte"},
		{"\x01", none, "control"},
	}
	for _, c := range cases {
		if got := classOf(c.r); got != c.want {
			t.Errorf("%q (%U, %s): %+v, want %+v", c.r, []rune(c.r)[0], c.why, got, c.want)
		}
	}
}

// TestGenericCharCounts counts the character classes of real text.
func TestGenericCharCounts(t *testing.T) {
	cases := []struct {
		name, text string
		want       charClass
	}{
		{"speechKishida", speechKishida, charClass{Letters: 100, Hiragana: 62, Kanji: 38, Symbols: 6, Spaces: 1}},
		{"speechKasai", speechKasai, charClass{Letters: 53, Hiragana: 29, Katakana: 4, Kanji: 18, Symbols: 5, Spaces: 1}},
		{"lawCable", lawCable, charClass{Letters: 122, Katakana: 29, Kanji: 93, Symbols: 2, Spaces: 3}},
		{"lawFormula", lawFormula, charClass{Letters: 30, Hiragana: 4, Kanji: 7, Digits: 11, Symbols: 14}},
		{"aozoraColophon", aozoraColophon, charClass{Letters: 71, Hiragana: 22, Katakana: 17, Kanji: 15, Symbols: 16}},
		{"aozoraDialogue", aozoraDialogue, charClass{Letters: 22, Hiragana: 14, Kanji: 8, Symbols: 8}},
	}
	for _, c := range cases {
		if got := classOf(c.text); got != c.want {
			t.Errorf("%s: %+v, want %+v", c.name, got, c.want)
		}
	}
}

// lineStats are the counts of the line pass.
type lineStats struct {
	Lines, LineChars, DupLines, DupLineChars      int
	Paragraphs, ParaChars, DupParas, DupParaChars int
	ShortLines, EllipsisLines                     int
	Sentences, SentenceChars, MaxSentence         int
}

func linesOf(text string) lineStats {
	var m statsMeter
	s := m.Measure(text)
	return lineStats{s.Lines, s.LineChars, s.DupLines, s.DupLineChars, s.Paragraphs, s.ParaChars, s.DupParas, s.DupParaChars,
		s.ShortLines, s.EllipsisLines, s.Sentences, s.SentenceChars, s.MaxSentence}
}

// TestGenericLines checks the line, paragraph and sentence definitions on
// real text.
func TestGenericLines(t *testing.T) {
	cabLines := []int{17, 16, 91} // lawCable's lines, the U+3000 indent trimmed
	cases := []struct {
		name, text string
		want       lineStats
	}{
		{"speechKishida", speechKishida, lineStats{Lines: 1, LineChars: 107, Paragraphs: 1, ParaChars: 107, Sentences: 3, SentenceChars: 107, MaxSentence: 51}},
		// one paragraph of three lines; a line end ends a sentence
		{"lawCable", lawCable, lineStats{Lines: 3, LineChars: cabLines[0] + cabLines[1] + cabLines[2], Paragraphs: 1, ParaChars: 124,
			Sentences: 3, SentenceChars: 124, MaxSentence: 91}},
		// lines of 1, 19, 1, 49, 1, 52 and 1 characters, each its own
		// paragraph; the four item numbers are short
		{"lawItems", lawItems, lineStats{Lines: 7, LineChars: 124, Paragraphs: 7, ParaChars: 124, ShortLines: 4, Sentences: 7, SentenceChars: 124, MaxSentence: 52}},
		// the item number 二 again is a duplicate line and paragraph
		{"lawItems+二", lawItems + "\n\n二", lineStats{Lines: 8, LineChars: 125, DupLines: 1, DupLineChars: 1, Paragraphs: 8, ParaChars: 125,
			DupParas: 1, DupParaChars: 1, ShortLines: 5, Sentences: 8, SentenceChars: 125, MaxSentence: 52}},
		// CRLF line ends and lines of U+3000 only change nothing
		{"lawItems CRLF", strings.ReplaceAll(lawItems, "\n", "\r\n"), lineStats{Lines: 7, LineChars: 124, Paragraphs: 7, ParaChars: 124, ShortLines: 4, Sentences: 7, SentenceChars: 124, MaxSentence: 52}},
		{"lawItems U+3000 lines", strings.ReplaceAll(lawItems, "\n\n", "\n\u3000\u3000\n"), lineStats{Lines: 7, LineChars: 124, Paragraphs: 7, ParaChars: 124, ShortLines: 4, Sentences: 7, SentenceChars: 124, MaxSentence: 52}},
		// a sentence keeps the closing bracket and the terminators after
		// its terminator: 「何！」, と、鋭く云つた。, 「それなら…のだ。」
		{"aozoraDialogue", aozoraDialogue, lineStats{Lines: 1, LineChars: 30, Paragraphs: 1, ParaChars: 30, Sentences: 3, SentenceChars: 30, MaxSentence: 18}},
		{"本当？！", "「僕に用事だつて？！\u3000をかしいな！」", lineStats{Lines: 1, LineChars: 18, Paragraphs: 1, ParaChars: 18, Sentences: 2, SentenceChars: 17, MaxSentence: 10}},
		// the third line ends in ……; the last line is 12 characters
		{"aozoraEllipsis", aozoraEllipsis, lineStats{Lines: 4, LineChars: 214, Paragraphs: 1, ParaChars: 214, EllipsisLines: 1, Sentences: 4, SentenceChars: 214, MaxSentence: 161}},
		// NFKC (the normalize stage) makes each of the three …… "......"
		// (12 characters more): still an ellipsis
		{"aozoraEllipsis NFKC", norm.NFKC.String(aozoraEllipsis), lineStats{Lines: 4, LineChars: 226, Paragraphs: 1, ParaChars: 226, EllipsisLines: 1, Sentences: 4, SentenceChars: 226, MaxSentence: 173}},
		{"‥ and its NFKC ..", "考へねばならぬ‥\n" + norm.NFKC.String("考へねばならぬ‥"), lineStats{Lines: 2, LineChars: 17, Paragraphs: 1, ParaChars: 17, ShortLines: 2, EllipsisLines: 2, Sentences: 2, SentenceChars: 17, MaxSentence: 9}},
		{"・・・", "考へねばならぬ・・・\n考へねばならぬ・", lineStats{Lines: 2, LineChars: 18, Paragraphs: 1, ParaChars: 18, ShortLines: 2, EllipsisLines: 1, Sentences: 2, SentenceChars: 18, MaxSentence: 10}},
		// paragraphs differ when their lines do, even if their characters
		// run the same: a heading on its own line is not the heading and
		// article number on one line
		{"（趣旨）第一条", "（趣旨）\n第一条\n\n（趣旨）第一条", lineStats{Lines: 3, LineChars: 14, Paragraphs: 2, ParaChars: 14, ShortLines: 3, Sentences: 3, SentenceChars: 14, MaxSentence: 7}},
		{"（趣旨）\\n第一条 twice", "（趣旨）\n第一条\n\n（趣旨）\n第一条", lineStats{Lines: 4, LineChars: 14, DupLines: 2, DupLineChars: 7, Paragraphs: 2, ParaChars: 14,
			DupParas: 1, DupParaChars: 7, ShortLines: 4, Sentences: 4, SentenceChars: 14, MaxSentence: 4}},
		// the shortest line that is not short has 11 characters
		{"short lines", "千万円に世帯構成員の\n千万円に世帯構成員の数", lineStats{Lines: 2, LineChars: 21, Paragraphs: 1, ParaChars: 21, ShortLines: 1, Sentences: 2, SentenceChars: 21, MaxSentence: 11}},
		{"blank", "\n\u3000\n \t\n", lineStats{}},
	}
	for _, c := range cases {
		if got := linesOf(c.text); got != c.want {
			t.Errorf("%s:\n got %+v\nwant %+v", c.name, got, c.want)
		}
	}
}

// TestGenericRunsAndURLs: the longest run of one character and the
// characters of URLs.
func TestGenericRunsAndURLs(t *testing.T) {
	var m statsMeter
	cases := []struct {
		name, text string
		run, url   int
	}{
		{"speechKishida", speechKishida, 1, 0},
		{"lawFormula", lawFormula, 3, 0}, // １０００
		{"aozoraDash", aozoraDash, 2, 0},
		{"aozoraRule", aozoraRule, 55, 0},
		// the URL ends at the full-width ）; "ww" and "ll" runs of 3 and 2
		{"aozoraColophon", aozoraColophon, 3, 24},
		{"https", strings.Replace(aozoraColophon, "http:", "https:", 1), 3, 25},
		// blank lines are a run of newlines; a URL at the very end
		{"newlines", "第一条\n\n\n\n\u3000施行する。http://www.aozora.gr.jp", 4, 23},
		{"no scheme", "www.aozora.gr.jp/", 3, 0},
		{"bare scheme", "青空文庫（http://）", 2, 7},
	}
	for _, c := range cases {
		s := m.Measure(c.text)
		if s.MaxRun != c.run || s.URLChars != c.url {
			t.Errorf("%s: run %d, URL characters %d; want %d, %d", c.name, s.MaxRun, s.URLChars, c.run, c.url)
		}
	}
}
