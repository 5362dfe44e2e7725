#!/usr/bin/env python
"""Build the hfcls docs offline: nbdev's processing of `nbs/*.ipynb` into `_proc/`, then nbconvert HTML into `_docs/`.

The site that `nbdev_docs` publishes is rendered by Quarto, which cannot be installed on machines without
internet access. This builds the same pages without it: every notebook goes through nbdev's own processors
(`nbdev.processors.FilterDefaults`, what `nbdev_proc_nbs` runs: `show_doc` entries rendered, `#| hide` and
exported cells gone, frontmatter from the title cell), and is then converted with nbconvert. The `#|` directives
that Quarto interprets (`echo`, `output`, `include`) are applied here; pages get the sidebar of `nbs/sidebar.yml`,
`nbs/styles.css`, page names from nbdev (`02_models.ipynb` -> `models.html`) and relative links.

It installs nothing and writes only `_proc/` and `_docs/` (both git-ignored); notebooks are not executed, so pages
show their committed outputs. `--sidebar` (re)writes `nbs/sidebar.yml` from the notebooks instead.
Run it as `bash tools/build_docs.sh`.
"""
import argparse, html, json, os, re, shutil, subprocess, sys, time, traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECTIONS = (('Tutorials', lambda n: 'tutorial' in n.lower()), ('Tests', lambda n: re.search(r'(^|_)test_', n.lower())),
            ('Reference', lambda n: True))   # the first rule that matches places a notebook; index.ipynb comes first

# ---------------------------------------------------------------- notebooks and the sidebar
def config():
    from nbdev.config import get_config
    return get_config(path=ROOT)

def notebooks(nbs:Path) -> list:
    "The notebooks nbdev documents (its `nbglob`: no `_`/`.` names), relative to `nbs`, index first."
    from nbdev.doclinks import nbglob
    files = [Path(p).relative_to(nbs) for p in nbglob(nbs, file_glob='*.ipynb')]
    return sorted(files, key=lambda p: (p.name != 'index.ipynb', str(p)))

def sidebar_contents(nbs:Path) -> list:
    "Quarto sidebar contents for the notebooks: index, then one section per kind (tutorials, reference, tests)."
    files, out = notebooks(nbs), []
    groups = {name: [] for name, _ in SECTIONS}
    for f in files:
        if f.name == 'index.ipynb' and f.parent == Path('.'): out.append(str(f)); continue
        groups[next(name for name, rule in SECTIONS if rule(f.stem))].append(str(f))
    order = ('Tutorials', 'Reference', 'Tests')
    return out + [dict(section=s, contents=groups[s]) for s in order if groups[s]]

def write_sidebar(nbs:Path):
    import yaml
    text = ("# The docs sidebar (Quarto; settings.ini has custom_sidebar = True, so nbdev_docs keeps it).\n"
            "# Regenerate after adding, renaming or removing a notebook: bash tools/build_docs.sh --sidebar\n")
    text += yaml.dump({'website': {'sidebar': {'contents': sidebar_contents(nbs)}}}, sort_keys=False, indent=2)
    (nbs/'sidebar.yml').write_text(text)
    print(f"wrote {nbs/'sidebar.yml'}")

def read_sidebar(nbs:Path) -> list:
    import yaml
    p = nbs/'sidebar.yml'
    if not p.exists(): return []
    return (yaml.safe_load(p.read_text()) or {}).get('website', {}).get('sidebar', {}).get('contents', []) or []

def sidebar_files(contents) -> list:
    "Every notebook path a sidebar lists, in order."
    out = []
    for e in contents:
        if isinstance(e, str): out.append(e)
        elif isinstance(e, dict) and 'contents' in e: out += sidebar_files(e['contents'])
        elif isinstance(e, dict) and 'href' in e: out.append(e['href'])
    return out

def sidebar_drift(nbs:Path) -> list:
    "How `nbs/sidebar.yml` differs from the notebooks (an empty list when in step)."
    listed, have = sidebar_files(read_sidebar(nbs)), [str(f) for f in notebooks(nbs)]
    if not (nbs/'sidebar.yml').exists(): return ['nbs/sidebar.yml is missing']
    out = [f'{f} is not in nbs/sidebar.yml' for f in have if f not in listed]
    out += [f'nbs/sidebar.yml lists {f}, which is not a notebook' for f in listed if f not in have]
    out += [f'nbs/sidebar.yml lists {f} twice' for f in sorted({f for f in listed if listed.count(f) > 1})]
    want = sidebar_contents(nbs)
    if not out and read_sidebar(nbs) != want: out.append('nbs/sidebar.yml does not group the notebooks as the generator does')
    return out

# ---------------------------------------------------------------- nbdev's processing, in worker processes
def _process_one(job):
    "Process one notebook with nbdev's doc processors (what `nbdev.serve_drv` does); return an error or None."
    src, dst = job
    os.chdir(ROOT)
    os.environ.update(IN_TEST='1', MPLBACKEND='Agg', OMP_NUM_THREADS=os.environ.get('OMP_NUM_THREADS', '1'))
    try:
        import warnings
        warnings.simplefilter('ignore')
        from execnb.nbio import read_nb, write_nb
        from nbdev.processors import FilterDefaults
        nb = read_nb(src)
        FilterDefaults()(nb)
        Path(dst).parent.mkdir(parents=True, exist_ok=True)
        write_nb(nb, dst)
        return None
    except BaseException as e:
        Path(dst).unlink(missing_ok=True)
        msg = ''.join(traceback.format_exception_only(type(e), e)).strip()
        cause = e.__cause__ or e.__context__
        if cause is not None: msg += '\n' + ''.join(traceback.format_exception_only(type(cause), cause)).strip()
        return msg

def process(nbs:Path, proc:Path, jobs:int, force:bool) -> dict:
    "Bring `_proc/` up to date as `nbdev_proc_nbs` does (same cache rule), without installing anything."
    from nbdev.serve import _proc_file
    import nbdev.serve
    from nbdev.doclinks import nbglob
    cfg = config()
    chk = max(cfg.config_file.stat().st_mtime, Path(nbdev.serve.__file__).stat().st_mtime)
    if proc.exists() and (force or proc.stat().st_mtime < chk): shutil.rmtree(proc)
    proc.mkdir(parents=True, exist_ok=True)
    mtime = proc.stat().st_mtime
    files = list(nbglob(nbs, func=Path, file_glob='', file_re=''))
    for extra in ('_quarto.yml', '_brand.yml'):
        if (nbs/extra).exists(): files.append(nbs/extra)
    todo = [j for j in (_proc_file(Path(f), cache=proc, path=nbs, mtime=mtime) for f in files) if j]
    jobs_ = sorted(((str(s), str(d)) for s, d, _ in todo), key=lambda j: -Path(j[0]).stat().st_size)
    chunks = [jobs_[i::max(1, jobs)] for i in range(max(1, jobs))]
    procs = [subprocess.Popen([sys.executable, __file__, '--process-worker', *[x for j in ch for x in j]],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=ROOT)
             for ch in chunks if ch]
    errors = {}
    for p, ch in zip(procs, [c for c in chunks if c]):
        out, _ = p.communicate()
        try: res = json.loads(out.strip().splitlines()[-1])
        except Exception: res = {s: f'the processing worker exited with status {p.returncode}' for s, _ in ch}
        for s, err in res.items():
            if err: errors[Path(s).relative_to(nbs)] = err
    os.utime(proc)
    return dict(processed=len(jobs_), errors=errors)

# ---------------------------------------------------------------- notebook -> page
_DIRECTIVE = re.compile(r'^\s*#\|\s*([\w-]+)\s*:?\s*(.*?)\s*$')

def split_directives(source:str):
    "Quarto/nbdev `#| key: value` lines at the top of a cell, and the rest of the source."
    lines, dirs = source.split('\n'), {}
    i = 0
    while i < len(lines) and (m := _DIRECTIVE.match(lines[i])):
        dirs[m[1].lower()] = m[2].strip().strip('"\'').lower() or 'true'
        i += 1
    return dirs, '\n'.join(lines[i:])

_QUARTO_LINK = re.compile(r'\[([^\]]*)\]\(([^)\s]+)\)\{([^}]*)\}')
_MD_LINK = re.compile(r'\[(`?[^\]`]*`?)\]\([^)\s]+\)')
_FENCE = re.compile(r'^(```[^\n]*\n)(.*?)(^```)', re.MULTILINE | re.DOTALL)

def fix_markdown(md:str) -> str:
    "Quarto-only markdown as plain markdown: `[source](url){...}` links, links inside code blocks (shown as names)."
    md = _QUARTO_LINK.sub(lambda m: f'<a href="{html.escape(m[2])}" class="od-source-link" target="_blank">{m[1]}</a>', md)
    return _FENCE.sub(lambda m: m[1] + _MD_LINK.sub(lambda l: l[1].strip('`'), m[2]) + m[3], md)

def _md_text(v): return ''.join(v) if isinstance(v, list) else v

# static rendering of ipywidgets from the notebook's saved widget state (no JavaScript, no CDN)
def render_widget(model_id:str, state:dict, depth:int=0) -> str:
    w = state.get(model_id)
    if w is None or depth > 20: return ''
    name, s = w.get('model_name', ''), w.get('state', {})
    kids = lambda: ''.join(render_widget(c.removeprefix('IPY_MODEL_'), state, depth + 1) for c in s.get('children', []))
    label = lambda: f'<span class="od-w-label">{html.escape(str(s.get("description", "")))}</span> ' if s.get('description') else ''
    if name in ('VBoxModel', 'BoxModel', 'GridBoxModel', 'AccordionModel', 'TabModel'):
        return f'<div class="od-w od-w-vbox" style="display:flex;flex-direction:column;gap:.3rem">{kids()}</div>'
    if name == 'HBoxModel':
        return f'<div class="od-w od-w-hbox" style="display:flex;flex-wrap:wrap;gap:1.5rem">{kids()}</div>'
    if name in ('HTMLModel', 'HTMLMathModel'): return f'<div class="od-w od-w-html">{s.get("value", "")}</div>'
    if name == 'LabelModel': return f'<div class="od-w">{html.escape(str(s.get("value", "")))}</div>'
    if name in ('DropdownModel', 'SelectModel', 'RadioButtonsModel', 'ToggleButtonsModel'):
        opts = s.get('_options_labels', []); idx = s.get('index')
        o = ''.join(f'<option{" selected" if i == idx else ""}>{html.escape(str(t))}</option>' for i, t in enumerate(opts))
        return f'<div class="od-w">{label()}<select disabled>{o}</select></div>'
    if name == 'CheckboxModel':
        return f'<div class="od-w">{label()}<input type="checkbox" disabled{" checked" if s.get("value") else ""}></div>'
    if name.endswith('SliderModel') or name.endswith('TextModel') or name.endswith('TextareaModel'):
        v = s.get('value')
        if name == 'FloatLogSliderModel' and isinstance(v, (int, float)): v = f'{v:.3g}'
        return f'<div class="od-w">{label()}<code>{html.escape(str(v))}</code></div>'
    if name == 'OutputModel':
        return ''.join(render_output_html(o) for o in s.get('outputs', []))
    return f'<div class="od-w od-widget-note">{html.escape(name.removesuffix("Model"))} widget</div>'

def render_output_html(o:dict) -> str:
    d = o.get('data', {})
    if 'image/png' in d: return f'<img src="data:image/png;base64,{_md_text(d["image/png"]).strip()}" alt="figure">'
    if 'text/html' in d: return _md_text(d['text/html'])
    if o.get('output_type') == 'stream': return f'<pre>{html.escape(_md_text(o.get("text", "")))}</pre>'
    if 'text/plain' in d: return f'<pre>{html.escape(_md_text(d["text/plain"]))}</pre>'
    return ''

WIDGET_MIME = 'application/vnd.jupyter.widget-view+json'
WIDGET_NOTE = ('<div class="od-widget-note">Interactive widget: its state was not saved with the notebook. '
               'Run the notebook in Jupyter to use it.</div>')

def prepare(nb):
    "Apply Quarto's cell directives and the offline substitutions to a processed notebook; return its frontmatter."
    import yaml, nbformat
    fm = {}
    if nb.cells and nb.cells[0].cell_type == 'raw':
        m = re.match(r'^---\s*\n(.*?)\n---\s*$', nb.cells[0].source.strip(), re.DOTALL)
        if m: fm = yaml.safe_load(m[1]) or {}; nb.cells = nb.cells[1:]
    wstate = nb.metadata.get('widgets', {}).get('application/vnd.jupyter.widget-state+json', {}).get('state', {})
    nb.metadata.pop('widgets', None)
    cells = []
    for c in nb.cells:
        src = c.get('source', '')
        if c.cell_type == 'markdown':
            if src.strip().startswith('<!-- WARNING: THIS FILE WAS AUTOGENERATED'): continue
            c.source = fix_markdown(src); cells.append(c); continue
        if c.cell_type != 'code': continue
        dirs, body = split_directives(src)
        if dirs.get('include') == 'false': continue
        tags = set(c.metadata.get('tags', []))
        if dirs.get('echo') == 'false' or not body.strip(): tags.add('remove_input')
        outs = [] if dirs.get('output') == 'false' else c.get('outputs', [])
        new = []
        for o in outs:
            d = o.get('data', {})
            if WIDGET_MIME in d:
                mid = d[WIDGET_MIME].get('model_id')
                htm = render_widget(mid, wstate) if mid in wstate else WIDGET_NOTE
                new.append(nbformat.v4.new_output('display_data', data={'text/html': f'<div class="od-widget">{htm}</div>'}))
                continue
            if 'text/markdown' in d:
                d['text/markdown'] = fix_markdown(_md_text(d['text/markdown']))
                if 'has_sd' in c or src.lstrip('#| :a-z\n').startswith('show_doc'): tags.add('od-showdoc')
            if o.get('output_type') == 'stream' and dirs.get('output') == 'asis':
                o = nbformat.v4.new_output('display_data', data={'text/markdown': _md_text(o.get('text', ''))})
            new.append(o)
        if 'remove_input' in tags and not new: continue
        c.source, c.outputs, c.metadata['tags'] = body, new, sorted(tags)
        c.pop('has_sd', None)
        cells.append(c)
    nb.cells = cells
    return fm

def raw_title(path:Path):
    "Title and description of an unprocessed notebook (its `# Title` and `> summary`), for pages that failed."
    import json
    try: cells = json.loads(path.read_text(encoding='utf-8'))['cells']
    except Exception: return path.stem, {}
    for c in cells:
        src = _md_text(c.get('source', ''))
        if c.get('cell_type') == 'markdown' and (m := re.match(r'^#\s+(.+)$', src.strip(), re.MULTILINE)):
            d = re.search(r'^>\s*(.+)$', src, re.MULTILINE)
            return m[1].strip(), ({'description': d[1].strip()} if d else {})
    return path.stem, {}

def pandoc_id(text:str) -> str:
    "The identifier pandoc (so Quarto) gives a heading, which nbdev's doc links point at."
    s = ''.join(ch for ch in text.strip() if ch.isalnum() or ch in '_-. \n')
    s = re.sub(r'\s', '-', s).lower()
    s = re.sub(r'^[^a-z]+', '', s)
    return s or 'section'

def md_inline(text:str) -> str:
    from nbconvert.filters.markdown_mistune import markdown2html_mistune
    out = markdown2html_mistune(str(text)).strip()
    return re.sub(r'^<p>(.*)</p>$', r'\1', out, flags=re.DOTALL)

class Site:
    def __init__(self, nbs:Path, proc:Path, out:Path):
        self.cfg, self.nbs, self.proc, self.out = config(), nbs, proc, out
        from nbdev.doclinks import _nbpath2html
        self.files = notebooks(nbs)
        self.page = {str(f): str(_nbpath2html(f)) for f in self.files}        # '02_models.ipynb' -> 'models.html'
        self.page_by_name = {f.name: self.page[str(f)] for f in self.files}
        self.site_url = f"{self.cfg.doc_host}{self.cfg.doc_baseurl}".rstrip('/') + '/'
        self.titles, self.fm = {}, {}
        contents = read_sidebar(nbs)
        listed = set(sidebar_files(contents))
        missing = [str(f) for f in self.files if str(f) not in listed]
        self.sidebar = [e for e in contents] + ([dict(section='Not in sidebar.yml', contents=missing)] if missing else [])

    def exporter(self):
        from nbconvert import HTMLExporter
        from traitlets.config import Config
        c = Config()
        c.TagRemovePreprocessor.enabled = True
        c.TagRemovePreprocessor.remove_input_tags = {'remove_input'}
        c.HTMLExporter.exclude_input_prompt = True
        c.HTMLExporter.exclude_output_prompt = True
        c.HTMLExporter.anchor_link_text = '#'
        return HTMLExporter(config=c, template_name='basic')

    def load(self, f:Path):
        import nbformat
        nb = nbformat.read(self.proc/f, as_version=4)
        fm = prepare(nb)
        self.fm[str(f)] = fm
        self.titles[str(f)] = str(fm.get('title') or f.stem)
        return nb, fm

    def rel(self, target_page:str, from_page:str) -> str:
        return os.path.relpath(target_page, os.path.dirname(from_page) or '.').replace(os.sep, '/')

    def sidebar_html(self, current:str) -> str:
        def items(entries):
            out = []
            for e in entries:
                if isinstance(e, str) or (isinstance(e, dict) and 'href' in e and 'contents' not in e):
                    f = e if isinstance(e, str) else e['href']
                    if f.endswith('.ipynb') and f not in self.page: continue   # not a notebook (any more): a build warning
                    page = self.page.get(f, re.sub(r'\.ipynb$', '.html', f))
                    text = e.get('text') if isinstance(e, dict) and e.get('text') else self.titles.get(f, Path(f).stem)
                    act = ' class="active" aria-current="page"' if page == current else ''
                    out.append(f'<li><a href="{self.rel(page, current)}"{act}>{md_inline(text)}</a></li>')
                elif isinstance(e, dict) and 'contents' in e:
                    out.append(f'</ul><div class="od-section">{html.escape(str(e.get("section", "")))}</div><ul>{items(e["contents"])}')
            return ''.join(out)
        return f'<nav class="od-sidebar" aria-label="pages"><ul>{items(self.sidebar)}</ul></nav>'.replace('<ul></ul>', '')

    def postprocess(self, body:str, page:str, f:Path):
        "Pandoc heading ids, relative internal links, copied local images; return (body, toc entries)."
        from bs4 import BeautifulSoup
        soup = BeautifulSoup(body, 'html.parser')
        renamed, seen, toc = {}, set(), []
        for h in soup.find_all(['h1', 'h2', 'h3', 'h4', 'h5', 'h6']):
            for a in h.find_all('a', class_='anchor-link'): a.extract()
            new = base = pandoc_id(h.get_text())
            k = 1
            while new in seen: new = f'{base}-{k}'; k += 1
            seen.add(new)
            if h.get('id'): renamed[h['id']] = new
            h['id'] = new
            a = soup.new_tag('a', href=f'#{new}', **{'class': 'anchor-link'}); a.string = '#'
            h.append(a)
            if h.name in ('h2', 'h3'): toc.append((h.name, new, h.get_text().rstrip('#').strip()))
        for a in soup.find_all('a', href=True):
            href = a['href']
            if href.startswith(self.site_url):
                href = href[len(self.site_url):] or 'index.html'
                a['href'] = self.rel(href, page)
            elif href.startswith('#'):
                a['href'] = '#' + renamed.get(href[1:], href[1:])
            elif not re.match(r'^[a-z][a-z0-9+.-]*:', href, re.I):   # relative: a notebook or a page
                path, _, frag = href.partition('#')
                if path.endswith('.ipynb'):
                    target = (f.parent/path).as_posix()
                    target = os.path.normpath(target).replace(os.sep, '/')
                    html_page = self.page.get(target) or self.page_by_name.get(Path(path).name)
                    if html_page: a['href'] = self.rel(html_page, page) + (f'#{frag}' if frag else '')
            if a.get('target') == '_blank' and a['href'].startswith('http'): a['rel'] = 'noopener'
        for img in soup.find_all('img', src=True):
            src = img['src']
            if src.startswith('data:') or re.match(r'^[a-z][a-z0-9+.-]*:', src, re.I): continue
            s = (self.nbs/f.parent/src.split('#')[0]).resolve()
            if s.is_file() and self.nbs.resolve() in s.parents:
                d = self.out/os.path.relpath(s, self.nbs.resolve())
                d.parent.mkdir(parents=True, exist_ok=True); shutil.copy2(s, d)
                img['src'] = self.rel(os.path.relpath(s, self.nbs.resolve()).replace(os.sep, '/'), page)
        for div in soup.select('div.cell'):
            if 'celltag_od-showdoc' in (div.get('class') or []): div['class'] = div['class'] + ['od-showdoc']
        return str(soup), toc

    def page_html(self, f:Path, body:str, toc:list, error:str|None=None) -> str:
        page, fm = self.page[str(f)], self.fm.get(str(f), {})
        title, desc = self.titles.get(str(f), f.stem), fm.get('description', '')
        lib_title, lib_desc = self.cfg.title, self.cfg.description
        toc_html = ''.join(f'<li class="od-toc-{t}"><a href="#{i}">{html.escape(x)}</a></li>' for t, i, x in toc)
        css = lambda n: self.rel(n, page)
        err_html = ('<pre class="od-build-error">This page could not be built: nbdev&#39;s processing failed, as nbdev_docs would.\n'
                    + html.escape(error) + '</pre>') if error else ''
        desc_html = f'<div class="description">{md_inline(desc)}</div>' if desc else ''
        toc_block = f'<h2>On this page</h2><ul>{toc_html}</ul>' if toc else ''
        return f'''<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)} – {html.escape(lib_title)}</title>
<meta name="description" content="{html.escape(str(desc))}">
<link rel="stylesheet" href="{css('pygments.css')}">
<link rel="stylesheet" href="{css('styles.css')}">
</head>
<body class="od-page">
<header class="od-navbar"><a class="od-brand" href="{css('index.html')}">{html.escape(lib_title)}</a>
<span class="od-tagline">{html.escape(lib_desc)}</span>
<span class="od-offline-note">offline build</span>
<a class="od-repo" href="{html.escape(self.cfg.git_url)}">GitHub</a></header>
<div class="od-layout">
{self.sidebar_html(page)}
<main class="od-content" id="quarto-document-content">
<header class="od-title-block" id="title-block-header"><h1 class="title">{md_inline(title)}</h1>
{desc_html}</header>
{err_html}
{body}
</main>
<nav class="od-toc" aria-label="on this page">{toc_block}</nav>
</div>
</body>
</html>
'''

    def build(self, errors:dict) -> dict:
        from pygments.formatters import HtmlFormatter
        if self.out.exists(): shutil.rmtree(self.out)
        self.out.mkdir(parents=True)
        shutil.copy2(self.nbs/'styles.css', self.out/'styles.css')
        (self.out/'pygments.css').write_text(HtmlFormatter(style='default').get_style_defs('.highlight'))
        loaded = {}
        for f in self.files:
            if str(f) in {str(e) for e in errors} or not (self.proc/f).exists(): continue
            loaded[str(f)] = self.load(f)
        for f in self.files:
            if str(f) not in loaded: self.titles[str(f)], self.fm[str(f)] = raw_title(self.nbs/f)
        ex, built = self.exporter(), []
        for f in self.files:
            page = self.page[str(f)]
            (self.out/page).parent.mkdir(parents=True, exist_ok=True)
            if str(f) in loaded:
                body, _ = ex.from_notebook_node(loaded[str(f)][0])
                body, toc = self.postprocess(body, page, f)
                (self.out/page).write_text(self.page_html(f, body, toc))
            else:
                err = next((v for k, v in errors.items() if str(k) == str(f)), 'no processed notebook')
                self.titles[str(f)], self.fm[str(f)] = raw_title(self.nbs/f)
                (self.out/page).write_text(self.page_html(f, '', [], error=err))
            built.append(page)
        (self.out/'.nojekyll').write_text('')
        return dict(pages=built)

def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--out', default='_docs', help='output folder (default _docs)')
    ap.add_argument('--jobs', type=int, default=int(os.environ.get('HFCLS_DOCS_JOBS', min(4, os.cpu_count() or 1))),
                    help='processes for nbdev processing')
    ap.add_argument('--force', action='store_true', help='reprocess every notebook (ignore the _proc cache)')
    ap.add_argument('--sidebar', action='store_true', help='write nbs/sidebar.yml from the notebooks and exit')
    ap.add_argument('--process-worker', nargs='*', help=argparse.SUPPRESS)   # internal: SRC DST pairs
    a = ap.parse_args()
    if a.process_worker is not None:
        pairs = list(zip(a.process_worker[::2], a.process_worker[1::2]))
        print(json.dumps({s: _process_one((s, d)) for s, d in pairs}))
        return 0
    nbs = ROOT/'nbs'
    if a.sidebar: write_sidebar(nbs); return 0
    t0 = time.time()
    res = process(nbs, ROOT/'_proc', a.jobs, a.force)
    t1 = time.time()
    site = Site(nbs, ROOT/'_proc', ROOT/a.out)
    out = site.build(res['errors'])
    t2 = time.time()
    print(f"docs: processed {res['processed']} changed notebook(s) with nbdev in {t1 - t0:.1f} s, "
          f"wrote {len(out['pages'])} pages to {a.out}/ in {t2 - t1:.1f} s")
    drift = sidebar_drift(nbs)
    for d in drift: print(f"docs: warning: {d} (run: bash tools/build_docs.sh --sidebar)")
    for f, err in res['errors'].items():
        print(f"docs: error: nbdev's processing of nbs/{f} failed (nbdev_docs would fail too):\n  " + err.replace('\n', '\n  '))
    if res['errors']: print(f"docs: {len(res['errors'])} page(s) could not be built"); return 1
    print(f"docs: open {a.out}/index.html")
    return 0

if __name__ == '__main__': sys.exit(main())
