import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { Inspector } from '@chorus/inspector';
import type { Logger } from 'pino';
import { type WebSocket, WebSocketServer } from 'ws';
import { Authenticator, isLoopback, type Principal } from './auth.js';
import { ChorusConnection, chorusSlowConsumerNotice } from './chorus-connection.js';
import { type Clock, gatewayClock } from './clock.js';
import { CloseCode } from './close-codes.js';
import { setUpCluster } from './cluster/cluster-setup.js';
import { GuardedSocket } from './guarded-socket.js';
import { rejectUpgrade } from './http-reject.js';
import { InspectConnection, inspectDroppedNotice } from './inspect-connection.js';
import { createGatewayLogger, loggableUrl } from './logger.js';
import { GatewayMetrics } from './metrics.js';
import { OpenAIConnection, openaiSlowConsumerNotice } from './openai/openai-connection.js';
import { selectSubprotocol, wantsBetaDialect } from './openai/openai-handshake.js';
import { type ChorusServerOptions, type Limits, resolveLimits } from './options.js';
import { DEFAULT_INSPECT_POLICY, RoomHost } from './room-host.js';
import { matchRoute, type Route } from './routes.js';
import { DEFAULT_RESUMPTION, SessionVault } from './session-vault.js';
import { StatelyRelay } from './stately-relay.js';
import { TokenBucket } from './token-bucket.js';
import { setUpTracing } from './tracing/tracing-setup.js';
import { PhoneCall } from './twilio/phone-call.js';
import { TwilioGate } from './twilio/twilio-gate.js';
import { resolveTwilioOptions } from './twilio/twilio-options.js';

function unclaimedReason(url: string | undefined): string {
  const route = matchRoute(url);
  return route.kind === 'none' ? route.reason : 'not a WebSocket endpoint';
}

/** The outcome of {@link ChorusServer.drain}. */
export interface DrainResult {
  /** Connections that closed cleanly within the deadline. */
  readonly closed: number;
  /** Connections cut off at the deadline. */
  readonly terminated: number;
  /** Whether every room stopped within the deadline. */
  readonly roomsStopped: boolean;
}

/** A running gateway. */
export interface ChorusServer {
  /** Starts a dedicated http server. Insecure dev mode refuses a non-loopback host. */
  listen(port?: number, host?: string): Promise<AddressInfo>;
  /**
   * Serves WebSocket upgrades of an existing http server (yours). Upgrades to other paths are left to
   * your own `upgrade` listeners for `limits.unclaimedUpgradeMs`, then answered 404; with no other
   * listener they are answered 404 at once. Every upgrade gets an answer and its socket is closed.
   */
  attach(server: Server): void;
  /**
   * Handles one upgrade request; returns false when the path is not the gateway's (only in `attach`
   * mode), and then the caller must answer it. Malformed ids under `/ws/` get 400 naming the rule.
   */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** With `cluster`: whether its bus is reachable now (undefined without one). */
  readonly busAvailable: boolean | undefined;
  /** Answers `/healthz` and `/metrics`; returns false for other paths, so you can route the rest. */
  handleRequest(request: IncomingMessage, response: ServerResponse): boolean;
  /**
   * Graceful shutdown (SIGTERM): stops accepting, sends `server_session_ended{reason:'shutdown'}` to
   * every Chorus session, stops every room, closes sockets with 1001; resolves within `deadlineMs`.
   */
  drain(options?: { deadlineMs?: number }): Promise<DrainResult>;
  /** Drains with a short deadline and closes the http server if `listen` created it. */
  close(): Promise<void>;
  readonly metrics: GatewayMetrics;
  readonly inspector: Inspector;
  readonly logger: Logger;
  /** Open connections by route. */
  readonly connections: number;
  /** The bound address after `listen`. */
  readonly address: AddressInfo | undefined;
}

/** A connection's hold on its Chorus session; `takeOver` ends it for a newer connection. */
interface SessionClaim {
  takeOver: () => void;
}

/** The routes a connection can be on: the table's, and a Twilio Media Stream (its path is configurable). */
type ConnectedRoute = Route | { readonly kind: 'twilio' };

interface Tracked {
  readonly id: string;
  readonly route: ConnectedRoute['kind'];
  readonly userKey: string | undefined;
  readonly sessionKey: string | undefined;
  readonly socket: GuardedSocket;
  shutdown(): void;
}

/**
 * Creates the Chorus gateway: the Chorus protocol at `/ws/:userId/:sessionId`, OpenAI Realtime GA at
 * `/v1/realtime`, the inspection feed at `/inspect`, `/healthz` and `/metrics`.
 */
export function createChorusServer(options: ChorusServerOptions): ChorusServer {
  const roomNames = Object.keys(options.rooms);
  const chosenDefault = options.defaultRoom ?? roomNames[0];
  if (chosenDefault === undefined || !Object.hasOwn(options.rooms, chosenDefault)) {
    throw new Error(
      chosenDefault === undefined
        ? 'createChorusServer needs at least one room in `rooms`'
        : `defaultRoom "${chosenDefault}" is not in rooms (${roomNames.join(', ')})`,
    );
  }
  const defaultRoom: string = chosenDefault;
  const limits: Limits = resolveLimits(options.limits);
  const clock: Clock = options.clock ?? gatewayClock;
  const logger = options.logger ?? createGatewayLogger();
  const auth = new Authenticator(
    { ...options.auth, allowedOrigins: options.auth?.allowedOrigins ?? options.allowedOrigins },
    options.env,
  );
  const metrics = new GatewayMetrics();
  const inspector = options.inspector ?? new Inspector();
  const statelyRelay = new StatelyRelay();
  const inspectPolicy = { ...DEFAULT_INSPECT_POLICY, ...options.inspect };
  const tracing = setUpTracing(options.tracerProvider, options.env ?? process.env, clock);
  const cluster = options.cluster
    ? setUpCluster(
        options.cluster,
        options.rooms,
        inspector,
        metrics,
        logger,
        clock,
        inspectPolicy,
        tracing.tracer,
      )
    : undefined;
  const host =
    cluster?.host ??
    new RoomHost(options.rooms, inspector, metrics, logger, clock, inspectPolicy, tracing.tracer);
  const vault = new SessionVault({ ...DEFAULT_RESUMPTION, ...options.resumption }, clock, (held) =>
    held.lease.release(),
  );
  const twilio = options.twilio
    ? new TwilioGate(resolveTwilioOptions(options.twilio), auth.insecureDev, (name) => host.has(name), logger)
    : undefined;
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: limits.maxFrameBytes,
    perMessageDeflate: false,
    handleProtocols: (protocols) => selectSubprotocol(protocols),
  });
  const tracked = new Set<Tracked>();
  const sessionsByUser = new Map<string, number>();
  /** Open Chorus sessions by `user/session`; a newer connection to one takes it over. */
  const openSessions = new Map<string, SessionClaim>();
  /** One byte bucket per user with open connections, shared by them (see `limits.userBytesPerSecond`). */
  const userBuckets = new Map<string, { bucket: TokenBucket; connections: number }>();
  let httpServer: Server | undefined;
  let ownServer = false;
  let draining = false;
  let address: AddressInfo | undefined;
  let nextId = 0;

  const newId = () => `${(++nextId).toString(36)}${randomBytes(4).toString('hex')}`;

  function refuse(socket: Duplex, request: IncomingMessage, status: number, reason: string): void {
    metrics.rejectedUpgrades.inc({ status: String(status) });
    logger.info(
      { status, reason, path: loggableUrl(request.url), remote: request.socket.remoteAddress },
      'upgrade refused',
    );
    rejectUpgrade(socket, status, reason, status === 401 ? { 'WWW-Authenticate': 'Bearer' } : {});
  }

  /** A reset from the client must not become an unhandled 'error' event. */
  function guardUpgradeSocket(socket: Duplex): void {
    if (socket.listenerCount('error') === 0)
      socket.on('error', (error) => logger.debug({ err: error }, 'upgrade socket error'));
  }

  /**
   * An upgrade on an attached server that is not the gateway's. When no other `upgrade` listener
   * exists nobody else will answer it, so it is refused now; otherwise the embedding app has
   * `limits.unclaimedUpgradeMs` to answer it before the gateway does (an unanswered upgrade holds a
   * file descriptor until the process runs out of them).
   */
  function answerUnclaimed(server: Server, request: IncomingMessage, socket: Duplex): void {
    guardUpgradeSocket(socket);
    const refuseIt = () => refuse(socket, request, 404, unclaimedReason(request.url));
    if (server.listenerCount('upgrade') <= 1) {
      refuseIt();
      return;
    }
    const timer = clock.setTimeout(() => {
      const written = (socket as Duplex & { bytesWritten?: number }).bytesWritten ?? 0;
      if (!socket.destroyed && written === 0) refuseIt();
    }, limits.unclaimedUpgradeMs);
    socket.once('close', () => clock.clearTimeout(timer));
  }

  function mayRead(principal: Principal, room: string): boolean {
    if (principal.userId === undefined) return true;
    return !room.startsWith('session:') || room.startsWith(`session:${principal.userId}/`);
  }

  function handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    if (twilio?.isStream(request.url)) {
      // Twilio cannot present an API key: its signature (or loopback dev mode) lets a stream in.
      guardUpgradeSocket(socket);
      const verdict = draining
        ? ({ ok: false, status: 503, reason: 'server is shutting down' } as const)
        : twilio.authorizeUpgrade(request);
      if (!verdict.ok) refuse(socket, request, verdict.status, verdict.reason);
      else
        wss.handleUpgrade(request, socket, head, (ws) =>
          onConnection(
            ws,
            { kind: 'twilio' },
            { userId: undefined, insecure: false },
            undefined,
            undefined,
            () => {},
            false,
          ),
        );
      return true;
    }
    const route = matchRoute(request.url);
    if (route.kind === 'none' && route.status === 400) {
      // Malformed ids under the gateway's own `/ws` prefix: ours to answer in every mode.
      guardUpgradeSocket(socket);
      refuse(socket, request, 400, route.reason);
      return true;
    }
    if (
      route.kind === 'none' ||
      route.kind === 'health' ||
      route.kind === 'metrics' ||
      route.kind === 'rooms'
    ) {
      if (ownServer) {
        guardUpgradeSocket(socket);
        refuse(socket, request, 404, route.kind === 'none' ? route.reason : 'not a WebSocket endpoint');
      }
      return ownServer;
    }
    guardUpgradeSocket(socket);
    if (draining) {
      refuse(socket, request, 503, 'server is shutting down');
      return true;
    }
    const result = auth.authenticate(request);
    if (!result.ok) {
      refuse(socket, request, result.status, result.reason);
      return true;
    }
    const principal = result.principal;
    let userKey: string | undefined;
    let sessionKey: string | undefined;
    if (route.kind === 'chorus') {
      if (principal.userId !== undefined && principal.userId !== route.userId) {
        refuse(socket, request, 403, 'this key may not open sessions of another user');
        return true;
      }
      userKey = route.userId;
      sessionKey = `${route.userId}/${route.sessionId}`;
    } else if (route.kind === 'openai') {
      userKey = principal.userId ?? 'anonymous';
      if (route.room !== undefined && !host.has(route.room)) {
        refuse(socket, request, 404, `unknown room "${route.room.slice(0, 64)}"`);
        return true;
      }
    }
    // The connection a newer one takes over does not count against the limit: it is on its way out.
    const previous = sessionKey === undefined ? undefined : openSessions.get(sessionKey);
    const replaced = previous ? 1 : 0;
    if (userKey !== undefined && (sessionsByUser.get(userKey) ?? 0) - replaced >= limits.maxSessionsPerUser) {
      refuse(socket, request, 429, `at most ${limits.maxSessionsPerUser} sessions per user`);
      return true;
    }
    // Reserve before the handshake completes so two racing upgrades cannot both pass the checks.
    if (userKey !== undefined) sessionsByUser.set(userKey, (sessionsByUser.get(userKey) ?? 0) + 1);
    const claim: SessionClaim = { takeOver: () => {} };
    if (sessionKey !== undefined) {
      openSessions.set(sessionKey, claim);
      previous?.takeOver();
    }
    const release = () => {
      if (userKey !== undefined) {
        const n = (sessionsByUser.get(userKey) ?? 1) - 1;
        if (n <= 0) sessionsByUser.delete(userKey);
        else sessionsByUser.set(userKey, n);
      }
      if (sessionKey !== undefined && openSessions.get(sessionKey) === claim) openSessions.delete(sessionKey);
    };
    socket.once('close', () => {
      if (!accepted) release();
    });
    let accepted = false;
    wss.handleUpgrade(request, socket, head, (ws) => {
      accepted = true;
      try {
        onConnection(ws, route, principal, userKey, sessionKey, release, wantsBetaDialect(request), {
          address: request.socket.remoteAddress ?? 'unknown',
        });
      } catch (error) {
        logger.error({ err: error }, 'connection setup failed');
        release();
        ws.close(CloseCode.internalError, 'internal error');
      }
    });
    return true;
  }

  function onConnection(
    ws: WebSocket,
    route: ConnectedRoute,
    principal: Principal,
    userKey: string | undefined,
    sessionKey: string | undefined,
    release: () => void,
    beta: boolean,
    peer: { readonly address: string } = { address: 'unknown' },
  ): void {
    const id = newId();
    const routeLabel = route.kind;
    const log = logger.child({ connection: id, route: routeLabel, user: userKey });
    metrics.connections.inc({ route: routeLabel });
    let userBucket: { bucket: TokenBucket; connections: number } | undefined;
    if (userKey !== undefined) {
      userBucket = userBuckets.get(userKey);
      if (!userBucket) {
        userBucket = {
          bucket: new TokenBucket(limits.userByteBurst, limits.userBytesPerSecond, clock),
          connections: 0,
        };
        userBuckets.set(userKey, userBucket);
      }
      userBucket.connections++;
    }
    let onMessage: (data: Uint8Array, isBinary: boolean) => void = () => {};
    let onClosed: () => Promise<void> | void = () => {};
    let shutdown: () => void = () => {};
    const notice =
      route.kind === 'openai'
        ? openaiSlowConsumerNotice
        : route.kind === 'inspect'
          ? inspectDroppedNotice
          : chorusSlowConsumerNotice;
    const socket = new GuardedSocket(
      ws,
      route.kind === 'openai'
        ? {
            ...limits,
            messagesPerSecond: Math.max(limits.messagesPerSecond, limits.openaiFramesPerSecond),
            messageBurst: Math.max(limits.messageBurst, limits.openaiFrameBurst),
          }
        : limits,
      clock,
      {
        slowConsumerNotice: notice,
        onDrop: () => metrics.droppedFrames.inc({ route: routeLabel }),
        onSlowConsumerClose: () => {
          metrics.closes.inc({ code: String(CloseCode.policyViolation) });
          log.warn('slow consumer closed');
        },
      },
      {
        message: (data, isBinary) => onMessage(data, isBinary),
        closed: (code, reason) => {
          tracked.delete(entry);
          release();
          if (userBucket && --userBucket.connections === 0 && userKey !== undefined)
            userBuckets.delete(userKey);
          metrics.connections.dec({ route: routeLabel });
          log.info({ code, reason }, 'connection closed');
          Promise.resolve(onClosed()).catch((error: unknown) =>
            log.error({ err: error }, 'session cleanup failed'),
          );
        },
      },
      log,
      (code) => metrics.closes.inc({ code: String(code) }),
      userBucket?.bucket,
    );
    const entry: Tracked = { id, route: routeLabel, userKey, sessionKey, socket, shutdown: () => shutdown() };
    tracked.add(entry);
    log.info('connection opened');

    if (route.kind === 'chorus') {
      const connection = new ChorusConnection(socket, {
        userId: route.userId,
        sessionId: route.sessionId,
        defaultRoom,
        host,
        metrics,
        logger: log,
        vault,
        address: peer.address,
      });
      onMessage = (data, isBinary) => connection.onFrame(data, isBinary);
      onClosed = async () => {
        if (connection.active) metrics.sessions.dec({ route: 'chorus' });
        await connection.onClosed();
      };
      shutdown = () => connection.shutdown();
      const claim = sessionKey === undefined ? undefined : openSessions.get(sessionKey);
      if (claim) claim.takeOver = () => connection.takeOver();
      return;
    }
    if (route.kind === 'openai') {
      const shared = route.room !== undefined;
      const name =
        route.room ?? (route.model !== undefined && host.has(route.model) ? route.model : defaultRoom);
      const connection = new OpenAIConnection(socket, {
        connectionId: id,
        user: { id: principal.userId ?? `openai-${id}` },
        model: route.model ?? name,
        beta,
        audio: { realtimeFactor: limits.audioRealtimeFactor, burstMs: limits.audioBurstMs },
        clock,
        metrics,
        logger: log,
      });
      metrics.sessions.inc({ route: 'openai' });
      onMessage = (data, isBinary) => connection.onFrame(data, isBinary);
      onClosed = async () => {
        metrics.sessions.dec({ route: 'openai' });
        await connection.onClosed();
      };
      shutdown = () => connection.shutdown();
      host
        .open(
          name,
          {
            event: (event) => connection.onAgentEvent(event),
            ended: (reason) => connection.roomEnded(reason),
          },
          shared ? undefined : `session:${principal.userId ?? `openai-${id}`}/${id}`,
          { id: principal.userId ?? `openai-${id}` },
        )
        .then(async (lease) => {
          if (socket.closed) {
            await lease.release();
            return;
          }
          connection.attach(lease);
        })
        .catch((error: unknown) => {
          log.error({ err: error }, 'room failed to start');
          socket.close(CloseCode.internalError, 'room failed to start');
        });
      return;
    }
    if (route.kind === 'twilio') {
      const call = new PhoneCall(socket, (twilio as TwilioGate).dialect, {
        connectionId: id,
        host,
        defaultRoom,
        options: (twilio as TwilioGate).options,
        clock,
        metrics,
        logger: log,
      });
      onMessage = (data, isBinary) => call.onFrame(data, isBinary);
      onClosed = () => call.onClosed();
      shutdown = () => call.shutdown();
      return;
    }
    if (route.kind === 'inspect') {
      // Rooms are attached before the connection takes its snapshot, so the snapshot has them.
      const unwatch = host.watch();
      const connection = new InspectConnection(
        socket,
        inspector,
        route.room,
        (room) => mayRead(principal, room),
        statelyRelay,
        // One user's inspected app is not another's to watch; keys bound to no user share one scope.
        principal.userId === undefined ? '' : `user:${principal.userId}`,
      );
      onMessage = (data) => connection.onFrame(data);
      onClosed = () => {
        connection.close();
        unwatch();
      };
      shutdown = () => socket.close(CloseCode.goingAway, 'server shutting down');
    }
  }

  function handleRequest(request: IncomingMessage, response: ServerResponse): boolean {
    if (twilio?.isVoice(request.url)) {
      twilio.handleVoice(request, response);
      return true;
    }
    const route = matchRoute(request.url);
    if (route.kind === 'health') {
      const body = JSON.stringify({
        status: draining ? 'draining' : 'ok',
        connections: tracked.size,
        rooms: host.size,
      });
      response.writeHead(draining ? 503 : 200, { 'content-type': 'application/json' }).end(body);
      return true;
    }
    if (route.kind === 'rooms') {
      // The names a client may put in `config.room` (or `?room=`); the playground offers them.
      const body = JSON.stringify({ rooms: host.names, default: defaultRoom });
      response.writeHead(200, { 'content-type': 'application/json' }).end(body);
      return true;
    }
    if (route.kind === 'metrics') {
      metrics
        .text()
        .then((text) => response.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text))
        .catch((error: unknown) => {
          logger.error({ err: error }, 'metrics failed');
          response.writeHead(500).end();
        });
      return true;
    }
    return false;
  }

  function attach(server: Server): void {
    httpServer = server;
    server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      try {
        if (!handleUpgrade(request, socket, head)) answerUnclaimed(server, request, socket);
      } catch (error) {
        logger.error({ err: error }, 'upgrade failed');
        socket.destroy();
      }
    });
  }

  async function listen(port = 0, hostName = '127.0.0.1'): Promise<AddressInfo> {
    if (auth.insecureDev && !isLoopback(hostName)) {
      throw new Error(`insecure dev mode may only listen on a loopback address, not ${hostName}`);
    }
    const server = createServer((request, response) => {
      if (!handleRequest(request, response))
        response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    });
    ownServer = true;
    attach(server);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, hostName, () => {
        server.off('error', reject);
        resolve();
      });
    });
    address = server.address() as AddressInfo;
    logger.info(
      { port: address.port, host: address.address, keys: auth.keyCount, insecureDev: auth.insecureDev },
      'listening',
    );
    return address;
  }

  async function drain({ deadlineMs = 10_000 }: { deadlineMs?: number } = {}): Promise<DrainResult> {
    draining = true;
    const started = clock.now();
    if (ownServer && httpServer?.listening) httpServer.close();
    const open = [...tracked];
    const allClosed = Promise.all(
      open.map(
        (entry) =>
          new Promise<void>((resolve) => {
            if (entry.socket.closed) return resolve();
            entry.socket.ws.once('close', () => resolve());
          }),
      ),
    );
    for (const entry of open) entry.shutdown();
    await vault.close();
    let roomsStopped = false;
    const rooms = host.stopAll().then(() => {
      roomsStopped = true;
    });
    // On the gateway's clock like every other timer, so a test can drive the deadline.
    let timer: unknown;
    const deadline = new Promise<void>((resolve) => {
      timer = clock.setTimeout(resolve, Math.max(0, deadlineMs - 50));
    });
    await Promise.race([Promise.all([allClosed, rooms]), deadline]);
    clock.clearTimeout(timer);
    let terminated = 0;
    for (const entry of open) {
      if (!entry.socket.closed) {
        terminated++;
        entry.socket.ws.terminate();
      }
    }
    const result = { closed: open.length - terminated, terminated, roomsStopped };
    logger.info({ ...result, ms: clock.now() - started }, 'drained');
    return result;
  }

  async function close(): Promise<void> {
    await drain({ deadlineMs: 2000 });
    wss.close();
    if (ownServer && httpServer) {
      httpServer.closeAllConnections?.();
      await new Promise<void>((resolve) => httpServer?.close(() => resolve()) ?? resolve());
    }
    await cluster?.close();
    await tracing.shutdown();
    inspector.close();
    statelyRelay.close();
  }

  return {
    listen,
    attach,
    handleUpgrade,
    handleRequest,
    drain,
    close,
    metrics,
    inspector,
    logger,
    get connections() {
      return tracked.size;
    },
    get busAvailable() {
      return cluster?.host.bus.available;
    },
    get address() {
      return address;
    },
  };
}
