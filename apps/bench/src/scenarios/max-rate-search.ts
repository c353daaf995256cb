import { sleep } from '@dtx/util';
import type { ModeContext } from '../load-run.js';
import { progress } from '../progress.js';
import type { MaxRateResult, StepResult } from '../results.js';
import { seededRandom } from '../seeded-random.js';
import { mixedOrders, type Catalog } from '../workload.js';
import { describeStep, runFixedRateStep } from './fixed-rate-step.js';

/**
 * Steps the offered rate up the ladder until a step fails, then bisects
 * between the last passing and the first failing rate a few times. The
 * maximum sustained rate is the highest offered rate whose step passed.
 */
export async function searchMaxRate(context: ModeContext, catalog: Catalog): Promise<MaxRateResult> {
  const { config } = context;
  const steps: StepResult[] = [];
  const runStep = async (rate: number) => {
    // Seeded per rate: every mode gets exactly the same orders at the same rate.
    const planner = mixedOrders(catalog, seededRandom(`${config.seed}:max-rate:${rate}`), { declineShare: 0 });
    const step = await runFixedRateStep(context, {
      label: `max-rate@${rate}`,
      rate,
      seconds: config.stepSeconds,
      planner,
    });
    steps.push(step);
    progress(describeStep(context.mode, step));
    await sleep(config.coolDownMs);
    return step;
  };

  let best: StepResult | undefined;
  let firstFail: StepResult | undefined;
  for (const rate of config.rateLadder) {
    const step = await runStep(rate);
    if (!step.passed) {
      firstFail = step;
      break;
    }
    best = step;
  }
  // A mode that accepted nothing is broken, not slow: bisecting below would only repeat the error.
  for (let refinement = 0; firstFail && firstFail.accepted > 0 && refinement < config.refineSteps; refinement++) {
    const low = best?.offeredRate ?? 0;
    const rate = Math.round((low + firstFail.offeredRate) / 2);
    if (rate <= low || rate >= firstFail.offeredRate) {
      break;
    }
    const step = await runStep(rate);
    if (step.passed) {
      best = step;
    } else {
      firstFail = step;
    }
  }
  return { maxRate: best?.offeredRate ?? 0, completedRateAtMax: best?.completedRate ?? 0, steps };
}
