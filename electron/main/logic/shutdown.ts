// Quitting: every step runs once, in order, each bounded by a deadline so a stuck step
// (a notification channel that never answers) cannot keep the app from exiting.
import type { Logger } from '../../core/ports';

export interface ShutdownStep {
  name: string;
  run(): void | Promise<void>;
  /** Overrides the default deadline for this step. */
  timeoutMs?: number;
}

export interface Shutdown {
  /** Runs the steps (once; later calls return the same promise). Resolves when all are done or timed out. */
  run(reason: string): Promise<void>;
  readonly started: boolean;
}

export function createShutdown(steps: readonly ShutdownStep[], logger: Logger, stepTimeoutMs = 5000): Shutdown {
  let running: Promise<void> | null = null;
  const runStep = async (step: ShutdownStep) => {
    let timer: NodeJS.Timeout | undefined;
    const limit = step.timeoutMs ?? stepTimeoutMs;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), limit);
    });
    try {
      const r = await Promise.race([Promise.resolve().then(() => step.run()), timeout]);
      if (r === 'timeout') logger.warn({ step: step.name, timeoutMs: limit }, 'shutdown step timed out; continuing');
    } catch (err) {
      logger.error({ step: step.name, err }, 'shutdown step failed; continuing');
    } finally {
      clearTimeout(timer);
    }
  };
  return {
    get started() {
      return running !== null;
    },
    run(reason) {
      if (!running) {
        logger.info({ reason }, 'shutting down');
        running = (async () => {
          for (const step of steps) await runStep(step);
        })();
      }
      return running;
    },
  };
}
