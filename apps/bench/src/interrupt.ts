import { progress } from './progress.js';

type Cleanup = () => Promise<void>;
const cleanups: Cleanup[] = [];

/** Registers work to do if the run is interrupted (last registered runs first); returns a function that unregisters it. */
export function onInterrupt(cleanup: Cleanup): () => void {
  cleanups.push(cleanup);
  return () => {
    const index = cleanups.lastIndexOf(cleanup);
    if (index >= 0) {
      cleanups.splice(index, 1);
    }
  };
}

/** On SIGINT or SIGTERM: resume what was paused, stop the services, drop their databases, exit 130. */
export function installInterruptHandlers(): void {
  let interrupted = false;
  const handle = (signal: NodeJS.Signals) => {
    if (interrupted) {
      return;
    }
    interrupted = true;
    progress(`${signal}: stopping the services and dropping the run's databases`);
    void (async () => {
      for (const cleanup of [...cleanups].reverse()) {
        await cleanup().catch((error: unknown) => progress(`cleanup failed: ${String(error)}`));
      }
      process.exit(130);
    })();
  };
  process.on('SIGINT', handle);
  process.on('SIGTERM', handle);
}
