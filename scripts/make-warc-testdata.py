#!/usr/bin/env python3
"""Builds the WARC/WET test files of testdata/web from ../shared/corpus/web.

Real records: e-Gov law pages only (not subject to copyright, 著作権法第13条),
copied byte for byte (one gzip member each) from ja_real_payloads.warc.gz.
Synthetic records (ours): warcinfo, request, metadata, revisit, redirect, 404,
image, JSON, a chunked + gzip-encoded copy of an e-Gov page, an e-Gov page
without Content-Type, two e-Gov pages re-encoded in EUC-JP (one declaring it,
one still declaring Shift_JIS), and the bad records of bad.warc.gz.
Run from the project root: python3 scripts/make-warc-testdata.py
"""
import gzip, hashlib, base64, html, re, sys, zlib, uuid

SRC = '../shared/corpus/web/ja_real_payloads.warc.gz'
OUT = 'testdata/web/'
PICK = {1, 5, 12, 114, 117}  # records.tsv n (response records, 1-based)


def members(path):
    data = open(path, 'rb').read()
    off = 0
    while off < len(data):
        d = zlib.decompressobj(31)
        raw = d.decompress(data[off:])
        end = len(data) - len(d.unused_data)
        yield off, data[off:end], raw
        off = end


def rid(s):
    return '<urn:uuid:%s>' % uuid.uuid5(uuid.NAMESPACE_URL, 'jacorpus-test:' + s)


def sha1(b):
    return 'sha1:' + base64.b32encode(hashlib.sha1(b).digest()).decode()


def record(typ, name, block, uri=None, ctype=None, date='2024-01-01T00:00:00Z', extra=(), length=None):
    h = ['WARC/1.0', 'WARC-Type: ' + typ, 'WARC-Record-ID: ' + rid(name), 'WARC-Date: ' + date]
    if uri:
        h.append('WARC-Target-URI: ' + uri)
    h += list(extra)
    h.append('WARC-Block-Digest: ' + sha1(block))
    if ctype:
        h.append('Content-Type: ' + ctype)
    h.append('Content-Length: %d' % (len(block) if length is None else length))
    return ('\r\n'.join(h) + '\r\n\r\n').encode() + block + b'\r\n\r\n'


def gz(b):
    return gzip.compress(b, 9, mtime=0)


def http(status, headers, body):
    return ('HTTP/1.1 %s\r\n' % status + ''.join('%s: %s\r\n' % kv for kv in headers) + '\r\n').encode() + body


def chunked(b, n=1000):
    out = b''
    for i in range(0, len(b), n):
        out += b'%x\r\n' % len(b[i:i + n]) + b[i:i + n] + b'\r\n'
    return out + b'0\r\n\r\n'


def text_of(page):
    s = page.decode('shift_jis', 'replace')
    s = re.sub(r'(?is)<(style|script)\b.*?</\1>', '', s)
    s = re.sub(r'(?i)<br\s*/?>|</(p|div|tr)>', '\n', s)
    s = html.unescape(re.sub(r'<[^>]+>', '', s))
    lines = [l.strip() for l in s.splitlines()]
    return '\n'.join(l for l in lines if l).encode()


real = []  # (member bytes, header dict, payload)
n = 0
for off, mem, raw in members(SRC):
    if b'WARC-Type: response' not in raw[:200]:
        continue
    n += 1
    if n in PICK:
        head, _, block = raw.partition(b'\r\n\r\n')
        hdr = dict(l.split(': ', 1) for l in head.decode().split('\r\n')[1:])
        payload = block.partition(b'\r\n\r\n')[2][:-4]
        real.append((mem, hdr, payload))
    if n > max(PICK):
        break
assert len(real) == len(PICK), len(real)

# sample.warc.gz
out = [gz(record('warcinfo', 'info', b'software: jacorpus testdata\r\nformat: WARC File Format 1.0\r\n',
                 ctype='application/warc-fields'))]
u0 = real[0][1]['WARC-Target-URI']
out.append(gz(record('request', 'req0', b'GET /0024e76ed3765ea5.html HTTP/1.1\r\nHost: egov-laws-2013.invalid\r\n\r\n',
                     uri=u0, ctype='application/http; msgtype=request')))
out.append(real[0][0])
out.append(gz(record('metadata', 'meta0', b'fetchTimeMs: 12\r\n', uri=u0, ctype='application/warc-fields')))
out.append(real[1][0])
out.append(gz(record('response', 'redirect', http('301 Moved Permanently', [('Location', 'http://egov-laws-2013.invalid/new.html'), ('Content-Length', '0')], b''),
                     uri='http://egov-laws-2013.invalid/old.html', ctype='application/http; msgtype=response')))
out.append(gz(record('response', 'notfound', http('404 Not Found', [('Content-Type', 'text/html')], b'<html><body>Not Found</body></html>'),
                     uri='http://egov-laws-2013.invalid/missing.html', ctype='application/http; msgtype=response')))
png = bytes.fromhex('89504e470d0a1a0a0000000d4948445200000001000000010806000000') + bytes(range(64))
out.append(gz(record('response', 'image', http('200 OK', [('Content-Type', 'image/png')], png),
                     uri='http://egov-laws-2013.invalid/logo.png', ctype='application/http; msgtype=response')))
out.append(gz(record('response', 'json', http('200 OK', [('Content-Type', 'application/json')], b'{"law": "test"}'),
                     uri='http://egov-laws-2013.invalid/api.json', ctype='application/http; msgtype=response')))
out.append(real[2][0])
out.append(gz(record('revisit', 'revisit', http('200 OK', [('Content-Type', 'text/html; charset=shift_jis')], b''),
                     uri=u0, ctype='application/http; msgtype=response',
                     extra=['WARC-Profile: http://netpreserve.org/warc/1.0/revisit/identical-payload-digest'])))
p3 = real[3][2]
out.append(gz(record('response', 'chunked', http('200 OK', [('Content-Type', 'text/html; charset=shift_jis'), ('Content-Encoding', 'gzip'), ('Transfer-Encoding', 'chunked')], chunked(gz(p3))),
                     uri=real[3][1]['WARC-Target-URI'].replace('.html', '-chunked.html'), ctype='application/http; msgtype=response')))
out.append(real[3][0])
out.append(gz(record('response', 'notype', http('200 OK', [], real[4][2]),
                     uri=real[4][1]['WARC-Target-URI'].replace('.html', '-notype.html'), ctype='application/http; msgtype=response')))
out.append(real[4][0])
# two pages in EUC-JP (real text, re-encoded by us): one declaring EUC-JP in
# its header and <meta>, one still declaring Shift_JIS (a wrong charset)
def to_eucjp(page, declare):
    s = page.decode('cp932')
    s = re.sub(r'(?i)charset=shift_jis', 'charset=' + declare, s)
    return s.encode('euc_jp')
for idx, name, declare in ((1, 'eucjp', 'EUC-JP'), (2, 'wrongcharset', 'Shift_JIS')):
    body = to_eucjp(real[idx][2], declare)
    out.append(gz(record('response', name, http('200 OK', [('Content-Type', 'text/html; charset=' + declare)], body),
                         uri=real[idx][1]['WARC-Target-URI'].replace('.html', '-' + name + '.html'), ctype='application/http; msgtype=response')))
open(OUT + 'sample.warc.gz', 'wb').write(b''.join(out))

# sample.warc.wet.gz: the text of the five pages, as Common Crawl writes WET
wet = [gz(record('warcinfo', 'wetinfo', b'software: jacorpus testdata\r\ndescription: text of sample.warc.gz\r\n', ctype='application/warc-fields'))]
for mem, hdr, payload in real:
    wet.append(gz(record('conversion', 'wet' + hdr['WARC-Record-ID'], text_of(payload) + b'\n', uri=hdr['WARC-Target-URI'], date=hdr['WARC-Date'],
                         ctype='text/plain', extra=['WARC-Refers-To: ' + hdr['WARC-Record-ID']])))
    if len(wet) == 3:
        wet.append(gz(record('conversion', 'wetempty', b'', uri='http://egov-laws-2013.invalid/empty.html', ctype='text/plain')))
open(OUT + 'sample.warc.wet.gz', 'wb').write(b''.join(wet))

# bad.warc.gz: good, wrong Content-Length, good, binary labelled text/html,
# good, corrupt member, good, a member cut off by the end of the file
bad = [real[0][0]]
blk = http('200 OK', [('Content-Type', 'text/html; charset=shift_jis')], real[1][2])
bad.append(gz(record('response', 'badlen', blk, uri='http://egov-laws-2013.invalid/badlen.html',
                     ctype='application/http; msgtype=response', length=len(blk) + 100)))
bad.append(real[1][0])
bad.append(gz(record('response', 'binary', http('200 OK', [('Content-Type', 'text/html')], png),
                     uri='http://egov-laws-2013.invalid/binary.html', ctype='application/http; msgtype=response')))
bad.append(real[2][0])
corrupt = bytearray(real[3][0])
for i in range(200, 260):
    corrupt[i] ^= 0x55
bad.append(bytes(corrupt))
bad.append(real[4][0])
bad.append(real[3][0][:len(real[3][0]) // 2])
open(OUT + 'bad.warc.gz', 'wb').write(b''.join(bad))

for f in ['sample.warc.gz', 'sample.warc.wet.gz', 'bad.warc.gz']:
    print(f, len(open(OUT + f, 'rb').read()))
    off = 0
    data = open(OUT + f, 'rb').read()
    while off < len(data):
        d = zlib.decompressobj(31)
        try:
            raw = d.decompress(data[off:])
        except zlib.error as e:
            print('  %d corrupt' % off)
            break
        m = re.search(rb'WARC-Type: (\w+)', raw)
        u = re.search(rb'WARC-Target-URI: (\S+)', raw)
        print('  %d %s %s' % (off, m and m.group(1).decode(), u and u.group(1).decode()))
        if not d.eof:
            break
        off = len(data) - len(d.unused_data)
