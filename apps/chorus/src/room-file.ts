import { readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ChatRoom, type FloorName, RealtimeAgent } from '@chorus/core';
import type { ModelFactory, ScenarioOptions } from '@chorus/examples';
import { type Intent, rulesBrain } from '@chorus/local';
import { z } from 'zod';
import { type ConversationTarget, isConversationTarget } from './conversation-target.js';

/**
 * The JSON room format of `chorus room`:
 *
 * ```json
 * {
 *   "floor": "mention",
 *   "agents": [
 *     {
 *       "name": "Ava",
 *       "instructions": "You are Ava. You greet people.",
 *       "voice": "shimmer",
 *       "rules": {
 *         "intents": [
 *           { "match": ["hello", "hi"], "reply": "Hello! I'm Ava." },
 *           { "match": { "pattern": "my name is (?<name>\\w+)", "flags": "i" }, "reply": "Nice to meet you, {name}." },
 *           { "match": ["billing"], "reply": "Max handles billing.", "handoff": "Max" }
 *         ],
 *         "fallback": "Sorry, I only say hello."
 *       }
 *     }
 *   ]
 * }
 * ```
 *
 * One agent runs on its own; several run in a `ChatRoom` with `floor` (`free`, `roundRobin`, `mention`;
 * default `free`). The `rules` are what the local model says (a provider model follows `instructions`
 * instead): intents are tried in order; `match` is a list of keywords or phrases (any one matches) or a
 * regular expression; `reply` may use `{text}` and the regular expression's groups; `handoff` names
 * another agent of the file.
 */
export const roomFileSchema = z.strictObject({
  floor: z.enum(['free', 'roundRobin', 'mention']).optional(),
  maxAgentTurns: z.number().int().nonnegative().optional(),
  agents: z
    .array(
      z.strictObject({
        name: z.string().min(1).max(64),
        instructions: z.string().min(1),
        voice: z.string().min(1).optional(),
        rules: z
          .strictObject({
            intents: z
              .array(
                z.strictObject({
                  name: z.string().optional(),
                  match: z.union([
                    z.array(z.string().min(1)).min(1),
                    z.strictObject({ pattern: z.string().min(1), flags: z.string().optional() }),
                  ]),
                  reply: z.string().min(1).optional(),
                  handoff: z.string().min(1).optional(),
                }),
              )
              .default([]),
            fallback: z.string().min(1).optional(),
            vocabulary: z.array(z.string()).optional(),
          })
          .optional(),
      }),
    )
    .min(1, 'a room needs at least one agent'),
});

export type RoomFile = z.infer<typeof roomFileSchema>;

/** Builds a fresh room from a TypeScript or JSON file, given the models to use. */
export type RoomBuilder = (options: ScenarioOptions & { model: ModelFactory }) => ConversationTarget;

/**
 * Loads a room definition.
 * - `.json`: the format of {@link roomFileSchema}.
 * - `.ts`, `.mts`, `.js`, `.mjs`: a module whose default export (or export named `room`) is a room or
 *   agent, or a function `({ model }) => room` that builds one with the given model factory.
 */
export async function loadRoomFile(file: string): Promise<RoomBuilder> {
  const path = resolve(file);
  const extension = extname(path).toLowerCase();
  if (extension === '.json') return jsonRoom(path);
  if (['.ts', '.mts', '.cts', '.tsx', '.js', '.mjs'].includes(extension)) return moduleRoom(path);
  throw new Error(`${file}: expected a .ts or .json room file, got "${extension || 'no extension'}"`);
}

async function jsonRoom(path: string): Promise<RoomBuilder> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new Error(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new Error(`${path} is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = roomFileSchema.safeParse(data);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .slice(0, 5)
      .map((issue) => `  ${issue.path.length ? issue.path.join('.') : '(file)'}: ${issue.message}`)
      .join('\n');
    throw new Error(`${path} is not a valid room file:\n${problems}`);
  }
  const room = parsed.data;
  checkRoom(path, room);
  return (options) => buildJsonRoom(room, options);
}

function checkRoom(path: string, room: RoomFile): void {
  const names = new Set(room.agents.map((a) => a.name));
  for (const [i, agent] of room.agents.entries()) {
    for (const [j, intent] of (agent.rules?.intents ?? []).entries()) {
      const where = `agents.${i}.rules.intents.${j}`;
      if (!intent.reply && !intent.handoff) throw new Error(`${path}: ${where} needs a reply or a handoff`);
      if (intent.handoff && !names.has(intent.handoff)) {
        throw new Error(
          `${path}: ${where} hands off to "${intent.handoff}", which is no agent of the file (${[...names].join(', ')})`,
        );
      }
      if (!Array.isArray(intent.match)) {
        try {
          new RegExp(intent.match.pattern, intent.match.flags);
        } catch (error) {
          throw new Error(`${path}: ${where}.match: ${(error as Error).message}`);
        }
      }
    }
  }
}

function buildJsonRoom(
  room: RoomFile,
  options: ScenarioOptions & { model: ModelFactory },
): ConversationTarget {
  const agents = new Map<string, RealtimeAgent>();
  const single = room.agents.length === 1;
  for (const spec of room.agents) {
    const intents: Intent[] = (spec.rules?.intents ?? []).map((intent) => ({
      ...(intent.name ? { name: intent.name } : {}),
      match: Array.isArray(intent.match)
        ? intent.match
        : new RegExp(intent.match.pattern, intent.match.flags ?? 'i'),
      ...(intent.reply ? { reply: intent.reply } : {}),
      ...(intent.handoff ? { handoff: intent.handoff } : {}),
    }));
    const brain = rulesBrain({
      intents,
      ...(spec.rules?.fallback ? { fallback: spec.rules.fallback } : {}),
      ...(spec.rules?.vocabulary ? { vocabulary: spec.rules.vocabulary } : {}),
    });
    const voice = spec.voice === undefined ? undefined : (options.voice?.(spec.voice) ?? spec.voice);
    agents.set(
      spec.name,
      new RealtimeAgent({
        name: spec.name,
        instructions: spec.instructions,
        // In a room a handoff passes the floor to the named agent, which answers with its own model.
        model: options.model({ agent: spec.name, brain }),
        ...(voice ? { voice } : {}),
        handoffs: () =>
          (spec.rules?.intents ?? [])
            .map((intent) => (intent.handoff ? agents.get(intent.handoff) : undefined))
            .filter((agent): agent is RealtimeAgent => agent !== undefined),
        ...(options.clock ? { clock: options.clock } : {}),
      }),
    );
  }
  const members = [...agents.values()];
  if (single) return members[0] as RealtimeAgent;
  return new ChatRoom({
    agents: members,
    floor: (room.floor ?? 'free') as FloorName,
    ...(room.maxAgentTurns === undefined ? {} : { maxAgentTurns: room.maxAgentTurns }),
    ...(options.clock ? { clock: options.clock } : {}),
  });
}

async function moduleRoom(path: string): Promise<RoomBuilder> {
  // tsx compiles TypeScript on the fly, for this import only (no global loader is registered).
  const { tsImport } = await import('tsx/esm/api');
  let loaded: Record<string, unknown>;
  try {
    loaded = (await tsImport(pathToFileURL(path).href, import.meta.url)) as Record<string, unknown>;
  } catch (error) {
    const message = (error as Error).message;
    const hint = /Cannot find (module|package) '@chorus\//.test(message)
      ? " (imports resolve from the file's own folder: keep the room file in a project that depends on the @chorus packages)"
      : '';
    throw new Error(`cannot load ${path}: ${message}${hint}`);
  }
  // A file that node treats as CommonJS (no "type": "module" nearby) arrives wrapped once more.
  const namespace = isWrappedCommonJs(loaded.default) ? loaded.default : loaded;
  const exported = namespace.default ?? namespace.room;
  if (typeof exported === 'function') {
    return (options) => {
      const built = (exported as (o: unknown) => unknown)(options);
      if (!isConversationTarget(built)) {
        throw new Error(`${path}: the exported function must return a ChatRoom or a RealtimeAgent`);
      }
      return built;
    };
  }
  if (isConversationTarget(exported)) return () => exported;
  throw new Error(
    `${path} must export (default, or as "room") a ChatRoom, a RealtimeAgent, or a function ({ model }) => room`,
  );
}

function isWrappedCommonJs(value: unknown): value is Record<string, unknown> {
  return (
    value !== null &&
    typeof value === 'object' &&
    !isConversationTarget(value) &&
    ('default' in value || 'room' in value)
  );
}
