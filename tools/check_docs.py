#!/usr/bin/env python
"""Check the offline docs: build them (tools/build_docs.sh), then check every page's links and open every page in
headless Chromium.

- build: `tools/build_docs.py` exits 0 (every notebook went through nbdev's processing), `nbs/sidebar.yml` lists
  exactly the notebooks, and the tracked tree is the same after the build as before it;
- links: every `<a href>`, `<img src>`, `<link href>` and `<script src>` of every page that points inside the site
  resolves to a file of `_docs/` (and, with a `#fragment`, to an element with that id); every page's sidebar
  links every page;
- browser: each page loads in Chromium (DevTools protocol over a pipe, no network, no downloads) with its title,
  sidebar and `styles.css` applied, no failed resource and no script error; every image decodes; the home page,
  the scheduler page (it must show a rendered plot) and every page whose name contains `tutorial` are required.
One screenshot per page goes to `_docs_check/` (git-ignored), plus `scheduler-plot.png`, the first plot of the
scheduler page. Prints a summary; exits 1 on any failure, 2 when Chromium cannot be found or started.
"""
import argparse, base64, html.parser, json, os, re, select, shutil, subprocess, sys, tempfile, time
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
BROWSERS = ('chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable')
REQUIRED = ('index.html', 'scheduler.html')

def find_browser(explicit=None):
    for b in ([explicit] if explicit else []) + [os.environ.get('HFCLS_CHROMIUM', '')] + list(BROWSERS):
        if b and (p := shutil.which(b)): return p
    return None

def git_state() -> dict:
    "Tracked paths that differ from HEAD, with a hash of their content (and untracked files outside ignored paths)."
    import hashlib
    r = subprocess.run(['git', 'status', '--porcelain', '--untracked-files=all', '-z'], cwd=ROOT, capture_output=True, text=True)
    out = {}
    for e in filter(None, r.stdout.split('\0')):
        path = e[3:]
        f = ROOT/path
        out[path] = e[:2] + (hashlib.sha1(f.read_bytes()).hexdigest() if f.is_file() else '')
    return out

def tree_changes(before:dict, after:dict) -> list:
    return sorted(p for p in set(before) | set(after) if before.get(p) != after.get(p))

# ---------------------------------------------------------------- static link check
class _Links(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(); self.refs, self.ids, self.sidebar, self._side = [], set(), [], 0
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get('id'): self.ids.add(a['id'])
        if tag == 'a' and a.get('name'): self.ids.add(a['name'])
        if tag == 'nav' and 'od-sidebar' in (a.get('class') or ''): self._side = 1
        elif tag == 'nav' and self._side: self._side += 1
        for k in {'a': ('href',), 'img': ('src',), 'link': ('href',), 'script': ('src',), 'source': ('src',)}.get(tag, ()):
            if a.get(k) is not None:
                self.refs.append((tag, a[k]))
                if tag == 'a' and self._side: self.sidebar.append(a[k])
    def handle_endtag(self, tag):
        if tag == 'nav' and self._side: self._side -= 1

def parse(path:Path) -> _Links:
    p = _Links(); p.feed(path.read_text(encoding='utf-8')); return p

def check_links(docs:Path):
    "Return (pages, internal refs checked, external refs seen, failures, warnings: links to a missing #fragment)."
    pages = sorted(p for p in docs.rglob('*.html'))
    parsed = {p: parse(p) for p in pages}
    fails, warns, n_int, n_ext = [], [], 0, 0
    all_pages = {p.relative_to(docs).as_posix() for p in pages}
    for p, info in parsed.items():
        rel = p.relative_to(docs).as_posix()
        for tag, ref in info.refs:
            u = urlsplit(ref)
            if u.scheme in ('http', 'https', 'mailto'): n_ext += 1; continue
            if u.scheme == 'data': continue
            if u.scheme: fails.append(f'{rel}: <{tag}> {ref[:80]}: unexpected scheme'); continue
            n_int += 1
            target = (p.parent/unquote(u.path)).resolve() if u.path else p.resolve()
            if docs.resolve() not in target.parents and target != docs.resolve():
                fails.append(f'{rel}: <{tag}> {ref}: points outside _docs'); continue
            if target.is_dir(): target = target/'index.html'
            if not target.is_file(): fails.append(f'{rel}: <{tag}> {ref}: no such file'); continue
            if u.fragment and target.suffix == '.html':
                ids = parsed[target].ids if target in parsed else parse(target).ids
                if unquote(u.fragment) not in ids: warns.append(f'{rel}: <{tag}> {ref}: no element with id "{u.fragment}"')
        side = {(p.parent/unquote(urlsplit(h).path)).resolve().relative_to(docs.resolve()).as_posix() for h in info.sidebar
                if not urlsplit(h).scheme}
        if missing := sorted(all_pages - side): fails.append(f'{rel}: the sidebar does not link {", ".join(missing)}')
    return pages, n_int, n_ext, fails, warns

# ---------------------------------------------------------------- Chromium over the DevTools pipe
class Browser:
    "Headless Chromium driven through `--remote-debugging-pipe` (fd 3 in, fd 4 out): no sockets, no extra packages."
    def __init__(self, exe, timeout=30):
        self.profile = tempfile.mkdtemp(prefix='hfcls-docs-chromium-')
        r_in, w_in = os.pipe(); r_out, w_out = os.pipe()   # we write w_in (browser reads fd 3); browser writes fd 4
        def child():   # fd 3 = what we write, fd 4 = what we read; dup first so that no dup2 is a no-op
            a, b = os.dup(r_in), os.dup(w_out)
            os.dup2(a, 3); os.dup2(b, 4)
            os.set_inheritable(3, True); os.set_inheritable(4, True)
        args = [exe, '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
                '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-extensions',
                '--disable-dev-shm-usage', '--hide-scrollbars', '--mute-audio', '--remote-debugging-pipe',
                f'--user-data-dir={self.profile}', 'about:blank']
        # dup2'd fds are inheritable; every other fd Python opened is close-on-exec (PEP 446), so close_fds is not needed
        self.proc = subprocess.Popen(args, close_fds=False, preexec_fn=child, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, start_new_session=True)
        os.close(r_in); os.close(w_out)
        self.w, self.r, self.buf, self.id, self.events, self.timeout = w_in, r_out, b'', 0, [], timeout

    def _read_msg(self, deadline):
        while b'\0' not in self.buf:
            left = deadline - time.time()
            if left <= 0: raise TimeoutError('Chromium did not answer')
            ready, _, _ = select.select([self.r], [], [], left)
            if not ready: continue
            chunk = os.read(self.r, 1 << 20)
            if not chunk: raise RuntimeError('Chromium closed the DevTools pipe')
            self.buf += chunk
        msg, self.buf = self.buf.split(b'\0', 1)
        return json.loads(msg)

    def send(self, method, params=None, session=None, timeout=None):
        self.id += 1
        m = dict(id=self.id, method=method, params=params or {})
        if session: m['sessionId'] = session
        os.write(self.w, json.dumps(m).encode() + b'\0')
        deadline = time.time() + (timeout or self.timeout)
        while True:
            msg = self._read_msg(deadline)
            if msg.get('id') == self.id:
                if 'error' in msg: raise RuntimeError(f"{method}: {msg['error'].get('message')}")
                return msg.get('result', {})
            self.events.append(msg)

    def wait_event(self, method, session, timeout=None):
        deadline = time.time() + (timeout or self.timeout)
        while True:
            for i, e in enumerate(self.events):
                if e.get('method') == method and e.get('sessionId') == session: return self.events.pop(i)
            self.events.append(self._read_msg(deadline))

    def close(self):
        try: self.send('Browser.close', timeout=5)
        except Exception: pass
        try: self.proc.wait(5)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, 9); self.proc.wait(5)
        for fd in (self.w, self.r):
            try: os.close(fd)
            except OSError: pass
        shutil.rmtree(self.profile, ignore_errors=True)

PAGE_JS = r"""(() => {
  const side = document.querySelector('nav.od-sidebar');
  const imgs = [...document.images];
  const main = document.querySelector('main');
  return JSON.stringify({
    title: document.title, h1: (document.querySelector('h1.title') || {}).textContent || '',
    sidebar_links: side ? side.querySelectorAll('a').length : 0,
    styled: side ? getComputedStyle(side).position === 'sticky' : false,
    code_blocks: document.querySelectorAll('.highlight pre').length,
    images: imgs.length, plots: imgs.filter(i => i.naturalWidth >= 200 && i.naturalHeight >= 100).length,
    broken_images: imgs.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => (i.getAttribute('alt') || i.src).slice(0, 60)),
    text_len: main ? main.innerText.length : 0,
    height: document.documentElement.scrollHeight,
  });
})()"""

def browse(exe, docs:Path, pages, shots:Path, width=1400, height=1000):
    "Open every page; return (results per page, failures)."
    b, results, fails = Browser(exe), {}, []
    try:
        b.send('Browser.getVersion')
        tid = b.send('Target.createTarget', {'url': 'about:blank'})['targetId']
        s = b.send('Target.attachToTarget', {'targetId': tid, 'flatten': True})['sessionId']
        for m in ('Page.enable', 'Runtime.enable', 'Log.enable', 'Network.enable'): b.send(m, session=s)
        b.send('Emulation.setDeviceMetricsOverride', dict(width=width, height=height, deviceScaleFactor=1, mobile=False), session=s)
        for p in pages:
            rel = p.relative_to(docs).as_posix()
            b.events.clear()
            t0 = time.time()
            nav = b.send('Page.navigate', {'url': p.resolve().as_uri()}, session=s)
            if nav.get('errorText'): fails.append(f'{rel}: did not load: {nav["errorText"]}'); continue
            try: b.wait_event('Page.loadEventFired', s, timeout=30)
            except TimeoutError: fails.append(f'{rel}: no load event within 30 s'); continue
            info = json.loads(b.send('Runtime.evaluate', {'expression': PAGE_JS, 'returnByValue': True}, session=s)['result']['value'])
            info['load_s'] = round(time.time() - t0, 2)
            errs = [e['params']['entry']['text'] for e in b.events if e.get('method') == 'Log.entryAdded'
                    and e['params']['entry'].get('level') == 'error']
            errs += [e['params']['exceptionDetails'].get('text', 'script error') for e in b.events if e.get('method') == 'Runtime.exceptionThrown']
            errs += [f"failed to load {e['params'].get('errorText')}" for e in b.events if e.get('method') == 'Network.loadingFailed']
            info['errors'] = errs
            results[rel] = info
            png = b.send('Page.captureScreenshot', {'format': 'png'}, session=s)['data']
            (shots/(rel.replace('/', '__').removesuffix('.html') + '.png')).write_bytes(base64.b64decode(png))
            if rel == 'scheduler.html' and info['plots']:
                box = json.loads(b.send('Runtime.evaluate', {'returnByValue': True, 'expression':
                    "JSON.stringify((() => { scrollTo(0, 0); const i = [...document.images].find(i => i.naturalWidth >= 200);"
                    " const r = i.getBoundingClientRect(); return {x: r.left, y: r.top, w: r.width, h: r.height}; })())"},
                    session=s)['result']['value'])
                clip = dict(x=max(box['x'] - 20, 0), y=max(box['y'] - 60, 0), width=min(box['w'] + 40, width), height=box['h'] + 80, scale=1)
                png = b.send('Page.captureScreenshot', {'format': 'png', 'clip': clip, 'captureBeyondViewport': True}, session=s)['data']
                (shots/'scheduler-plot.png').write_bytes(base64.b64decode(png))
    finally:
        b.close()
    return results, fails

def group_by_page(msgs:list, pages:list) -> list:
    "One line per problem: the same problem on several pages is printed once, with the pages."
    from collections import defaultdict
    by = defaultdict(list)
    for m in msgs:
        page, sep, rest = m.partition(': ')
        if sep and page in pages: by[rest].append(page)
        else: by[m].append(None)
    out = []
    for rest, ps in by.items():
        ps = [p for p in ps if p]
        n = f' ({len(ps)}x)' if len(ps) > 1 else ''
        if not ps: out.append(rest)
        elif len(set(ps)) == 1: out.append(f'{ps[0]}: {rest}{n}')
        else: out.append(f'{rest} (on {len(set(ps))} pages: {", ".join(sorted(set(ps))[:4])}{", ..." if len(set(ps)) > 4 else ""})')
    return out

def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--browser', help='Chromium executable (default: chromium, chromium-browser or google-chrome on PATH)')
    ap.add_argument('--no-build', action='store_true', help='check the existing _docs/ without building')
    ap.add_argument('--out', default='_docs_check', help='folder for the screenshots (default _docs_check, git-ignored)')
    a = ap.parse_args()
    docs, shots, fails, t0 = ROOT/'_docs', ROOT/a.out, [], time.time()
    exe = find_browser(a.browser)
    if not exe: print('docs check: no Chromium found (apt-get install -y chromium)'); return 2
    if not a.no_build:
        before = git_state()
        r = subprocess.run(['bash', str(ROOT/'tools'/'build_docs.sh')], cwd=ROOT, text=True, capture_output=True)
        print(r.stdout.rstrip())
        if r.returncode: fails.append(f'the build failed (exit {r.returncode})'); print(r.stderr[-3000:].rstrip())
        fails += [f'build: {l.split("warning: ", 1)[1]}' for l in r.stdout.splitlines() if 'docs: warning:' in l]
        if changed := tree_changes(before, git_state()):   # (in a shared working tree, also what others saved meanwhile)
            fails.append(f'files changed during the build (git status): {", ".join(changed[:10])}')
    t_build = time.time() - t0
    if not (docs/'index.html').exists(): fails.append('no _docs/index.html'); pages = []
    else: pages = sorted(docs.rglob('*.html'))
    rels = [p.relative_to(docs).as_posix() for p in pages]
    for req in REQUIRED:
        if req not in rels: fails.append(f'{req} was not built')
    tutorials = [r for r in rels if 'tutorial' in r.lower()]
    pages, n_int, n_ext, link_fails, warns = check_links(docs) if pages else ([], 0, 0, [], [])
    fails += link_fails
    if shots.exists(): shutil.rmtree(shots)
    shots.mkdir(parents=True)
    t1 = time.time()
    try: results, bfails = browse(exe, docs, pages, shots) if pages else ({}, [])
    except Exception as e:
        print(f'docs check: Chromium failed: {type(e).__name__}: {e}'); return 2
    fails += bfails
    for rel, info in results.items():
        if not info['h1'].strip() or not info['title']: fails.append(f'{rel}: no title')
        if info['sidebar_links'] != len(pages): fails.append(f"{rel}: sidebar has {info['sidebar_links']} links for {len(pages)} pages")
        if not info['styled']: fails.append(f'{rel}: styles.css not applied')
        if info['broken_images']: fails.append(f"{rel}: images that do not render: {info['broken_images']}")
        if info['errors']: fails.append(f"{rel}: browser errors: {info['errors'][:3]}")
        if info['text_len'] < 80: fails.append(f"{rel}: almost no content ({info['text_len']} characters)")
    if 'scheduler.html' in results and results['scheduler.html']['plots'] < 1: fails.append('scheduler.html: no rendered plot')
    for r in REQUIRED + tuple(tutorials):
        if r in rels and r not in results: fails.append(f'{r}: not opened in the browser')
    t_browse = time.time() - t1
    n_shots = len(list(shots.glob('*.png')))
    print(f"docs check: {len(pages)} pages ({len(tutorials)} tutorial pages), {n_int} internal links/images checked "
          f"({n_ext} external links not followed), {len(results)} pages opened in {Path(exe).name}, "
          f"{n_shots} screenshots in {a.out}/; build {t_build:.1f} s, browser {t_browse:.1f} s")
    for rel, i in results.items():
        print(f"  {rel:28s} {i['h1'][:40]:40s} {i['code_blocks']:3d} code blocks, {i['images']:2d} images "
              f"({i['plots']} plots), {i['load_s']:.2f} s")
    if warns:
        print(f'docs check: {len(warns)} links to an anchor that does not exist (the page opens at its top):')
        for w in group_by_page(warns, rels): print(f'  - {w}')
    if fails:
        print(f'docs check FAILED ({len(fails)} problems):')
        for f in group_by_page(fails, rels): print('  - ' + f)
        return 1
    print('docs check passed')
    return 0

if __name__ == '__main__': sys.exit(main())
