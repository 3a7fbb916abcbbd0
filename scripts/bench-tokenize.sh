#!/usr/bin/env bash
# Side-by-side tokenizer speed on real text (make bench-tokenize): MeCab
# (`mecab -Owakati`, ipadic), `jacorpus tokenize --wakati` and
# `jacorpus tokenize --count` on the same text, one sentence per line
# (scripts/benchtext: Diet speeches, laws, Aozora works from ../shared/corpus,
# BENCH_MB megabytes, default 30), each pinned to one core. Prints MB/s per
# CPU second (user+sys: fair on a shared machine) and wall MB/s, and the
# ratio to MeCab. Installs MeCab (Debian mecab, mecab-ipadic-utf8) when
# missing. Targets (issue 9): count >= 2.0x MeCab, wakati >= 1.0x MeCab.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${CORPUS:-../shared/corpus}
mb=${BENCH_MB:-30}
bin=${BIN:-bin/jacorpus}

if ! command -v mecab >/dev/null 2>&1 || ! echo テスト | mecab -Owakati >/dev/null 2>&1; then
  echo "bench-tokenize: installing MeCab (mecab, mecab-ipadic-utf8)"
  sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q mecab mecab-ipadic-utf8 >/dev/null
fi
if [ ! -d "$corpus" ]; then
  echo "bench-tokenize: $corpus is absent (set CORPUS)" >&2; exit 1
fi
text=${TMPDIR:-/tmp}/jacorpus-bench-tokenize-${mb}mb.txt
if [ ! -s "$text" ]; then
  go run ./scripts/benchtext -corpus "$corpus" -mb "$mb" > "$text.tmp" && mv "$text.tmp" "$text"
fi
bytes=$(stat -c %s "$text")
lines=$(wc -l < "$text")
echo "text: $text, $bytes bytes, $lines lines (one sentence per line)"

core=${BENCH_CORE:-0}
# measure NAME CMD...: runs CMD < text > /dev/null on one core; sets cpu and wall seconds
measure() {
  local name=$1; shift
  local t0 t1 c0 c1
  t0=$(date +%s.%N)
  # user+sys of the child from bash's times after it ends
  c0=$(awk '{print $14+$15+$16+$17}' /proc/$$/stat)
  GOMAXPROCS=1 taskset -c "$core" "$@" < "$text" > /dev/null
  c1=$(awk '{print $14+$15+$16+$17}' /proc/$$/stat)
  t1=$(date +%s.%N)
  local hz; hz=$(getconf CLK_TCK)
  cpu=$(awk -v a="$c0" -v b="$c1" -v hz="$hz" 'BEGIN{printf "%.3f", (b-a)/hz}')
  wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.3f", b-a}')
  printf '%-34s %7.2f MB/cpu-s %7.2f MB/s wall  (%s cpu-s, %s s)\n' "$name" \
    "$(awk -v b="$bytes" -v s="$cpu" 'BEGIN{print b/1e6/s}')" "$(awk -v b="$bytes" -v s="$wall" 'BEGIN{print b/1e6/s}')" "$cpu" "$wall"
}

CGO_ENABLED=0 go build -trimpath -o "$bin" ./cmd/jacorpus
measure "mecab -Owakati" mecab -Owakati;                 mecab=$cpu
measure "jacorpus tokenize --wakati" "$bin" tokenize --wakati; wakati=$cpu
measure "jacorpus tokenize --count" "$bin" tokenize --count;   count=$cpu
echo
awk -v m="$mecab" -v w="$wakati" -v c="$count" 'BEGIN{
  printf "wakati: %.2fx MeCab (target >= 1.0x)\n", m/w
  printf "count:  %.2fx MeCab (target >= 2.0x)\n", m/c }'
