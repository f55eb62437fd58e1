import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The gateway's Prometheus metrics, in a registry of its own so several servers in one process never collide. */
export class GatewayMetrics {
  readonly registry = new Registry();
  readonly connections: Gauge<'route'>;
  readonly sessions: Gauge<'route'>;
  readonly rooms: Gauge;
  readonly eventsIn: Counter<'route'>;
  readonly eventsOut: Counter<'route'>;
  readonly clientErrors: Counter<'route' | 'code'>;
  readonly droppedFrames: Counter<'route'>;
  readonly rejectedUpgrades: Counter<'status'>;
  readonly closes: Counter<'code'>;
  readonly timeToFirstAudio: Histogram;
  readonly turnLatency: Histogram;
  readonly interruptions: Counter;
  readonly toolDuration: Histogram;
  /**
   * The per-event counters bound to each route once: they count every frame, and labelling a
   * counter on every call hashes the labels every time.
   */
  readonly perRoute: Readonly<
    Record<'chorus' | 'openai', { readonly eventsIn: Counter.Internal; readonly eventsOut: Counter.Internal }>
  >;

  constructor() {
    const registers = [this.registry];
    this.connections = new Gauge({
      name: 'chorus_connections',
      help: 'Open WebSocket connections by route',
      labelNames: ['route'],
      registers,
    });
    this.sessions = new Gauge({
      name: 'chorus_sessions',
      help: 'Active sessions by route',
      labelNames: ['route'],
      registers,
    });
    this.rooms = new Gauge({ name: 'chorus_rooms', help: 'Running rooms and agents', registers });
    this.eventsIn = new Counter({
      name: 'chorus_events_in_total',
      help: 'Client frames received',
      labelNames: ['route'],
      registers,
    });
    this.eventsOut = new Counter({
      name: 'chorus_events_out_total',
      help: 'Frames sent to clients',
      labelNames: ['route'],
      registers,
    });
    this.perRoute = {
      chorus: { eventsIn: this.eventsIn.labels('chorus'), eventsOut: this.eventsOut.labels('chorus') },
      openai: { eventsIn: this.eventsIn.labels('openai'), eventsOut: this.eventsOut.labels('openai') },
    };
    this.clientErrors = new Counter({
      name: 'chorus_client_errors_total',
      help: 'Client events answered with an error, by code',
      labelNames: ['route', 'code'],
      registers,
    });
    this.droppedFrames = new Counter({
      name: 'chorus_dropped_frames_total',
      help: 'Audio frames dropped because a client read too slowly',
      labelNames: ['route'],
      registers,
    });
    this.rejectedUpgrades = new Counter({
      name: 'chorus_rejected_upgrades_total',
      help: 'WebSocket upgrades refused, by HTTP status',
      labelNames: ['status'],
      registers,
    });
    this.closes = new Counter({
      name: 'chorus_closes_total',
      help: 'Connections closed by the server, by close code',
      labelNames: ['code'],
      registers,
    });
    const seconds = [0.05, 0.1, 0.2, 0.3, 0.5, 0.8, 1, 1.5, 2, 3, 5, 10];
    this.timeToFirstAudio = new Histogram({
      name: 'chorus_turn_time_to_first_audio_seconds',
      help: 'From response start to its first audio, per turn',
      buckets: seconds,
      registers,
    });
    this.turnLatency = new Histogram({
      name: 'chorus_turn_e2e_seconds',
      help: 'From the user stopping to the agent starting, per turn',
      buckets: seconds,
      registers,
    });
    this.interruptions = new Counter({
      name: 'chorus_turn_interruptions_total',
      help: 'Turns cut off by barge-in or cancel',
      registers,
    });
    this.toolDuration = new Histogram({
      name: 'chorus_tool_duration_seconds',
      help: 'Wall time of tool calls',
      buckets: seconds,
      registers,
    });
  }

  /** Records an `agent_turn_metrics` event from the core. */
  recordTurn(event: {
    time_to_first_audio_ms?: number | undefined;
    e2e_ms?: number | undefined;
    interrupted: boolean;
    tool_durations_ms: Readonly<Record<string, number>>;
  }): void {
    if (event.time_to_first_audio_ms !== undefined)
      this.timeToFirstAudio.observe(event.time_to_first_audio_ms / 1000);
    if (event.e2e_ms !== undefined) this.turnLatency.observe(event.e2e_ms / 1000);
    if (event.interrupted) this.interruptions.inc();
    for (const ms of Object.values(event.tool_durations_ms)) this.toolDuration.observe(ms / 1000);
  }

  /** The Prometheus text exposition. */
  async text(): Promise<string> {
    return this.registry.metrics();
  }
}
