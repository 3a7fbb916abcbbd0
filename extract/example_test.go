package extract_test

import (
	"fmt"

	"golang.org/x/text/encoding/japanese"

	"github.com/jacorpus/jacorpus/extract"
	"github.com/jacorpus/jacorpus/pipeline"
)

func Example() {
	// A page in Shift_JIS whose HTTP header wrongly says UTF-8.
	html := `<html lang="ja"><head><meta charset="shift_jis"><title>お知らせ</title></head>
<body><nav><a href="/">トップ</a> | <a href="/about">概要</a></nav>
<p>本日、新しい版を公開しました。</p><p>詳しくは説明書をご覧ください。</p></body></html>`
	body, _ := japanese.ShiftJIS.NewEncoder().String(html)

	d := &pipeline.Document{ID: "p1", URL: "https://example.jp/news"}
	d.Scratch.Set(pipeline.HTMLPayload{}, &pipeline.Page{Body: []byte(body), ContentType: "text/html; charset=utf-8"})

	p, _ := extract.Stage{Config: extract.Default()}.NewProcessor()
	reason, _ := p.Process(d)
	fmt.Printf("reason %q\n", reason)
	fmt.Println(d.Meta["charset"], d.Meta["charset_source"], d.Meta["charset_mismatch"], d.Meta["title"], d.Meta["lang"])
	fmt.Println(d.Text)
	// Output:
	// reason ""
	// shift_jis meta utf-8 お知らせ ja
	// 本日、新しい版を公開しました。
	// 詳しくは説明書をご覧ください。
}
