import type { ToolSource, ToolSourceContext } from '../tools/tool-source.js';

/**
 * The tool sources one agent started (its own and its handoff personas'), each once: started with
 * the agent, followed while it runs, and left when it stops, so no process or socket outlives it.
 */
export class AgentToolSources {
  private sources: ToolSource[] = [];
  private unsubscribes: (() => void)[] = [];
  private begun = false;
  private closing: Promise<void> | undefined;

  /** Whether `start` was called (an agent starts once). */
  get started(): boolean {
    return this.begun;
  }

  async start(
    sources: readonly ToolSource[],
    context: ToolSourceContext,
    onChanged: () => void,
  ): Promise<void> {
    this.begun = true;
    this.sources = [...new Set(sources)];
    this.unsubscribes = this.sources.map((source) => source.onToolsChanged(onChanged));
    // A source that fails is the source's business (it reports and retries); the agent goes on.
    await Promise.allSettled(this.sources.map((source) => source.start(context)));
  }

  /** Idempotent; resolves once every source was left. */
  close(): Promise<void> {
    this.closing ??= this.leave();
    return this.closing;
  }

  private async leave(): Promise<void> {
    for (const unsubscribe of this.unsubscribes.splice(0)) unsubscribe();
    await Promise.allSettled(this.sources.map((source) => source.close()));
  }
}
