#!/usr/bin/env python3
"""Regenerate testdata/ from ../shared/corpus (deterministic; run from the repo root).

The committed testdata/ is the output of this script; it is kept for provenance,
not run by make. Selection is by fixed strides, so reruns give identical files.
"""
import gzip, json, os, shutil, subprocess, sys

SRC = os.path.join("..", "shared", "corpus")
DST = "testdata"

def read_jsonl_gz(path):
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            yield json.loads(line)

def dump(docs):
    return "".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs)

def main():
    os.makedirs(f"{DST}/sample/aozora", exist_ok=True)
    os.makedirs(f"{DST}/raw", exist_ok=True)
    # 1. the fixture as is (laws, speeches, literature, real near-dup pairs)
    shutil.copy(f"{SRC}/fixture/docs.jsonl", f"{DST}/sample/fixture_docs.jsonl")
    for name in sorted(os.listdir(f"{SRC}/fixture/raw")):
        shutil.copy(f"{SRC}/fixture/raw/{name}", f"{DST}/raw/{name}")
    # 2. Diet speeches: every 60th speech, gzip
    speeches = [d for i, d in enumerate(read_jsonl_gz(f"{SRC}/gov/diet_speeches.jsonl.gz")) if i % 60 == 0]
    with open(f"{DST}/sample/diet_speeches.jsonl.gz", "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as f:
            f.write(dump(speeches).encode())
    # 3. e-Gov laws: every 50th law, zstd
    laws = [d for i, d in enumerate(read_jsonl_gz(f"{SRC}/gov/egov_laws_2013.part1.jsonl.gz")) if i % 50 == 0]
    for d in laws:
        d.pop("sha512_title", None)
        d.pop("source_path", None)
    subprocess.run(["zstd", "-q", "-19", "-f", "-o", f"{DST}/sample/egov_laws.jsonl.zst"],
                   input=dump(laws).encode(), check=True)
    # 4. Aozora: every 200th work as a plain UTF-8 text file (one document per file)
    for i, d in enumerate(read_jsonl_gz(f"{SRC}/literature/aozora_pd.part1.jsonl.gz")):
        if i % 200 == 0:
            with open(f"{DST}/sample/aozora/{d['id']}.txt", "w", encoding="utf-8") as f:
                f.write(d["text"])
    print(f"speeches={len(speeches)} laws={len(laws)}", file=sys.stderr)

if __name__ == "__main__":
    main()
