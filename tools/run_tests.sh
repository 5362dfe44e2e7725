#!/usr/bin/env bash
# Run every notebook in nbs/ as a test, slow cells included, two at a time (this project's
# machines have 2 cores), each under a time limit. Prints one line per notebook, the log of
# each failure, and a closing line "N passed, M failed". Exit status 0 only when all passed.
cd "$(dirname "$0")/.." || exit 2
logs=${HFCLS_TEST_LOGS:-$(mktemp -d)}; mkdir -p "$logs"; start=$(date +%s)
export HFCLS_TEST_LOGS=$logs
# A notebook that fails is run once more (its integration tests start real processes, servers and ports on a
# shared 2-core machine). One that passes the second time counts as passed, but its line says so and the first
# try's log is kept as NAME.first.log (.ci/run prints its end), so a flaky test is seen and fixed, not hidden.
run_one() {
  nb=$1; name=$(basename "$nb" .ipynb); t0=$(date +%s); log="$HFCLS_TEST_LOGS/$name.log"
  if timeout 1500 nbdev_test --path "$nb" --flags slow > "$log" 2>&1; then echo "PASS $name $(( $(date +%s) - t0 ))s"; return; fi
  t1=$(date +%s); mv "$log" "$HFCLS_TEST_LOGS/$name.first.log"
  if timeout 1500 nbdev_test --path "$nb" --flags slow > "$log" 2>&1; then r=PASS; else r=FAIL; fi
  echo "$r $name $(( $(date +%s) - t1 ))s (second try; the first failed after $(( t1 - t0 ))s)"
}
export -f run_one
# the slowest notebooks first, so the two workers finish together
ls nbs/[0-9]*.ipynb nbs/tutorial_*.ipynb nbs/index.ipynb 2>/dev/null | sort -r | xargs -P "${HFCLS_TEST_JOBS:-2}" -I{} bash -c 'run_one {}' | tee "$logs/summary"
for name in $(awk '/second try/{print $2}' "$logs/summary"); do
  echo "=== $name, first try (last 60 lines) ==="; tail -n 60 "$logs/$name.first.log"
done
for name in $(awk '$1=="FAIL"{print $2}' "$logs/summary"); do
  echo "=== $name (last 60 lines) ==="; tail -n 60 "$logs/$name.log"
done
passed=$(grep -c '^PASS' "$logs/summary"); failed=$(grep -c '^FAIL' "$logs/summary")
echo "notebooks took $(( $(date +%s) - start ))s"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
