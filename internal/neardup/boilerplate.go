package neardup

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// The boilerplate below imitates what crawled Japanese web pages carry
// around an article: a site header with breadcrumbs and dates, share
// buttons, 関連記事 and ranking lists, comment counters, previous/next links
// and a site footer. Slots ({site}, dates, titles, counts) are filled from a
// seeded generator, so two fills of one template differ a little, as the
// same block does on two captures of a page. All of it is NFKC-stable ASCII
// and kana/kanji (no full-width ASCII, no U+3000), like pipeline output.

// siteNames are invented site names.
func siteNames() []string {
	return []string{"法令ナビ", "国会ウォッチ", "文学の小径", "まとめニュース24", "政策ジャーナル", "読書メモ帳", "くらしの法律相談室", "議事録アーカイブ"}
}

// sections are site sections for breadcrumbs and tags.
func sections() []string {
	return []string{"政治", "法律", "社会", "文化", "読みもの", "国会", "行政", "暮らし", "経済", "教育"}
}

// taglines are site slogans.
func taglines() []string {
	return []string{"法律と政治をわかりやすく", "毎日更新のニュースサイト", "名作をいつでもどこでも", "国会の動きを記録する"}
}

// boiler fills the boilerplate templates. titles are headlines for the
// 関連記事 and ranking lists, taken from real documents.
type boiler struct {
	titles []titled
}

// titled is a headline and the index of the base document it came from.
type titled struct {
	text string
	from int
}

// pick returns one of list.
func pick(rng *rand.Rand, list []string) string { return list[rng.IntN(len(list))] }

// date returns a random date in 2015–2024 as 2021年3月4日.
func date(rng *rand.Rand) string {
	return fmt.Sprintf("%d年%d月%d日", 2015+rng.IntN(10), 1+rng.IntN(12), 1+rng.IntN(28))
}

// headlines returns k titles not taken from base document own.
func (b *boiler) headlines(rng *rand.Rand, k, own int) []string {
	var out []string
	for tries := 0; len(out) < k && tries < 4*k+8 && len(b.titles) > 0; tries++ {
		t := b.titles[rng.IntN(len(b.titles))]
		if t.from != own {
			out = append(out, t.text)
		}
	}
	return out
}

// header returns a site header block ending in a newline.
func (b *boiler) header(rng *rand.Rand, site string) string {
	sec := pick(rng, sections())
	var s string
	switch rng.IntN(4) {
	case 0:
		s = fmt.Sprintf("%s\nホーム > %s > %s\n文字サイズ 小 中 大 | ログイン | 会員登録\n", site, sec, pick(rng, sections()))
	case 1:
		s = fmt.Sprintf("%s - %s\nトップ / %s / 記事一覧\n%s 更新\n", site, pick(rng, taglines()), sec, date(rng))
	case 2:
		y := 2015 + rng.IntN(8)
		s = fmt.Sprintf("メニュー\n%s\n%s | %s | %s | 特集 | ランキング\n公開日: %d年%d月%d日 最終更新日: %d年%d月%d日\n",
			site, sec, pick(rng, sections()), pick(rng, sections()),
			y, 1+rng.IntN(12), 1+rng.IntN(28), y+1+rng.IntN(2), 1+rng.IntN(12), 1+rng.IntN(28))
	default:
		s = fmt.Sprintf("ホーム › %s › %s\n%s 掲載 記事番号: %d\n", sec, pick(rng, sections()), date(rng), 10000+rng.IntN(90000))
	}
	return norm.NFKC.String(s)
}

// footer returns a footer made of two to five blocks, ending in the site
// footer proper, with headlines not taken from base document own.
func (b *boiler) footer(rng *rand.Rand, site string, own int) string {
	var parts []string
	blocks := rng.Perm(6)[:1+rng.IntN(4)]
	for _, k := range blocks {
		switch k {
		case 0:
			parts = append(parts, fmt.Sprintf("この記事をシェアする\nX(旧Twitter) Facebook LINE はてなブックマーク Pocket\nこの記事が役に立ったら「いいね」をお願いします。 いいね %d\n", rng.IntN(500)))
		case 1:
			var s strings.Builder
			s.WriteString("関連記事\n")
			for _, t := range b.headlines(rng, 3+rng.IntN(3), own) {
				s.WriteString("・" + t + "\n")
			}
			parts = append(parts, s.String())
		case 2:
			var s strings.Builder
			s.WriteString("人気記事ランキング\n")
			for i, t := range b.headlines(rng, 3+rng.IntN(3), own) {
				fmt.Fprintf(&s, "%d. %s\n", i+1, t)
			}
			parts = append(parts, s.String())
		case 3:
			parts = append(parts, fmt.Sprintf("コメント (%d件)\nコメントを投稿するにはログインが必要です。\n", rng.IntN(40)))
		case 4:
			h := b.headlines(rng, 2, own)
			if len(h) == 2 {
				parts = append(parts, fmt.Sprintf("« 前の記事 %s\n次の記事 » %s\n", h[0], h[1]))
			}
		default:
			parts = append(parts, fmt.Sprintf("タグ: %s %s %s\n", pick(rng, sections()), pick(rng, sections()), pick(rng, sections())))
		}
	}
	year := 2015 + rng.IntN(10)
	if rng.IntN(2) == 0 {
		parts = append(parts, fmt.Sprintf("%sについて | 運営会社 | プライバシーポリシー | 利用規約 | 広告掲載について | お問い合わせ | サイトマップ\n当サイトに掲載されている記事・写真・図表などの無断転載を禁じます。\nCopyright © %d %s All Rights Reserved.\n", site, year, site))
	} else {
		parts = append(parts, fmt.Sprintf("ページの先頭へ戻る\n%s 事務局 〒100-%04d 東京都千代田区霞が関%d丁目%d番%d号\n電話: 03-%04d-%04d (平日9時から17時まで)\n© %d %s\n",
			site, rng.IntN(10000), 1+rng.IntN(3), 1+rng.IntN(9), 1+rng.IntN(20), rng.IntN(10000), rng.IntN(10000), year, site))
	}
	return norm.NFKC.String(strings.Join(parts, ""))
}

// headline makes a short title out of a real document: its first line when
// that looks like a title (a law's name, a work's title), else the start of
// its first sentence without the speaker mark of Diet minutes.
func headline(text string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(text), "\n")
	if n := utf8.RuneCountInString(line); n > 0 && n <= 40 && !strings.Contains(line, "。") {
		return line
	}
	line = strings.TrimPrefix(line, "○")
	if _, rest, ok := strings.Cut(line, "\u3000"); ok && rest != "" {
		line = rest // "○田中(健)政府委員　鉄道の…" → the speech itself
	}
	if i := strings.IndexAny(line, "。!?"); i >= 0 {
		line = line[:i]
	}
	rs := []rune(line)
	if len(rs) > 24 {
		return string(rs[:24]) + "…"
	}
	return line
}
