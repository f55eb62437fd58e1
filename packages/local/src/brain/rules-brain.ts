import type { ConversationItem, ToolDefinition } from '@chorus/core/provider';
import type { Brain, BrainOutput, BrainRequest } from './brain.js';

/** What a reply or argument function sees when an intent matched. */
export interface RuleContext {
  /** The user's words as heard (transcribed or typed). */
  readonly text: string;
  /** The regular expression match, for intents matched by a RegExp; null for keyword intents. */
  readonly match: RegExpMatchArray | null;
  readonly history: readonly ConversationItem[];
  readonly tools: readonly ToolDefinition[];
}

/** What `toolResultReply` sees once a tool answered. */
export interface ToolResultContext {
  readonly name: string;
  /** The tool's output exactly as returned. */
  readonly output: string;
  /** The output parsed as JSON, or the output string when it is not JSON. */
  readonly result: unknown;
  /** The arguments the tool was called with. */
  readonly args: Readonly<Record<string, unknown>>;
  /** The user's words that led to the call. */
  readonly text: string;
}

/**
 * One rule: when `match` fits the user's words, say `reply`, call `tool`, or hand off to another agent
 * (or say something and then call). Rules are tried in order; the first that fits and whose tool or
 * handoff the session offers wins.
 */
export interface Intent {
  /** For logs and tests. */
  readonly name?: string;
  /** A RegExp tested against the words, or keywords and phrases of which any one must occur. */
  readonly match: RegExp | readonly string[];
  /**
   * Whole requests this intent answers, as people say them ("what's the weather in paris"). Speech
   * recognition listens for them in a second, constrained decode and keeps that result only when it
   * sounds like what the open decode heard.
   */
  readonly examples?: readonly string[];
  /**
   * What to say. A string may use `{1}`, `{name}` (groups of a RegExp match) and `{text}`; a function
   * gets the {@link RuleContext}.
   */
  readonly reply?: string | ((context: RuleContext) => string);
  /**
   * A tool call. `args` extracts the arguments from the words; the agent validates them against the
   * tool's schema, so a rule only has to pick them out.
   */
  readonly tool?: {
    readonly name: string;
    readonly args?: (match: RegExpMatchArray | null, text: string) => Record<string, unknown>;
  };
  /** Hand the conversation to this agent, through its `transfer_to_<name>` tool. */
  readonly handoff?: string;
}

export interface RulesBrainOptions {
  readonly intents: readonly Intent[];
  /**
   * What to say once a tool answered. A string may use `{output}`, `{name}` and the top-level fields of
   * a JSON object output (`{forecast}`). The default reads the result out.
   */
  readonly toolResultReply?: string | ((context: ToolResultContext) => string);
  /** What to say when no rule fits. */
  readonly fallback?: string | ((context: RuleContext) => string);
  /** Extra words for speech recognition, besides those found in the rules. */
  readonly vocabulary?: readonly string[];
}

const DEFAULT_FALLBACK = "Sorry, I didn't catch that. Could you say it another way?";

/** The tool name a handoff to `agentName` uses (the OpenAI Agents SDK convention). */
export function handoffToolName(agentName: string): string {
  return `transfer_to_${agentName.toLowerCase().replace(/[^a-z0-9]+/g, '_')}`;
}

/** Lowercase words separated by single spaces, punctuation removed: what keywords are matched against. */
export function normalizeUtterance(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9'\s]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

function fillTemplate(template: string, values: (key: string) => unknown): string {
  return template.replace(/\{([A-Za-z0-9_]+)\}/g, (_, key: string) => {
    const value = values(key);
    if (value === undefined || value === null) return '';
    return typeof value === 'string' ? value : JSON.stringify(value);
  });
}

function matchIntent(intent: Intent, text: string): { match: RegExpMatchArray | null } | undefined {
  if (intent.match instanceof RegExp) {
    const match = text.match(intent.match);
    return match ? { match } : undefined;
  }
  const words = ` ${normalizeUtterance(text)} `;
  const hit = intent.match.some((keyword) => {
    const phrase = normalizeUtterance(keyword);
    return phrase !== '' && words.includes(` ${phrase} `);
  });
  return hit ? { match: null } : undefined;
}

function describeResult(result: unknown): string {
  if (typeof result === 'string') return result;
  if (result && typeof result === 'object' && !Array.isArray(result)) {
    const record = result as Record<string, unknown>;
    for (const key of ['message', 'text', 'summary', 'error']) {
      if (typeof record[key] === 'string') return record[key];
    }
    const parts = Object.entries(record).map(
      ([key, value]) => `${key.replace(/_/g, ' ')} ${describeResult(value)}`,
    );
    return parts.join(', ');
  }
  if (Array.isArray(result)) return result.map(describeResult).join(', ');
  return String(result);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function lastTurn(history: readonly ConversationItem[]): ConversationItem | undefined {
  for (let i = history.length - 1; i >= 0; i--) {
    const item = history[i];
    if (item && !(item.type === 'message' && item.role === 'system')) return item;
  }
  return undefined;
}

function lastUserText(history: readonly ConversationItem[]): string {
  for (let i = history.length - 1; i >= 0; i--) {
    const item = history[i];
    if (item?.type === 'message' && item.role === 'user') return item.text;
  }
  return '';
}

/**
 * A deterministic brain: an ordered list of intents, a reply for tool results and a fallback. The
 * default brain of the demo rooms; it needs no model at all.
 */
export class RulesBrain implements Brain {
  readonly name = 'rules';
  private callCounter = 0;

  constructor(private readonly options: RulesBrainOptions) {
    for (const [index, intent] of options.intents.entries()) {
      if (!intent.reply && !intent.tool && !intent.handoff) {
        throw new Error(
          `rules brain: intent ${intent.name ?? `#${index}`} needs a reply, a tool or a handoff`,
        );
      }
    }
  }

  vocabulary(): readonly string[] {
    const words = new Set<string>(this.options.vocabulary?.map(normalizeUtterance) ?? []);
    for (const intent of this.options.intents) {
      if (intent.match instanceof RegExp) {
        // The literal words of a pattern are what it listens for; escapes and groups are dropped.
        const source = intent.match.source
          .replace(/\(\?<[A-Za-z0-9_]+>|\\k<[A-Za-z0-9_]+>/g, ' ')
          .replace(/\\[a-zA-Z]/g, ' ');
        for (const word of source.match(/[a-zA-Z']{2,}/g) ?? []) words.add(word.toLowerCase());
      } else {
        for (const keyword of intent.match) words.add(normalizeUtterance(keyword));
      }
    }
    words.delete('');
    return [...words];
  }

  phrases(): readonly string[] {
    const phrases = new Set<string>();
    for (const intent of this.options.intents) {
      for (const example of intent.examples ?? []) phrases.add(normalizeUtterance(example));
    }
    phrases.delete('');
    return [...phrases];
  }

  /** The name (or index) of the first intent the text matches, whatever tools are offered. */
  intentFor(text: string): string | undefined {
    for (const [index, intent] of this.options.intents.entries()) {
      if (matchIntent(intent, text)) return intent.name ?? `#${index}`;
    }
    return undefined;
  }

  /** The position of the first intent the text matches (earlier intents are the more specific ones). */
  intentRank(text: string): number | undefined {
    const index = this.options.intents.findIndex((intent) => matchIntent(intent, text) !== undefined);
    return index < 0 ? undefined : index;
  }

  async *respond(request: BrainRequest): AsyncIterable<BrainOutput> {
    for (const output of this.decide(request)) {
      if (request.signal.aborted) return;
      yield output;
    }
  }

  /** The whole answer to the conversation's last turn. */
  decide(request: Pick<BrainRequest, 'history' | 'tools'>): BrainOutput[] {
    const last = lastTurn(request.history);
    if (last?.type === 'function_call_output') return this.answerToolResult(last, request.history);
    const text = lastUserText(request.history);
    const toolNames = new Set(request.tools.map((t) => t.name));
    for (const intent of this.options.intents) {
      const found = matchIntent(intent, text);
      if (!found) continue;
      const toolName = intent.tool?.name ?? (intent.handoff ? handoffToolName(intent.handoff) : undefined);
      if (toolName !== undefined && !toolNames.has(toolName)) continue;
      const context: RuleContext = {
        text,
        match: found.match,
        history: request.history,
        tools: request.tools,
      };
      const outputs: BrainOutput[] = [];
      if (intent.reply) outputs.push({ type: 'text', delta: this.say(intent.reply, context) });
      if (toolName !== undefined) {
        const args = intent.tool?.args?.(found.match, text) ?? {};
        outputs.push({
          type: 'tool_call',
          callId: this.newCallId(),
          name: toolName,
          arguments: JSON.stringify(args),
        });
      }
      return outputs;
    }
    const fallback = this.options.fallback ?? DEFAULT_FALLBACK;
    const context: RuleContext = { text, match: null, history: request.history, tools: request.tools };
    return [{ type: 'text', delta: this.say(fallback, context) }];
  }

  private answerToolResult(
    output: Extract<ConversationItem, { type: 'function_call_output' }>,
    history: readonly ConversationItem[],
  ): BrainOutput[] {
    const call = history.find(
      (item): item is Extract<ConversationItem, { type: 'function_call' }> =>
        item.type === 'function_call' && item.callId === output.callId,
    );
    const parsedArgs = call ? parseJson(call.arguments) : {};
    const args =
      parsedArgs && typeof parsedArgs === 'object' && !Array.isArray(parsedArgs)
        ? (parsedArgs as Record<string, unknown>)
        : {};
    const result = parseJson(output.output);
    const context: ToolResultContext = {
      name: call?.name ?? 'tool',
      output: output.output,
      result,
      args,
      text: lastUserText(history),
    };
    const reply = this.options.toolResultReply;
    let text: string;
    if (typeof reply === 'function') text = reply(context);
    else if (typeof reply === 'string') {
      text = fillTemplate(reply, (key) => {
        if (key === 'output') return context.output;
        if (key === 'name') return context.name;
        if (result && typeof result === 'object') return (result as Record<string, unknown>)[key];
        return undefined;
      });
    } else text = `${describeResult(result)}.`;
    return [{ type: 'text', delta: text }];
  }

  private say(reply: string | ((context: RuleContext) => string), context: RuleContext): string {
    if (typeof reply === 'function') return reply(context);
    return fillTemplate(reply, (key) =>
      key === 'text' ? context.text : (context.match?.groups?.[key] ?? context.match?.[Number(key)]),
    );
  }

  private newCallId(): string {
    return `call_rules_${++this.callCounter}`;
  }
}

/** A {@link RulesBrain}: `rulesBrain({ intents: [...], toolResultReply, fallback })`. */
export function rulesBrain(options: RulesBrainOptions | readonly Intent[]): RulesBrain {
  return new RulesBrain(
    Array.isArray(options) ? { intents: options as readonly Intent[] } : (options as RulesBrainOptions),
  );
}
