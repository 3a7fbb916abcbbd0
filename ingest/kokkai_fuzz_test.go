package ingest

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/jacorpus/jacorpus/pipeline"
)

// fuzzKokkai reads data in both marker modes and checks what must hold
// for any input: the reader ends, within a bounded number of records; every
// document has an id, a non-blank text and its file; every problem names
// the file; stripping changes only the start of a text.
func fuzzKokkai(t *testing.T, data []byte) {
	var keep []*pipeline.Document
	for _, mode := range []string{SpeakerMarkerKeep, SpeakerMarkerStrip} {
		k := NewKokkai(bytes.NewReader(data), "f", Input{SpeakerMarker: mode})
		var docs []*pipeline.Document
		for n := 0; ; n++ {
			if n > len(data)+4 {
				t.Fatalf("%s: more than %d records from %d bytes", mode, n, len(data))
			}
			d, err := k.Next()
			if err == io.EOF {
				break
			}
			var p *pipeline.Problem
			switch {
			case errors.As(err, &p):
				if p.Pos.File != "f" || p.Kind == "" {
					t.Fatalf("problem %+v", p)
				}
				continue
			case err != nil:
				t.Fatalf("fatal error: %v", err)
			case d == nil:
				t.Fatal("nil document")
			}
			if d.ID == "" || isBlank(d.Text) || d.Pos.File != "f" || d.Source != "f" {
				t.Fatalf("bad document %+v", d)
			}
			docs = append(docs, d)
		}
		if mode == SpeakerMarkerKeep {
			keep = docs
			continue
		}
		// strip can only drop documents whose text was all marker.
		if len(docs) > len(keep) {
			t.Fatalf("strip gave %d documents, keep %d", len(docs), len(keep))
		}
		j := 0
		for _, d := range docs {
			for j < len(keep) && keep[j].ID != d.ID {
				j++
			}
			if j == len(keep) || !bytes.HasSuffix([]byte(keep[j].Text), []byte(d.Text)) {
				t.Fatalf("strip text of %s is not a suffix of the kept text", d.ID)
			}
			j++
		}
	}
	SniffKokkai(data)
}

// kokkaiSeeds are small real records (cut from the testdata responses) and
// broken variants; the committed corpus under testdata/fuzz holds more.
var kokkaiSeeds = []string{
	`{"numberOfRecords": 1, "numberOfReturn": 1, "startRecord": 1, "speechRecord": [{"speechID": "100115299X00119471114_002", "issueID": "100115299X00119471114", "session": 1, "nameOfHouse": "参議院", "nameOfMeeting": "労働委員会請願及び陳情に関する小委員会", "issue": "第1号", "date": "1947-11-14", "speechOrder": 2, "speaker": "千葉信", "speech": "○千葉信君　如何でしようか、互選は選挙によらないで、推薦の方法によられては、まず懇談をなされては。", "speechURL": "https://kokkai.ndl.go.jp/txt/100115299X00119471114/2"}]}`,
	`{"numberOfRecords": 1, "meetingRecord": [{"issueID": "100115299X00119471114", "nameOfHouse": "参議院", "speechRecord": [{"speechID": "100115299X00119471114_000", "speechOrder": 0, "speaker": "会議録情報", "speech": "昭和二十二年十一月十三日（木曜日）"}, {"speechID": "100115299X00119471114_002", "speechOrder": 2, "speaker": "千葉信", "speech": "○千葉信君　如何でしようか、"}], "meetingURL": "https://kokkai.ndl.go.jp/txt/100115299X00119471114", "pdfURL": null}]}`,
	`[{"session": "1", "id": "100115299X00119471114", "house": "参議院", "date": "1947-11-14", "issue": "第1号", "speeches": [{"speaker": "千葉信", "speech": "　如何でしようか、", "id": "100115299X00119471114_002", "order": 2}], "moderators": ["堀末治"], "headerRecord": "昭和二十二年", "speakers": [{"name": "千葉信", "group": "日本社会党"}]}]`,
	`{"message": "検索条件の入力に誤りがあります。", "details": ["maximumRecordsの値が不正です。"]}`,
	`{"speechRecord": [{"speechOrder": {"n": 1}, "speech": "x"}, {"speech": "○議長（尾辻秀久君）　"}]}`,
	`[{"speeches": [{"speech": "　本文", "order": 1}], "speakers": 3}]`,
	"\ufeff{\"speechRecord\": [{\"speech\": \"○",
	`42`,
}

var kokkaiXMLSeeds = []string{
	`<data><numberOfRecords>1</numberOfRecords><numberOfReturn>1</numberOfReturn><startRecord>1</startRecord><records><record><recordData><meetingRecord><issueID>121215254X00920231206</issueID><session>212</session><nameOfHouse>参議院</nameOfHouse><nameOfMeeting>本会議</nameOfMeeting><issue>第9号</issue><date>2023-12-06</date><speechRecord><speechID>121215254X00920231206_000</speechID><speechOrder>0</speechOrder><speaker>会議録情報</speaker><speech>令和五年十二月六日（水曜日）
　　　午前十時一分開議</speech></speechRecord><speechRecord><speechID>121215254X00920231206_002</speechID><speechOrder>2</speechOrder><speaker>北村経夫</speaker><speakerGroup>自由民主党</speakerGroup><speech>○北村経夫君　ただいま議題となりました議定書につきまして、外交防衛委員会における審査の経過と結果を御報告申し上げます。</speech><speechURL>https://kokkai.ndl.go.jp/txt/121215254X00920231206/2</speechURL></speechRecord><meetingURL>https://kokkai.ndl.go.jp/txt/121215254X00920231206</meetingURL><pdfURL></pdfURL></meetingRecord></recordData></record></records></data>`,
	`<data><numberOfRecords>1</numberOfRecords><records><record><recordData><speechRecord><speechID>121215254X00920231206_002</speechID><speechOrder>2</speechOrder><speaker>北村経夫</speaker><speech>○北村経夫君　ただいま議題となりました</speech></speechRecord></recordData></record></records></data>`,
	`<data><message>検索条件の入力に誤りがあります。</message><details><detail>maximumRecordsの値が不正です。</detail></details></data>`,
	`<?xml version="1.0" encoding="UTF-8"?><Law><LawNum>平成二十五年法律第一号</LawNum></Law>`,
	`<data><records><record><recordData><meetingRecord><speechRecord><speech>○</speech></speechRecord>`,
	`<data><numberOfRecords>0</numberOfRecords></data><x/>`,
}

func FuzzKokkaiJSON(f *testing.F) {
	for _, s := range kokkaiSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(fuzzKokkai)
}

func FuzzKokkaiXML(f *testing.F) {
	for _, s := range kokkaiXMLSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(fuzzKokkai)
}
