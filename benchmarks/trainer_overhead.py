"""Benchmark: what hfcls (HF Trainer + callbacks + exact validation) costs per epoch against a plain
PyTorch loop doing the same work (same model, data, transforms, batch size, optimizer groups and
schedule, one validation pass). Prints seconds per epoch for both and the ratio.

    python benchmarks/trainer_overhead.py [--arch test_efficientnet] [--img_size 32] [--epochs 3]
"""
import argparse, tempfile, time
from pathlib import Path

import torch, torch.nn.functional as F, timm
from torch.utils.data import DataLoader

from hfcls.data import sample_digits_path, load_image_splits, ImageClassificationDataset, get_transforms
from hfcls.models import create_model
from hfcls.optimizers import build_optimizer
from hfcls.scheduler import YoloScheduler
from hfcls.training import train


def plain_loop(arch, img_size, batch_size, epochs, seed=42):
    "The baseline: a hand-written loop over the same data with the same optimizer and schedule."
    torch.manual_seed(seed)
    s = load_image_splits(sample_digits_path(), seed=seed)
    model = create_model(arch, s.classes, img_size=img_size)
    ttf, etf = get_transforms(timm.data.resolve_model_data_config(model.timm_model), img_size)
    tdl = DataLoader(ImageClassificationDataset(s.train_items, s.train_labels, ttf), batch_size=batch_size, shuffle=True)
    vdl = DataLoader(ImageClassificationDataset(s.val_items, s.val_labels, etf), batch_size=batch_size)
    opt = build_optimizer(model, 'SGD', lr=0.05)
    sched = YoloScheduler(opt, lr0=0.05, lrf=0.01, epochs=epochs, steps_per_epoch=len(tdl), warmup_epochs=1,
                          warmup_bias_lr=0.1, momentum=0.937, warmup_momentum=0.8)
    times = []
    for e in range(epochs):
        t0 = time.time(); model.train()
        for b in tdl:
            loss = F.cross_entropy(model(pixel_values=b['pixel_values']).logits, b['labels'])
            opt.zero_grad(); loss.backward(); opt.step(); sched.step()
        model.eval(); tot = n = 0
        with torch.no_grad():
            for b in vdl:
                tot += F.cross_entropy(model(pixel_values=b['pixel_values']).logits, b['labels'], reduction='sum').item(); n += len(b['labels'])
        times.append(time.time() - t0)
    return times


def hfcls_run(arch, img_size, batch_size, epochs, **kw):
    "The same run through `hfcls.training.train`; epoch times from history.csv."
    from hfcls.callbacks import read_history
    with tempfile.TemporaryDirectory() as d:
        train(data_path=sample_digits_path(), arch=arch, img_size=img_size, batch_size=batch_size, epochs=epochs, lr0=0.05,
              warmup_epochs=1, model_path=Path(d)/'m', disable_mlflow=True, **kw)
        return [r['time'] for r in read_history(Path(d)/'m'/'history.csv')]


if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--arch', default='test_efficientnet'); p.add_argument('--img_size', type=int, default=32)
    p.add_argument('--batch_size', type=int, default=32); p.add_argument('--epochs', type=int, default=3)
    a = p.parse_args()
    base = plain_loop(a.arch, a.img_size, a.batch_size, a.epochs)
    ours = hfcls_run(a.arch, a.img_size, a.batch_size, a.epochs)
    # the first epoch carries start-up costs in both; compare the steady state
    b, o = sum(base[1:]) / (len(base) - 1), sum(ours[1:]) / (len(ours) - 1)
    print(f"plain PyTorch loop: {', '.join(f'{t:.2f}' for t in base)} s/epoch")
    print(f"hfcls train():      {', '.join(f'{t:.2f}' for t in ours)} s/epoch (includes writing best.pth/last.pth/history.csv)")
    print(f"steady-state epoch: plain {b:.2f} s, hfcls {o:.2f} s, ratio {o/b:.2f}x")
