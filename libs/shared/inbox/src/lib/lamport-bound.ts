/** How far ahead of the service's clock a consumed message's Lamport time may be, unless configured otherwise. */
export const DEFAULT_MAX_LAMPORT_JUMP = 1_000_000;

/**
 * Refuses a message whose Lamport time is implausibly far ahead of this
 * service's clock. Handling it would move the clock that far at once, and
 * every message the service emits afterwards with it, for good: a corrupt or
 * forged message could push the clock past what the next consumers can read
 * (a Lamport time must be a safe integer) and stop the flow. The clock only
 * moves forward, so it is read again only when a message looks too far ahead
 * of the last reading: in the steady state the bound costs no query.
 */
export class LamportBound {
  /** The clock at its last reading: never more than it is now. */
  private clockAtLeast = 0;

  /** `maxJump` 0 turns the bound off. */
  constructor(
    private readonly maxJump: number,
    private readonly readClock: () => Promise<number>,
  ) {}

  /** Why a message with this Lamport time may not be handled, or undefined when it may. */
  async refusal(lamport: number): Promise<string | undefined> {
    if (this.maxJump === 0 || lamport - this.clockAtLeast <= this.maxJump) {
      return undefined;
    }
    this.clockAtLeast = Math.max(this.clockAtLeast, await this.readClock());
    const ahead = lamport - this.clockAtLeast;
    return ahead <= this.maxJump
      ? undefined
      : `Lamport time ${lamport} is ${ahead} ahead of this service's clock (${this.clockAtLeast}); at most ${this.maxJump} is plausible`;
  }
}
