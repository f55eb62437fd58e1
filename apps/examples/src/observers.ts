import { RealtimeAgent } from '@chorus/core';
import { rulesBrain } from '@chorus/local';
import { localModels, type ScenarioOptions } from './model-factory.js';
import { isMainModule } from './run-scenario.js';

// Seed 000: observers that update a UI as tokens arrive, registered and unregistered. An observer is
// a callback for one event type; `agent.on(type, callback)` returns the function that removes it.
// Remove observers you no longer need: a forgotten one keeps its UI (and everything it holds) alive
// and keeps doing work for every token.

/** A minimal chat UI: finished lines plus the line being streamed. */
export class Chatbox {
  readonly lines: string[] = [];
  /** The agent's words so far in the line being spoken. */
  current = '';
  /** A status line (e.g. a running tool), cleared when the line ends. */
  status = '';
  /** How many times the UI was updated. */
  updates = 0;

  append(speaker: string, token: string): void {
    if (this.current === '') this.current = `${speaker}: `;
    this.current += token;
    this.updates++;
  }

  endLine(): void {
    if (this.current !== '') this.lines.push(this.current.trimEnd());
    this.current = '';
    this.status = '';
    this.updates++;
  }

  setStatus(status: string): void {
    this.status = status;
    this.updates++;
  }

  /** What the UI shows. */
  render(): string {
    return [
      ...this.lines,
      ...(this.current ? [this.current] : []),
      ...(this.status ? [this.status] : []),
    ].join('\n');
  }
}

/**
 * Registers the observers that keep `chatbox` up to date with `agent`; returns the function that
 * unregisters them all.
 */
export function attachChatbox(agent: RealtimeAgent, chatbox: Chatbox): () => void {
  const off = [
    agent.on('agent_response_audio_transcript_delta', (e) => chatbox.append(e.agent_name, e.delta)),
    agent.on('agent_response_text_delta', (e) => chatbox.append(e.agent_name, e.delta)),
    agent.on('agent_response_audio_transcript_done', () => chatbox.endLine()),
    agent.on('agent_response_text_done', () => chatbox.endLine()),
    agent.on('agent_response_tool_use_done', (e) => chatbox.setStatus(`(using ${e.tool_use.name}...)`)),
  ];
  return () => {
    for (const unregister of off) unregister();
  };
}

/** The streaming assistant of seed 000. */
export function observersAgent(options: ScenarioOptions = {}): RealtimeAgent {
  const models = options.model ?? localModels();
  const brain = rulesBrain({
    intents: [
      {
        name: 'news',
        match: ['news', 'summarize', 'summary'],
        reply:
          'Here is the news today. A new realtime runtime was released. It streams every word as it ' +
          'is spoken. Observers keep the screen up to date.',
      },
      {
        name: 'story',
        match: ['story'],
        reply: 'Once upon a time there was a chat box. It filled up one word at a time. The end.',
      },
    ],
    fallback: 'Ask me to summarize the news today, or for a story.',
  });
  return new RealtimeAgent({
    name: 'assistant',
    instructions: 'You are a helpful, streaming assistant.',
    model: models({ agent: 'assistant', brain }),
    ...(options.clock ? { clock: options.clock } : {}),
  });
}

/** The agent with a chatbox attached: the scenario of seed 000. */
export function observersDemo(options: ScenarioOptions = {}) {
  const agent = observersAgent(options);
  const chatbox = new Chatbox();
  const detach = attachChatbox(agent, chatbox);
  return { agent, chatbox, detach };
}

if (isMainModule(import.meta.url)) {
  const { agent, chatbox, detach } = observersDemo();
  // A second observer: the terminal is a UI too, printing each token as it arrives.
  const stopPrinting = agent.on('agent_response_audio_transcript_delta', (e) =>
    process.stdout.write(e.delta),
  );
  await agent.start();
  for await (const _event of agent.send('Summarize the news today.')) {
    // The observers do the work; the turn just has to run to its end.
  }
  process.stdout.write('\n');
  detach();
  stopPrinting();
  for await (const _event of agent.send('Tell me a story.')) {
    // Both observers are unregistered: nothing is printed and the chatbox does not change.
  }
  console.log(`after unregistering, the chatbox still shows:\n${chatbox.render()}`);
  await agent.stop();
}
