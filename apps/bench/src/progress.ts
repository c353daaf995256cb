/** One progress line on stderr, so stdout stays for the summary. */
export function progress(message: string): void {
  const clock = new Date().toISOString().slice(11, 19);
  process.stderr.write(`[bench ${clock}] ${message}\n`);
}
