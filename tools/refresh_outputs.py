#!/usr/bin/env python
"""Re-run notebooks whose committed outputs are part of the docs (the tutorials, the home page) and save them with fresh outputs.

usage: python tools/refresh_outputs.py NOTEBOOK [NOTEBOOK ...]      then: nbdev_clean

Each notebook runs top to bottom in a new kernel from `nbs/`, slow cells included, as `nbdev_test` runs it. tqdm's
notebook progress bars are widgets whose state a static page cannot show (they render as empty grey boxes), so their
outputs and their saved state are dropped; every other output, plots and interactive views included, is kept. A notebook that fails is
left as it was, and the script exits 1.
"""
import re, sys, time
from pathlib import Path
import nbformat
from nbclient import NotebookClient

WIDGET = 'application/vnd.jupyter.widget-view+json'

def is_progress_bar(out) -> bool:
    "A tqdm notebook bar: a widget whose text form is tqdm's line (`desc:  40%|████  | 4/10 …`) or an HBox holding a progress bar."
    data = out.get('data', {})
    text = str(data.get('text/plain', ''))
    return WIDGET in data and ('Progress(' in text or re.search(r'\d+%\|', text) is not None)

def prune_widget_state(nb):
    "Keep in the notebook's saved widget state only the models the remaining outputs show, and those they refer to."
    todo = [o['data'][WIDGET]['model_id'] for c in nb.cells if c.cell_type == 'code' for o in c.outputs if WIDGET in o.get('data', {})]
    key = 'application/vnd.jupyter.widget-state+json'
    state = nb.metadata.get('widgets', {}).get(key, {}).get('state', {})
    keep = set()
    while todo:
        m = todo.pop()
        if m in keep or m not in state: continue
        keep.add(m); todo += re.findall(r'IPY_MODEL_([0-9a-f]+)', str(state[m]))
    if keep: nb.metadata['widgets'][key]['state'] = {m: v for m, v in state.items() if m in keep}
    else: nb.metadata.pop('widgets', None)

def refresh(path:Path) -> bool:
    nb = nbformat.read(path, as_version=4)
    t0 = time.time()
    try: NotebookClient(nb, timeout=1200, kernel_name='python3', resources={'metadata': {'path': str(path.parent)}}).execute()
    except Exception as e:
        print(f"FAIL {path}: {type(e).__name__}: {str(e).strip().splitlines()[-1][:300] if str(e).strip() else ''}")
        return False
    dropped = 0
    for c in nb.cells:
        if c.cell_type != 'code': continue
        keep = [o for o in c.outputs if not is_progress_bar(o)]
        dropped += len(c.outputs) - len(keep); c.outputs = keep
    prune_widget_state(nb)
    nbformat.write(nb, path)
    print(f"ok   {path}: {time.time() - t0:.0f} s, {dropped} progress bar(s) dropped")
    return True

if __name__ == '__main__':
    if len(sys.argv) < 2: sys.exit(__doc__)
    results = [refresh(Path(p)) for p in sys.argv[1:]]
    sys.exit(0 if all(results) else 1)
