"""Bytes of every regular file under each directory given (hidden files included, symlinks not
followed), as `du --apparent-size -b` would count them: the reference for table storage totals.

Usage: dir_bytes.py DIR... → {"DIR": bytes, ...}
"""
import json
import os
import stat
import sys

out = {}
for root in sys.argv[1:]:
    total = 0
    for d, _, files in os.walk(root):
        for f in files:
            st = os.lstat(os.path.join(d, f))
            if stat.S_ISREG(st.st_mode):
                total += st.st_size
    out[root] = total
print(json.dumps(out))
