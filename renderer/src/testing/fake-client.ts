// A DeskClient for component tests: our own port, faked. Calls are validated with the
// contract's zod input schema exactly as the engine's dispatch does (400 + per-field issues),
// then answered by the handlers a test installs; events and connection changes are pushed by hand.
import { api, type EndpointArgs, type EndpointInput, type EndpointName, type EndpointOutput } from '../../../shared/api';
import { type ConnectionState, type DeskClient, DeskClientError } from '../../../shared/client';
import type { DeskEvent } from '../../../shared/events';

export type FakeHandlers = { [K in EndpointName]?: (args: EndpointArgs<K>) => EndpointOutput<K> | Promise<EndpointOutput<K>> };

export class FakeDeskClient implements DeskClient {
  readonly calls: { name: EndpointName; input: unknown }[] = [];
  subscriptions: string[][] = [];
  private readonly eventListeners = new Set<(e: DeskEvent) => void>();
  private readonly connListeners = new Set<(s: ConnectionState) => void>();
  private state: ConnectionState;

  constructor(
    public handlers: FakeHandlers = {},
    initial: ConnectionState = 'open',
  ) {
    this.state = initial;
  }

  async call<K extends EndpointName>(name: K, input: EndpointInput<K>): Promise<EndpointOutput<K>> {
    this.calls.push({ name, input });
    const parsed = api[name].input.safeParse(input ?? {});
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => ({ field: i.path.length ? i.path.join('.') : '(body)', reason: i.message }));
      throw new DeskClientError('bad_request', `invalid input: ${issues.map((i) => `${i.field}: ${i.reason}`).join('; ')}`, 400, issues);
    }
    const h = this.handlers[name] as ((args: unknown) => unknown) | undefined;
    if (!h) throw new DeskClientError('not_found', `no fake handler for ${name}`, 404);
    return (await h(parsed.data)) as EndpointOutput<K>;
  }

  callsOf(name: EndpointName): unknown[] {
    return this.calls.filter((c) => c.name === name).map((c) => c.input);
  }

  subscribe(portfolioIds: string[]): void {
    this.subscriptions.push(portfolioIds);
  }

  onEvent(listener: (event: DeskEvent) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  onConnection(listener: (state: ConnectionState) => void): () => void {
    this.connListeners.add(listener);
    listener(this.state);
    return () => this.connListeners.delete(listener);
  }

  emit(event: DeskEvent): void {
    for (const l of this.eventListeners) l(event);
  }

  setConnection(state: ConnectionState): void {
    this.state = state;
    for (const l of this.connListeners) l(state);
  }

  close(): void {
    this.setConnection('closed');
  }
}
