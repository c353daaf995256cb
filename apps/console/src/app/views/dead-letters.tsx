import type { DeadLetter } from '@dtx/dead-letters';
import type { Operator } from '../session/session.js';
import { Layout, OrderLink, Problem, TraceLink } from './layout.js';

export interface DeadLettersPageModel {
  operator: Operator;
  /** Every dead-letter topic of the deployment (without its prefix), with its dead letters, newest first. */
  topics: { topic: string; letters: DeadLetter[] }[];
  reasonFilter?: string | undefined;
  /** Reasons with how many dead letters not replayed yet. */
  reasons: { reason: string; pending: number; total: number }[];
  problem?: string | undefined;
  replayed?: number | undefined;
  topicPrefix: string;
}

const withoutPrefix = (topic: string | null, prefix: string) =>
  topic === null ? '?' : topic.startsWith(prefix) ? topic.slice(prefix.length) : topic;

function ReplayForm(props: { letter: DeadLetter; csrf: string }) {
  return (
    <form method="post" action="/dead-letters/replay">
      <input type="hidden" name="_csrf" value={props.csrf} />
      <input type="hidden" name="topic" value={props.letter.topic} />
      <input type="hidden" name="partition" value={String(props.letter.partition)} />
      <input type="hidden" name="offset" value={props.letter.offset} />
      <button
        type="submit"
        class="danger"
        data-replay={`${props.letter.topic}/${props.letter.partition}@${props.letter.offset}`}
      >
        {props.letter.replays.length > 0 ? 'Replay again' : 'Replay'}
      </button>
    </form>
  );
}

function Letters(props: { letters: DeadLetter[]; csrf: string; prefix: string }) {
  return (
    <table class="dead-letters">
      <thead>
        <tr>
          <th>dead-lettered (UTC)</th>
          <th>reason</th>
          <th>message</th>
          <th>original topic</th>
          <th>order / trace</th>
          <th>replays</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {props.letters.map((letter) => (
          <tr data-order-id={letter.orderId ?? ''} data-reason={letter.reason}>
            <td class="mono">
              {letter.deadLetteredAt.slice(0, 23)}
              <div class="muted">
                {letter.partition}@{letter.offset}
              </div>
            </td>
            <td>
              <b>{letter.reason}</b>
              {letter.error ? <div class="muted mono">{letter.error}</div> : null}
              {letter.attempts !== null ? <div class="muted">after {letter.attempts} attempts</div> : null}
            </td>
            <td class="mono">
              {letter.type ?? '?'}
              <div class="muted">{letter.messageId?.slice(0, 8) ?? ''}</div>
            </td>
            <td class="mono">
              {withoutPrefix(letter.originalTopic, props.prefix)}
              {letter.originalPartition !== null ? (
                <div class="muted">
                  {letter.originalPartition}@{letter.originalOffset}
                </div>
              ) : null}
              {letter.consumerGroup ? (
                <div class="muted">group {withoutPrefix(letter.consumerGroup, props.prefix)}</div>
              ) : null}
            </td>
            <td>
              {letter.orderId ? <OrderLink orderId={letter.orderId} short /> : <span class="muted">?</span>}
              <div>
                <TraceLink traceId={letter.traceId} />
              </div>
            </td>
            <td class="replays">
              {letter.replays.length === 0 ? (
                <span class="muted">never</span>
              ) : (
                letter.replays.map((replay) => (
                  <div>
                    by <b>{replay.replayedBy}</b> at <span class="mono">{replay.replayedAt.slice(0, 19)}</span>
                  </div>
                ))
              )}
            </td>
            <td>
              <ReplayForm letter={letter} csrf={props.csrf} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function DeadLettersPage(props: DeadLettersPageModel) {
  const csrf = props.operator.csrfToken;
  return (
    <Layout title="Dead letters" section="dead-letters" operator={props.operator}>
      <h1>Dead letters</h1>
      {props.replayed !== undefined ? (
        <p class="notice" id="replay-notice">
          Replayed {props.replayed} dead letter{props.replayed === 1 ? '' : 's'} onto{' '}
          {props.replayed === 1 ? 'its' : 'their'} original topic, as <code>{props.operator.principal.subject}</code>.
        </p>
      ) : null}
      {props.problem ? <Problem>{props.problem}</Problem> : null}
      <h2>By reason</h2>
      {props.reasons.length === 0 ? (
        <p class="muted">No dead letters.</p>
      ) : (
        <table id="reasons">
          <thead>
            <tr>
              <th>reason</th>
              <th style="text-align:right">dead letters</th>
              <th style="text-align:right">never replayed</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {props.reasons.map((entry) => (
              <tr>
                <td>
                  <a href={`/dead-letters?reason=${encodeURIComponent(entry.reason)}`}>{entry.reason}</a>
                </td>
                <td style="text-align:right">{entry.total}</td>
                <td style="text-align:right">{entry.pending}</td>
                <td>
                  {entry.pending > 0 ? (
                    <form method="post" action="/dead-letters/replay-reason">
                      <input type="hidden" name="_csrf" value={csrf} />
                      <input type="hidden" name="reason" value={entry.reason} />
                      <button type="submit" class="danger">
                        Replay all {entry.pending} never replayed
                      </button>
                    </form>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {props.reasonFilter ? (
        <p>
          Only reason <code>{props.reasonFilter}</code>. <a href="/dead-letters">Show all</a>
        </p>
      ) : null}
      {props.topics.map((entry) => (
        <section data-topic={entry.topic}>
          <h2>
            {entry.topic} <span class="muted">({entry.letters.length})</span>
          </h2>
          {entry.letters.length === 0 ? (
            <p class="muted">Empty.</p>
          ) : (
            <Letters letters={entry.letters} csrf={csrf} prefix={props.topicPrefix} />
          )}
        </section>
      ))}
    </Layout>
  );
}
