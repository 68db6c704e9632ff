/**
 * Who follows a change on this instance (the clock replaced, the public ability rebuilt):
 * `add` returns the unsubscribe function; `notify` calls each over a copy, so a listener may
 * unsubscribe while it is called.
 */
export const createListeners = () => {
  const listeners = new Set<() => void>();
  return {
    add(listener: () => void): () => void {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    notify() {
      for (const listener of [...listeners]) listener();
    },
  };
};
