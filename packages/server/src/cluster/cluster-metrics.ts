import { Gauge } from 'prom-client';
import type { GatewayMetrics } from '../metrics.js';
import type { ClusterRoomHost } from './cluster-room-host.js';

/** The bus's own figures beside the gateway's metrics, read from the bus when scraped. */
export function registerClusterMetrics(metrics: GatewayMetrics, host: ClusterRoomHost): void {
  const registers = [metrics.registry];
  const stats = host.bus.stats;
  const gauge = (name: string, help: string, read: () => number) =>
    new Gauge({
      name,
      help,
      registers,
      collect() {
        this.set(read());
      },
    });
  gauge('chorus_bus_up', 'Whether the bus (Redis) is reachable: 1 or 0', () => (host.bus.available ? 1 : 0));
  gauge('chorus_bus_published_messages', 'Messages this process published on the bus', () => stats.published);
  gauge('chorus_bus_received_messages', 'Messages this process received from the bus', () => stats.received);
  gauge('chorus_bus_published_bytes', 'Bytes this process published on the bus', () => stats.bytesOut);
  gauge('chorus_bus_received_bytes', 'Bytes this process received from the bus', () => stats.bytesIn);
  gauge('chorus_bus_refused_messages', 'Messages not sent because the bus was down', () => stats.refused);
  gauge('chorus_rooms_owned', 'Shared rooms whose agents run in this process', () => host.owned);
  gauge('chorus_room_moves', 'Sessions this process moved to a room’s new owner', () => host.moves);
}
