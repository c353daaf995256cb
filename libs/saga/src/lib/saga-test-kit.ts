import assert from 'node:assert/strict';
import type { CommandSpec, MessageType } from '@dtx/contracts';
import type { SagaDefinition } from './saga-definition.js';
import { applyDeadline, applyReply, startSaga } from './saga-engine.js';
import type { QueueState, SagaCommand, SagaInstance, SagaStatus, SagaTransition } from './saga-instance.js';

type AnySpec = CommandSpec<MessageType, string, string>;

/**
 * Runs a saga definition in memory, without a broker or a database, for
 * tests that read like the process: expect this command, reply with that,
 * let that one time out, expect these compensations in this order.
 */
export class SagaTestKit<Data> {
  private current: SagaInstance<Data>;
  /** The command the last event caused, if any. */
  private lastCommand: SagaCommand | undefined;
  /** The most recent command sent by any event: what `reply` answers. */
  private inFlight: SagaCommand | undefined;
  private lastIgnored: string | undefined;
  private now = Date.UTC(2026, 0, 1);
  readonly sent: SagaCommand[] = [];

  private constructor(
    private readonly definition: SagaDefinition<Data>,
    data: Data,
    orderId: string,
  ) {
    const transition = startSaga(
      definition,
      { sagaId: '00000000-0000-4000-8000-000000000001', orderId, data },
      this.context(),
    );
    this.current = transition.instance;
    this.take(transition);
  }

  /** Starts `definition` with `data`. */
  static start<Data>(
    definition: SagaDefinition<Data>,
    data: Data,
    orderId = '00000000-0000-4000-8000-0000000000aa',
  ): SagaTestKit<Data> {
    return new SagaTestKit(definition, data, orderId);
  }

  get instance(): SagaInstance<Data> {
    return this.current;
  }

  /** The command the last event caused must be `spec`'s, to its participant, with at least these payload fields. */
  expectCommand(spec: AnySpec, payload: Record<string, unknown> = {}): this {
    assert.ok(this.lastCommand, `expected ${spec.type}, but no command was sent`);
    assert.equal(this.lastCommand.type, spec.type);
    assert.equal(this.lastCommand.participant, spec.participant);
    for (const [field, value] of Object.entries(payload)) {
      assert.deepEqual(this.lastCommand.payload[field], value, `${spec.type}.${field}`);
    }
    return this;
  }

  expectNoCommand(): this {
    assert.equal(this.lastCommand, undefined, `expected no command, got ${this.lastCommand?.type}`);
    return this;
  }

  /** Replies to the most recent command sent, as its participant would. */
  reply(outcome: string): this {
    assert.ok(this.inFlight, 'nothing to reply to');
    return this.replyTo(this.inFlight, outcome);
  }

  /** Replies to a command sent earlier (a late or duplicate reply). */
  replyTo(command: SagaCommand, outcome: string): this {
    const { step, attempt } = command.payload as { step: string; attempt: number };
    this.take(
      applyReply(this.definition, this.current, { step, attempt, command: command.type, outcome }, this.context()),
    );
    return this;
  }

  /** Lets the clock run to the saga's durable timer and fires it, with the queues in the state given. */
  timeout(queues: QueueState = 'drained'): this {
    assert.notEqual(this.current.deadline, null, 'no timer is armed');
    this.now = Math.max(this.now, this.current.deadline ?? this.now);
    this.take(applyDeadline(this.definition, this.current, this.context(), queues));
    return this;
  }

  /** The last reply was not applied, for a reason matching `reason`. */
  expectIgnored(reason: RegExp): this {
    assert.match(this.lastIgnored ?? '(applied)', reason);
    return this;
  }

  expectStatus(status: SagaStatus): this {
    assert.equal(this.current.status, status);
    return this;
  }

  /** The compensations that succeeded, in the order they ran. */
  expectCompensated(steps: string[]): this {
    const compensated = this.current.history.filter(
      (line) => line.kind === 'compensation' && line.status === 'SUCCEEDED',
    );
    assert.deepEqual(
      compensated.map((line) => line.name),
      steps,
    );
    return this;
  }

  private take(transition: SagaTransition<Data>): void {
    this.current = transition.instance;
    this.lastIgnored = transition.ignored;
    this.lastCommand = transition.commands.at(-1);
    this.inFlight = this.lastCommand ?? this.inFlight;
    this.sent.push(...transition.commands);
  }

  private context() {
    return { now: this.now, random: () => 0.5 };
  }
}
