#!/usr/bin/env bash
# Run every benchmark in order (`make bench` does this after installing what they need).
# Results (stdout) are printed and also saved in bench/results/YYYYMMDD-HHMMSS.txt;
# progress messages go to stderr only. SKIP_POSTGRES=1 leaves PostgreSQL out.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
mkdir -p bench/results
OUT="bench/results/$(date +%Y%m%d-%H%M%S).txt"
exec > >(tee "$OUT")

failed=()
run() {
  echo
  echo "\$ $*"
  "$@" || failed+=("$*")
}

if [ "${SKIP_POSTGRES:-0}" = 1 ]; then
  run "$PY" bench/import_territories.py --skip-postgres
else
  run "$PY" bench/import_territories.py
fi
run "$PY" bench/search_latency.py
if [ "${SKIP_POSTGRES:-0}" != 1 ]; then
  # The same on PostgreSQL: a throwaway cluster, full data imported into it first.
  run "$PY" scripts/with_postgres.py -- \
    sh -c 'exec .venv/bin/python bench/search_latency.py --database-url "$DATABASE_URL"'
fi
run "$PY" bench/queries_per_page.py
run "$PY" bench/throughput.py
run "$PY" bench/page_weight.py
run "$PY" bench/import_commitments.py
run "$PY" bench/campaign_map.py
run "$PY" bench/pdf_documents.py
run "$PY" bench/frameworks_editor.py
run "$PY" bench/followup_board.py
run "$PY" bench/followup_digest.py
run "$PY" bench/coconstruction.py

echo
if [ ${#failed[@]} -gt 0 ]; then
  printf 'FAILED: %s\n' "${failed[@]}"
  echo "Results so far: $OUT"
  exit 1
fi
echo "All benchmarks ran. Results: $OUT"
