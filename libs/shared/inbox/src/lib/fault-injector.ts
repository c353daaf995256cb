import { sleep } from '@dtx/util';

export interface FaultSettings {
  /** Every handled message is delayed this long before its transaction starts. */
  delayMs: number;
  /** The share (0..1) of handler runs that throw, as a bug or a failed dependency would. */
  failRate: number;
}

/** Raised by the fault injector instead of a real failure. */
export class InjectedFaultError extends Error {
  constructor() {
    super('injected fault (PUT /admin/faults)');
    this.name = 'InjectedFaultError';
  }
}

/** Makes message handling slow or failing on demand (PUT /admin/faults), for fault tests and demos. */
export class FaultInjector {
  private settings: FaultSettings = { delayMs: 0, failRate: 0 };

  constructor(private readonly random: () => number = Math.random) {}

  get current(): FaultSettings {
    return { ...this.settings };
  }

  set(settings: FaultSettings): void {
    this.settings = { ...settings };
  }

  /** Waits for the configured delay. */
  async delay(): Promise<void> {
    if (this.settings.delayMs > 0) {
      await sleep(this.settings.delayMs);
    }
  }

  /** Throws with the configured probability. */
  maybeFail(): void {
    if (this.settings.failRate > 0 && this.random() < this.settings.failRate) {
      throw new InjectedFaultError();
    }
  }
}
