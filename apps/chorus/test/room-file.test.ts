import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChatRoom, RealtimeAgent } from '@chorus/core';
import { ScriptedModel } from '@chorus/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { loadRoomFile } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'chorus-room-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

const model = () => new ScriptedModel({ script: [] });

describe('JSON room files', () => {
  it('one agent runs alone; several run in a ChatRoom with the floor asked for', async () => {
    const single = await loadRoomFile(
      file('one.json', { agents: [{ name: 'Ava', instructions: 'Hi.', voice: 'alloy' }] }),
    );
    const agent = single({ model, voice: (v) => (v === 'alloy' ? 'Puck' : v) });
    expect(agent).toBeInstanceOf(RealtimeAgent);
    expect([(agent as RealtimeAgent).name, (agent as RealtimeAgent).voice]).toEqual(['Ava', 'Puck']);

    const pair = await loadRoomFile(
      file('two.json', {
        floor: 'mention',
        agents: [
          {
            name: 'Ava',
            instructions: 'a',
            rules: { intents: [{ match: ['joke'], reply: 'Max?', handoff: 'Max' }] },
          },
          { name: 'Max', instructions: 'b' },
        ],
      }),
    );
    const room = pair({ model });
    expect(room).toBeInstanceOf(ChatRoom);
    expect((room as ChatRoom).policy.name).toBe('mention');
    expect(((room as ChatRoom).members[0] as RealtimeAgent).handoffs.map((h) => h.toolName)).toEqual([
      'transfer_to_max',
    ]);
  });

  it('names the field that is wrong', async () => {
    await expect(loadRoomFile(file('none.json', { agents: [] }))).rejects.toThrow(
      /agents: a room needs at least one agent/,
    );
    await expect(
      loadRoomFile(file('extra.json', { agents: [{ name: 'A', instructions: 'x', colour: 'red' }] })),
    ).rejects.toThrow(/agents\.0: Unrecognized key: "colour"/);
    await expect(
      loadRoomFile(
        file('regex.json', {
          agents: [
            { name: 'A', instructions: 'x', rules: { intents: [{ match: { pattern: '(' }, reply: 'y' }] } },
          ],
        }),
      ),
    ).rejects.toThrow(/agents\.0\.rules\.intents\.0\.match: Invalid regular expression/);
    await expect(loadRoomFile(file('broken.json', '{ "agents": ['))).rejects.toThrow(/is not valid JSON/);
    await expect(loadRoomFile(join(dir, 'missing.json'))).rejects.toThrow(
      /cannot read .*missing\.json: ENOENT/,
    );
  });

  it('loads a TypeScript module exporting a room factory, and refuses one exporting nothing useful', async () => {
    // Type annotations prove the file went through the TypeScript loader; the room is duck-typed.
    const build = await loadRoomFile(
      file(
        'room.ts',
        'type Options = { model: (request: { agent: string }) => unknown };\n' +
          'export default ({ model }: Options) => {\n' +
          "  const made: unknown = model({ agent: 'Typed' });\n" +
          "  return { name: 'Typed', made, events$: {}, start: async () => {}, stop: async () => {}, handleInput: () => {} };\n" +
          '};\n',
      ),
    );
    const built = build({ model }) as unknown as { name: string; made: { provider: string } };
    expect([built.name, built.made.provider]).toEqual(['Typed', 'scripted']);
    await expect(
      loadRoomFile(
        file('imports.ts', "import { RealtimeAgent } from '@chorus/core';\nexport default RealtimeAgent;\n"),
      ),
    ).rejects.toThrow(
      /Cannot find module '@chorus\/core'.*keep the room file in a project that depends on the @chorus packages/s,
    );
    await expect(loadRoomFile(file('nothing.ts', 'export const x: number = 1;\n'))).rejects.toThrow(
      /must export \(default, or as "room"\) a ChatRoom, a RealtimeAgent, or a function/,
    );
  });
});
