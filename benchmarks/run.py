"""hfcls benchmarks: every figure of the performance contract, as ratios against a baseline, in one command.

    python benchmarks/run.py            # full sizes (about 6 min on a 2-core machine); run it on an otherwise idle machine
    python benchmarks/run.py --smoke    # tiny sizes, to check that everything runs (the numbers mean nothing)

Each figure is the median of >= 3 alternated runs (baseline, hfcls, baseline, hfcls, ...), each run in a fresh Python
process. It prints a table and writes `benchmarks/results/benchmarks.json` and `benchmarks/results/benchmarks.png`.
The figures and their targets:

| figure | hfcls | baseline | target |
|---|---|---|---|
| epoch time | `train()` | a bare PyTorch loop doing identical work (`bench_train.py`) | <= 1.05x |
| evaluation images/s | exact validation | the bare loop's validation | time <= 1.05x |
| loader images/s | hfcls dataset + transforms | torchvision ImageFolder + PIL, timm create_loader (`bench_data.py`) | >= 1.2x both |
| start-up, 30,000 files | first run and restart | a 300-file folder | <= +2 s first, <= +1 s restart |
| index memory | bytes per image | - | <= 100 |
| `hfcls_train --help`, `import hfcls` | wall time | `import torch` | <= 0.3x (help) |
| peak RSS | training process | the bare loop's | <= 1.3x |
"""
import argparse, json, statistics, subprocess, sys, time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import bench_data, bench_train


def startup_times(runs:int=5) -> dict:
    "Wall seconds of `import torch`, `import hfcls` and `hfcls_train --help` in fresh processes, alternated, medians."
    bin_dir = Path(sys.executable).parent
    cmds = {'import torch': [sys.executable, '-c', 'import torch'], 'import hfcls': [sys.executable, '-c', 'import hfcls'],
            'hfcls_train --help': [str(bin_dir/'hfcls_train'), '--help']}
    times = {k: [] for k in cmds}
    for _ in range(runs):
        for k, c in cmds.items():
            t0 = time.perf_counter(); subprocess.run(c, capture_output=True, check=True); times[k].append(time.perf_counter() - t0)
    med = {k: statistics.median(v) for k, v in times.items()}
    return dict(**med, help_ratio=med['hfcls_train --help'] / med['import torch'], import_ratio=med['import hfcls'] / med['import torch'])


def table(res:dict) -> list:
    "Rows: (figure, hfcls, baseline, ratio text, target, met)."
    t, l, s, i, h = res['train'], res['loader'], res['startup'], res['index'], res['help']
    rows = [
        ('epoch time (s)', t['hfcls']['epoch_s'], t['bare']['epoch_s'], t['epoch_ratio'], '<= 1.05x', t['epoch_ratio'] <= 1.05),
        ('evaluation (images/s)', t['hfcls']['eval_images_per_s'], t['bare']['eval_images_per_s'], t['eval_ratio'], '<= 1.05x time', t['eval_ratio'] <= 1.05),
        ('loader vs torchvision+PIL (images/s)', l['hfcls_images_per_s'], l['torchvision_images_per_s'], l['hfcls_vs_torchvision'], '>= 1.2x', l['hfcls_vs_torchvision'] >= 1.2),
        ('loader vs timm create_loader (images/s)', l['hfcls_images_per_s'], l['timm_images_per_s'], l['hfcls_vs_timm'], '>= 1.2x', l['hfcls_vs_timm'] >= 1.2),
        ('start-up, first run: 30k vs 300 files (s)', s['first_big'], s['first_small'], s['first_extra_s'], '<= +2 s', s['first_extra_s'] <= 2),
        ('start-up, restart: 30k vs 300 files (s)', s['restart_big'], s['restart_small'], s['restart_extra_s'], '<= +1 s', s['restart_extra_s'] <= 1),
        ('index memory (bytes/image)', i['bytes_per_image'], None, i['bytes_per_image'], '<= 100', i['bytes_per_image'] <= 100),
        ('hfcls_train --help vs import torch (s)', h['hfcls_train --help'], h['import torch'], h['help_ratio'], '<= 0.3x', h['help_ratio'] <= 0.3),
        ('import hfcls vs import torch (s)', h['import hfcls'], h['import torch'], h['import_ratio'], '-', True),
        ('peak RSS (MB)', t['hfcls']['peak_rss_mb'], t['bare']['peak_rss_mb'], t['rss_ratio'], '<= 1.3x', t['rss_ratio'] <= 1.3),
    ]
    return rows


def chart(rows:list, path):
    "Each figure as its ratio to the target (1 = exactly on target; below 1 = better than the target)."
    import matplotlib; matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    def score(name, ratio, target):
        num = float(target.split()[1].rstrip('x'))
        return num / ratio if target.startswith('>=') else (ratio / num if not target.startswith('<= +') else (ratio + 1e-9) / num)
    rs = [(n, score(n, r, t)) for n, _, _, r, t, _ in rows if t != '-']
    fig, ax = plt.subplots(figsize=(9, 0.45 * len(rs) + 1.2))
    ax.barh([n for n, _ in rs][::-1], [v for _, v in rs][::-1], color=['tab:green' if v <= 1 else 'tab:red' for _, v in rs][::-1])
    ax.axvline(1, color='black', lw=1, ls='--', label='target')
    ax.set_xlabel('figure / target (lower is better; 1 = on target)'); ax.legend(loc='lower right')
    ax.set_title('hfcls benchmarks (this machine)')
    fig.tight_layout(); fig.savefig(path, dpi=100); plt.close(fig)


if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--smoke', action='store_true'); p.add_argument('--runs', type=int, default=3)
    p.add_argument('--out', default=str(HERE/'results'))
    a = p.parse_args()
    t0 = time.time()
    if a.smoke:
        res = dict(train=bench_train.training_overhead(1, **bench_train.SMOKE),
                   loader=bench_data.loader_throughput(n_images=48, batch_size=8, workers=0, img_size=64, runs=1),
                   startup=bench_data.startup_cost(n_big=1_000, n_small=30, runs=1), index=bench_data.index_bytes_per_image(10_000),
                   help=startup_times(1))
    else:
        res = dict(train=bench_train.training_overhead(max(a.runs, 5)), loader=bench_data.loader_throughput(runs=a.runs),
                   startup=bench_data.startup_cost(runs=a.runs), index=bench_data.index_bytes_per_image(), help=startup_times(max(a.runs, 5)))
    rows = table(res)
    out = Path(a.out); out.mkdir(parents=True, exist_ok=True)
    res['rows'] = [dict(figure=n, hfcls=h, baseline=b, ratio=r, target=tg, met=m) for n, h, b, r, tg, m in rows]
    res['seconds'], res['smoke'] = round(time.time() - t0), a.smoke
    (out/'benchmarks.json').write_text(json.dumps(res, indent=1))
    chart(rows, out/'benchmarks.png')
    fmt = lambda v: '-' if v is None else f'{v:,.3g}' if abs(v) < 1000 else f'{v:,.0f}'
    print(f"{'figure':<44} {'hfcls':>10} {'baseline':>10} {'ratio':>8}  target         met")
    for n, h, b, r, tg, m in rows: print(f"{n:<44} {fmt(h):>10} {fmt(b):>10} {fmt(r):>8}  {tg:<14} {'yes' if m else 'NO'}")
    print(f"({res['seconds']} s; written to {out})")
