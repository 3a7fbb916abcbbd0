# Hand-check harness: runs datatrove v0.4.0's own filter code (from the
# fetched mirror) on words dumped by Go (kagome), printing each filter's result
# and the scores it compares. Not part of the project.
import sys, types, json, importlib.util
sys.path.insert(0, "/tmp/fw2k/stubs")
D = "/tmp/fw2k/dt/src/datatrove/"
def stub(name, **attrs):
    m = types.ModuleType(name); m.__dict__.update(attrs); sys.modules[name] = m; return m
for p in ["datatrove", "datatrove.pipeline", "datatrove.pipeline.filters", "datatrove.pipeline.writers", "datatrove.utils"]:
    stub(p).__path__ = []
class BaseFilter:
    def __init__(self, exclusion_writer=None): pass
stub("datatrove.pipeline.filters.base_filter", BaseFilter=BaseFilter)
stub("datatrove.pipeline.writers.disk_base", DiskWriter=object)
class Document:
    def __init__(self, text): self.text = text
stub("datatrove.data", Document=Document)
def load(name, path):
    spec = importlib.util.spec_from_file_location(name, D + path)
    m = importlib.util.module_from_spec(spec); sys.modules[name] = m; spec.loader.exec_module(m); return m
load("datatrove.utils.typeshelper", "utils/typeshelper.py")
text = load("datatrove.utils.text", "utils/text.py")
rep = load("datatrove.pipeline.filters.gopher_repetition_filter", "pipeline/filters/gopher_repetition_filter.py")
fwq = load("datatrove.pipeline.filters.fineweb_quality_filter", "pipeline/filters/fineweb_quality_filter.py")
gq = load("datatrove.pipeline.filters.gopher_quality_filter", "pipeline/filters/gopher_quality_filter.py")
WORDS = {}
def split(t, language=None): return WORDS[t]
rep.split_into_words = fwq.split_into_words = gq.split_into_words = split
import yaml_free_cfg as cfg
F = [
 rep.GopherRepetitionFilter(language="jpn_Jpan", dup_para_frac=0, dup_line_char_frac=0, dup_para_char_frac=0,
   dup_line_frac=cfg.dup_line_frac, top_n_grams=cfg.top_n_grams, dup_n_grams=cfg.dup_n_grams),
 fwq.FineWebQualityFilter(language="jpn_Jpan", short_line_thr=999, char_duplicates_ratio=0.1,
   line_punct_thr=cfg.line_punct_thr, new_line_ratio=cfg.new_line_ratio),
 gq.GopherQualityFilter(language="jpn_Jpan", max_avg_word_length=cfg.max_avg_word_length, min_avg_word_length=cfg.min_avg_word_length,
   stop_words=cfg.stopwords, max_non_alpha_words_ratio=cfg.max_non_alpha_words_ratio, min_stop_words=2),
]
for line in sys.stdin:
    rec = json.loads(line)
    WORDS[rec["text"]] = rec["words"]
    out = "keep"
    for f in F:
        try:
            r = f.filter(Document(rec["text"]))
        except ZeroDivisionError:
            out = "ZeroDivisionError"; break
        if r is not True:
            out = r[1]; break
    # the scores, as the filters compute them
    t, w = rec["text"], rec["words"]
    s = {}
    lines = rep.re.split("\n+", t); s["dup_line_frac"] = rep.find_duplicates(lines)[0] / len(lines)
    for n in (2, 3, 4):
        g = rep.get_n_grams(w, n); s[f"top_{n}_gram"] = rep.find_top_duplicate(g) / len(t) if g else 0
    for n in range(5, 11):
        s[f"dup_{n}_gram"] = rep.find_all_duplicate(w, n) / len(t) if t else 0
    # FineWebQualityFilter's expressions (fineweb_quality_filter.py:34-53)
    fl = [l for l in t.split("\n") if l.strip() != ""]
    stop_chars = tuple(text.TERMINAL_PUNCTUATION)
    s["non_blank_lines"] = len(fl)
    s["line_punct_ratio"] = sum(1 for l in fl if l.endswith(stop_chars)) / len(fl) if fl else 0
    d = len(t.replace("\n", ""))
    s["char_dup_ratio"] = rep.find_duplicates(fl)[1] / d if d else 0
    s["list_ratio"] = t.count("\n") / len(w) if w else 0
    # GopherQualityFilter's expressions (gopher_quality_filter.py:72-122)
    ns = [x for x in w if any(ch not in text.PUNCTUATION_SET for ch in x)]
    s["words"] = len(w)
    s["non_symbol_words"] = len(ns)
    s["avg_word_length"] = (sum(len(x) for x in ns) / len(ns)) if ns else 0
    s["hash_ratio"] = t.count("#") / len(w) if w else 0
    s["ellipsis_ratio"] = (t.count("...") + t.count("…")) / len(w) if w else 0
    ls = t.splitlines()
    s["bullet_lines_ratio"] = sum(x.lstrip().startswith("•") or x.lstrip().startswith("-") for x in ls) / len(ls) if ls else 0
    s["end_ellipsis_lines_ratio"] = sum(x.rstrip().endswith("...") or x.rstrip().endswith("…") for x in ls) / len(ls) if ls else 0
    s["alpha_words_ratio"] = sum([any((c.isalpha() for c in x)) for x in w]) / len(w) if w else 0
    sw = set(cfg.stopwords)
    s["stop_words"] = sum(x in sw for x in w)
    s["distinct_stop_words"] = len(sw.intersection(set(w)))
    o = {"file": rec["file"], "id": rec["id"]}
    if rec["file"] == "synthetic":
        o["text"] = t
    o["reference"] = out
    o["scores"] = s
    print(json.dumps(o, ensure_ascii=False))
