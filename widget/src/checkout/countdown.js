// A coupon's time left, ticking once a second: in the offer dialog after claiming and in the
// cart drawer until the coupon expires. The visible clock is not a live region (a reading
// every second would drown everything else out); it carries role="timer".

/** "29:05" (or "1:02:03") for `ms` milliseconds, rounded up to the second. */
export function clock(ms) {
  const seconds = Math.ceil(Math.max(0, ms) / 1000);
  const [h, m, s] = [Math.floor(seconds / 3600), Math.floor(seconds / 60) % 60, seconds % 60];
  const two = (n) => String(n).padStart(2, "0");
  return h ? `${h}:${two(m)}:${two(s)}` : `${m}:${two(s)}`;
}

/**
 * Call render(msLeft) now and on every second until `expiresAt` (ms since the epoch) has
 * passed (the last call gets 0); returns stop().
 */
export function countdown(expiresAt, render) {
  let timer = 0;
  const tick = () => {
    const left = Math.max(0, expiresAt - Date.now());
    render(left);
    if (left > 0) timer = setTimeout(tick, left % 1000 || 1000);
  };
  tick();
  return () => clearTimeout(timer);
}

/** How near the end `ms` left is: 0 more than 5 minutes, 1 up to 5, 2 the last minute, 3 over. */
export const expiryStage = (ms) => (ms > 300000 ? 0 : ms > 60000 ? 1 : ms ? 2 : 3);
