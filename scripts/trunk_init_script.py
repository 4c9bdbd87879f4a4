#!/usr/bin/env python3
"""Trunk post-build hook: moves the page's inline start-up script into a file of its own,
and drops preloads of modules only the engine worker uses.

Trunk writes the code that loads the app's wasm inline in index.html. The page's
Content-Security-Policy allows scripts from the page's own origin only (no inline script),
so the same code goes into `init-<hash>.js` beside it and index.html loads that instead.
Trunk also preloads every JavaScript snippet of every binary in the page; the worker's (the
thread pool's helper) has no business there.
"""
import hashlib
import os
import re
import sys

staging = os.environ.get("TRUNK_STAGING_DIR")
if not staging:
    sys.exit("run by Trunk as a post_build hook (TRUNK_STAGING_DIR is not set)")
index = os.path.join(staging, "index.html")
with open(index, encoding="utf-8") as f:
    html = f.read()

# Trunk's start-up script: a module script without `src`.
inline = re.compile(r'<script type="module"(?: nonce="[^"]*")?>(.*?)</script>', re.S)
found = inline.findall(html)
if len(found) != 1:
    sys.exit(f"expected one inline start-up script in index.html, found {len(found)}")
code = found[0].strip() + "\n"
name = f"init-{hashlib.sha256(code.encode()).hexdigest()[:16]}.js"
with open(os.path.join(staging, name), "w", encoding="utf-8") as f:
    f.write(code)
html = inline.sub(lambda _: f'<script type="module" src="./{name}"></script>', html)

# Snippets the app's own JavaScript does not import are not preloaded.
app_js = re.search(r"import init[^;]*from '\./([^']+)'", code)
if not app_js:
    sys.exit("the start-up script imports no app JavaScript")
with open(os.path.join(staging, app_js.group(1)), encoding="utf-8") as f:
    app_imports = f.read()


def keep_preload(match):
    href = match.group(1).removeprefix("./")
    return match.group(0) if "snippets/" not in href or href in app_imports else ""


html = re.sub(r'<link rel="modulepreload" href="([^"]+)"[^>]*>', keep_preload, html)
with open(index, "w", encoding="utf-8") as f:
    f.write(html)
