import type { z } from 'zod';

/** Thrown when the environment does not satisfy a service's configuration schema. */
export class ConfigurationError extends Error {
  constructor(readonly problems: readonly { variable: string; message: string }[]) {
    super(
      'Invalid configuration:\n' + problems.map((problem) => `  ${problem.variable}: ${problem.message}`).join('\n'),
    );
    this.name = 'ConfigurationError';
  }
}

/** Parses environment variables with a zod object schema, naming every bad variable on failure. */
export function loadConfig<Schema extends z.ZodType>(
  schema: Schema,
  environment: Record<string, string | undefined> = process.env,
): z.output<Schema> {
  const result = schema.safeParse(environment);
  if (result.success) {
    return result.data;
  }
  throw new ConfigurationError(
    result.error.issues.map((issue) => ({
      variable: issue.path.map(String).join('.') || '(environment)',
      message: issue.message,
    })),
  );
}

/** loadConfig for a process entry point: on bad configuration, logs which variables and exits with code 1. */
export function loadConfigOrExit<Schema extends z.ZodType>(
  schema: Schema,
  serviceName: string,
  environment: Record<string, string | undefined> = process.env,
): z.output<Schema> {
  try {
    return loadConfig(schema, environment);
  } catch (error) {
    if (!(error instanceof ConfigurationError)) {
      throw error;
    }
    const line = {
      level: 'fatal',
      time: Date.now(),
      service: serviceName,
      msg: error.message,
      problems: error.problems,
    };
    process.stderr.write(`${JSON.stringify(line)}\n`);
    process.exit(1);
  }
}
