/**
 * The plugin's clock: the store stamps reactions with it and the trends read windows from it.
 * Tests replace `now` to place reactions on a timeline without sleeping.
 */
export default () => {
  const clock = {
    now: (): Date => new Date(),
    /** Replaces the time source (tests); `null` restores the wall clock. */
    use(source: (() => Date) | null) {
      clock.now = source ?? (() => new Date());
    },
  };
  return clock;
};
