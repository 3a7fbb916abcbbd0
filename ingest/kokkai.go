package ingest

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/jacorpus/jacorpus/pipeline"
)

// FormatKokkai is a response of the National Diet Library's minutes search
// API (国会会議録検索システム 検索用API, https://kokkai.ndl.go.jp/api.html) as a
// harvesting script saved it, JSON or XML; see Kokkai.
const FormatKokkai = "kokkai"

// Speaker marker modes (Input.SpeakerMarker).
const (
	// SpeakerMarkerKeep leaves the speech text as the minutes print it,
	// starting with the speaker marker "○議長（尾辻秀久君）　".
	SpeakerMarkerKeep = "keep"
	// SpeakerMarkerStrip removes the marker (see stripSpeakerMarker) and
	// records it in Meta["speaker_marker"].
	SpeakerMarkerStrip = "strip"
)

// Problem kinds of the kokkai reader (besides the shared ones).
const (
	// ProblemKokkaiHeader is the Skipped reason of a speechOrder 0 record (発言者
	// "会議録情報"): the head of a meeting's minutes, a list of the members
	// present, the agenda and committee changes, not speech.
	ProblemKokkaiHeader = "kokkai_meeting_header"
	// ProblemKokkaiAPIError is a saved error response of the API
	// ({"message": ..., "details": [...]}).
	ProblemKokkaiAPIError = "kokkai_api_error"
	// ProblemNotKokkai is a well-formed JSON or XML file that is not an
	// API response (no speechRecord or meetingRecord, a root other than
	// <data>).
	ProblemNotKokkai = "not_kokkai_response"
)

// (ProblemMalformedXML, XML that does not parse, is shared with egov.go.)

// Kokkai reads the speeches of one saved API response, one document per
// speech (発言). It understands, detected from the content:
//
//   - the API's JSON (recordPacking=json): the speech endpoint
//     (/api/speech: {"numberOfRecords":…, "speechRecord":[{…}]}) and the
//     meeting endpoint (/api/meeting: {"meetingRecord":[{…,
//     "speechRecord":[…], "meetingURL":…}]});
//   - the API's XML (the default packing): <data><numberOfRecords>…
//     <records><record><recordData> holding a <speechRecord> or a
//     <meetingRecord> with <speechRecord> children;
//   - an error response, JSON {"message":…, "details":[…]} or XML <data> (or
//     <error>) with <message> and <details>: one ProblemKokkaiAPIError (the
//     JSON form's names are the API specification's; the XML form's are
//     assumed to match, no saved XML error response was at hand);
//   - the JSON that the harvester of hagiwaratakayuki/flowweb-kokkai saves
//     (a top-level array of meetings {"id", "house", "name", "date", "issue",
//     "url", "speeches":[{"speaker","speech","url","id","order"}], "speakers":
//     [{"name","group","position"}], "headerRecord"}): its speeches already
//     lack the speaker marker (the harvester replaced it by one U+3000) and the
//     chair's procedural speeches.
//
// Field names are the API's (see the specification's output items): the
// document's ID is speechID, URL is speechURL, Meta holds speaker,
// speaker_yomi, speaker_group, speaker_position, speaker_role, house
// (nameOfHouse), meeting (nameOfMeeting), issue, session, date, speech_order
// (speechOrder), issue_id, speech_url, meeting_url and pdf_url, each only when
// not empty. Meeting fields fill in what a speech record lacks.
//
// speechOrder 0 records (speaker 会議録情報, and the harvester's headerRecord)
// are skipped: they list the members present and the agenda, names not
// speech, which a corpus does not want as text (and which would come back
// once per meeting: 14 of the 774 records of the six samples). They are not
// bad input, so they are counted in Skipped under ProblemKokkaiHeader
// (FileStats.Skipped in a Source), not reported. A speech without text is
// ProblemMissingText, an empty one ProblemEmpty.
//
// Memory is bounded by one meeting: the reader streams the response with
// encoding/json's and encoding/xml's token decoders, decoding one speech
// record at a time; the speeches of a meeting are held until the meeting's
// own fields (meetingURL comes after speechRecord) have been read. JSON
// problems are located by byte offset (API JSON is one line), XML ones by
// line and byte offset. Malformed JSON or XML ends the file with one
// problem after the speeches before it; a speech record with a field of the
// wrong type is one problem and reading goes on.
type Kokkai struct {
	file   string
	source string
	strip  bool
	err    error // fatal: bad configuration

	js    *json.Decoder
	xd    *xml.Decoder
	state int
	queue []kokkaiItem
	done  bool
	any   bool // any byte other than white space seen

	// JSON top level.
	sawRecords bool
	sawCount   bool // numberOfRecords seen: a response, maybe of 0 hits
	message    string
	details    []string
	errAt      pipeline.Position
	// XML element stack below the root.
	stack []string

	skipped map[string]int64 // records that are not documents, by reason
}

type kokkaiItem struct {
	d   *pipeline.Document
	err error
}

// States of the JSON reader.
const (
	kjStart = iota
	kjObject
	kjSpeeches
	kjMeetings
	kjFlow
)

// NewKokkai returns a reader of the API response r (already decompressed,
// see Open). file names it in positions and ids; in supplies the source name
// and the speaker marker mode.
func NewKokkai(r io.Reader, file string, in Input) *Kokkai {
	k := &Kokkai{file: file, source: orDefault(in.Source, file), skipped: map[string]int64{}}
	switch in.SpeakerMarker {
	case "", SpeakerMarkerKeep:
	case SpeakerMarkerStrip:
		k.strip = true
	default:
		k.err = fmt.Errorf("%s: speaker_marker %q: want %q or %q", file, in.SpeakerMarker, SpeakerMarkerKeep, SpeakerMarkerStrip)
		return k
	}
	_, enc, err := lookupEncoding(in.Encoding)
	if err != nil {
		k.err = fmt.Errorf("%s: %w", file, err)
		return k
	}
	br := newPeekReader(decodeReader(r, enc))
	head := br.peekNonSpace()
	k.any = head != 0
	switch head {
	case 0:
		// empty or white space only: reported by Next
	case '<':
		k.xd = xml.NewDecoder(br)
		// The stream is UTF-8 (the API's encoding, or decoded from
		// in.Encoding): a declared encoding is taken as already applied.
		k.xd.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
	default:
		k.js = json.NewDecoder(br)
	}
	return k
}

// Next returns the next speech, io.EOF at the end, or a *pipeline.Problem
// for a record that gave no document (call Next again to go on). Any other
// error is fatal.
func (k *Kokkai) Next() (*pipeline.Document, error) {
	if k.err != nil {
		return nil, k.err
	}
	for {
		if len(k.queue) > 0 {
			it := k.queue[0]
			k.queue[0] = kokkaiItem{}
			k.queue = k.queue[1:]
			if p, ok := it.err.(*pipeline.Problem); ok && p.Kind == ProblemKokkaiHeader {
				k.skipped[ProblemKokkaiHeader]++ // not a document, not bad input
				continue
			}
			return it.d, it.err
		}
		if k.done {
			return nil, io.EOF
		}
		switch {
		case !k.any:
			k.done = true
			return nil, emptyFileProblem(k.file)
		case k.xd != nil:
			k.stepXML()
		default:
			k.stepJSON()
		}
	}
}

// Skipped returns the counts of the records that were neither documents nor
// problems, by reason (ProblemKokkaiHeader); the map fills as Next reads.
func (k *Kokkai) Skipped() map[string]int64 { return k.skipped }

// push queues a document or a problem.
func (k *Kokkai) push(d *pipeline.Document, err error) {
	k.queue = append(k.queue, kokkaiItem{d, err})
}

// fail queues p and ends the file.
func (k *Kokkai) fail(p *pipeline.Problem) {
	k.push(nil, p)
	k.done = true
}

// kstr is a field of a record: a JSON string, number or boolean (as
// written; the API's JSON gives session and speechOrder as numbers), or an
// XML element's text. set tells a missing field from an empty one.
type kstr struct {
	v   string
	set bool
}

// UnmarshalJSON implements json.Unmarshaler.
func (s *kstr) UnmarshalJSON(b []byte) error {
	switch {
	case len(b) == 0:
		return errors.New("empty value")
	case b[0] == '"':
		var v string
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		*s = kstr{v, true}
	case b[0] == '{' || b[0] == '[':
		return fmt.Errorf("an %s, not a string", map[byte]string{'{': "object", '[': "array"}[b[0]])
	case string(b) == "null":
		*s = kstr{}
	default: // number, true, false
		*s = kstr{string(b), true}
	}
	return nil
}

// UnmarshalXML implements xml.Unmarshaler.
func (s *kstr) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	var v string
	if err := d.DecodeElement(&v, &start); err != nil {
		return err
	}
	*s = kstr{v, true}
	return nil
}

// kokkaiSpeech is one speech record: the API's speechRecord (its speech
// endpoint form also carries the meeting's fields) or a flowweb-kokkai
// speech (speaker, speech, url, id, order).
type kokkaiSpeech struct {
	SpeechID        kstr `json:"speechID" xml:"speechID"`
	SpeechOrder     kstr `json:"speechOrder" xml:"speechOrder"`
	Speaker         kstr `json:"speaker" xml:"speaker"`
	SpeakerYomi     kstr `json:"speakerYomi" xml:"speakerYomi"`
	SpeakerGroup    kstr `json:"speakerGroup" xml:"speakerGroup"`
	SpeakerPosition kstr `json:"speakerPosition" xml:"speakerPosition"`
	SpeakerRole     kstr `json:"speakerRole" xml:"speakerRole"`
	Speech          kstr `json:"speech" xml:"speech"`
	SpeechURL       kstr `json:"speechURL" xml:"speechURL"`
	kokkaiMeetingFields
	// flowweb-kokkai's names.
	ID    kstr `json:"id" xml:"-"`
	URL   kstr `json:"url" xml:"-"`
	Order kstr `json:"order" xml:"-"`
}

// kokkaiMeetingFields are the meeting's fields, on a meetingRecord or on a
// speech endpoint's speechRecord.
type kokkaiMeetingFields struct {
	IssueID       kstr `json:"issueID" xml:"issueID"`
	Session       kstr `json:"session" xml:"session"`
	NameOfHouse   kstr `json:"nameOfHouse" xml:"nameOfHouse"`
	NameOfMeeting kstr `json:"nameOfMeeting" xml:"nameOfMeeting"`
	Issue         kstr `json:"issue" xml:"issue"`
	Date          kstr `json:"date" xml:"date"`
	MeetingURL    kstr `json:"meetingURL" xml:"meetingURL"`
	PDFURL        kstr `json:"pdfURL" xml:"pdfURL"`
}

// set stores a meeting field by its API name (or flowweb-kokkai's) and
// reports whether name is one.
func (m *kokkaiMeetingFields) set(name string, v kstr) bool {
	switch name {
	case "issueID", "id":
		m.IssueID = v
	case "session":
		m.Session = v
	case "nameOfHouse", "house":
		m.NameOfHouse = v
	case "nameOfMeeting", "name":
		m.NameOfMeeting = v
	case "issue":
		m.Issue = v
	case "date":
		m.Date = v
	case "meetingURL", "url":
		m.MeetingURL = v
	case "pdfURL", "pdf":
		m.PDFURL = v
	default:
		return false
	}
	return true
}

// kokkaiSpeaker is an entry of flowweb-kokkai's per-meeting speaker list.
type kokkaiSpeaker struct {
	Name     string `json:"name"`
	Group    string `json:"group"`
	Position string `json:"position"`
	Role     string `json:"role"`
}

// pendingSpeech is a speech read inside a meeting, waiting for the
// meeting's end.
type pendingSpeech struct {
	s   kokkaiSpeech
	pos pipeline.Position
	err *pipeline.Problem // a record that failed to decode, in its place
}

// meeting collects one meetingRecord (or flowweb-kokkai meeting).
type meeting struct {
	kokkaiMeetingFields
	speeches []pendingSpeech
	speakers map[string]kokkaiSpeaker
	flow     bool // flowweb-kokkai form
}

// finish turns the meeting's speeches into documents and problems.
func (k *Kokkai) finish(m *meeting) {
	for i := range m.speeches {
		ps := &m.speeches[i]
		if ps.err != nil {
			k.push(nil, ps.err)
			continue
		}
		if sp, ok := m.speakers[ps.s.Speaker.v]; ok {
			fill(&ps.s.SpeakerGroup, sp.Group)
			fill(&ps.s.SpeakerPosition, sp.Position)
			fill(&ps.s.SpeakerRole, sp.Role)
		}
		k.push(k.speechDoc(&ps.s, &m.kokkaiMeetingFields, ps.pos, m.flow))
		m.speeches[i] = pendingSpeech{}
	}
}

// fill sets s to v when s is empty.
func fill(s *kstr, v string) {
	if s.v == "" && v != "" {
		*s = kstr{v, true}
	}
}

// speechDoc makes the document of speech s of meeting m (nil for a speech
// endpoint record).
func (k *Kokkai) speechDoc(s *kokkaiSpeech, m *kokkaiMeetingFields, pos pipeline.Position, flow bool) (*pipeline.Document, error) {
	if s.SpeechID.v == "" {
		s.SpeechID = s.ID
	}
	if s.SpeechURL.v == "" {
		s.SpeechURL = s.URL
	}
	if s.SpeechOrder.v == "" {
		s.SpeechOrder = s.Order
	}
	if m != nil {
		mf := &s.kokkaiMeetingFields
		fill(&mf.IssueID, m.IssueID.v)
		fill(&mf.Session, m.Session.v)
		fill(&mf.NameOfHouse, m.NameOfHouse.v)
		fill(&mf.NameOfMeeting, m.NameOfMeeting.v)
		fill(&mf.Issue, m.Issue.v)
		fill(&mf.Date, m.Date.v)
		fill(&mf.MeetingURL, m.MeetingURL.v)
		fill(&mf.PDFURL, m.PDFURL.v)
	}
	name := s.SpeechID.v
	if name == "" {
		name = pos.String()
	}
	if strings.TrimSpace(s.SpeechOrder.v) == "0" {
		return nil, newProblem(ProblemKokkaiHeader, pos,
			fmt.Sprintf("%s: speechOrder 0 (%s): the meeting's head (members present, agenda), not speech", name, s.Speaker.v), []byte(s.Speech.v))
	}
	if !s.Speech.set {
		return nil, newProblem(pipeline.ProblemMissingText, pos, fmt.Sprintf("%s: no speech text", name), nil)
	}
	text := s.Speech.v
	var marker string
	if k.strip {
		if flow {
			text = strings.TrimPrefix(text, "\u3000") // what the harvester left of the marker
		} else {
			marker, text = stripSpeakerMarker(text)
		}
	}
	if isBlank(text) {
		return nil, newProblem(pipeline.ProblemEmpty, pos, fmt.Sprintf("%s: speech is empty or white space", name), []byte(s.Speech.v))
	}
	d := &pipeline.Document{ID: name, Text: text, Source: k.source, URL: s.SpeechURL.v, Pos: pos, Meta: make(map[string]string, 16)}
	for _, f := range [...]struct {
		key string
		v   kstr
	}{
		{"speaker", s.Speaker}, {"speaker_yomi", s.SpeakerYomi}, {"speaker_group", s.SpeakerGroup},
		{"speaker_position", s.SpeakerPosition}, {"speaker_role", s.SpeakerRole},
		{"house", s.NameOfHouse}, {"meeting", s.NameOfMeeting}, {"issue", s.Issue},
		{"session", s.Session}, {"date", s.Date}, {"speech_order", s.SpeechOrder},
		{"issue_id", s.IssueID}, {"speech_url", s.SpeechURL}, {"meeting_url", s.MeetingURL},
		{"pdf_url", s.PDFURL}, {"speaker_marker", kstr{v: marker}},
	} {
		if f.v.v != "" {
			d.Meta[f.key] = f.v.v
		}
	}
	return d, nil
}

// maxMarkerRunes bounds the speaker marker: the longest of the 54,041
// speeches of ../shared/corpus/gov/diet_speeches.jsonl.gz has 17 runes
// before its U+3000 ("○内閣総理大臣（岸田文雄君）" has 14).
const maxMarkerRunes = 64

// stripSpeakerMarker splits the speaker marker off a speech as the minutes
// print it: when text starts with "○" (U+25CB WHITE CIRCLE) and an
// ideographic space U+3000 follows within maxMarkerRunes runes and before
// the first line break, the marker is text up to that space (the "○"
// included, the space not) and rest is what follows the space; the speech
// itself starts right after it. Otherwise marker is "" and rest is text.
// Examples: "○田野瀬委員長　これより会議を開きます。" and "○議長（尾辻秀久君）　…"
// lose "○田野瀬委員長　" and "○議長（尾辻秀久君）　".
func stripSpeakerMarker(text string) (marker, rest string) {
	const circle = "\u25cb"
	if !strings.HasPrefix(text, circle) {
		return "", text
	}
	for i, n := len(circle), 1; i < len(text) && n <= maxMarkerRunes; n++ {
		r, size := utf8.DecodeRuneInString(text[i:])
		switch r {
		case '\u3000':
			return text[:i], text[i+size:]
		case '\n', '\r':
			return "", text
		}
		i += size
	}
	return "", text
}

// jsonFail turns an error of the JSON decoder into a problem and ends the
// file. rec is where the value being decoded starts, nil for an error of
// Token: a syntax error inside a value decoded with Decode carries an offset
// that counts only the bytes of the values Decode read, so the problem
// points at the value's start instead.
func (k *Kokkai) jsonFail(err error, rec *pipeline.Position) {
	pos := pipeline.Position{File: k.file, Offset: k.js.InputOffset()}
	if rec != nil {
		pos = *rec
	}
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se) && se.Error() == "unexpected end of JSON input":
		k.fail(newProblem(pipeline.ProblemTruncated, pos, "JSON ends inside the value starting at byte offset "+itoa(pos.Offset), nil))
	case errors.As(err, &se) && rec != nil:
		k.fail(newProblem(pipeline.ProblemMalformedJSON, pos, fmt.Sprintf("in the value starting at byte offset %d: %s", pos.Offset, se.Error()), nil))
	case errors.As(err, &se):
		pos.Offset = se.Offset
		k.fail(newProblem(pipeline.ProblemMalformedJSON, pos, fmt.Sprintf("at byte offset %d: %s", se.Offset, se.Error()), nil))
	case err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF):
		k.fail(newProblem(pipeline.ProblemTruncated, pos, fmt.Sprintf("JSON ends early at byte offset %d", k.js.InputOffset()), nil))
	default:
		k.fail(streamProblem(err, pos, k.js.InputOffset(), nil))
	}
}

func itoa(n int64) string { return fmt.Sprint(n) }

// delim reads the next token and reports whether it is the delimiter want.
func (k *Kokkai) delim(want json.Delim) bool {
	at := k.js.InputOffset()
	tok, err := k.js.Token()
	if err != nil {
		k.jsonFail(err, nil)
		return false
	}
	if d, ok := tok.(json.Delim); !ok || d != want {
		k.fail(newProblem(ProblemNotKokkai, pipeline.Position{File: k.file, Offset: at},
			fmt.Sprintf("at byte offset %d: want %q, got %v", at, want, tok), nil))
		return false
	}
	return true
}

// key reads an object key; ok is false at the end of the object (the '}'
// is consumed) or on an error (reported).
func (k *Kokkai) key() (string, bool) {
	tok, err := k.js.Token()
	if err != nil {
		k.jsonFail(err, nil)
		return "", false
	}
	s, ok := tok.(string)
	return s, ok
}

// skipValue skips the next JSON value.
func (k *Kokkai) skipValue() bool {
	at := pipeline.Position{File: k.file, Offset: k.js.InputOffset()}
	var raw json.RawMessage
	if err := k.js.Decode(&raw); err != nil {
		k.jsonFail(err, &at)
		return false
	}
	return true
}

// stepJSON advances the JSON reader by one record or one structural step.
func (k *Kokkai) stepJSON() {
	switch k.state {
	case kjStart:
		tok, err := k.js.Token()
		if err != nil {
			k.jsonFail(err, nil)
			return
		}
		switch tok {
		case json.Delim('{'):
			k.state = kjObject
		case json.Delim('['):
			k.state = kjFlow
		default:
			k.fail(newProblem(ProblemNotKokkai, pipeline.Position{File: k.file, Offset: 0},
				fmt.Sprintf("JSON %v is not an API response object or a list of meetings", tok), nil))
		}
	case kjObject:
		at := k.js.InputOffset()
		name, ok := k.key()
		if k.done {
			return
		}
		if !ok { // the response's end
			k.endJSON()
			return
		}
		switch name {
		case "speechRecord":
			k.sawRecords = true
			if k.delim('[') {
				k.state = kjSpeeches
			}
		case "meetingRecord":
			k.sawRecords = true
			if k.delim('[') {
				k.state = kjMeetings
			}
		case "numberOfRecords":
			k.sawCount = true
			k.skipValue()
		case "message":
			var v kstr
			if err := k.js.Decode(&v); err != nil {
				k.jsonFail(err, &pipeline.Position{File: k.file, Offset: at})
				return
			}
			k.message = v.v
			k.errAt = pipeline.Position{File: k.file, Offset: at}
		case "details":
			var raw json.RawMessage
			if err := k.js.Decode(&raw); err != nil {
				k.jsonFail(err, &pipeline.Position{File: k.file, Offset: at})
				return
			}
			var list []string
			if json.Unmarshal(raw, &list) != nil {
				var one kstr
				if one.UnmarshalJSON(raw) == nil {
					list = []string{one.v}
				} else {
					list = []string{string(raw)}
				}
			}
			k.details = list
			if k.errAt.File == "" { // details without a message: the error is where they are
				k.errAt = pipeline.Position{File: k.file, Offset: at}
			}
		default:
			k.skipValue()
		}
	case kjSpeeches:
		if !k.js.More() {
			if k.delim(']') {
				k.state = kjObject
			}
			return
		}
		pos := pipeline.Position{File: k.file, Offset: k.js.InputOffset()}
		var s kokkaiSpeech
		if err := k.js.Decode(&s); err != nil {
			if p := k.recordError(err, pos, "speech record"); p != nil {
				k.push(nil, p)
			}
			return
		}
		k.push(k.speechDoc(&s, nil, pos, false))
	case kjMeetings, kjFlow:
		if !k.js.More() {
			if !k.delim(']') {
				return
			}
			if k.state == kjFlow {
				k.endJSON()
				return
			}
			k.state = kjObject
			return
		}
		k.meetingJSON(k.state == kjFlow)
	}
}

// recordError reports a record that failed to decode: a syntax error ends
// the file, a field of the wrong type is one problem.
// It returns the problem of the record, or nil when the file ended (the
// problem is queued).
func (k *Kokkai) recordError(err error, pos pipeline.Position, what string) *pipeline.Problem {
	var se *json.SyntaxError
	var ce *codecError
	if errors.As(err, &se) || errors.As(err, &ce) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		k.jsonFail(err, &pos)
		return nil
	}
	// The decoder read the whole value before unmarshaling it: the stream
	// is still in step.
	return newProblem(pipeline.ProblemMalformedJSON, pos, fmt.Sprintf("%s at byte offset %d: %s", what, pos.Offset, err), nil)
}

// meetingJSON reads one meeting object: its fields, its speeches one at a
// time, and (flowweb-kokkai) its speaker list.
func (k *Kokkai) meetingJSON(flow bool) {
	if !k.delim('{') {
		return
	}
	m := &meeting{flow: flow}
	k.readMeetingJSON(m)
	if k.done { // broke off: keep the speeches read before the break, then the problem
		q := k.queue
		k.queue = nil
		k.finish(m)
		k.queue = append(k.queue, q...)
		return
	}
	k.finish(m)
}

// readMeetingJSON reads the fields of meeting m up to its closing brace.
func (k *Kokkai) readMeetingJSON(m *meeting) {
	for {
		at := k.js.InputOffset()
		name, ok := k.key()
		if k.done {
			return
		}
		if !ok {
			return
		}
		switch name {
		case "speechRecord", "speeches":
			if !k.delim('[') {
				return
			}
			for k.js.More() {
				pos := pipeline.Position{File: k.file, Offset: k.js.InputOffset()}
				var s kokkaiSpeech
				if err := k.js.Decode(&s); err != nil {
					p := k.recordError(err, pos, "speech record")
					if p == nil {
						return
					}
					m.speeches = append(m.speeches, pendingSpeech{pos: pos, err: p})
					continue
				}
				m.speeches = append(m.speeches, pendingSpeech{s: s, pos: pos})
			}
			if !k.delim(']') {
				return
			}
		case "speakers":
			var list []kokkaiSpeaker
			if err := k.js.Decode(&list); err != nil {
				pos := pipeline.Position{File: k.file, Offset: at}
				p := k.recordError(err, pos, "speakers list")
				if p == nil {
					return
				}
				m.speeches = append(m.speeches, pendingSpeech{pos: pos, err: p})
				continue
			}
			m.speakers = make(map[string]kokkaiSpeaker, len(list))
			for _, sp := range list {
				m.speakers[sp.Name] = sp
			}
		case "headerRecord":
			if !k.skipValue() {
				return
			}
			pos := pipeline.Position{File: k.file, Offset: at}
			m.speeches = append(m.speeches, pendingSpeech{pos: pos, err: newProblem(ProblemKokkaiHeader, pos,
				"headerRecord: the meeting's head (members present, agenda), not speech", nil)})
		default: // a meeting field, or another value (flowweb-kokkai's moderators, ...) skipped
			var raw json.RawMessage
			if err := k.js.Decode(&raw); err != nil {
				k.jsonFail(err, &pipeline.Position{File: k.file, Offset: at})
				return
			}
			var v kstr
			if v.UnmarshalJSON(raw) == nil {
				m.set(name, v)
			}
		}
	}
}

// endJSON checks what follows the response and reports an error response.
func (k *Kokkai) endJSON() {
	k.done = true
	k.endResponse(pipeline.Position{File: k.file, Offset: 0}, "a JSON object")
	if tok, err := k.js.Token(); err != io.EOF {
		at := k.js.InputOffset()
		detail := fmt.Sprintf("data after the response at byte offset %d", at)
		if err != nil {
			detail += ": " + err.Error()
		} else {
			detail += fmt.Sprintf(": %v", tok)
		}
		k.push(nil, newProblem(pipeline.ProblemMalformedJSON, pipeline.Position{File: k.file, Offset: at}, detail, nil))
	}
}

// endResponse reports, at the end of the response, an error response or a
// response that is none (what names its kind).
func (k *Kokkai) endResponse(at pipeline.Position, what string) {
	switch {
	case k.message != "" || (len(k.details) > 0 && !k.sawRecords):
		k.push(nil, newProblem(ProblemKokkaiAPIError, k.errAt, apiErrorDetail(k.message, k.details), nil))
	case !k.sawRecords && !k.sawCount && k.state != kjFlow:
		k.push(nil, newProblem(ProblemNotKokkai, at, what+" without numberOfRecords, speechRecord or meetingRecord", nil))
	}
}

// apiErrorDetail formats an error response.
func apiErrorDetail(msg string, details []string) string {
	s := "API error response"
	if msg != "" {
		s += ": " + msg
	}
	if len(details) > 0 {
		s += " (" + strings.Join(details, "; ") + ")"
	}
	return s
}

// xmlPos is the position of the XML decoder.
func (k *Kokkai) xmlPos() pipeline.Position {
	line, _ := k.xd.InputPos()
	return pipeline.Position{File: k.file, Line: int64(line), Offset: k.xd.InputOffset()}
}

// xmlFail turns an XML decoder error into a problem and ends the file.
func (k *Kokkai) xmlFail(err error, pos pipeline.Position) {
	var se *xml.SyntaxError
	var ce *codecError
	switch {
	case errors.As(err, &ce):
		k.fail(streamProblem(err, pos, pos.Offset, nil))
	case errors.As(err, &se):
		pos.Line = int64(se.Line)
		kind := ProblemMalformedXML
		if strings.Contains(se.Msg, "unexpected EOF") {
			kind = pipeline.ProblemTruncated
		}
		k.fail(newProblem(kind, pos, fmt.Sprintf("line %d: %s", se.Line, se.Msg), nil))
	case err == io.EOF:
		k.fail(newProblem(pipeline.ProblemTruncated, pos, "XML ends before the root element closes", nil))
	default:
		k.fail(streamProblem(err, pos, pos.Offset, nil))
	}
}

// stepXML advances the XML reader by one element.
func (k *Kokkai) stepXML() {
	pos := k.xmlPos()
	tok, err := k.xd.Token()
	if err == io.EOF && k.state == 0 {
		k.fail(newProblem(ProblemNotKokkai, pos, "XML without a root element", nil))
		return
	}
	if err != nil {
		k.xmlFail(err, pos)
		return
	}
	switch t := tok.(type) {
	case xml.StartElement:
		name := t.Name.Local
		if k.state == 0 { // the root
			if name != "data" && name != "error" {
				k.fail(newProblem(ProblemNotKokkai, pos, fmt.Sprintf("root element <%s>, not <data>", name), nil))
				return
			}
			k.state = 1
			k.stack = append(k.stack[:0], name)
			return
		}
		switch {
		case name == "speechRecord":
			k.sawRecords = true
			var s kokkaiSpeech
			if err := k.xd.DecodeElement(&s, &t); err != nil {
				k.xmlFail(err, pos)
				return
			}
			k.push(k.speechDoc(&s, nil, pos, false))
		case name == "meetingRecord":
			k.sawRecords = true
			k.meetingXML()
		case name == "numberOfRecords" && len(k.stack) == 1:
			k.sawCount = true
			if err := k.xd.Skip(); err != nil {
				k.xmlFail(err, pos)
			}
		case name == "message" && len(k.stack) == 1:
			var v string
			if err := k.xd.DecodeElement(&v, &t); err != nil {
				k.xmlFail(err, pos)
				return
			}
			k.message, k.errAt = v, pos
		case name == "details" && len(k.stack) == 1:
			var v struct {
				Items []string `xml:",any"`
				Text  string   `xml:",chardata"`
			}
			if err := k.xd.DecodeElement(&v, &t); err != nil {
				k.xmlFail(err, pos)
				return
			}
			k.details = v.Items
			if t := strings.TrimSpace(v.Text); t != "" {
				k.details = append(k.details, t)
			}
			if k.errAt.File == "" {
				k.errAt = pos
			}
		default:
			k.stack = append(k.stack, name)
		}
	case xml.EndElement:
		k.stack = k.stack[:len(k.stack)-1]
		if len(k.stack) == 0 { // the root has closed
			k.endResponse(pipeline.Position{File: k.file, Line: 1, Offset: 0}, "an XML <data> element")
			k.checkXMLEnd()
		}
	}
}

// checkXMLEnd reads what follows the root: only white space, comments and
// processing instructions may.
func (k *Kokkai) checkXMLEnd() {
	for {
		pos := k.xmlPos()
		tok, err := k.xd.Token()
		if err == io.EOF {
			k.done = true
			return
		}
		if err != nil {
			k.xmlFail(err, pos)
			return
		}
		switch t := tok.(type) {
		case xml.CharData:
			if len(bytes.TrimSpace(t)) == 0 {
				continue
			}
		case xml.Comment, xml.ProcInst:
			continue
		}
		k.fail(newProblem(ProblemMalformedXML, pos, "content after the root element", nil))
		return
	}
}

// meetingXML reads one <meetingRecord> whose start tag was just read.
func (k *Kokkai) meetingXML() {
	m := &meeting{}
	for {
		pos := k.xmlPos()
		tok, err := k.xd.Token()
		if err != nil {
			k.finish(m) // the speeches read before the break are good
			k.xmlFail(err, pos)
			return
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local == "speechRecord" {
				var s kokkaiSpeech
				if err := k.xd.DecodeElement(&s, &t); err != nil {
					k.finish(m)
					k.xmlFail(err, pos)
					return
				}
				m.speeches = append(m.speeches, pendingSpeech{s: s, pos: pos})
				continue
			}
			var v kstr
			if err := k.xd.DecodeElement(&v, &t); err != nil {
				k.finish(m)
				k.xmlFail(err, pos)
				return
			}
			m.set(t.Name.Local, v)
		case xml.EndElement:
			k.finish(m)
			return
		}
	}
}

// peekReader lets NewKokkai look at the first byte of a stream that is not
// white space before handing the stream to a decoder.
type peekReader struct {
	r   io.Reader
	buf []byte
	err error // the error that ended the peek, returned after buf
}

func newPeekReader(r io.Reader) *peekReader { return &peekReader{r: r} }

// peekNonSpace returns the first byte that is not JSON/XML white space,
// after a UTF-8 byte order mark (which it drops); 0 when the stream holds
// nothing else. A read error other than io.EOF is returned by Read after
// the bytes before it; peekNonSpace then returns '{' so that the JSON
// decoder meets the error.
func (p *peekReader) peekNonSpace() byte {
	bom := []byte("\ufeff")
	var chunk [512]byte
	for first := true; ; {
		if !first || len(p.buf) >= len(bom) || p.err != nil {
			if first {
				p.buf = bytes.TrimPrefix(p.buf, bom)
				first = false
			}
			if t := bytes.TrimLeft(p.buf, " \t\r\n"); len(t) > 0 {
				return t[0]
			}
			if p.err == io.EOF {
				return 0
			}
			if p.err != nil {
				return '{'
			}
		}
		n, err := p.r.Read(chunk[:])
		p.buf = append(p.buf, chunk[:n]...)
		if err != nil {
			p.err = err
		}
	}
}

// Read implements io.Reader.
func (p *peekReader) Read(b []byte) (int, error) {
	if len(p.buf) > 0 {
		n := copy(b, p.buf)
		p.buf = p.buf[n:]
		return n, nil
	}
	if p.err != nil {
		return 0, p.err
	}
	return p.r.Read(b)
}

// SniffKokkai reports whether head, the first bytes of a decoded file, look
// like a saved API response: a JSON object whose first keys include
// "numberOfRecords", "speechRecord" or "meetingRecord", a JSON array of
// flowweb-kokkai meetings ("speeches" and "nameOfHouse" or "house"), or
// XML whose root is <data> followed by <numberOfRecords>. Detection by
// extension alone cannot tell these from other .json and .xml files.
func SniffKokkai(head []byte) bool {
	h := bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\ufeff")), " \t\r\n")
	if len(h) == 0 {
		return false
	}
	switch h[0] {
	case '{':
		return bytes.Contains(h, []byte(`"speechRecord"`)) || bytes.Contains(h, []byte(`"meetingRecord"`)) ||
			(bytes.Contains(h, []byte(`"numberOfRecords"`)) && bytes.Contains(h, []byte(`"startRecord"`)))
	case '[':
		return bytes.Contains(h, []byte(`"speeches"`)) && bytes.Contains(h, []byte(`"issue"`))
	case '<':
		if bytes.HasPrefix(h, []byte("<?xml")) {
			i := bytes.Index(h, []byte("?>"))
			if i < 0 {
				return false
			}
			h = bytes.TrimLeft(h[i+2:], " \t\r\n")
		}
		return bytes.HasPrefix(h, []byte("<data>")) && bytes.Contains(h, []byte("<numberOfRecords>"))
	}
	return false
}
