# Summary of ab.sh: per configuration, the median of each round (µs), then median(after) / median(before).
import json,glob,statistics,collections
res=collections.defaultdict(lambda: collections.defaultdict(list))
for f in sorted(glob.glob('bench/results/registry-ab/*.json')):
    kind,side,r=f.split('/')[-1][:-5].split('-')
    try: data=json.load(open(f))
    except Exception: continue
    for e in data:
        p=e['params']
        if kind=='spmv': key=(kind,p['kernel'],p['sparsity'])
        elif kind=='spmm': key=(kind,p['kernel'],p['sparsity'],p['batch'])
        else: key=(kind,p['model'],p['batch'],p['sparsity'])
        raw=[x for it in e['primaryMetric']['rawData'] for x in it]
        res[key][side].append(statistics.median(raw))
print(f"{'config':40s} {'before µs':>22s} {'after µs':>22s} {'after/before':>12s}")
for key in sorted(res):
    b=res[key]['before']; a=res[key]['after']
    if not b or not a: continue
    print(f"{str(key):40s} {' '.join(f'{x:9.2f}' for x in b):>22s} {' '.join(f'{x:9.2f}' for x in a):>22s} {statistics.median(a)/statistics.median(b):12.3f}")
