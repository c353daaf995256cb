import assert from 'node:assert/strict';
import type { CommandSpec, MessageType } from '@dtx/contracts';
import type { SagaDefinition } from './saga-definition.js';
import { applyDeadline, applyReply, startSaga } from './saga-engine.js';
import {
  sagaTimer,
  type QueueStates,
  type SagaCommand,
  type SagaInstance,
  type SagaStatus,
  type SagaTransition,
} from './saga-instance.js';

type AnySpec = CommandSpec<MessageType, string, string>;

/**
 * Runs a saga definition in memory, without a broker or a database, for
 * tests that read like the process: expect this command, reply with that,
 * let that one time out, expect these compensations in this order. Commands
 * sent together (a parallel group) are expected together and answered in any
 * order.
 */
export class SagaTestKit<Data> {
  private current: SagaInstance<Data>;
  /** The commands the last event caused, if any. */
  private lastCommands: SagaCommand[] = [];
  /** The commands the most recent event that sent any sent: what `reply` answers. */
  private latestSent: SagaCommand[] = [];
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

  /** The last event caused a command of `spec`'s type, to its participant, with at least these payload fields. */
  expectCommand(spec: AnySpec, payload: Record<string, unknown> = {}): this {
    const command = this.lastCommands.find((candidate) => candidate.type === spec.type);
    assert.ok(command, `expected ${spec.type}, got [${this.lastCommands.map((sent) => sent.type).join(', ')}]`);
    assertCommand(command, spec, payload);
    return this;
  }

  /** The last event caused exactly these commands, in one transaction, each with at least these payload fields. */
  expectCommands(specs: AnySpec[], payload: Record<string, unknown> = {}): this {
    assert.deepEqual(this.lastCommands.map((command) => command.type).sort(), specs.map((spec) => spec.type).sort());
    for (const spec of specs) {
      assertCommand(
        this.lastCommands.find((command) => command.type === spec.type),
        spec,
        payload,
      );
    }
    return this;
  }

  expectNoCommand(): this {
    assert.deepEqual(
      this.lastCommands.map((command) => command.type),
      [],
      'expected no command',
    );
    return this;
  }

  /** The steps whose commands are in flight (sent, not yet succeeded), in any order. */
  expectInFlight(steps: string[]): this {
    assert.deepEqual(this.current.inFlight.map((timer) => timer.step).sort(), [...steps].sort());
    return this;
  }

  /** Replies to the command the most recent sending event sent, as its participant would. */
  reply(outcome: string): this {
    assert.equal(this.latestSent.length, 1, 'several commands in flight: say which one with replyTo');
    return this.replyTo(this.latestSent[0] as SagaCommand, outcome);
  }

  /**
   * Replies to a command: given a spec, to the latest command of its type (so
   * commands sent together can be answered in any order); given a command sent
   * earlier, to that one (a late or duplicate reply).
   */
  replyTo(target: AnySpec | SagaCommand, outcome: string): this {
    const command = 'payload' in target ? target : this.sent.findLast((sent) => sent.type === target.type);
    assert.ok(command, `no ${target.type} was sent`);
    const { step, attempt } = command.payload as { step: string; attempt: number };
    this.take(
      applyReply(this.definition, this.current, { step, attempt, command: command.type, outcome }, this.context()),
    );
    return this;
  }

  /**
   * Lets the clock run to the saga's durable timer (the earliest of its steps')
   * and fires it, with the queues in the state given: one for every overdue
   * step, or one per step name.
   */
  timeout(queues: QueueStates = 'drained'): this {
    const { deadline } = sagaTimer(this.current);
    assert.notEqual(deadline, null, 'no timer is armed');
    this.now = Math.max(this.now, deadline ?? this.now);
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
    this.lastCommands = transition.commands;
    this.latestSent = transition.commands.length > 0 ? transition.commands : this.latestSent;
    this.sent.push(...transition.commands);
  }

  private context() {
    return { now: this.now, random: () => 0.5 };
  }
}

function assertCommand(command: SagaCommand | undefined, spec: AnySpec, payload: Record<string, unknown>): void {
  assert.ok(command, `expected ${spec.type}`);
  assert.equal(command.participant, spec.participant);
  for (const [field, value] of Object.entries(payload)) {
    assert.deepEqual(command.payload[field], value, `${spec.type}.${field}`);
  }
}
