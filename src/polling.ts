import { Poll } from '@lumino/polling';

/**
 * Start the extension's kind of periodic work: a `Poll` that stands by
 * while the page is hidden (without a lingering tick, so a hidden tab sends
 * nothing), backs off up to four intervals after a failed tick, and first
 * ticks one interval from now, or at once with `now`. Dispose it to stop.
 */
export function startPoll(
  factory: () => Promise<unknown>,
  interval: number,
  now = false
): Poll {
  const poll = new Poll({
    auto: false,
    factory,
    frequency: { interval, backoff: true, max: interval * 4 },
    linger: 0,
    standby: 'when-hidden'
  });
  void poll.schedule({
    interval: now ? Poll.IMMEDIATE : interval,
    phase: 'started'
  });
  return poll;
}
