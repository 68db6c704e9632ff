/**
 * The plugin's clock: the store stamps reactions with it and the trends read windows from it.
 * Tests replace `now` to place reactions on a timeline without sleeping.
 *
 * Work due at a time on this clock (the live stream's trailing events and lifetimes) also runs
 * when the clock is replaced, through `onChange`: a test that moves the clock sees that work
 * happen without waiting for a real timer.
 */
import { createListeners } from '../utils/listeners';

export default () => {
  const listeners = createListeners();
  const clock = {
    now: (): Date => new Date(),
    /** Replaces the time source (tests); `null` restores the wall clock. */
    use(source: (() => Date) | null) {
      clock.now = source ?? (() => new Date());
      listeners.notify();
    },
    /** Called after every `use`; returns the unsubscribe function. */
    onChange: listeners.add,
  };
  return clock;
};
