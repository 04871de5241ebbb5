#!/usr/bin/env bash
# PostgreSQL's regression SQL, as libpg_query ships it in test/sql/, for benchmarks/parser_compare.py.
#   git clone https://github.com/pganalyze/libpg_query /tmp/libpg_query
#   benchmarks/pg_regress_corpus.sh /tmp/libpg_query /tmp/pg_regress
# Files that are not valid UTF-8 are left out. Keep the corpus outside the repository.
set -eu
[ $# = 2 ] || { echo "usage: pg_regress_corpus.sh LIBPG_QUERY_CLONE OUT_DIR" >&2; exit 2; }
repo=$1; out=$2
git -C "$repo" rev-parse HEAD >/dev/null 2>&1 || { echo "$repo is not a git clone of libpg_query" >&2; exit 2; }
mkdir -p "$out"
git -C "$repo" ls-tree -r --name-only HEAD test/sql/postgres_regress test/sql/plpgsql_regress |
  grep '\.sql$' | while read -r f; do
    git -C "$repo" show "HEAD:$f" > "$out/.tmp.sql"
    if iconv -f utf-8 -t utf-8 "$out/.tmp.sql" >/dev/null 2>&1; then mv "$out/.tmp.sql" "$out/$(basename "$f")"; fi
  done
rm -f "$out/.tmp.sql"
echo "$(ls "$out" | wc -l) files in $out (libpg_query $(git -C "$repo" rev-parse --short HEAD))"
