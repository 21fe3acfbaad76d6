// `nabla playground`: serves the built playground (dist/playground) on a
// local port with the cross-origin isolation headers (COOP/COEP) that give
// nabla's wasm backend its threads in the browser.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CliError } from './errors.js';

/** Where `npm run build` puts the playground: dist/playground beside dist/cli. */
export const PLAYGROUND_DIR = fileURLToPath(new URL('../playground/', import.meta.url));

/** Content types by file extension; anything else is application/octet-stream. */
export const MIME_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
};

/** Sent with every response: the page is cross-origin isolated, so SharedArrayBuffer (and wasm threads) work. */
export const ISOLATION_HEADERS: Readonly<Record<string, string>> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

export interface PlaygroundServer {
  /** The page's address, e.g. http://127.0.0.1:8080/ */
  url: string;
  port: number;
  close(): Promise<void>;
}

export interface ServeOptions {
  /** The directory to serve (default: the installed dist/playground). */
  root?: string;
  /** The port; 0 (the default) picks a free one. */
  port?: number;
  /** The interface to listen on (default 127.0.0.1: only this machine). */
  host?: string;
}

/**
 * Serves `root` over HTTP: GET and HEAD only, a directory gives its
 * index.html, a path that leaves `root` (../, an encoded %2e%2e, a
 * backslash) is refused with 403, a missing file is 404. Every response
 * carries the COOP/COEP isolation headers.
 */
export async function servePlayground(opts: ServeOptions = {}): Promise<PlaygroundServer> {
  const root = resolve(opts.root ?? PLAYGROUND_DIR);
  if (!existsSync(join(root, 'index.html'))) {
    throw new CliError(
      `the playground is not built (no ${join(root, 'index.html')}): run \`npm run build:playground\` (or \`npm run build\`) in the nabla package first`,
    );
  }
  const server: Server = createServer((req, res) => {
    const send = (status: number, body: string | Buffer, type = 'text/plain; charset=utf-8') => {
      res.writeHead(status, {
        'Content-Type': type,
        'Content-Length': Buffer.byteLength(body),
        'Cache-Control': 'no-cache',
        'X-Content-Type-Options': 'nosniff',
        ...ISOLATION_HEADERS,
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'method not allowed');
    let path: string;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    } catch {
      return send(400, 'bad request');
    }
    if (path.includes('\0') || path.includes('\\') || path.split('/').includes('..')) return send(403, 'forbidden');
    let file = resolve(root, `.${path}`);
    if (file !== root && !file.startsWith(root + sep)) return send(403, 'forbidden');
    try {
      if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
      if (!existsSync(file) || !statSync(file).isFile()) return send(404, 'not found');
      send(200, readFileSync(file), MIME_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream');
    } catch {
      send(500, 'could not read the file');
    }
  });
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((ok, fail) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      fail(e.code === 'EADDRINUSE' ? new CliError(`port ${opts.port} is in use: choose another with --port, or --port 0 for any free one`) : e),
    );
    server.listen(opts.port ?? 0, host, () => ok());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}/`,
    port,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

/** Opens `url` in the system browser if it can; never throws. */
export function openBrowser(url: string): boolean {
  const cmd = process.platform === 'darwin' ? ['open', url] : process.platform === 'win32' ? ['cmd', '/c', 'start', '""', url] : ['xdg-open', url];
  try {
    const child = spawn(cmd[0]!, cmd.slice(1), { stdio: 'ignore', detached: true });
    child.on('error', () => console.error(`nabla: could not open a browser (${cmd[0]} failed); open ${url} yourself`));
    child.unref();
    return true;
  } catch {
    return false;
  }
}

export interface PlaygroundOptions {
  port?: string;
  open?: boolean;
  host?: string;
}

/** The command: serve until interrupted, printing the address. */
export async function playgroundCommand(opts: PlaygroundOptions): Promise<void> {
  const port = opts.port === undefined ? 8080 : Number(opts.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError(`--port must be an integer from 0 to 65535, got '${opts.port}'`);
  const server = await servePlayground({ port, host: opts.host });
  console.log(`nabla playground: ${server.url}  (Ctrl+C to stop)`);
  if (opts.open) openBrowser(server.url);
  await new Promise<void>((done) => {
    const stop = () => {
      void server.close().then(done);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
