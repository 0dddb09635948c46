/**
 * The Timers tests' expected times: an emulator time in Timers' format (whole seconds and
 * `+00:00`, as the recorded responses write it), written here apart from the emulator's own.
 */
export function timersTime(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, "+00:00");
}
