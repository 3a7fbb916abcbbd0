package ingest

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/japanese"

	"github.com/jacorpus/jacorpus/pipeline"
)

// Problem kinds of the e-Gov law reader.
const (
	// ProblemMalformedXML: the stream is not well-formed XML (a syntax
	// error, a mismatched end tag, a second root element).
	ProblemMalformedXML = "malformed_xml"
	// ProblemNotALaw: well-formed XML that holds no law: another root
	// element, or an e-Gov API response without a <Law> (a law list).
	ProblemNotALaw = "not_a_law"
	// ProblemAPIError: an e-Gov API response whose <Result><Code> is not 0.
	ProblemAPIError = "api_error"
)

// Document.Meta keys of an e-Gov law.
const (
	metaEgovTitle      = "title"             // LawTitle, ruby readings removed
	metaEgovLawNum     = "law_num"           // LawNum: 平成十七年法律第八十六号
	metaEgovLawType    = "law_type"          // Law@LawType: Act, CabinetOrder, MinisterialOrdinance, Rule, …
	metaEgovLawID      = "law_id"            // Law@LawId or the API's ApplData/LawId: 417AC0000000086
	metaEgovEra        = "era"               // Law@Era: Meiji, Taisho, Showa, Heisei, Reiwa
	metaEgovYear       = "year"              // Law@Year, the year of the era, without leading zeros
	metaEgovNum        = "num"               // Law@Num, the law's number in its year and type, without leading zeros
	metaEgovPromulgate = "promulgation_date" // YYYY-MM-DD from Era, Year, PromulgateMonth, PromulgateDay
)

// maxXMLDepth bounds the element nesting the reader follows; real laws
// nest about 20 deep.
const maxXMLDepth = 1000

// EgovLaw reads e-Gov law XML (法令標準XML, XMLSchemaForJapaneseLaw_v3): a
// bare <Law> root as e-Gov's bulk download and the v2 API serve it, the
// e-Gov API v1 /lawdata response (<DataRoot><Result>…</Result><ApplData>…
// <LawFullText><Law>) or the v2 XML response (<law_data_response>…
// <law_full_text><Law>). Every <Law> element becomes one document; the
// stream is read token by token with encoding/xml, so memory is the law's
// text, not its tree.
//
// The text is the law in reading order, one line per unit as e-Gov's own
// display lays it out: the title; the enact statement; part, chapter,
// section, subsection and division titles; an article's caption
// ("（目的）") on its own line and its title joined to its first
// paragraph by U+3000 ("第一条　この法律は、…"); a further paragraph as
// its number and sentences ("２　…"); items and subitems as their title
// and sentences ("一　…", "イ　…"); Column parts of a sentence separated
// by U+3000; the supplementary provisions under their label, an amending
// law's with its number and 抄 when extracted ("附　則　（平成一七年七月二
// 六日法律第八七号）　抄"); appended tables, styles and formats under their
// titles. A table is one line per row, cells separated by a tab, the
// sentences inside a cell by U+3000. Ruby readings (<Rt>) are removed,
// the base text kept. Figures (<Fig>) are skipped without a placeholder:
// they carry no text, and the title of their FigStruct or appended style
// stays. The table of contents (<TOC>) is skipped: it repeats the part and
// chapter titles the body has, with article ranges ("（第一条―第六条）")
// that are navigation, not text. Everything outside the <Law> element of an
// API response (result, ids, base64 image archives) is skipped.
//
// Law number, type, id, era, year, number, promulgation date and title go
// into Document.Meta (see the metaEgov* keys). Elements marked Hide="true"
// (not displayed by e-Gov) are skipped; Delete="true" ones are kept (their
// text is the 削除 e-Gov shows). The id is the file's name for
// the first law of a file (two revisions of one law share a law number),
// "name:line" for any further one.
//
// Input that is not a law is reported as a *pipeline.Problem located by
// line and decoded byte offset: ProblemMalformedXML, ProblemNotALaw (and
// the rest of the file is skipped), ProblemAPIError (with the API's
// message), pipeline.ProblemTruncated for a stream that ends inside an
// element, pipeline.ProblemEmptyFile, pipeline.ProblemEmpty for a law
// without text and pipeline.ProblemDocTooLong over MaxDocBytes. A law read
// before a problem is kept.
type EgovLaw struct {
	// MaxDocBytes is the longest text accepted (default
	// DefaultMaxDocBytes); a longer law is reported as
	// pipeline.ProblemDocTooLong. Set it before the first call of Next.
	MaxDocBytes int

	file    string
	source  string
	charset string // canonical input encoding; "" for UTF-8 or as declared
	dec     *xml.Decoder
	bom     int64 // bytes of a UTF-8 byte order mark before the decoder
	// badCharset is the encoding the XML declaration names when it is not
	// supported.
	badCharset string
	done       bool
	err        error // fatal: bad configuration

	stack   []egovElem
	root    string // name of the root element, "" before it
	rootPos pipeline.Position
	closed  bool // the root element has ended
	laws    int  // laws started
	skip    int  // depth of the element being skipped, 0 when none
	lawAt   int  // depth of the <Law> element being read

	// API response fields.
	apiCode, apiMsg, apiLawID, apiLawNum string
	apiPos                               pipeline.Position
	apiReported                          bool

	law *egovBuilder // the law being read, nil outside one
}

// egovElem is an open element.
type egovElem struct {
	name  string
	kind  egovKind
	mark  int // len(text) at the start (labels, captures), or cellStart saved by a cell
	cells int // cells seen so far (rows)
}

// egovKind is how an element shapes the text.
type egovKind uint8

const (
	egovInline     egovKind = iota // text continues the current line
	egovBlock                      // starts and ends a line
	egovParagraph                  // a block, but the first paragraph continues its article's title line
	egovLabel                      // starts a line; its text is followed by U+3000 before the next text
	egovLineStart                  // starts a line that the next inline text continues (別表第一（第九条関係）)
	egovSentence                   // inline inside a *Sentence or Column element, else a block
	egovColumn                     // a part of a sentence: U+3000 before it
	egovRow                        // a table row: one line
	egovCell                       // a table cell: a tab before it, blocks inside joined by U+3000
	egovSupplLabel                 // 附　則, followed by the amending law's number and 抄
	egovTitle                      // LawTitle: a block, also the title meta
	egovLawNum                     // LawNum inside Law: meta only
	egovSkip                       // Rt, TOC, Fig: nothing of it is text
)

// egovKindOf classifies an element of a law by name.
func egovKindOf(name string) egovKind {
	switch name {
	case "Sentence":
		return egovSentence
	case "Column":
		return egovColumn
	case "Paragraph":
		return egovParagraph
	case "ArticleTitle", "ParagraphNum", "ItemTitle", "ClassTitle":
		return egovLabel
	case "TableRow", "TableHeaderRow":
		return egovRow
	case "TableColumn", "TableHeaderColumn":
		return egovCell
	case "SupplProvisionLabel":
		return egovSupplLabel
	case "LawTitle":
		return egovTitle
	case "LawNum":
		return egovLawNum
	case "Rt", "TOC", "Fig":
		return egovSkip
	case "AppdxTableTitle", "AppdxNoteTitle", "AppdxStyleTitle", "AppdxFormatTitle", "AppdxFigTitle",
		"SupplProvisionAppdxTableTitle", "SupplProvisionAppdxStyleTitle", "ArithFormulaNum":
		return egovLineStart
	case "EnactStatement", "Preamble", "MainProvision", "SupplProvision",
		"Part", "Chapter", "Section", "Subsection", "Division",
		"PartTitle", "ChapterTitle", "SectionTitle", "SubsectionTitle", "DivisionTitle",
		"Article", "ArticleCaption", "ParagraphCaption", "Item", "List", "Class",
		"TableStruct", "TableStructTitle", "Table", "FigStruct", "FigStructTitle",
		"NoteStruct", "NoteStructTitle", "Note", "StyleStruct", "StyleStructTitle", "Style",
		"FormatStruct", "FormatStructTitle", "Format", "Remarks", "RemarksLabel",
		"AppdxTable", "AppdxNote", "AppdxStyle", "AppdxFormat", "AppdxFig", "Appdx",
		"SupplProvisionAppdxTable", "SupplProvisionAppdxStyle", "SupplProvisionAppdx",
		"AmendProvision", "AmendProvisionSentence", "NewProvision", "SupplNote":
		return egovBlock
	}
	if s, ok := strings.CutPrefix(name, "Subitem"); ok && s != "" {
		if s[0] >= '1' && s[0] <= '9' {
			if strings.HasSuffix(s, "Title") {
				return egovLabel // Subitem1Title … Subitem10Title
			}
			if !strings.HasSuffix(s, "Sentence") {
				return egovBlock // Subitem1 … Subitem10
			}
		}
	}
	if s, ok := strings.CutPrefix(name, "Sublist"); ok && s != "" && !strings.HasSuffix(s, "Sentence") {
		return egovBlock // Sublist1 … Sublist3
	}
	return egovInline
}

// egovBuilder collects the text and meta of one law.
type egovBuilder struct {
	text      []byte
	lineStart int    // where the current line starts in text
	sep       string // separator owed before the next text on this line
	cell      int    // depth of table cells
	cellStart int    // where the innermost cell's content starts
	limit     int
	tooLong   int64 // bytes of text when over limit, else 0
	pos       pipeline.Position
	meta      map[string]string
	lawNum    []byte
	amendNum  string // the current SupplProvision's AmendLawNum
	extract   bool   // the current SupplProvision is extracted (抄)
}

// NewEgovLaw returns a reader of the e-Gov law XML stream r (already
// decompressed, see Open). file names the stream in positions and ids; in
// supplies the source name and, when the stream is not UTF-8 and its XML
// declaration does not say so, its encoding (a declared Shift_JIS, EUC-JP
// or ISO-2022-JP is decoded without it).
func NewEgovLaw(r io.Reader, file string, in Input) *EgovLaw {
	e := &EgovLaw{file: file, source: orDefault(in.Source, file)}
	name, enc, err := lookupEncoding(in.Encoding)
	if err != nil {
		e.err = fmt.Errorf("%s: %w", file, err)
		return e
	}
	if enc != nil {
		e.charset = name
	}
	br := bufio.NewReaderSize(decodeReader(r, enc), peekBufSize)
	if head, _ := br.Peek(3); bytes.Equal(head, utf8BOM) {
		br.Discard(3)
		e.bom = 3
	}
	e.dec = xml.NewDecoder(br)
	e.dec.CharsetReader = e.charsetReader
	return e
}

// charsetReader decodes the Japanese encodings an XML declaration may name;
// with a configured encoding the stream is already UTF-8.
func (e *EgovLaw) charsetReader(label string, r io.Reader) (io.Reader, error) {
	if e.charset != "" {
		return r, nil
	}
	var enc encoding.Encoding
	switch strings.ToLower(label) {
	case "shift_jis", "shift-jis", "sjis", "x-sjis", "windows-31j", "cp932", "ms_kanji":
		enc = japanese.ShiftJIS
	case "euc-jp", "x-euc-jp":
		enc = japanese.EUCJP
	case "iso-2022-jp":
		enc = japanese.ISO2022JP
	case "us-ascii", "ascii":
		return r, nil
	default:
		e.badCharset = label
		return nil, fmt.Errorf("unsupported encoding %q", label)
	}
	return enc.NewDecoder().Reader(r), nil
}

// Next returns the next law, io.EOF at the end of the stream, or a
// *pipeline.Problem (call Next again to go on). Any other error is fatal.
func (e *EgovLaw) Next() (*pipeline.Document, error) {
	if e.err != nil {
		return nil, e.err
	}
	for !e.done {
		line, _ := e.dec.InputPos()
		pos := pipeline.Position{File: e.file, Line: int64(line), Offset: e.dec.InputOffset() + e.bom}
		tok, err := e.dec.RawToken()
		if err != nil {
			if p := e.fail(err, pos); p != nil {
				return nil, p
			}
			return nil, io.EOF
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if p := e.start(t, pos); p != nil {
				return nil, p
			}
		case xml.EndElement:
			d, p := e.end(t, pos)
			if p != nil {
				return nil, p
			}
			if d != nil {
				return d, nil
			}
		case xml.CharData:
			e.chars(t)
		}
	}
	return nil, io.EOF
}

// fail ends the stream on a decoder error (io.EOF included) and returns the
// problem to report, nil when the stream simply ended.
func (e *EgovLaw) fail(err error, pos pipeline.Position) error {
	e.done = true
	at := e.dec.InputOffset() + e.bom
	var se *xml.SyntaxError
	switch {
	case err == io.EOF && len(e.stack) > 0:
		return newProblem(pipeline.ProblemTruncated, pos,
			fmt.Sprintf("XML ends inside <%s> at decoded byte offset %d", e.stack[len(e.stack)-1].name, at), nil)
	case err == io.EOF && e.root == "":
		if at == 0 {
			return emptyFileProblem(e.file)
		}
		return newProblem(ProblemMalformedXML, pos, "no root element", nil)
	case err == io.EOF:
		if e.laws == 0 && !e.apiReported && e.root != "Law" {
			return newProblem(ProblemNotALaw, e.rootPos,
				fmt.Sprintf("<%s> response holds no <Law> (an API response of another kind, or an empty law)", e.root), nil)
		}
		return nil
	case errors.As(err, &se) && se.Msg == "unexpected EOF" && len(e.stack) > 0:
		pos.Line, pos.Offset = int64(se.Line), at
		return newProblem(pipeline.ProblemTruncated, pos,
			fmt.Sprintf("XML ends inside <%s> at decoded byte offset %d", e.stack[len(e.stack)-1].name, at), nil)
	case errors.As(err, &se):
		pos.Line, pos.Offset = int64(se.Line), at
		return newProblem(ProblemMalformedXML, pos, fmt.Sprintf("%s (decoded byte offset %d)", se.Msg, at), nil)
	case e.badCharset != "":
		return newProblem(ProblemMalformedXML, pos, fmt.Sprintf("unsupported encoding %q in the XML declaration", e.badCharset), nil)
	}
	pos.Offset = at
	return streamProblem(err, pos, at, nil)
}

// malformed ends the stream with a ProblemMalformedXML.
func (e *EgovLaw) malformed(pos pipeline.Position, format string, args ...any) *pipeline.Problem {
	e.done = true
	e.law = nil
	return newProblem(ProblemMalformedXML, pos, fmt.Sprintf(format, args...), nil)
}

// start handles a start tag.
func (e *EgovLaw) start(t xml.StartElement, pos pipeline.Position) *pipeline.Problem {
	name := t.Name.Local
	if e.root == "" {
		e.root, e.rootPos = name, pos
		switch name {
		case "Law", "DataRoot", "law_data_response":
		default:
			e.done = true
			return newProblem(ProblemNotALaw, pos,
				fmt.Sprintf("root element <%s> is not an e-Gov law (<Law>, <DataRoot> or <law_data_response>)", name), nil)
		}
	} else if e.closed {
		return e.malformed(pos, "second root element <%s> after </%s>", name, e.root)
	}
	if len(e.stack) >= maxXMLDepth {
		return e.malformed(pos, "elements nested deeper than %d", maxXMLDepth)
	}
	el := egovElem{name: name}
	switch {
	case e.skip > 0:
	case e.law != nil:
		el.kind = egovKindOf(name)
		if egovHidden(t.Attr) { // e-Gov does not display it
			el.kind = egovSkip
		}
		e.law.start(&el, e.stack, t.Attr)
		if el.kind == egovSkip {
			e.skip = len(e.stack) + 1
		}
	case name == "Law":
		e.laws++
		e.lawAt = len(e.stack) + 1
		e.law = newEgovBuilder(pos, t.Attr, e.MaxDocBytes)
		if e.apiLawID != "" && e.law.meta[metaEgovLawID] == "" {
			e.law.meta[metaEgovLawID] = e.apiLawID
		}
	case name == "ImageData": // base64 of the figures, megabytes: not text
		e.skip = len(e.stack) + 1
	case name == "Code" && e.parentIs("Result"):
		e.apiPos = pos
	}
	e.stack = append(e.stack, el)
	return nil
}

// egovHidden reports whether attrs hold Hide="true": an element e-Gov does not
// display (XMLSchemaForJapaneseLaw_v3: "項目が非表示である場合").
func egovHidden(attrs []xml.Attr) bool {
	for _, a := range attrs {
		if a.Name.Local == "Hide" && a.Value == "true" {
			return true
		}
	}
	return false
}

// parentIs reports whether the innermost open element is name.
func (e *EgovLaw) parentIs(name string) bool {
	return len(e.stack) > 0 && e.stack[len(e.stack)-1].name == name
}

// end handles an end tag; it returns a finished law or a problem.
func (e *EgovLaw) end(t xml.EndElement, pos pipeline.Position) (*pipeline.Document, *pipeline.Problem) {
	n := len(e.stack)
	if n == 0 {
		return nil, e.malformed(pos, "unexpected end tag </%s>", t.Name.Local)
	}
	el := e.stack[n-1]
	if el.name != t.Name.Local {
		return nil, e.malformed(pos, "element <%s> closed by </%s>", el.name, t.Name.Local)
	}
	e.stack = e.stack[:n-1]
	if n == 1 {
		e.closed = true
	}
	if e.skip > 0 {
		if n == e.skip {
			e.skip = 0
		}
		return nil, nil
	}
	if e.law == nil {
		if el.name == "Result" && !e.apiReported && e.apiCode != "" && e.apiCode != "0" {
			e.apiReported = true
			p := e.apiPos
			if p.File == "" {
				p = pos
			}
			detail := "e-Gov API result code " + e.apiCode
			if e.apiMsg != "" {
				detail += ": " + e.apiMsg
			}
			return nil, newProblem(ProblemAPIError, p, detail, nil)
		}
		return nil, nil
	}
	if n == e.lawAt {
		return e.finish()
	}
	e.law.end(&el)
	return nil, nil
}

// finish turns the law just closed into a document or a problem.
func (e *EgovLaw) finish() (*pipeline.Document, *pipeline.Problem) {
	b := e.law
	e.law = nil
	if b.meta[metaEgovLawNum] == "" && e.apiLawNum != "" {
		b.meta[metaEgovLawNum] = e.apiLawNum
	}
	if b.tooLong > 0 {
		limit := e.MaxDocBytes
		if limit <= 0 {
			limit = DefaultMaxDocBytes
		}
		return nil, newProblem(pipeline.ProblemDocTooLong, b.pos,
			fmt.Sprintf("law of more than %d bytes of text exceeds the limit of %d bytes", b.tooLong, limit), nil)
	}
	text := bytes.TrimRight(b.text, "\n")
	if isBlank(text) {
		return nil, newProblem(pipeline.ProblemEmpty, b.pos, "law without text", nil)
	}
	id := e.file
	if e.laws > 1 {
		id = pipeline.Position{File: e.file, Line: b.pos.Line}.String()
	}
	if e.charset != "" {
		b.meta[metaCharset] = e.charset
	}
	return &pipeline.Document{ID: id, Text: string(text), Source: e.source, Meta: b.meta, Pos: b.pos}, nil
}

// chars handles character data.
func (e *EgovLaw) chars(c xml.CharData) {
	if e.skip > 0 || len(e.stack) == 0 {
		return
	}
	if e.law != nil {
		e.law.chars(c, e.stack[len(e.stack)-1].kind)
		return
	}
	// Outside a law: the API wrapper's fields.
	top := e.stack[len(e.stack)-1].name
	parent := ""
	if len(e.stack) > 1 {
		parent = e.stack[len(e.stack)-2].name
	}
	s := strings.TrimSpace(string(c))
	switch {
	case parent == "Result" && top == "Code":
		e.apiCode += s
	case parent == "Result" && top == "Message":
		e.apiMsg += s
	case parent == "ApplData" && top == "LawId":
		e.apiLawID += s
	case parent == "ApplData" && top == "LawNum":
		e.apiLawNum += s
	}
}

// newEgovBuilder starts a law from the attributes of its <Law> element.
func newEgovBuilder(pos pipeline.Position, attrs []xml.Attr, limit int) *egovBuilder {
	if limit <= 0 {
		limit = DefaultMaxDocBytes
	}
	b := &egovBuilder{pos: pos, limit: limit, meta: map[string]string{}}
	var month, day, orig string
	for _, a := range attrs {
		v := strings.TrimSpace(a.Value)
		if v == "" {
			continue
		}
		switch a.Name.Local {
		case "LawType":
			b.meta[metaEgovLawType] = v
		case "LawId":
			b.meta[metaEgovLawID] = v
		case "Era":
			b.meta[metaEgovEra] = v
		case "Year":
			b.meta[metaEgovYear] = egovTrimZeros(v)
		case "Num":
			b.meta[metaEgovNum] = egovTrimZeros(v)
		case "PromulgateMonth":
			month = v
		case "PromulgateDay":
			day = v
		case "OriginalPromulgateDate":
			orig = v
		}
	}
	if d := egovPromulgationDate(b.meta[metaEgovEra], b.meta[metaEgovYear], month, day); d != "" {
		b.meta[metaEgovPromulgate] = d
	} else if d := egovSlashDate(orig); d != "" {
		b.meta[metaEgovPromulgate] = d
	}
	return b
}

// egovTrimZeros removes leading zeros from a number ("05" → "5", "011" → "11").
func egovTrimZeros(s string) string {
	t := strings.TrimLeft(s, "0")
	if t == "" && s != "" {
		return "0"
	}
	return t
}

// egovEraStart maps an era to the Gregorian year before its first year.
var egovEraStart = map[string]int{"Meiji": 1867, "Taisho": 1911, "Showa": 1925, "Heisei": 1988, "Reiwa": 2018}

// egovPromulgationDate returns YYYY-MM-DD, or "" when a part is missing or out
// of range.
func egovPromulgationDate(era, year, month, day string) string {
	base, ok := egovEraStart[era]
	y, err1 := strconv.Atoi(year)
	m, err2 := strconv.Atoi(month)
	d, err3 := strconv.Atoi(day)
	if !ok || err1 != nil || err2 != nil || err3 != nil || y < 1 || y > 99 || m < 1 || m > 12 || d < 1 || d > 31 {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", base+y, m, d)
}

// egovSlashDate turns "2023/06/23" into "2023-06-23", "" when it is not one.
func egovSlashDate(s string) string {
	p := strings.Split(s, "/")
	if len(p) != 3 {
		return ""
	}
	y, err1 := strconv.Atoi(p[0])
	m, err2 := strconv.Atoi(p[1])
	d, err3 := strconv.Atoi(p[2])
	if err1 != nil || err2 != nil || err3 != nil || y < 1000 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31 {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", y, m, d)
}

// egovSpace separates a label from its text, the parts of a
// sentence and the sentences inside a table cell.
const egovSpace = "\u3000"

// hasText reports whether the current line (or table cell) has text.
func (b *egovBuilder) hasText() bool {
	if b.cell > 0 {
		return len(b.text) > b.cellStart
	}
	return len(b.text) > b.lineStart
}

// newline ends the current line; inside a table cell it owes a U+3000
// instead, so that a row stays one line.
func (b *egovBuilder) newline() {
	if b.cell > 0 {
		if len(b.text) > b.cellStart {
			b.sep = egovSpace
		}
		return
	}
	if len(b.text) > b.lineStart && b.tooLong == 0 {
		b.text = append(b.text, '\n')
		b.lineStart = len(b.text)
	}
	b.sep = ""
}

// write appends text to the current line, after the separator owed.
func (b *egovBuilder) write(s []byte) {
	if b.tooLong > 0 {
		b.tooLong += int64(len(s))
		return
	}
	if b.sep != "" {
		if b.hasText() {
			b.text = append(b.text, b.sep...)
		}
		b.sep = ""
	}
	b.text = append(b.text, s...)
	if len(b.text) > b.limit {
		b.tooLong = int64(len(b.text))
		b.text = nil
	}
}

// start opens element el, whose parent is the last of open.
func (b *egovBuilder) start(el *egovElem, open []egovElem, attrs []xml.Attr) {
	parent := &open[len(open)-1]
	switch el.kind {
	case egovBlock:
		if el.name == "SupplProvision" {
			b.amendNum, b.extract = "", false
			for _, a := range attrs {
				switch a.Name.Local {
				case "AmendLawNum":
					b.amendNum = strings.TrimSpace(a.Value)
				case "Extract":
					b.extract = a.Value == "true"
				}
			}
		}
		b.newline()
	case egovParagraph:
		if b.sep == "" || b.cell > 0 { // else: the first paragraph, on its article's title line
			b.newline()
		}
	case egovLabel:
		if b.sep == "" {
			b.newline()
		}
		el.mark = len(b.text)
	case egovLineStart, egovSupplLabel:
		b.newline()
	case egovTitle:
		b.newline()
		el.mark = len(b.text)
	case egovSentence:
		if !strings.HasSuffix(parent.name, "Sentence") && parent.name != "Column" {
			b.newline() // a sentence of its own: in a cell, a remark, a style
			el.mark = 1
		}
	case egovColumn:
		if b.hasText() {
			b.sep = egovSpace
		}
	case egovRow:
		b.newline()
	case egovCell:
		if parent.kind == egovRow {
			if parent.cells > 0 {
				if b.cell > 0 { // a table inside a cell: its cells are parts of that cell
					b.sep = egovSpace
				} else if b.tooLong == 0 {
					b.sep = ""
					b.text = append(b.text, '\t')
				}
			}
			parent.cells++
		}
		el.mark = b.cellStart
		b.cell++
		b.cellStart = len(b.text)
	}
}

// end closes element el.
func (b *egovBuilder) end(el *egovElem) {
	switch el.kind {
	case egovBlock, egovParagraph, egovLineStart:
		if el.kind != egovLineStart {
			b.newline()
		}
	case egovSupplLabel:
		if b.amendNum != "" {
			b.write([]byte(egovSpace + "（" + b.amendNum + "）"))
		}
		if b.extract {
			b.write([]byte(egovSpace + "抄"))
		}
		b.newline()
	case egovTitle:
		if b.tooLong == 0 && el.mark <= len(b.text) {
			b.meta[metaEgovTitle] = string(b.text[el.mark:])
		}
		b.newline()
	case egovLabel:
		if len(b.text) > el.mark {
			b.sep = egovSpace
		}
	case egovSentence:
		if el.mark == 1 {
			b.newline()
		}
	case egovRow:
		if b.cell == 0 && b.tooLong == 0 && len(bytes.Trim(b.text[b.lineStart:], "\t")) == 0 {
			b.text = b.text[:b.lineStart] // a row of empty cells
		}
		b.newline()
	case egovCell:
		b.cell--
		b.cellStart = el.mark
		b.sep = ""
	case egovLawNum:
		b.meta[metaEgovLawNum] = strings.TrimSpace(string(b.lawNum))
	}
}

// chars adds character data met inside an element of kind kind.
// Whitespace-only data (the indentation of pretty-printed files) is
// dropped, and so is every run of ASCII white space that holds a line
// break; other spaces stay.
func (b *egovBuilder) chars(c []byte, kind egovKind) {
	if egovAllSpace(c) {
		return
	}
	if bytes.IndexByte(c, '\n') >= 0 || bytes.IndexByte(c, '\r') >= 0 {
		c = egovDropBrokenSpace(c)
	}
	if kind == egovLawNum {
		b.lawNum = append(b.lawNum, c...)
		return
	}
	b.write(c)
}

// egovAllSpace reports whether c is only ASCII white space.
func egovAllSpace(c []byte) bool {
	for _, x := range c {
		switch x {
		case ' ', '\t', '\n', '\r':
		default:
			return false
		}
	}
	return true
}

// egovDropBrokenSpace removes the runs of ASCII white space in c that hold a
// line break.
func egovDropBrokenSpace(c []byte) []byte {
	out := make([]byte, 0, len(c))
	for i := 0; i < len(c); {
		if x := c[i]; x != ' ' && x != '\t' && x != '\n' && x != '\r' {
			out = append(out, x)
			i++
			continue
		}
		j, brk := i, false
		for ; j < len(c) && (c[j] == ' ' || c[j] == '\t' || c[j] == '\n' || c[j] == '\r'); j++ {
			brk = brk || c[j] == '\n' || c[j] == '\r'
		}
		if !brk {
			out = append(out, c[i:j]...)
		}
		i = j
	}
	return out
}

// SniffEgovLaw reports whether head, the first bytes of a decompressed
// file, starts (after a byte order mark, the XML declaration, comments,
// processing instructions and a doctype) with the root element of an e-Gov
// law or API response: <Law>, <DataRoot> or <law_data_response>.
func SniffEgovLaw(head []byte) bool {
	head = bytes.TrimPrefix(head, utf8BOM)
	for {
		head = bytes.TrimLeft(head, " \t\r\n")
		switch {
		case bytes.HasPrefix(head, []byte("<?")):
			i := bytes.Index(head, []byte("?>"))
			if i < 0 {
				return false
			}
			head = head[i+2:]
		case bytes.HasPrefix(head, []byte("<!--")):
			i := bytes.Index(head[4:], []byte("-->"))
			if i < 0 {
				return false
			}
			head = head[4+i+3:]
		case bytes.HasPrefix(head, []byte("<!")):
			i := bytes.IndexByte(head, '>')
			if i < 0 {
				return false
			}
			head = head[i+1:]
		case bytes.HasPrefix(head, []byte("<")):
			for _, root := range []string{"Law", "DataRoot", "law_data_response"} {
				if rest, ok := bytes.CutPrefix(head[1:], []byte(root)); ok && len(rest) > 0 {
					switch rest[0] {
					case '>', '/', ' ', '\t', '\r', '\n':
						return true
					}
				}
			}
			return false
		default:
			return false
		}
	}
}
