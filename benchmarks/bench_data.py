"""Benchmarks of hfcls's data layer. Each public function returns a dict of numbers; the benchmark runner calls them.

- `loader_throughput`: training images/s of hfcls's dataset + transforms (`read_image`, `transforms.v2` on uint8
  tensors, per-sample seeding) against torchvision's `ImageFolder` + PIL + classic transforms and timm's
  `create_loader` (colour jitter off, as in hfcls), with the same worker count, batch size, image size and
  interpolation, on ~400 x 350 JPEGs cut from scikit-image's photos (the size of an average ImageNet JPEG).
  Target: hfcls >= 1.2x both.
- `startup_cost`: seconds of `load_image_splits` on a 30,000-file folder and on a 300-file folder, first run (empty
  index cache) and restart (cache present). Targets: first run <= 2 s more on the big folder, restart <= 1 s more.
- `decode_speed`: ms per image of `read_image` (torchvision.io for plain JPEG/PNG) against `load_rgb` (PIL) + conversion
  to a tensor, for a ~400 x 350 JPEG, the same as PNG, and an 8 x 8 grey PNG: the measurement behind decoding PNGs with
  torchvision.
- `index_bytes_per_image`: bytes the split arrays hold per image (target <= 100).

Every timing is the median of `runs` alternated runs (A, B, C, A, B, C, ...), each in a fresh Python subprocess, so
nothing cached in a process's memory (imports, allocator, index objects) carries over between runs. The OS page cache
does: after the first read the files' bytes stay in RAM, so these are warm-cache figures; a cold network file system
is slower for every contender, hfcls's restart excepted (it reads no image file).

    python benchmarks/bench_data.py --smoke     # tiny sizes: checks that everything runs; the numbers mean nothing
    python benchmarks/bench_data.py             # full sizes, on an otherwise idle machine
"""
import argparse, io, json, os, statistics, subprocess, sys, tempfile, time
from pathlib import Path

import numpy as np
from PIL import Image

HERE = Path(__file__).resolve()
MEAN, STD = (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)
LOADERS = ('hfcls', 'torchvision', 'timm')


def _photos() -> list:
    "RGB photos as uint8 arrays: scikit-image's sample photos (a dev dependency), else the few that scikit-learn and matplotlib ship."
    try:
        import skimage.data as sd
        return [np.asarray(getattr(sd, n)()) for n in ('astronaut', 'coffee', 'chelsea', 'rocket', 'immunohistochemistry', 'hubble_deep_field', 'colorwheel')]
    except ImportError:
        import sklearn, matplotlib
        files = [Path(sklearn.__file__).parent/'datasets/images'/n for n in ('china.jpg', 'flower.jpg')]
        files.append(Path(matplotlib.get_data_path())/'sample_data/grace_hopper.jpg')
        return [np.asarray(Image.open(f).convert('RGB')) for f in files]


def make_photo_folder(dest, n:int=512, size=(400, 350), n_classes:int=10, seed:int=0) -> Path:
    "`n` JPEGs of about `size` in `n_classes` class folders: random crops, rescales and flips of real photos (written once)."
    dest = Path(dest)
    done = dest/'.complete'
    if done.exists() and done.read_text() == f'{n} {size} {n_classes} {seed}': return dest
    rng, photos = np.random.default_rng(seed), _photos()
    for i in range(n):
        a = photos[i % len(photos)]
        h, w = a.shape[:2]
        ch, cw = int(h * rng.uniform(0.6, 1)), int(w * rng.uniform(0.6, 1))
        y, x = rng.integers(0, h - ch + 1), rng.integers(0, w - cw + 1)
        im = Image.fromarray(a[y:y+ch, x:x+cw]).resize((int(size[0] * rng.uniform(0.9, 1.1)), int(size[1] * rng.uniform(0.9, 1.1))), Image.BICUBIC)
        if rng.random() < 0.5: im = im.transpose(Image.FLIP_LEFT_RIGHT)
        (dest/f'c{i % n_classes}').mkdir(parents=True, exist_ok=True)
        im.save(dest/f'c{i % n_classes}'/f'{i:06d}.jpg', quality=90)
    done.write_text(f'{n} {size} {n_classes} {seed}')
    return dest


def make_tiny_folder(dest, n:int, n_classes:int=10) -> Path:
    "`n` tiny JPEG/PNG files in `n_classes` class folders, written fast from 8 prepared byte strings (written once)."
    dest = Path(dest)
    done = dest/'.complete'
    if done.exists() and done.read_text() == f'{n} {n_classes}': return dest
    blobs = []
    for k in range(8):
        b = io.BytesIO()
        Image.fromarray(np.random.default_rng(k).integers(0, 255, (24, 24, 3), np.uint8)).save(b, 'JPEG' if k % 2 else 'PNG')
        blobs.append(('.jpg' if k % 2 else '.png', b.getvalue()))
    for c in range(n_classes): (dest/f'c{c}').mkdir(parents=True, exist_ok=True)
    for i in range(n):
        ext, b = blobs[i % 8]
        (dest/f'c{i % n_classes}'/f'{i:06d}{ext}').write_bytes(b)
    done.write_text(f'{n} {n_classes}')
    return dest


# ---- what one subprocess measures ----------------------------------------------------------------------------------

def _loader(kind:str, folder:str, workers:int, batch_size:int, img_size:int):
    "A training DataLoader of `kind` over `folder`."
    import torch
    from torch.utils.data import DataLoader
    if kind == 'hfcls':
        from hfcls.data import ImageClassificationDataset, get_transforms, scan_image_folder
        items = scan_image_folder(folder).items
        tfm = get_transforms(dict(mean=MEAN, std=STD, interpolation='bicubic', crop_pct=0.875), img_size)[0]
        ds = ImageClassificationDataset(items, transform=tfm, seed=0)
        keys = [(i, 0) for i in torch.randperm(len(ds), generator=torch.Generator().manual_seed(0)).tolist()]
        return DataLoader(ds, batch_size=batch_size, sampler=keys, num_workers=workers)
    if kind == 'torchvision':
        from torchvision import datasets, transforms as T
        tfm = T.Compose([T.RandomResizedCrop(img_size, interpolation=T.InterpolationMode.BICUBIC), T.RandomHorizontalFlip(),
                         T.ToTensor(), T.Normalize(MEAN, STD)])
        return DataLoader(datasets.ImageFolder(folder, tfm), batch_size=batch_size, shuffle=True, num_workers=workers)
    if kind == 'timm':
        from timm.data import create_dataset, create_loader
        return create_loader(create_dataset('', root=folder), input_size=(3, img_size, img_size), batch_size=batch_size,
                             is_training=True, use_prefetcher=False, color_jitter=None, interpolation='bicubic',
                             mean=MEAN, std=STD, num_workers=workers, persistent_workers=False)
    raise ValueError(kind)


def _measure(spec:dict) -> dict:
    "Run one measurement described by `spec` in this process."
    if spec['what'] == 'loader':
        import torch
        torch.set_num_threads(1)
        dl = _loader(spec['kind'], spec['folder'], spec['workers'], spec['batch_size'], spec['img_size'])
        it, n = iter(dl), 0
        first = next(it)                      # not timed: worker start-up, first imports
        t = time.perf_counter()
        for b in it: n += len(b['pixel_values'] if isinstance(b, dict) else b[0])
        return dict(images_per_s=n / (time.perf_counter() - t), images=n + len(first['pixel_values'] if isinstance(first, dict) else first[0]))
    if spec['what'] == 'decode':
        import torch
        from torchvision.transforms.v2.functional import pil_to_tensor
        from hfcls.images import read_image, load_rgb
        torch.set_num_threads(1)
        f = read_image if spec['kind'] == 'read_image' else (lambda p: pil_to_tensor(load_rgb(p)))
        for _ in range(3): f(spec['file'])
        t = time.perf_counter()
        for _ in range(spec['n']): f(spec['file'])
        return dict(ms=(time.perf_counter() - t) / spec['n'] * 1e3)
    if spec['what'] == 'startup':
        from hfcls.data import load_image_splits
        t = time.perf_counter(); s = load_image_splits(spec['folder'])
        return dict(seconds=time.perf_counter() - t, images=len(s.train) + len(s.val))
    raise ValueError(spec['what'])


def _in_subprocess(spec:dict, env:dict|None=None) -> dict:
    "`_measure(spec)` in a fresh Python process."
    r = subprocess.run([sys.executable, str(HERE), '--measure', json.dumps(spec)], capture_output=True, text=True,
                       env={**os.environ, 'OMP_NUM_THREADS': '1', **(env or {})})
    if r.returncode: raise RuntimeError(f"{spec} failed:\n{r.stderr[-3000:]}")
    return json.loads(r.stdout.strip().splitlines()[-1])


# ---- the benchmarks -----------------------------------------------------------------------------------------------

def loader_throughput(n_images:int=512, batch_size:int=32, workers:int|None=None, img_size:int=224, runs:int=3, folder=None) -> dict:
    "Training images/s of hfcls, torchvision ImageFolder + classic transforms, and timm create_loader; medians of alternated runs."
    from hfcls.data import default_workers
    workers = default_workers(1) if workers is None else workers
    with tempfile.TemporaryDirectory() as tmp:
        folder = make_photo_folder(folder or Path(tmp)/'photos', n_images)
        got = {k: [] for k in LOADERS}
        for _ in range(runs):
            for k in LOADERS:
                got[k].append(_in_subprocess(dict(what='loader', kind=k, folder=str(folder), workers=workers, batch_size=batch_size, img_size=img_size))['images_per_s'])
    med = {k: statistics.median(v) for k, v in got.items()}
    return dict(**{f'{k}_images_per_s': v for k, v in med.items()}, hfcls_vs_torchvision=med['hfcls'] / med['torchvision'],
                hfcls_vs_timm=med['hfcls'] / med['timm'], workers=workers, batch_size=batch_size, img_size=img_size,
                n_images=n_images, runs=runs)


def startup_cost(n_big:int=30_000, n_small:int=300, runs:int=3, folder=None) -> dict:
    "Seconds of `load_image_splits`, first run and restart, on `n_big` against `n_small` files; medians of alternated runs."
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(folder or tmp)
        dirs = dict(small=make_tiny_folder(base/f'tiny{n_small}', n_small), big=make_tiny_folder(base/f'tiny{n_big}', n_big))
        got = {f'{w}_{k}': [] for w in ('first', 'restart') for k in dirs}
        for r in range(runs):
            for k, d in dirs.items():   # A, B, A, B: each first run with an empty cache, then its restart
                env = dict(HFCLS_CACHE=str(Path(tmp)/f'cache-{k}-{r}'))
                got[f'first_{k}'].append(_in_subprocess(dict(what='startup', folder=str(d)), env)['seconds'])
                got[f'restart_{k}'].append(_in_subprocess(dict(what='startup', folder=str(d)), env)['seconds'])
    med = {k: statistics.median(v) for k, v in got.items()}
    return dict(**med, first_extra_s=med['first_big'] - med['first_small'], restart_extra_s=med['restart_big'] - med['restart_small'],
                n_big=n_big, n_small=n_small, runs=runs)


def decode_speed(n:int=200, runs:int=3) -> dict:
    "ms per image of `read_image` and of `load_rgb` + tensor conversion, per kind of file; medians of alternated runs."
    with tempfile.TemporaryDirectory() as tmp:
        jpg = next(make_photo_folder(Path(tmp)/'photos', 1).glob('*/*.jpg'))
        files = dict(jpeg_photo=jpg, png_photo=Path(tmp)/'photo.png', png_8x8_grey=Path(tmp)/'tiny.png')
        Image.open(jpg).save(files['png_photo'])
        Image.fromarray(np.random.default_rng(0).integers(0, 255, (8, 8), np.uint8)).save(files['png_8x8_grey'])
        got = {(f, k): [] for f in files for k in ('read_image', 'load_rgb')}
        for _ in range(runs):
            for f, path in files.items():
                for k in ('read_image', 'load_rgb'):
                    got[f, k].append(_in_subprocess(dict(what='decode', kind=k, file=str(path), n=n))['ms'])
    med = {f'{f}_{k}_ms': statistics.median(v) for (f, k), v in got.items()}
    return dict(**med, **{f'{f}_speedup': med[f'{f}_load_rgb_ms'] / med[f'{f}_read_image_ms'] for f in files}, n=n, runs=runs)


def index_bytes_per_image(n:int=100_000, seed:int=0) -> dict:
    "Bytes per image of the split arrays, for ImageNet-style paths (`train/n01440764/n01440764_10026.JPEG`)."
    from hfcls.data import ImageItems
    wnids = np.random.default_rng(seed).integers(1_000_000, 16_000_000, n)
    names = [f'n{w:08d}/n{w:08d}_{i}.JPEG' for i, w in enumerate(wnids)]
    items = ImageItems.from_paths(names, np.arange(n) % 1000).with_prefix('train/', '/data/imagenet')
    return dict(bytes_per_image=items.nbytes / n, path_bytes_per_image=items.buf.nbytes / n, n=n)


if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--smoke', action='store_true', help='tiny sizes: check that it runs; the numbers mean nothing')
    p.add_argument('--runs', type=int, default=3)
    p.add_argument('--workers', type=int, default=None)
    p.add_argument('--measure', help=argparse.SUPPRESS)
    a = p.parse_args()
    if a.measure: print(json.dumps(_measure(json.loads(a.measure)))); sys.exit(0)
    if a.smoke:
        res = dict(loader=loader_throughput(n_images=48, batch_size=8, workers=0 if a.workers is None else a.workers, img_size=64, runs=a.runs),
                   startup=startup_cost(n_big=1_000, n_small=30, runs=a.runs), decode=decode_speed(n=5, runs=a.runs),
                   index=index_bytes_per_image(10_000))
    else:
        res = dict(loader=loader_throughput(workers=a.workers, runs=a.runs), startup=startup_cost(runs=a.runs), decode=decode_speed(runs=a.runs),
                   index=index_bytes_per_image())
    print(json.dumps(res, indent=1))
