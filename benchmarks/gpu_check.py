"""GPU readiness check: one prepared script for a machine with an accelerator (about 6-8 minutes on one GPU).

It measures, on synthetic 224 px JPEGs written once to a temporary folder (nothing is downloaded):
  1. resnet50 at 224 px with --amp (bf16) and --channels_last: training images/s of hfcls's `train()` against a bare
     PyTorch loop doing the same work (same data pipeline, model, optimizer groups, schedule, clipping, bf16 autocast,
     channels_last);
  2. the same with --compile (torch.compile) on both sides;
  3. --eval_only metrics of one checkpoint in fp32 against bf16 (valid_loss and accuracy should agree closely).
and prints a table. It needs torch with CUDA, torchvision, timm, transformers, accelerate, fastcore and hfcls itself:
`pip install -e . --no-deps` from the repository, plus wheels of any missing package carried in `--wheels DIR`.

    python benchmarks/gpu_check.py [--wheels wheels/] [--images 4096] [--epochs 2] [--batch_size 128]
    python benchmarks/gpu_check.py --smoke      # CPU, tiny: checks the script itself runs (numbers mean nothing)
"""
import argparse, json, os, subprocess, sys, tempfile, time
from pathlib import Path

HERE = Path(__file__).resolve()


def ensure_packages(wheels:str|None):
    "Install missing packages from a folder of carried wheels (the device machine has no registry access)."
    missing = []
    for mod in ('timm', 'transformers', 'accelerate', 'fastcore', 'sklearn', 'PIL'):
        try: __import__(mod)
        except ImportError: missing.append(mod)
    if missing and wheels:
        subprocess.run([sys.executable, '-m', 'pip', 'install', '--no-index', '--find-links', wheels, *
                        {'sklearn': 'scikit-learn', 'PIL': 'pillow'}.get(m, m) for m in missing], check=True)
    try: import hfcls  # noqa: F401
    except ImportError:
        subprocess.run([sys.executable, '-m', 'pip', 'install', '--no-deps', '-e', str(HERE.parent.parent)], check=True)


def synthetic_jpegs(dest, n:int, classes:int=10, size=(320, 280)) -> Path:
    "`n` JPEGs of random smooth images in `classes` class folders, with class-dependent colour so a model can learn."
    import numpy as np
    from PIL import Image
    dest, rng = Path(dest), np.random.default_rng(0)
    for i in range(n):
        c = i % classes
        base = rng.normal(size=(8, 8, 3)) + np.array([np.sin(c), np.cos(c), np.sin(2 * c)])
        img = Image.fromarray(((base - base.min()) / (np.ptp(base) + 1e-6) * 255).astype(np.uint8)).resize(size, Image.BICUBIC)
        for split in (('val',) if i % 10 == 0 else ('train',)):
            (dest/split/f'c{c}').mkdir(parents=True, exist_ok=True)
            img.save(dest/split/f'c{c}'/f'{i:06d}.jpg', quality=90)
    return dest


def bare_loop(data, arch, img_size, batch_size, epochs, workers, amp, channels_last, compile, device) -> float:
    "Training images/s of a hand-written loop over hfcls's pipeline with the same options (steady state: epochs 2..E)."
    import torch, torch.nn.functional as F, timm
    from torch.utils.data import DataLoader
    from hfcls.data import load_image_splits, ImageClassificationDataset, get_transforms
    from hfcls.models import create_model
    from hfcls.optimizers import build_optimizer
    from hfcls.scheduler import YoloScheduler
    from hfcls.trainer import EpochSampler
    s = load_image_splits(data)
    model = create_model(arch, s.classes, img_size=img_size).to(device)
    if channels_last: model = model.to(memory_format=torch.channels_last)
    ttf, _ = get_transforms(timm.data.resolve_model_data_config(model.timm_model), img_size)
    sampler = EpochSampler(len(s.train), seed=0)
    dl = DataLoader(ImageClassificationDataset(s.train, transform=ttf), batch_size=batch_size, sampler=sampler, num_workers=workers,
                    persistent_workers=workers > 0, prefetch_factor=4 if workers else None, pin_memory=device == 'cuda')
    opt = build_optimizer(model, 'SGD', lr=0.1)
    sched = YoloScheduler(opt, lr0=0.1, lrf=0.01, epochs=epochs, steps_per_epoch=len(dl), warmup_epochs=1)
    fwd = torch.compile(model) if compile else model
    rates = []
    for e in range(epochs):
        sampler.set_epoch(e); n, t0 = 0, time.perf_counter()
        for b in dl:
            x = b['pixel_values'].to(device, non_blocking=True); y = b['labels'].to(device, non_blocking=True)
            if channels_last: x = x.contiguous(memory_format=torch.channels_last)
            with torch.autocast(device, dtype=torch.bfloat16, enabled=amp):
                loss = F.cross_entropy(fwd(pixel_values=x).logits.float(), y)
            opt.zero_grad(set_to_none=True); loss.backward(); torch.nn.utils.clip_grad_norm_(model.parameters(), 10.0); opt.step(); sched.step()
            n += len(y)
        if device == 'cuda': torch.cuda.synchronize()
        rates.append(n / (time.perf_counter() - t0))
    return max(rates[1:] or rates)


def hfcls_run(data, model_path, arch, img_size, batch_size, epochs, workers, amp, channels_last, compile, device) -> float:
    "Training images/s of `train()` with the same options, from its history (epoch time includes its validation, so subtract it)."
    from hfcls.training import train
    from hfcls.callbacks import read_history
    from hfcls.diagnostics import read_diagnostics
    train(data_path=str(data), arch=arch, img_size=img_size, batch_size=batch_size, epochs=epochs, lr0=0.1, warmup_epochs=1,
          workers=workers, amp=amp, channels_last=channels_last, compile=compile, device='cpu' if device == 'cpu' else '0',
          model_path=str(model_path), disable_mlflow=True, auto_resume=False)
    n_train = len(list(Path(data, 'train').rglob('*.jpg')))
    hist = read_history(Path(model_path)/'history.csv')
    diags = read_diagnostics(Path(model_path)/'val_diagnostics.json')
    val_s = [d.get('seconds', 0.0) for d in diags]
    rates = [n_train / max(h['time'] - v, 1e-9) for h, v in zip(hist, val_s + [0.0] * len(hist))]
    return max(rates[1:] or rates)


def eval_only(data, model_path, amp, device) -> dict:
    "`--eval_only` metrics of the run's best.pth, in fp32 or bf16."
    from hfcls.training import train
    return train(data_path=str(data), model_path=str(model_path), eval_only=True, amp=amp, disable_mlflow=True,
                 device='cpu' if device == 'cpu' else '0')


if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--wheels'); p.add_argument('--images', type=int, default=4096); p.add_argument('--epochs', type=int, default=2)
    p.add_argument('--batch_size', type=int, default=128); p.add_argument('--workers', type=int, default=None)
    p.add_argument('--smoke', action='store_true'); p.add_argument('--out', default='gpu_check.json')
    a = p.parse_args()
    ensure_packages(a.wheels)
    import torch
    device = 'cpu' if a.smoke else 'cuda'
    if device == 'cuda' and not torch.cuda.is_available(): sys.exit('gpu_check: no CUDA device is visible')
    arch, img = ('test_efficientnet', 64) if a.smoke else ('resnet50', 224)
    n = 96 if a.smoke else a.images
    workers = a.workers if a.workers is not None else (0 if a.smoke else min(16, os.cpu_count() - 1))
    bs = 16 if a.smoke else a.batch_size
    rows, t0 = [], time.time()
    with tempfile.TemporaryDirectory() as d:
        data = synthetic_jpegs(Path(d)/'data', n)
        for label, comp in (('bf16 + channels_last', False), ('bf16 + channels_last + compile', True)):
            ours = hfcls_run(data, Path(d)/f'm{int(comp)}', arch, img, bs, a.epochs, workers, not a.smoke, True, comp and not a.smoke, device)
            base = bare_loop(data, arch, img, bs, a.epochs, workers, not a.smoke, True, comp and not a.smoke, device)
            rows.append(dict(figure=f'{arch} {img}px {label} (img/s)', hfcls=ours, bare=base, ratio=ours / base))
        fp32, bf16 = eval_only(data, Path(d)/'m0', False, device), eval_only(data, Path(d)/'m0', not a.smoke, device)
        rows.append(dict(figure='eval_only valid_loss fp32 / bf16', hfcls=fp32['valid_loss'], bare=bf16['valid_loss'], ratio=fp32['valid_loss'] / bf16['valid_loss']))
        rows.append(dict(figure='eval_only accuracy fp32 / bf16', hfcls=fp32['accuracy'], bare=bf16['accuracy'], ratio=fp32['accuracy'] / max(bf16['accuracy'], 1e-9)))
    print(f"{'figure':<52} {'hfcls/fp32':>12} {'bare/bf16':>12} {'ratio':>7}")
    for r in rows: print(f"{r['figure']:<52} {r['hfcls']:>12.4g} {r['bare']:>12.4g} {r['ratio']:>7.3f}")
    print(f"({time.time() - t0:.0f} s on {torch.cuda.get_device_name(0) if device == 'cuda' else 'cpu'})")
    Path(a.out).write_text(json.dumps(dict(rows=rows, device=device, torch=torch.__version__), indent=1))
