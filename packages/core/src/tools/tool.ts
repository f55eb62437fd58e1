import { z } from 'zod';
import type { JsonSchema, ToolDefinition } from '../model/realtime-model.js';
import type { CollectDigitsOptions, CollectedDigits } from './collect-digits.js';

/**
 * Who a tool runs for: facts about the agent, never the agent itself, so a tool cannot stop it or
 * drive its session.
 */
export interface ToolCaller {
  /** The running agent's id (`agent_id` in its events). */
  readonly id: string;
  /** The persona that offers the tool: the agent's name, or a handoff target's. */
  readonly name: string;
}

/** What a tool's `execute` gets besides its arguments. */
export interface ToolContext {
  /** Aborted when the response is interrupted, the call times out, or the agent stops. */
  readonly signal: AbortSignal;
  /** The model's id for this call. */
  readonly callId: string;
  /** The agent and persona the tool runs for. */
  readonly agent: ToolCaller;
  /**
   * Says how the call is going ("Found three flights, checking prices"): the agent speaks it when
   * the floor is free, cut off if the user speaks. Bounded per call; extra updates are dropped.
   */
  readonly progress: (text: string) => void;
  /**
   * Asks the user for keypad digits (a phone caller's DTMF, or typed `DTMF: 1234`): resolves with
   * what was typed once `max` digits, the terminator or the timeout ends the entry (see
   * `collect-digits.ts`); rejects when the call is aborted. Always there when an agent runs the tool;
   * optional so that contexts built by hand (benchmarks, other runners) need not provide it.
   */
  readonly collectDigits?: (options?: CollectDigitsOptions) => Promise<CollectedDigits>;
}

/** A line a slow tool's call speaks once, when it runs past `after` milliseconds. */
export interface ToolFiller {
  readonly after: number;
  readonly text: string;
}

/** What an approval predicate gets besides the arguments. */
export interface ToolApprovalContext {
  readonly callId: string;
  readonly agent: ToolCaller;
}

type ObjectSchema = z.ZodObject<z.ZodRawShape>;

export interface ToolOptions<S extends ObjectSchema> {
  /** Letters, digits, `_` and `-`, at most 64 characters (what every provider accepts). */
  readonly name: string;
  readonly description: string;
  /** The arguments; validated before `execute` runs, and sent to the model as JSON Schema. */
  readonly parameters: S;
  /** The tool itself. Its result is sent to the model as text (JSON unless already a string). */
  execute(args: z.infer<S>, context: ToolContext): unknown;
  /** A call running longer becomes an error result (default: the agent's `toolTimeoutMs`). */
  readonly timeoutMs?: number;
  /** Spoken once if the call runs past `after` ms, e.g. `{ after: 1500, text: 'Let me check that.' }`. */
  readonly filler?: ToolFiller;
  /** Ask the client (`agent_tool_approval_requested`) before running; a boolean or a predicate. */
  readonly needsApproval?:
    | boolean
    | ((args: z.infer<S>, context: ToolApprovalContext) => boolean | Promise<boolean>);
}

export type ParsedArguments = { ok: true; args: unknown } | { ok: false; message: string };

/** A tool with its argument type erased: what agents store and run. */
export interface AnyTool {
  readonly kind: 'tool';
  readonly name: string;
  readonly description: string;
  /** The definition sent to the model (JSON Schema from the zod parameters). */
  readonly definition: ToolDefinition;
  readonly timeoutMs: number | undefined;
  /** The line spoken when a call runs long, if any. */
  readonly filler?: ToolFiller;
  /** Parses the model's raw JSON arguments; a failure names the offending field. */
  parseArguments(raw: string): ParsedArguments;
  requiresApproval(args: unknown, context: ToolApprovalContext): Promise<boolean>;
  /** Runs the tool on parsed arguments and returns the text for the model. */
  invoke(args: unknown, context: ToolContext): Promise<string>;
}

/** A tool created by {@link tool}. */
export interface Tool<S extends ObjectSchema = ObjectSchema> extends AnyTool {
  readonly parameters: S;
}

/** What every provider accepts as a tool name. */
export const TOOL_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Defines a function tool. Arguments are validated with zod; a validation failure goes back to the
 * model as an error result naming the field, so it can correct itself.
 *
 * ```ts
 * const weather = tool({
 *   name: 'get_weather',
 *   description: 'Current weather for a city',
 *   parameters: z.object({ city: z.string() }),
 *   execute: async ({ city }, { signal }) => fetchWeather(city, signal),
 * });
 * ```
 */
export function tool<S extends ObjectSchema>(options: ToolOptions<S>): Tool<S> {
  const { name, description, parameters, execute, timeoutMs, needsApproval, filler } = options;
  if (!TOOL_NAME.test(name)) {
    throw new TypeError(`tool name "${name}" must be 1-64 letters, digits, "_" or "-"`);
  }
  if (timeoutMs !== undefined && !(Number.isFinite(timeoutMs) && timeoutMs > 0)) {
    throw new RangeError(`tool ${name}: timeoutMs must be a positive number, got ${timeoutMs}`);
  }
  if (
    filler !== undefined &&
    !(Number.isFinite(filler.after) && filler.after >= 0 && filler.text.length <= 1000)
  ) {
    throw new RangeError(
      `tool ${name}: filler.after must be a number >= 0 and filler.text at most 1000 characters`,
    );
  }
  const definition: ToolDefinition = { name, description, parameters: toJsonSchema(parameters) };
  return {
    kind: 'tool',
    name,
    description,
    parameters,
    definition,
    timeoutMs,
    ...(filler !== undefined ? { filler } : {}),
    parseArguments: (raw) => parseToolArguments(name, parameters, raw),
    async requiresApproval(args, context) {
      if (typeof needsApproval === 'function') return needsApproval(args as z.infer<S>, context);
      return needsApproval === true;
    },
    async invoke(args, context) {
      return toolOutputText(await execute(args as z.infer<S>, context));
    },
  };
}

/** JSON Schema for the model, without the `$schema` key providers reject. */
export function toJsonSchema(schema: z.ZodType): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io: 'input' }) as Record<string, unknown>;
  return rest;
}

/** Reads a tool call's raw JSON arguments (empty text is `{}`), or says why they are not JSON. */
export function readJsonArguments(
  name: string,
  raw: string,
): { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly message: string } {
  try {
    return { ok: true, value: raw.trim() === '' ? {} : JSON.parse(raw) };
  } catch (error) {
    return {
      ok: false,
      message: `invalid arguments for ${name}: not valid JSON (${(error as Error).message})`,
    };
  }
}

/** Parses and validates raw JSON arguments. */
export function parseToolArguments(name: string, schema: z.ZodType, raw: string): ParsedArguments {
  const json = readJsonArguments(name, raw);
  if (!json.ok) return json;
  const result = schema.safeParse(json.value);
  if (result.success) return { ok: true, args: result.data };
  const problems = result.error.issues
    .slice(0, 3)
    .map(
      (issue) => `${issue.path.length ? `field "${issue.path.join('.')}"` : 'arguments'}: ${issue.message}`,
    )
    .join('; ');
  return { ok: false, message: `invalid arguments for ${name}: ${problems}` };
}

/** The text a tool result becomes: strings as they are, anything else as JSON. */
export function toolOutputText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined) return '';
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
