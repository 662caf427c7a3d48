// Latest wins for a request the shopper can overtake (a quote): starting one aborts the one
// on its way, and only the newest may change the screen.

export function latestOnly() {
  let seq = 0;
  let abort = null;
  /** Forget the request on its way: it is aborted and its answer is out of date. */
  function cancel() {
    seq++;
    abort?.abort();
    abort = null;
  }
  return {
    cancel,
    /**
     * A new request (the one on its way is cancelled): {signal, latest(), end()}. `latest()`
     * says whether none started or was cancelled since; `end()` marks it finished (nothing left
     * to abort) and returns latest().
     */
    start() {
      cancel();
      const mine = seq;
      const controller = new AbortController();
      abort = controller;
      const latest = () => mine === seq;
      return {
        signal: controller.signal,
        latest,
        end() {
          if (latest()) abort = null;
          return latest();
        },
      };
    },
  };
}
