package filters

import (
	"math"
	"regexp"
	"slices"

	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// The hojichar preset: every rejecting or normalizing filter of HojiChar's
// document_filters.py (commit 3ca1d27) at its constructor defaults, in file
// order, the MeCab-based and NG-word-list filters left out. Definitions and
// citations: docs/presets/hojichar.md. Python's \d is any Unicode digit,
// hence \p{Nd}; ${1} because Go would read $1XXXX as a group name.
//
// This is the slow, regexp-based reference port, checked against HojiChar's
// own decisions (testdata/filters/hojichar_golden.jsonl.gz); the tests use
// it as the oracle of the fast meter (hojichar_fast.go) and the mask.
type hojicharRef struct {
	bbs, ads, ja, phone, email, ellipsis *regexp.Regexp
}

func newHojicharRef() *hojicharRef {
	q := make([]string, len(hojicharAds))
	for i, w := range hojicharAds {
		q[i] = regexp.QuoteMeta(w)
	}
	return &hojicharRef{
		bbs:      regexp.MustCompile(`\p{Nd}{4}[年\.\-\/][\ ]*\p{Nd}{1,2}[月\.\-\/][\ ]*\p{Nd}{1,2}[日]*|コメント|SOLD OUT|レビュー|投稿|ページ|\([月火水木金土日]\)|質問|\p{Nd}+話|楽天市場|-`),
		ads:      regexp.MustCompile(strings.Join(q, "|")),
		ja:       regexp.MustCompile(`[ぁ-んァ-ン]`),
		phone:    regexp.MustCompile(`((0|\+\p{Nd}{1,3}[- ]?)(\p{Nd}{2}[- ]?\p{Nd}{4}[- ]?|\p{Nd}[- ]?\p{Nd}{4}[- ]?|\p{Nd}{2}[- ]?\p{Nd}{3}[- ]?|\p{Nd}{3}[- ]?\p{Nd}{2}[- ]?|\p{Nd}{4}[- ]?\p{Nd}{1}[- ]?))\p{Nd}{4}`),
		email:    regexp.MustCompile("[a-zA-Z0-9!#$%&'*+\\-/=?^_\x60{|}~.]+@[A-Za-z0-9!#$%&'*+\\-/=?^_\x60{|}~.]+(\\.[A-Za-z0-9\\-]+)"),
		ellipsis: regexp.MustCompile(`(\.{3}|…)\n`),
	}
}

// hojicharFilters names the rejecting filters in order; the masking
// transform (MaskPersonalInformation) runs between the fourth and fifth.
var hojicharFilters = []string{"DiscardBBSComments", "DiscardAds", "AcceptJapanese", "DiscardRareKuten",
	"CharRepetitionRatioFilter", "DiscardTooManySpecialToken", "SingleCharacterRepetitionFilter",
	"DiscardTooManyEndingEllipsis", "DiscardTooShortLines"}

// run applies the preset to text: the final text, the first filter that
// rejects ("" when kept) and, for each filter, whether it would reject the
// text it sees (all are evaluated).
func (h *hojicharRef) run(text string) (out, rejectedBy string, rejects []bool) {
	t := norm.NFKC.String(text) // DocumentNormalizer; DocumentLengthFilter is a no-op at its defaults
	rejects = make([]bool, len(hojicharFilters))
	for i, name := range hojicharFilters {
		if i == 4 {
			t = h.phone.ReplaceAllString(t, "${1}XXXX")
			t = h.email.ReplaceAllString(t, "xxxx@yyy${1}")
		}
		rejects[i] = h.rejects(i, t)
		if rejects[i] && rejectedBy == "" {
			rejectedBy = name
		}
	}
	return t, rejectedBy, rejects
}

func (h *hojicharRef) rejects(i int, t string) bool {
	switch i {
	case 0: // DiscardBBSComments(max_allowed_num=14)
		return len(h.bbs.FindAllStringIndex(t, -1)) > 14
	case 1: // DiscardAds(max_allowed_num=14)
		return len(h.ads.FindAllStringIndex(t, -1)) > 14
	case 2: // AcceptJapanese(lookup_size=50)
		head, n := t, 0
		for j := range t {
			if n == 50 {
				head = t[:j]
				break
			}
			n++
		}
		return !h.ja.MatchString(head)
	case 3: // DiscardRareKuten(max_average_sentence_length=100): strict
		return float64(strings.Count(t, "。")) < float64(utf8.RuneCountInString(t))/100
	case 4: // CharRepetitionRatioFilter(threshold=0.33, ngram_size=5)
		return hojicharCharRepetition(t) >= 0.33
	case 5: // DiscardTooManySpecialToken(threshold=0.4)
		n, s := 0, 0
		for _, c := range t {
			n++
			if hojicharIsSpecial(c) {
				s++
			}
		}
		return n > 0 && float64(s)/float64(n) > 0.4
	case 6: // SingleCharacterRepetitionFilter(threshold=200)
		prev, run := rune(-1), 0
		for _, c := range t {
			if c == prev {
				run++
			} else {
				prev, run = c, 1
			}
			if run >= 200 {
				return true
			}
		}
		return false
	case 7: // DiscardTooManyEndingEllipsis(threshold=0.7)
		c := len(h.ellipsis.FindAllStringIndex(t, -1))
		nl := max(strings.Count(t, "\n"), 1)
		return float64(c)/float64(nl) > 0.7
	default: // DiscardTooShortLines(threshold=0.5): a line of at most 10 characters is short
		lines, short := 0, 0
		for line := range strings.SplitSeq(t, "\n") {
			lines++
			if utf8.RuneCountInString(line) <= 10 {
				short++
			}
		}
		return float64(short)/float64(lines) > 0.5
	}
}

// hojicharCharRepetition is CharRepetitionRatioFilter's ratio: the share of
// all 5-gram occurrences taken by the ⌊√distinct⌋ most frequent 5-grams,
// counting only 5-grams that occur more than once among those.
func hojicharCharRepetition(t string) float64 {
	rs := []rune(t)
	const n = 5
	if len(rs)-n+1 <= 0 {
		return 0
	}
	freq := map[string]int{}
	for i := 0; i+n <= len(rs); i++ {
		freq[string(rs[i:i+n])]++
	}
	vals := make([]int, 0, len(freq))
	once, total := 0, 0
	for _, v := range freq {
		vals = append(vals, v)
		if v == 1 {
			once++
		}
		total += v
	}
	slices.SortFunc(vals, func(a, b int) int { return b - a })
	k := int(math.Sqrt(float64(len(vals)))) // int(np.sqrt(U))
	k = min(k, len(vals)-once)
	s := 0
	for _, v := range vals[:k] {
		s += v
	}
	return float64(s) / float64(total)
}
