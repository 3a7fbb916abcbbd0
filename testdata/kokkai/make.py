#!/usr/bin/env python3
"""Cuts the kokkai test files from ../shared/corpus/gov/kokkai_api_samples.

Run from the project root: python3 testdata/kokkai/make.py
XML cuts are byte-exact: the response's head (up to the first <record>), one
whole <record>…</record> and the closing "</records></data>". flowweb-kokkai
JSON cuts are one meeting of the list, re-serialized with json.dumps as the
harvester wrote it (the test checks that the bytes are the originals').
The api-*.json files are CONVERTED: the records of one XML cut written in
the API's JSON packing (field names and order of the API specification;
session, speechOrder, startPage, searchObject as numbers).
"""
import json, re, xml.etree.ElementTree as ET, os

SRC = '../shared/corpus/gov/kokkai_api_samples'
OUT = 'testdata/kokkai'


def xml_cut(name, rec, out):
    b = open(os.path.join(SRC, name), 'rb').read()
    starts = [m.start() for m in re.finditer(rb'<record>', b)]
    ends = [m.end() for m in re.finditer(rb'</record>', b)]
    data = b[:starts[0]] + b[starts[rec]:ends[rec]] + b'</records></data>'
    open(os.path.join(OUT, out), 'wb').write(data)
    return data


def flow_cut(name, meeting, out):
    raw = open(os.path.join(SRC, name), 'rb').read()
    d = json.loads(raw)
    el = json.dumps(d[meeting]).encode()
    assert el in raw, name
    open(os.path.join(OUT, out), 'wb').write(b'[' + el + b']')


def num(s):
    return int(s) if s not in (None, '') else None


def speech_fields(s):
    return {
        'speechID': s.findtext('speechID'), 'speechOrder': num(s.findtext('speechOrder')),
        'speaker': s.findtext('speaker'), 'speakerYomi': s.findtext('speakerYomi') or None,
        'speakerGroup': s.findtext('speakerGroup') or None, 'speakerPosition': s.findtext('speakerPosition') or None,
        'speakerRole': s.findtext('speakerRole') or None, 'speech': s.findtext('speech'),
        'startPage': num(s.findtext('startPage')),
    }


def meeting_head(m):
    return {
        'issueID': m.findtext('issueID'), 'imageKind': m.findtext('imageKind'),
        'searchObject': num(m.findtext('searchObject')), 'session': num(m.findtext('session')),
        'nameOfHouse': m.findtext('nameOfHouse'), 'nameOfMeeting': m.findtext('nameOfMeeting'),
        'issue': m.findtext('issue'), 'date': m.findtext('date'), 'closing': m.findtext('closing') or None,
    }


def api_meeting(xml_bytes, out):
    root = ET.fromstring(xml_bytes)
    recs = []
    for m in root.iter('meetingRecord'):
        r = meeting_head(m)
        r['speechRecord'] = []
        for s in m.findall('speechRecord'):
            f = speech_fields(s)
            f['createTime'] = s.findtext('createTime')
            f['updateTime'] = s.findtext('updateTime')
            f['speechURL'] = s.findtext('speechURL')
            r['speechRecord'].append(f)
        r['meetingURL'] = m.findtext('meetingURL')
        r['pdfURL'] = m.findtext('pdfURL') or None
        recs.append(r)
    resp = {'numberOfRecords': 1, 'numberOfReturn': 1, 'startRecord': 1, 'meetingRecord': recs}
    open(os.path.join(OUT, out), 'w', encoding='utf-8').write(json.dumps(resp, ensure_ascii=False))


def api_speech(xml_bytes, out):
    root = ET.fromstring(xml_bytes)
    recs = []
    for m in root.iter('meetingRecord'):
        for s in m.findall('speechRecord'):
            f = speech_fields(s)
            r = {'speechID': f.pop('speechID')}
            r.update(meeting_head(m))
            r.update(f)
            r['speechURL'] = s.findtext('speechURL')
            r['meetingURL'] = m.findtext('meetingURL')
            r['pdfURL'] = m.findtext('pdfURL') or None
            recs.append(r)
    resp = {'numberOfRecords': len(recs), 'numberOfReturn': len(recs), 'startRecord': 1, 'speechRecord': recs}
    open(os.path.join(OUT, out), 'w', encoding='utf-8').write(json.dumps(resp, ensure_ascii=False, indent=1))


p9 = xml_cut('212-plane.xml', 0, 'meeting-212-honkaigi.xml')
xml_cut('212-end.xml', 1, 'meeting-212-monka.xml')
s1 = xml_cut('1-end.xml', 1, 'meeting-1-roudou.xml')
flow_cut('212-plane.json', 0, 'flowweb-212-honkaigi.json')
flow_cut('212-end.json', 1, 'flowweb-212-monka.json')
flow_cut('1-end.json', 1, 'flowweb-1-roudou.json')
api_speech(p9, 'api-speech-212-honkaigi.json')
api_meeting(s1, 'api-meeting-1-roudou.json')
