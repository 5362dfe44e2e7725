"""Benchmarks of hfcls's training loop against a bare PyTorch loop doing identical work.

Both sides train the same timm model (in the same HF wrapper) on the same images, with the same dataset, transforms,
loader (sampler order, workers, prefetching), optimizer groups, YOLO schedule, gradient clipping and loss, validate the
same images each epoch and write a checkpoint of model and optimizer each epoch. hfcls adds what makes it hfcls: HF
Trainer and Accelerate, the callbacks (history, best/last checkpoints written atomically and fsynced, early stopping,
diagnostics, progress, stop flags), exact validation metrics. Figures, each from one fresh subprocess per run:

- `epoch_s`: steady-state wall seconds per epoch (median over epochs 2..E; the first carries start-up costs);
- `train_s`, `eval_s`: the training and the validation part of an epoch; `eval_images_per_s` from `eval_s`;
- `peak_rss_mb`: the training process's peak resident memory (loader workers excluded on both sides).

    python benchmarks/bench_train.py --smoke        # tiny: checks that it runs
    python benchmarks/bench_train.py                # resnet18 at 32 px on the bundled digits (1,437 train / 360 val images)
"""
import argparse, json, os, resource, statistics, subprocess, sys, tempfile, time
from pathlib import Path

HERE = Path(__file__).resolve()
DEFAULT = dict(arch='resnet18', img_size=32, batch_size=64, epochs=5, train_size=None, val_size=None, workers=1, lr0=0.05, seed=42)
SMOKE = dict(DEFAULT, arch='test_efficientnet', epochs=2, train_size=128, val_size=64, batch_size=32)


def _rss_mb() -> float: return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bare(cfg:dict) -> dict:
    "The baseline: a hand-written loop over hfcls's data pipeline, model, optimizer and schedule."
    import torch, torch.nn.functional as F, timm
    from torch.utils.data import DataLoader
    from hfcls.data import sample_digits_path, load_image_splits, ImageClassificationDataset, get_transforms
    from hfcls.models import create_model
    from hfcls.optimizers import build_optimizer
    from hfcls.scheduler import YoloScheduler
    from hfcls.trainer import EpochSampler
    torch.manual_seed(cfg['seed'])
    s = load_image_splits(sample_digits_path(), cfg['train_size'], cfg['val_size'], 0.2, cfg['seed'])
    model = create_model(cfg['arch'], s.classes, img_size=cfg['img_size'])
    ttf, etf = get_transforms(timm.data.resolve_model_data_config(model.timm_model), cfg['img_size'])
    w = cfg['workers']
    kw = dict(num_workers=w, persistent_workers=w > 0, prefetch_factor=4 if w else None)
    sampler = EpochSampler(len(s.train), seed=cfg['seed'])
    tdl = DataLoader(ImageClassificationDataset(s.train, transform=ttf, seed=cfg['seed']), batch_size=cfg['batch_size'], sampler=sampler,
                     generator=torch.Generator().manual_seed(cfg['seed']), **kw)
    vdl = DataLoader(ImageClassificationDataset(s.val, transform=etf), batch_size=cfg['batch_size'], **kw)
    opt = build_optimizer(model, 'SGD', lr=cfg['lr0'])
    sched = YoloScheduler(opt, lr0=cfg['lr0'], lrf=0.01, epochs=cfg['epochs'], steps_per_epoch=len(tdl), warmup_epochs=1)
    out, d = dict(train_s=[], eval_s=[], epoch_s=[]), tempfile.mkdtemp()
    for e in range(cfg['epochs']):
        sampler.set_epoch(e)
        t0 = time.perf_counter(); model.train()
        for b in tdl:
            loss = F.cross_entropy(model(pixel_values=b['pixel_values']).logits.float(), b['labels'])
            opt.zero_grad(); loss.backward(); torch.nn.utils.clip_grad_norm_(model.parameters(), 10.0); opt.step(); sched.step()
        t1 = time.perf_counter(); model.eval()
        cm, loss_sum = torch.zeros(len(s.classes), len(s.classes), dtype=torch.long), 0.0
        with torch.no_grad():
            for b in vdl:
                logits = model(pixel_values=b['pixel_values']).logits.float()
                loss_sum += F.cross_entropy(logits, b['labels'], reduction='sum').item()
                cm += torch.bincount(b['labels'] * len(s.classes) + logits.argmax(1), minlength=len(s.classes) ** 2).view_as(cm)
        t2 = time.perf_counter()
        torch.save(dict(model=model.state_dict(), opt=opt.state_dict(), epoch=e + 1, loss=loss_sum / len(s.val)), f'{d}/last.pth')
        t3 = time.perf_counter()
        for k, v in (('train_s', t1 - t0), ('eval_s', t2 - t1), ('epoch_s', t3 - t0)): out[k].append(v)
    return dict(out, n_val=len(s.val), peak_rss_mb=_rss_mb())


def hfcls(cfg:dict) -> dict:
    "The same run through `hfcls.training.train`, timed at the trainer's epoch boundaries and around its validations."
    from transformers import TrainerCallback
    from hfcls.training import train
    from hfcls.trainer import HfclsTrainer
    from hfcls.data import sample_digits_path
    marks, evals = [], []
    class Clock(TrainerCallback):
        def on_epoch_begin(self, *a, **k): marks.append(('begin', time.perf_counter()))
        def on_epoch_end(self, *a, **k): marks.append(('end', time.perf_counter()))
        def on_train_end(self, *a, **k): marks.append(('train_end', time.perf_counter()))
    loop, init = HfclsTrainer.evaluation_loop, HfclsTrainer.__init__
    def timed_loop(self, *a, **k):
        t0 = time.perf_counter(); r = loop(self, *a, **k); evals.append(time.perf_counter() - t0); return r
    def init_with_clock(self, *a, **k):
        k['callbacks'] = [*k.get('callbacks', []), Clock()]; init(self, *a, **k)
    HfclsTrainer.evaluation_loop, HfclsTrainer.__init__ = timed_loop, init_with_clock
    with tempfile.TemporaryDirectory() as d:
        train(data_path=str(sample_digits_path()), arch=cfg['arch'], img_size=cfg['img_size'], batch_size=cfg['batch_size'],
              epochs=cfg['epochs'], train_size=cfg['train_size'], val_size=cfg['val_size'], lr0=cfg['lr0'], warmup_epochs=1,
              workers=cfg['workers'], seed=cfg['seed'], model_path=f'{d}/m', disable_mlflow=True)
        n_val = sum(1 for _ in open(f'{d}/m/val_files.csv')) - 1
    begins = [t for k, t in marks if k == 'begin'] + [t for k, t in marks if k == 'train_end']
    ends = [t for k, t in marks if k == 'end']
    epoch_s = [b - a for a, b in zip(begins, begins[1:])]        # epoch begin to next epoch begin: training, validation, save
    train_s = [e - b for b, e in zip(begins, ends)]
    return dict(train_s=train_s, eval_s=evals, epoch_s=epoch_s, n_val=n_val, peak_rss_mb=_rss_mb())


def _summary(r:dict) -> dict:
    "Steady-state medians (epochs 2..E) of one run."
    med = lambda xs: statistics.median(xs[1:] if len(xs) > 1 else xs)
    return dict(epoch_s=med(r['epoch_s']), train_s=med(r['train_s']), eval_s=med(r['eval_s']),
                eval_images_per_s=r['n_val'] / med(r['eval_s']), peak_rss_mb=r['peak_rss_mb'])


def _in_subprocess(mode:str, cfg:dict) -> dict:
    env = {**os.environ, 'OMP_NUM_THREADS': os.environ.get('OMP_NUM_THREADS', str(os.cpu_count()))}
    r = subprocess.run([sys.executable, str(HERE), '--measure', mode, '--cfg', json.dumps(cfg)], capture_output=True, text=True, env=env)
    if r.returncode: raise RuntimeError(f"{mode} run failed: {r.stderr[-2000:]}")
    return json.loads(r.stdout.strip().splitlines()[-1])


def training_overhead(runs:int=3, **overrides) -> dict:
    "hfcls against the bare loop: `runs` alternated pairs (bare, hfcls, bare, hfcls, ...), medians of their steady-state figures."
    cfg = {**DEFAULT, **overrides}
    res = {'bare': [], 'hfcls': []}
    for _ in range(runs):
        for mode in ('bare', 'hfcls'): res[mode].append(_summary(_in_subprocess(mode, cfg)))
    med = {m: {k: statistics.median(r[k] for r in rs) for k in rs[0]} for m, rs in res.items()}
    b, h = med['bare'], med['hfcls']
    return dict(config=cfg, bare=b, hfcls=h, epoch_ratio=h['epoch_s'] / b['epoch_s'],
                eval_ratio=b['eval_images_per_s'] / h['eval_images_per_s'], rss_ratio=h['peak_rss_mb'] / b['peak_rss_mb'],
                epoch_ratios=[x['epoch_s'] / y['epoch_s'] for x, y in zip(res['hfcls'], res['bare'])])


if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--smoke', action='store_true'); p.add_argument('--runs', type=int, default=3)
    p.add_argument('--measure', help=argparse.SUPPRESS); p.add_argument('--cfg', help=argparse.SUPPRESS)
    a = p.parse_args()
    if a.measure:
        print(json.dumps({'bare': bare, 'hfcls': hfcls}[a.measure](json.loads(a.cfg)))); sys.exit(0)
    print(json.dumps(training_overhead(a.runs, **(SMOKE if a.smoke else {})), indent=1))
