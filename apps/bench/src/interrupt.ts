import { errorMessage } from '@dtx/util';
import { progress } from './progress.js';

type Cleanup = () => Promise<void>;
const cleanups: Cleanup[] = [];

/** Registers work to do if the run is interrupted or crashes (last registered runs first); returns a function that unregisters it. */
export function onInterrupt(cleanup: Cleanup): () => void {
  cleanups.push(cleanup);
  return () => {
    const index = cleanups.lastIndexOf(cleanup);
    if (index >= 0) {
      cleanups.splice(index, 1);
    }
  };
}

/**
 * On SIGINT or SIGTERM (exit 130), and on an error nothing handled (exit 1):
 * resume what was paused, stop the services, drop their databases. Without
 * it a crash (a connection PostgreSQL ended, say) would leave the services
 * it started running.
 */
export function installInterruptHandlers(): void {
  let stopping = false;
  const stop = (reason: string, exitCode: number) => {
    if (stopping) {
      return;
    }
    stopping = true;
    progress(`${reason}: stopping the services and dropping the run's databases`);
    void (async () => {
      for (const cleanup of [...cleanups].reverse()) {
        await cleanup().catch((error: unknown) => progress(`cleanup failed: ${String(error)}`));
      }
      process.exit(exitCode);
    })();
  };
  const crash = (error: unknown) => {
    console.error(error);
    stop(`crashed (${errorMessage(error)})`, 1);
  };
  process.on('SIGINT', () => stop('SIGINT', 130));
  process.on('SIGTERM', () => stop('SIGTERM', 130));
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);
}
