#!/usr/bin/env python3
"""Decodes a PNG (8-bit RGB/RGBA, non-interlaced, as Chromium writes them) with zlib only and
checks it is not blank: enough distinct colours and enough non-background pixels.
usage: png_check.py FILE [min_colours] [min_nonwhite_fraction]"""
import struct, sys, zlib

def decode(path):
    data = open(path, 'rb').read()
    if data[:8] != b'\x89PNG\r\n\x1a\n':
        raise SystemExit(f'{path}: not a PNG')
    pos, idat, hdr = 8, b'', None
    while pos < len(data):
        n, kind = struct.unpack('>I4s', data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b'IHDR': hdr = struct.unpack('>IIBBBBB', body)
        elif kind == b'IDAT': idat += body
        pos += 12 + n
    w, h, depth, ctype, _, _, interlace = hdr
    if depth != 8 or ctype not in (2, 6) or interlace:
        raise SystemExit(f'{path}: unsupported PNG (depth {depth}, colour type {ctype}, interlace {interlace})')
    bpp = 3 if ctype == 2 else 4
    raw, stride = zlib.decompress(idat), w * bpp
    rows, prev = [], bytearray(stride)
    for y in range(h):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if f == 1: line[i] = (line[i] + a) & 255
            elif f == 2: line[i] = (line[i] + b) & 255
            elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return w, h, bpp, rows

def main():
    path = sys.argv[1]
    min_colours = int(sys.argv[2]) if len(sys.argv) > 2 else 16
    min_frac = float(sys.argv[3]) if len(sys.argv) > 3 else 0.01
    w, h, bpp, rows = decode(path)
    colours, nonwhite, total = set(), 0, 0
    for y in range(0, h, 2):
        r = rows[y]
        for x in range(0, w, 2):
            px = r[x * bpp:x * bpp + 3]
            colours.add(px)
            total += 1
            if px != b'\xff\xff\xff': nonwhite += 1
    frac = nonwhite / total
    print(f'{path}: {w}x{h}, {len(colours)} colours, {frac:.3f} non-white')
    if len(colours) < min_colours or frac < min_frac:
        raise SystemExit(f'{path}: looks blank (need >= {min_colours} colours and >= {min_frac} non-white)')

main()
