/** How far ahead of the service's clock a consumed message's Lamport time may be, unless configured otherwise. */
export const DEFAULT_MAX_LAMPORT_JUMP = 1_000_000;

/** The service's Lamport clock as the bound needs it. */
export interface LamportClockAccess {
  read(): Promise<number>;
  /** Moves the clock to at least `time`; never back. */
  advanceTo(time: number): Promise<void>;
}

/**
 * Refuses a message whose Lamport time is implausibly far ahead of this
 * service's clock. Handling it would move the clock that far at once, and
 * every message the service emits afterwards with it, for good: a corrupt or
 * forged message could push the clock past what the next consumers can read
 * (a Lamport time must be a safe integer) and stop the flow.
 *
 * The clock moves only when the service emits, but a consumer also reads what
 * it does not handle (another flow's orders, other message types), and its
 * senders' clocks move on with those. So the bound is measured from the
 * highest of the clock and every plausible Lamport time the consumer has read,
 * and that is written to the clock once it is half the bound ahead of it:
 * after a restart, the consumer starts from no further behind. The clock is
 * read only when a message looks too far ahead, so in the steady state the
 * bound costs no query, and a write only once per half a bound.
 */
export class LamportBound {
  /** At least the service's clock: its last reading, or a plausible Lamport time read since. */
  private reference = 0;
  /** What the clock is known to hold at least: read from it or written to it. */
  private stored = 0;

  /** `maxJump` 0 turns the bound off. */
  constructor(
    private readonly maxJump: number,
    private readonly clock: LamportClockAccess,
  ) {}

  /** Why a message with this Lamport time may not be handled, or undefined when it may (and then it counts as read). */
  async refusal(lamport: number): Promise<string | undefined> {
    if (!(await this.withinBound(lamport))) {
      return `Lamport time ${lamport} is ${lamport - this.reference} ahead of this service's clock (${this.reference}); at most ${this.maxJump} is plausible`;
    }
    this.reference = Math.max(this.reference, lamport);
    return undefined;
  }

  /** A message read but not handled: its Lamport time counts if it is plausible. */
  async read(lamport: number): Promise<void> {
    if (await this.withinBound(lamport)) {
      this.reference = Math.max(this.reference, lamport);
    }
  }

  /** Writes what has been read to the clock once it is half the bound ahead of what the clock holds. */
  async keepClockNear(): Promise<void> {
    if (this.maxJump > 0 && this.reference - this.stored > this.maxJump / 2) {
      const time = this.reference;
      await this.clock.advanceTo(time);
      this.stored = Math.max(this.stored, time);
    }
  }

  /** Whether `lamport` is within the bound, reading the clock when it looks too far ahead of the last reading. */
  private async withinBound(lamport: number): Promise<boolean> {
    if (this.plausible(lamport)) {
      return true;
    }
    const clock = await this.clock.read();
    this.stored = Math.max(this.stored, clock);
    this.reference = Math.max(this.reference, clock);
    return this.plausible(lamport);
  }

  private plausible(lamport: number): boolean {
    return this.maxJump === 0 || lamport - this.reference <= this.maxJump;
  }
}
