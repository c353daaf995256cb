import type { PreparedTransactionView, UnfinishedTransaction } from '@dtx/contracts';
import type { Operator } from '../session/session.js';
import { Badge, Layout, OrderLink, Problem } from './layout.js';

export interface ParticipantPrepared {
  participant: string;
  prepared?: PreparedTransactionView[] | undefined;
  problem?: string | undefined;
}

export interface InDoubtPageModel {
  operator: Operator;
  unfinished?: UnfinishedTransaction[] | undefined;
  unfinishedProblem?: string | undefined;
  participants: ParticipantPrepared[];
}

/** 61 s → "1 min 1 s"; under a second in ms. */
export function formatAge(ageMs: number): string {
  if (ageMs < 1_000) {
    return `${ageMs} ms`;
  }
  const seconds = Math.floor(ageMs / 1_000);
  const parts = [
    [Math.floor(seconds / 86_400), 'd'],
    [Math.floor((seconds % 86_400) / 3_600), 'h'],
    [Math.floor((seconds % 3_600) / 60), 'min'],
    [seconds % 60, 's'],
  ] as const;
  return parts
    .filter(([value]) => value > 0)
    .map(([value, unit]) => `${value} ${unit}`)
    .join(' ');
}

function Unfinished(props: { items: UnfinishedTransaction[] }) {
  if (props.items.length === 0) {
    return <p class="muted">None: every transaction the coordinator logged has finished.</p>;
  }
  return (
    <table id="unfinished">
      <thead>
        <tr>
          <th>order / transaction</th>
          <th>state</th>
          <th>age</th>
          <th>decided (UTC)</th>
          <th>participants: vote, acknowledged outcome, phase-2 attempts, last error</th>
        </tr>
      </thead>
      <tbody>
        {props.items.map((transaction) => (
          <tr data-transaction={transaction.id}>
            <td>
              <OrderLink orderId={transaction.orderId} />
            </td>
            <td>
              <Badge value={transaction.state} />
              {transaction.reason ? <div class="mono">{transaction.reason}</div> : null}
            </td>
            <td>{formatAge(transaction.ageMs)}</td>
            <td class="mono">{transaction.decidedAt ? transaction.decidedAt.slice(0, 23) : 'not decided'}</td>
            <td>
              {transaction.participants.map((participant) => (
                <div>
                  <b>{participant.name}</b>: <Badge value={participant.vote} prefix="v" />
                  {participant.voteReason ? <code> {participant.voteReason}</code> : null} →{' '}
                  <Badge value={participant.outcome} /> <span class="muted">{participant.attempts} attempts</span>
                  {participant.lastError ? <span class="muted mono"> {participant.lastError}</span> : null}
                </div>
              ))}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Prepared(props: { entry: ParticipantPrepared }) {
  const { entry } = props;
  if (entry.problem) {
    return <Problem>{entry.problem}</Problem>;
  }
  if (!entry.prepared || entry.prepared.length === 0) {
    return <p class="muted">No prepared transactions.</p>;
  }
  return (
    <table data-participant={entry.participant}>
      <thead>
        <tr>
          <th>order</th>
          <th>gid / xid</th>
          <th>age</th>
          <th>prepared (UTC)</th>
          <th>locks held</th>
          <th style="text-align:right">sessions waiting</th>
        </tr>
      </thead>
      <tbody>
        {entry.prepared.map((prepared) => (
          <tr>
            <td>
              <OrderLink orderId={prepared.orderId} />
            </td>
            <td class="mono">
              {prepared.gid}
              <div class="muted">
                xid {prepared.xid}, by {prepared.owner}
              </div>
            </td>
            <td>{formatAge(prepared.ageMs)}</td>
            <td class="mono">{prepared.preparedAt.slice(0, 23)}</td>
            <td>
              <details>
                <summary>{prepared.locks.length} locks</summary>
                <table class="attributes">
                  <tbody>
                    {prepared.locks.map((lock) => (
                      <tr>
                        <td class="mono">{lock.lockType}</td>
                        <td class="mono">{lock.relation ?? ''}</td>
                        <td class="mono">{lock.mode}</td>
                        <td>{lock.granted ? 'granted' : 'waiting'}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </details>
            </td>
            <td style="text-align:right">{prepared.waitingSessions}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function InDoubtPage(props: InDoubtPageModel) {
  return (
    <Layout title="2PC in doubt" section="in-doubt" operator={props.operator}>
      <h1>Two-phase commit: transactions in doubt</h1>
      <h2>Not finished at the coordinator (oldest first)</h2>
      {props.unfinishedProblem ? <Problem>{props.unfinishedProblem}</Problem> : null}
      {props.unfinished ? <Unfinished items={props.unfinished} /> : null}
      {props.participants.map((entry) => (
        <>
          <h2>Prepared at {entry.participant}</h2>
          <Prepared entry={entry} />
        </>
      ))}
    </Layout>
  );
}
