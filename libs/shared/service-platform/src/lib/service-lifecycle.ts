import { Injectable } from '@nestjs/common';

/** Whether the process still takes work; readiness turns false as soon as shutdown begins. */
@Injectable()
export class ServiceLifecycle {
  private shutdownSignal: string | undefined;

  get acceptingWork(): boolean {
    return this.shutdownSignal === undefined;
  }

  get shutdownReason(): string | undefined {
    return this.shutdownSignal;
  }

  beginShutdown(signal: string): void {
    this.shutdownSignal ??= signal;
  }
}
