package morph

import "strconv"

// POS is the coarse (top-level) part of speech of a token.
type POS uint8

// The top-level parts of speech of the IPA dictionary, a few more of UniDic,
// and Unknown for unknown words.
const (
	// Unclassified is a dictionary part of speech with no constant of its own.
	Unclassified POS = iota
	// Unknown marks an unknown word: one built by the unknown-word rules from
	// char categories, not found in the dictionary. (kagome reports the
	// unknown-word dictionary's guess, such as 名詞 or 記号, for these.)
	Unknown
	Noun         // 名詞
	Verb         // 動詞
	Adjective    // 形容詞
	Adverb       // 副詞
	Particle     // 助詞
	AuxVerb      // 助動詞
	Symbol       // 記号
	Adnominal    // 連体詞
	Conjunction  // 接続詞
	Interjection // 感動詞
	Prefix       // 接頭詞 (IPA), 接頭辞 (UniDic)
	Filler       // フィラー
	Other        // その他
	Pronoun      // 代名詞 (UniDic)
	AdjNoun      // 形状詞 (UniDic)
	Suffix       // 接尾辞 (UniDic)
	SuppSymbol   // 補助記号 (UniDic)
	Blank        // 空白 (UniDic)
	User         // a user-dictionary entry whose part of speech has no constant
	numPOS
)

var posNames = [numPOS]string{
	Unclassified: "未分類",
	Unknown:      "未知語",
	Noun:         "名詞",
	Verb:         "動詞",
	Adjective:    "形容詞",
	Adverb:       "副詞",
	Particle:     "助詞",
	AuxVerb:      "助動詞",
	Symbol:       "記号",
	Adnominal:    "連体詞",
	Conjunction:  "接続詞",
	Interjection: "感動詞",
	Prefix:       "接頭詞",
	Filler:       "フィラー",
	Other:        "その他",
	Pronoun:      "代名詞",
	AdjNoun:      "形状詞",
	Suffix:       "接尾辞",
	SuppSymbol:   "補助記号",
	Blank:        "空白",
	User:         "ユーザー辞書",
}

// String returns the Japanese name of p, as the dictionaries spell it
// (未知語 for Unknown, 未分類 for Unclassified).
func (p POS) String() string {
	if p < numPOS {
		return posNames[p]
	}
	return "POS(" + strconv.Itoa(int(p)) + ")"
}

// posOf maps a dictionary's top-level part-of-speech name to a POS.
func posOf(name string) POS {
	switch name {
	case "接頭辞":
		return Prefix
	case "未知語", "未分類", "ユーザー辞書":
		return Unclassified
	}
	for p, n := range posNames {
		if n == name {
			return POS(p)
		}
	}
	return Unclassified
}
