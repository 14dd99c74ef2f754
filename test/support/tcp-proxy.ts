// A TCP proxy in front of a real server, for fault tests: it forwards, refuses new connections
// (a stopped server), holds every connection silent (a stalled one), cuts connections, answers
// HTTP 500 itself, or forwards slowly. Nothing here imitates the server's protocol beyond the 500.
import net from 'node:net';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Until the socket takes more, or closes; its listeners removed either way. */
function drained(socket: net.Socket): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      socket.off('drain', done);
      socket.off('close', done);
      resolve();
    };
    socket.on('drain', done);
    socket.on('close', done);
  });
}

export type ProxyMode = 'forward' | 'refuse' | 'stall' | 'http500' | { delayMs: number };

export class TcpProxy {
  private server: net.Server;
  private readonly pairs = new Set<{ client: net.Socket; upstream: net.Socket }>();
  private mode: ProxyMode = 'forward';
  port = 0;

  private constructor(private readonly target: { host: string; port: number }) {
    this.server = this.makeServer();
  }

  static async start(target: { host: string; port: number }): Promise<TcpProxy> {
    const proxy = new TcpProxy(target);
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    proxy.port = (proxy.server.address() as net.AddressInfo).port;
    return proxy;
  }

  private makeServer(): net.Server {
    return net.createServer((client) => {
      client.on('error', () => undefined);
      const mode = this.mode;
      if (mode === 'refuse') return client.resetAndDestroy();
      if (mode === 'http500') {
        client.once('data', () =>
          client.end('HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\nConnection: close\r\n\r\n'),
        );
        return;
      }
      const upstream = net.connect(this.target.port, this.target.host);
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
      const pair = { client, upstream };
      this.pairs.add(pair);
      const forget = () => this.pairs.delete(pair);
      client.on('close', forget);
      // A side that ends is ended on the other once what it sent has been forwarded (a delayed
      // answer must not be dropped); a side that fails takes the other down at once.
      this.pipe(client, upstream);
      this.pipe(upstream, client);
    });
  }

  /** Forwards chunk by chunk, looking at the mode for each: a stall holds them, a delay slows them. */
  private pipe(from: net.Socket, to: net.Socket): void {
    void (async () => {
      try {
        for await (const chunk of from as AsyncIterable<Buffer>) {
          while (this.mode === 'stall' && !to.destroyed) await sleep(50);
          const mode = this.mode;
          if (typeof mode === 'object') await sleep(mode.delayMs);
          if (to.destroyed) break;
          if (!to.write(chunk)) await drained(to);
        }
        if (!to.destroyed) to.end();
      } catch {
        to.destroy();
      }
    })();
  }

  /** New connections (and, for stall and delay, data on open ones) follow the mode from now on. */
  setMode(mode: ProxyMode): void {
    this.mode = mode;
  }

  /** Drops every open connection, as a server that dies does. */
  cutAll(): void {
    for (const { client, upstream } of this.pairs) {
      client.resetAndDestroy();
      upstream.destroy();
    }
    this.pairs.clear();
  }

  get openConnections(): number {
    return this.pairs.size;
  }

  async close(): Promise<void> {
    this.cutAll();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
