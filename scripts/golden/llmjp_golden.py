# Runs the llm-jp-corpus reference filters (fetched, local only) on the
# testdata texts and writes testdata/filters/llmjp_golden.jsonl.gz.
import sys, json, gzip, hashlib, zlib, glob, os, importlib.util, copy

sys.path.insert(0, '/tmp/llmjp/hj')
sys.path.insert(0, '/tmp/llmjp/ref/scripts')
import filters as F  # v1-final, 9815fc5, with the test keyword lists in dict/
from hojichar.filters.document_filters import DiscardAds, NgWordsFilterJa
spec = importlib.util.spec_from_file_location('f101', '/tmp/llmjp/ref101/scripts/filters.py')
F101 = importlib.util.module_from_spec(spec); spec.loader.exec_module(F101)

ROOT = '/work/h-llmjp/testdata/'
DICT = '/tmp/llmjp/ref/scripts/dict/'

ads = DiscardAds(max_allowed_num=10)
ng = {k: NgWordsFilterJa(DICT + f'ja_{k}_keywords.txt', ignore_confused=True) for k in ('adult', 'discrimination', 'violence')}

def chain(strict):
    n = 2 if strict else 3
    return [
        ('domain', F.has_valid_domain()),
        ('empty', F.is_not_empty()),
        ('not_japanese', F.is_japanese()),
        ('ads', F.is_not_ad_content()),
        ('ng_adult', F.is_not_adult_content(n)),
        ('ng_discrimination', F.is_not_discrimination_content(n)),
        ('ng_violence', F.is_not_violence_content(n)),
        ('rare_kuten', F.has_good_average_sentence_length(80 if strict else 250)),
        ('compression_ratio', F.has_good_compression_ratio(0.375 if strict else 0.30, 0.70)),
    ]

CHAINS = {'llm-jp': chain(False), 'llm-jp-strict': chain(True)}
CHAIN101 = [('domain', F101.has_valid_domain), ('empty', F101.is_not_empty), ('nsfw', F101.is_ethical)]
extract = F.extract_japanese_text()

def decide(fns, ex, extract_fn, empty_fn, strict=None):
    for name, fn in fns:
        try:
            ok = fn(copy.deepcopy(ex))
        except AssertionError:
            return name + '!crash'
        if not ok:
            if name == 'compression_ratio':
                b = ex['text'].encode()
                r = len(zlib.compress(b, level=9)) / len(b)
                lo = 0.375 if strict else 0.30
                name += '_min' if r < lo else '_max'
            return name
    out = extract_fn(copy.deepcopy(ex))
    if not empty_fn(out):
        return 'empty_after_extraction'
    return ''

URLS_OK = ['https://www.example.jp/a/b.html', 'http://blog.example.com/entry/1', 'https://News.Example.NET:8080/x?y#z',
           'http://user:pw@shop.example.org/', 'https://example.tokyo/', 'http://example.xyz', 'HTTP://EXAMPLE.INFO/',
           'https://example.biz/p', 'http://x.example.me', 'https://a.b.site/', 'http://c.tv/', 'https://d.cc/#', 'http://e.work?q']
URLS_BAD = ['https://ja.wikipedia.org/wiki/X', 'http://example.de/', 'https://example.cn/', 'http://192.168.0.1/',
            'https://example.jp./', 'https://example.co.uk/', 'http://example.jpn/']

def url_for(i):
    return URLS_BAD[(i // 8) % len(URLS_BAD)] if i % 8 == 7 else URLS_OK[i % len(URLS_OK)]

def record(text, url, file=None, id=None, cut=None, note=None):
    ex = {'text': text, 'meta': {'url': url}}
    b = text.encode()
    out = extract(copy.deepcopy(ex))['text']
    r = {
        'nonblank': sum(1 for c in text if not c.isspace()),
        'head_kana': len(F.AcceptJapanese().hiragana_katakana_pat.findall(text[:50])) if hasattr(F, 'AcceptJapanese') else None,
        'ads': len(ads.keyword_pat.findall(text)),
        'adult': len(ng['adult'].keyword_pat.findall(text)),
        'discrimination': len(ng['discrimination'].keyword_pat.findall(text)),
        'violence': len(ng['violence'].keyword_pat.findall(text)),
        'kuten': text.count('。'), 'len': len(text),
        'zlib': len(zlib.compress(b, level=9)) if b else 0, 'bytes': len(b),
        'nsfw': sum(text.count(w) for w in F101.nsfw_words),
        'out_len': len(out), 'out_sha1': hashlib.sha1(out.encode()).hexdigest()[:16],
    }
    try:
        r['domain'] = int(F.has_valid_domain()(copy.deepcopy(ex)))
    except AssertionError:
        r['domain'] = None
    v = {name: decide(fns, ex, extract, F.is_not_empty(), strict=(name == 'llm-jp-strict')) for name, fns in CHAINS.items()}
    v['llm-jp-v1-0-1'] = decide(CHAIN101, ex, F101.extract_japanese_text, F101.is_not_empty)
    rec = {}
    if file is not None:
        rec['file'], rec['id'] = file, id
        if cut is not None:
            rec['cut'] = cut
    else:
        rec['text'] = text
    if note:
        rec['note'] = note
    rec['url'] = url
    rec['r'] = r
    rec['v'] = v
    return rec

from hojichar.filters.document_filters import AcceptJapanese
F.AcceptJapanese = AcceptJapanese

recs = []
i = 0
def add_file(rel, docs):
    global i
    for id, text in docs:
        recs.append(record(text, url_for(i), file=rel, id=id))
        i += 1

def jsonl(rel):
    op = gzip.open if rel.endswith('.gz') else open
    with op(ROOT + rel, 'rt', encoding='utf-8') as f:
        return [(d['id'], d['text']) for d in map(json.loads, f)]

add_file('sample/fixture_docs.jsonl', jsonl('sample/fixture_docs.jsonl'))
add_file('sample/diet_speeches.jsonl.gz', jsonl('sample/diet_speeches.jsonl.gz'))
add_file('dedup/lines/egov_pages.jsonl.gz', jsonl('dedup/lines/egov_pages.jsonl.gz'))
for p in sorted(glob.glob(ROOT + 'sample/aozora/*.txt')):
    with open(p, 'rb') as f:
        text = f.read().decode('utf-8')
    rel = p[len(ROOT):]
    recs.append(record(text, url_for(i), file=rel, id=''))
    i += 1

# boundaries on real text: prefixes (cut: code points) at which a rule's
# comparison is exactly at its threshold, and one code point further
diet = jsonl('sample/diet_speeches.jsonl.gz')
laws = jsonl('dedup/lines/egov_pages.jsonl.gz')
def find_cut(docs, rel, pred, want, note, limit=2):
    found = 0
    for id, text in docs:
        for n in range(1, len(text) + 1):
            t = text[:n]
            if pred(t):
                recs.append(record(t, URLS_OK[0], file=rel, id=id, cut=n, note=note))
                if n < len(text):
                    recs.append(record(text[:n + 1], URLS_OK[0], file=rel, id=id, cut=n + 1, note=note + ' +1'))
                found += 1
                break
        if found >= limit:
            return
    print('not enough for', note, file=sys.stderr)

def zr(t):
    b = t.encode()
    return len(zlib.compress(b, level=9)) / len(b)
find_cut(diet, 'sample/diet_speeches.jsonl.gz', lambda t: len(t) >= 20 and zr(t) == 0.70, None, 'zlib ratio exactly 0.70', 3)
find_cut(laws, 'dedup/lines/egov_pages.jsonl.gz', lambda t: len(t) >= 300 and zr(t) == 0.30, None, 'zlib ratio exactly 0.30', 2)
find_cut(laws, 'dedup/lines/egov_pages.jsonl.gz', lambda t: len(t) >= 300 and zr(t) == 0.375, None, 'zlib ratio exactly 0.375', 2)
find_cut(diet, 'sample/diet_speeches.jsonl.gz', lambda t: len(t) == 250 and t.count('。') == 1, None, 'kuten: 250 code points, one 。', 2)
find_cut(diet, 'sample/diet_speeches.jsonl.gz', lambda t: len(t) == 500 and t.count('。') == 2, None, 'kuten: 500 code points, two 。', 2)
find_cut(diet, 'sample/diet_speeches.jsonl.gz', lambda t: len(t) == 160 and t.count('。') == 2, None, 'kuten strict: 160 code points, two 。', 2)
find_cut(laws, 'dedup/lines/egov_pages.jsonl.gz', lambda t: len(t) == 250 and t.count('。') == 1, None, 'kuten: 250 code points, one 。 (law page)', 1)

# synthetic edge cases (our text; sentences from the samples)
S = '本日の会議はこれで散会いたします。次回は明日午前十時から開会いたします。'
cases = [
    ('', 'empty text'), (' \t\n\u3000\u00a0\u2028\x1c\x1d\x1e\x1f\x85', 'only Python whitespace (U+001C-1F too)'),
    ('\u200b', 'ZWSP is not space'),
    ('a' * 49 + 'あ' + S, 'kana at code point 50'), ('a' * 50 + 'あ' + S, 'kana at code point 51'),
    ('漢字' * 25 + S, 'kanji-only head of 50'), ('ゔゕゖヴヵヶー・' * 6 + S, 'kana outside [ぁ-んァ-ン]'),
    ('ｱｲｳｴｵ' * 10 + S, 'half-width kana head'), ('ヷ' + S, 'ヷ U+30F7'), ('ン' + '漢' * 60, 'ン U+30F3 only kana'),
    ('〜' * 49 + 'ぁ' + S, 'ぁ U+3041 at 50'),
    (S + '■' * 10, 'ads: 10 ■'), (S + '■' * 11, 'ads: 11 ■'), (S + '①②③④⑤⑥' * 2, 'ads: 12 circled numbers'),
    (S + 'お問い合わせください' * 11, 'ads: 11 phrases'), (S + '送料送料無料' * 5, 'ads: 送料 x10'),
    (S + '営業時間' * 5 + '勤務地' * 6, 'ads: 11 mixed'),
    (S + 'テロ。' * 3, 'ng: テロ x3'), (S + 'テロ。' * 4, 'ng: テロ x4'), (S + 'テロリスト。' * 4, 'ng: テロリスト x4 (テロ fails lookahead)'),
    (S + 'テロリストたち。' * 4, 'ng'), (S + '反テロ。アンチテロ。テロー。ーテロ。', 'ng: katakana neighbours'),
    (S + 'テロ行為' * 4, 'ng: mixed-script word, no boundary'), (S + 'アンチテロ行為' * 4, 'ng: mixed-script inside katakana'),
    (S + '殺害' * 4, 'ng: 殺 before 殺害'), (S + '暴力団' * 4, 'ng: 暴力団 before 暴力'), (S + '暴力' * 4, 'ng: 暴力'),
    (S + 'イエロー' * 5 + 'エロ' * 3, 'ng adult: エロ inside イエロー'), (S + 'ｴﾛ' * 5 + 'エロ、' * 4, 'ng adult: half-width'),
    (S + 'シナリオ' * 5 + '支那' * 3 + 'シナ' + '。', 'ng discrimination'), (S + 'シナ。' * 3, 'ng: シナ x3 strict'),
    (S + '死' * 4, 'ng: 死 x4'), (S + '乞食' * 3, 'ng x3'), (S + 'ピストル' * 4, 'ng: adjacent katakana words'),
    (S + 'ゲリラ、ゲリラ、ゲリラ、ゲリラ', 'ng: ゲリラ x4'),
    (S + 'ああああ' + 'xxx', 'nsfw: ああ in ああああ, xx in xxx'), (S + 'ああ', 'nsfw'), (S + '死と殺', 'nsfw: 2'), (S + '死と殺と殺', 'nsfw: 3'),
    ('あ' * 249 + '。', 'kuten: 250, one 。'), ('あ' * 250 + '。', 'kuten: 251, one 。'), ('あ' * 79 + '。', 'kuten: 80 strict'),
    ('あ' * 80 + '。', 'kuten: 81 strict'), ('あ' * 499 + '｡', 'kuten: half-width ｡ does not count'), ('あ。\n' * 100, 'kuten: newlines count'),
    ('LbdJA66Ufy4Pr6ffQEIo0DL60OL7kQl6y6ohAhqYKf3laCruuR', 'zlib docstring 1.16'), ('a' * 200, 'zlib 0.06'),
    ('This is a usual sentence. This sentence should pass this judgment.', 'zlib 0.92'),
    ('吾輩は猫である。名前はまだ無い。どこで生れたかとんと見当がつかぬ。', 'zlib 0.909'),
    ('abc\nあいう\nhttps://x.jp/あ い\n漢字', 'extract: doc example'),
    (S + '\n詳細はhttps://example.com/ページです。\n', 'extract: URL eats Japanese'),
    (S + '\n参照（http://example.jp/a_(b)）、と。\n', 'extract: URL with ASCII parens'),
    (S + '\nhttp://\nhttps:// です\nhttpです\nhttps://例え.jp/パス、です', 'extract: empty URLs'),
    (S + '\nカナ' + 'a' * 99 + '\nカナ' + 'b' * 100 + 'カナ\n', 'extract: ASCII runs 99 and 100'),
    (S + '\nカナ' + 'x' * 60 + 'http://e.jp/' + 'y' * 60 + '\n', 'extract: URL removal joins ASCII runs'),
    (S + '\r\nー\n・\n゛\nｰ\nｱ\nㇰ\n㋐\n㌀\n漢字だけ\nASCII only\n', 'extract: line classes'),
    ('漢字\nEnglish\n', 'extract: nothing kept'), ('ー', 'extract: only ー'), ('ゟ\n', 'extract: ゟ'),
    ('\u3099\u309a\n', 'extract: combining marks (Inherited script)'),
    (S + '\nhttp://a.jp/\u3099x\u200dy\u24b6z', 'extract: URL marks, ZWJ, Ⓐ'),
]
for text, note in cases:
    recs.append(record(text, URLS_OK[len(recs) % len(URLS_OK)], note=note))
for u in URLS_OK + URLS_BAD + ['http://[::1]:80/', 'ftp://example.jp/', 'example.jp', '//example.jp/x', 'https://EXAMPLE.JP',
                               'https://ja.wikipedia.org/', 'http://ja.wikipedia.org/wiki/X', 'https://jp', 'https://a.JP:99999/',
                               ' http://example.jp', 'http://ex\tample.jp/', 'https://user@host.com@example.cn/',
                               'https://example.jp%25zone/', 'mailto:a@example.jp', 'https://xn--eckwd4c7c.xn--zckzah/']:
    recs.append(record(S, u, note='domain'))

with gzip.open(ROOT + 'filters/llmjp_golden.jsonl.gz', 'wt', encoding='utf-8', compresslevel=9) as f:
    for r in recs:
        f.write(json.dumps(r, ensure_ascii=False, separators=(',', ':')) + '\n')
import collections
for name in ('llm-jp', 'llm-jp-strict', 'llm-jp-v1-0-1'):
    print(name, collections.Counter(r['v'][name] for r in recs).most_common())
print(len(recs), os.path.getsize(ROOT + 'filters/llmjp_golden.jsonl.gz'))
