// How a client's session config may shape the agents of a private room before it starts. The
// AgentScope pages send `agent_name` and `instructions` (one agent) or `agent1_name`,
// `agent1_instructions`, `agent2_...` (a room): Chorus maps `agentN_*` to the room's N-th agent and
// the bare names to the first. Whether a client may do this at all is the room's call
// (`clientShaping`); what happened is reported field by field.

/** What a client may change about one agent before it starts. */
export interface AgentShape {
  readonly name?: string;
  readonly instructions?: string;
  readonly voice?: string;
}

/** A config field that did not take effect, and why. */
export interface NotAppliedField {
  readonly field: string;
  readonly reason: string;
}

/** What a client's config did: the fields applied, and the others with the reason. */
export interface ShapingReport {
  readonly applied: string[];
  readonly not_applied: NotAppliedField[];
}

/** A member that can take a client's shape before it starts (`RealtimeAgent` can). */
export interface ShapeableMember {
  readonly name: string;
  readonly state: string;
  reshape?(shape: AgentShape): void;
}

const FIELDS = ['name', 'instructions', 'voice'] as const;
type ShapeField = (typeof FIELDS)[number];
const PATTERN = /^agent(\d{0,2})_(name|instructions|voice)$|^(instructions|voice)$/;

/** One config key that shapes an agent: which agent (0-based) and which field. */
interface ShapeKey {
  readonly key: string;
  readonly index: number;
  readonly field: ShapeField;
}

/** The config keys that shape agents, in config order; `agent_name`, `instructions`, `voice` mean agent 1. */
export function shapeKeys(config: Readonly<Record<string, unknown>>): ShapeKey[] {
  const keys: ShapeKey[] = [];
  for (const key of Object.keys(config)) {
    const match = PATTERN.exec(key);
    if (!match) continue;
    const field = (match[2] ?? match[3]) as ShapeField;
    const index = match[1] ? Number(match[1]) - 1 : 0;
    keys.push({ key, index, field });
  }
  return keys;
}

/** Every shaping key of `config` refused for the same reason. */
export function refuseShaping(config: Readonly<Record<string, unknown>>, reason: string): ShapingReport {
  return { applied: [], not_applied: shapeKeys(config).map(({ key }) => ({ field: key, reason })) };
}

const MAX_SHAPE_CHARS: Record<ShapeField, number> = { name: 64, instructions: 64 * 1024, voice: 64 };

/**
 * Applies the shaping keys of `config` to `members` (before they start). `allowed` says which
 * fields a client may set at all; names must stay unique in the room.
 */
export function shapeMembers(
  config: Readonly<Record<string, unknown>>,
  members: readonly ShapeableMember[],
  allowed: ReadonlySet<ShapeField>,
  refusal: string,
): ShapingReport {
  const report: ShapingReport = { applied: [], not_applied: [] };
  const shapes = new Map<number, { shape: { -readonly [K in ShapeField]?: string }; keys: string[] }>();
  for (const { key, index, field } of shapeKeys(config)) {
    const value = config[key];
    const member = members[index];
    const refuse = (reason: string) => report.not_applied.push({ field: key, reason });
    if (!allowed.has(field)) refuse(refusal);
    else if (!member) refuse(`the room has ${members.length} agent(s)`);
    else if (!member.reshape || member.state !== 'idle') refuse(`agent ${member.name} cannot be reshaped`);
    else if (typeof value !== 'string' || value.trim() === '') refuse('expected a non-empty string');
    else if (value.length > MAX_SHAPE_CHARS[field]) refuse(`at most ${MAX_SHAPE_CHARS[field]} characters`);
    else {
      const entry = shapes.get(index) ?? { shape: {}, keys: [] };
      entry.shape[field] = field === 'name' ? value.trim() : value;
      entry.keys.push(key);
      shapes.set(index, entry);
    }
  }
  const names = members.map((m, i) => (shapes.get(i)?.shape.name ?? m.name).toLowerCase());
  for (const [index, { shape, keys }] of shapes) {
    const name = shape.name?.toLowerCase();
    if (name !== undefined && names.indexOf(name) !== names.lastIndexOf(name)) {
      // Two agents of one room cannot share a name: the clash keeps this one's own.
      const nameKey = keys.find((k) => k.endsWith('name')) as string;
      report.not_applied.push({ field: nameKey, reason: `another agent of the room is named ${shape.name}` });
      names[index] = (members[index] as ShapeableMember).name.toLowerCase();
      delete shape.name;
      keys.splice(keys.indexOf(nameKey), 1);
    }
    (members[index] as ShapeableMember).reshape?.(shape);
    report.applied.push(...keys);
  }
  return report;
}
