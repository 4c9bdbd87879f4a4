// A plain static host for the deployment tests: the built page under a sub-path, with no
// headers but the content type unless asked (the headers of dist/_headers, as hosts that
// read that file send them), a log of what was asked for, and a switch to take it down.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { DIST } from './support.mjs';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** The headers of the `/*` block of a _headers file. */
export function headersFile(text) {
  const headers = {};
  let inside = false;
  for (const line of text.split('\n')) {
    if (!line.trim() || line.trim().startsWith('#')) continue;
    if (!/^\s/.test(line)) inside = line.trim() === '/*';
    else if (inside) {
      const at = line.indexOf(':');
      headers[line.slice(0, at).trim()] = line.slice(at + 1).trim();
    }
  }
  return headers;
}

/** Serves DIST at `http://127.0.0.1:<port><base>`; `withHeadersFile` sends what
 * dist/_headers says; `missing` lists paths under `base` that answer 404. */
export async function serveStatic({ base = '/some/path/', withHeadersFile = false, missing = [] } = {}) {
  const extra = withHeadersFile ? headersFile(await readFile(join(DIST, '_headers'), 'utf8')) : {};
  const log = [];
  let down = false;
  const server = createServer(async (req, res) => {
    if (down) {
      // As if the host were unreachable: no answer at all.
      req.socket.destroy();
      return;
    }
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    log.push(path);
    if (path === base.slice(0, -1)) {
      res.writeHead(301, { Location: base }).end();
      return;
    }
    const inside = path.startsWith(base) ? path.slice(base.length) : null;
    const file = inside === null ? null : normalize(join(DIST, inside === '' || inside.endsWith('/') ? `${inside}index.html` : inside));
    if (!file || !file.startsWith(DIST) || missing.includes(inside)) {
      res.writeHead(404).end('not found');
      return;
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'Content-Type': TYPES[extname(file)] || 'application/octet-stream', ...extra });
      res.end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}${base}`,
    /** Paths asked for, in order. */
    log,
    /** Takes the host down (true) or brings it back. */
    setDown(value) {
      down = value;
      if (down) server.closeAllConnections();
    },
    close: () => new Promise((r) => {
      server.closeAllConnections();
      server.close(r);
    }),
  };
}

/** Pages of `url`'s origin opened in `context` see a browser without service workers (which
 * would isolate a page its host does not): for tests of such pages. */
export async function withoutServiceWorkers(context, url) {
  await context.addInitScript((origin) => {
    if (location.origin === origin) delete Navigator.prototype.serviceWorker;
  }, new URL(url).origin);
}
