#!/usr/bin/env bash
# Build the docs site offline into _docs/ (no Quarto needed, nothing installed, only _proc/ and _docs/ written):
# nbdev's doc processing of nbs/*.ipynb, then nbconvert HTML with the sidebar of nbs/sidebar.yml and nbs/styles.css.
#   bash tools/build_docs.sh             build (reprocesses only notebooks changed since the last build)
#   bash tools/build_docs.sh --force     reprocess every notebook
#   bash tools/build_docs.sh --sidebar   rewrite nbs/sidebar.yml from the notebooks
# Then open _docs/index.html (xdg-open _docs/index.html, or python -m http.server -d _docs 8000).
# The published site is built by Quarto (nbdev_docs) in .github/workflows/deploy.yaml.
cd "$(dirname "$0")/.." || exit 2
PY=python3
if [ -z "${VIRTUAL_ENV:-}" ] && [ -x .venv/bin/python ]; then PY=.venv/bin/python; fi
exec "$PY" tools/build_docs.py "$@"
