#!/usr/bin/env python3
"""Trunk post-build hook: writes the page's start-up script and fills in the service worker.

Start-up: Trunk writes the code that loads the app's wasm inline in index.html, and preloads
the app's JavaScript and wasm with `<link>`s. The page's Content-Security-Policy allows
scripts from the page's own origin only (no inline script), and a `load=click` page must not
fetch the app before the click; so both go into our start-up script (www/startup.js, with the
names filled in), written beside index.html as `init-<hash>.js`, which index.html loads
instead. Preloads of JavaScript snippets only the engine worker imports (the thread pool's
helper) are dropped.

Service worker (www/sw.js, copied by Trunk): gets the headers of www/_headers (their one
source), the list of the build's files with their digests, and a build id.
"""
import base64
import hashlib
import html as htmlib
import json
import os
import re
import sys

WWW = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "www")
# Trunk's names for files it hashes: `style-<16 hex>.css`, `app-<16 hex>_bg.wasm`.
HASHED = re.compile(r"-[0-9a-f]{16}(_bg)?\.[a-z]+$")

staging = os.environ.get("TRUNK_STAGING_DIR")
if not staging:
    sys.exit("run by Trunk as a post_build hook (TRUNK_STAGING_DIR is not set)")


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def write(path, text):
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def fill(source, name, value):
    """Sets the `const NAME = …;` line of a script to `value` (as JSON)."""
    line = re.compile(rf"^const {name} = .*;$", re.M)
    if len(line.findall(source)) != 1:
        sys.exit(f"expected one `const {name} = ...;` line to fill in")
    return line.sub(lambda _: f"const {name} = {json.dumps(value, ensure_ascii=False)};", source)


index = os.path.join(staging, "index.html")
html = read(index)

# Trunk's start-up script (a module script without `src`): only the names are kept.
inline = re.compile(r'<script type="module"(?: nonce="[^"]*")?>(.*?)</script>', re.S)
found = inline.findall(html)
if len(found) != 1:
    sys.exit(f"expected one inline start-up script in index.html, found {len(found)}")
app_js = re.search(r"import init, \* as bindings from '(\./[^']+\.js)'", found[0])
app_wasm = re.search(r"module_or_path: '(\./[^']+\.wasm)'", found[0])
if not app_js or not app_wasm:
    sys.exit("Trunk's start-up script no longer names the app's JavaScript and wasm as expected")
app_imports = read(os.path.join(staging, app_js.group(1)))

# The preloads move into the start-up script, but for snippets the app does not import.
preloads = []


def take_preload(match):
    attributes = {k: htmlib.unescape(v) for k, v in re.findall(r'([\w-]+)="([^"]*)"', match.group(0))}
    href = attributes.get("href", "").removeprefix("./")
    if "snippets/" not in href or href in app_imports:
        preloads.append(attributes)
    return ""


html = re.sub(r'<link rel="(?:modulepreload|preload)"[^>]*>', take_preload, html)
startup = read(os.path.join(WWW, "startup.js"))
startup = fill(startup, "APP", {"js": app_js.group(1), "wasm": app_wasm.group(1), "preloads": preloads})
name = f"init-{hashlib.sha256(startup.encode()).hexdigest()[:16]}.js"
write(os.path.join(staging, name), startup)
html = inline.sub(lambda _: f'<script type="module" src="./{name}"></script>', html)
write(index, html)


def headers_for_all_paths(text):
    """The headers of the `/*` block of a _headers file (Netlify's and Cloudflare's format)."""
    headers, inside = {}, False
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace():
            inside = line.strip() == "/*"
        elif inside:
            key, _, value = line.strip().partition(":")
            headers[key.strip()] = value.strip()
    return headers


headers = headers_for_all_paths(read(os.path.join(WWW, "_headers")))
if not headers.get("Content-Security-Policy") or not headers.get("Cross-Origin-Embedder-Policy"):
    sys.exit("www/_headers gives no Content-Security-Policy or isolation headers for /*")

# Everything the page may load; not the worker itself (the browser fetches it), nor the
# hosts' header file or Trunk's lock file.
files = {}
for folder, _, names in os.walk(staging):
    for file in names:
        path = os.path.relpath(os.path.join(folder, file), staging).replace(os.sep, "/")
        if path in ("sw.js", "_headers") or file.startswith("."):
            continue
        with open(os.path.join(folder, file), "rb") as f:
            digest = base64.b64encode(hashlib.sha384(f.read()).digest()).decode()
        files[path] = {"integrity": f"sha384-{digest}", "immutable": bool(HASHED.search(file))}
files = dict(sorted(files.items()))
build = hashlib.sha256(json.dumps(files).encode()).hexdigest()[:16]

worker = os.path.join(staging, "sw.js")
if not os.path.exists(worker):
    sys.exit("sw.js is not in the build (index.html copies www/sw.js)")
source = read(worker)
for key, value in (("BUILD", build), ("FILES", files), ("HEADERS", headers)):
    source = fill(source, key, value)
write(worker, source)
