// Schedules one flush per animation frame. A hidden tab gets no animation frames, so a timer
// backs it up: buffered events are applied at least every `maxDelayMs` either way.
export type Scheduler = (flush: () => void) => () => void;

export function frameScheduler(maxDelayMs = 250): Scheduler {
  return (flush) => {
    let done = false;
    const run = () => {
      if (done) return;
      done = true;
      if (raf !== null) cancelAnimationFrame(raf);
      clearTimeout(timer);
      flush();
    };
    const raf = typeof requestAnimationFrame === 'function' ? requestAnimationFrame(run) : null;
    const timer = setTimeout(run, maxDelayMs);
    return () => {
      done = true;
      if (raf !== null) cancelAnimationFrame(raf);
      clearTimeout(timer);
    };
  };
}
