/** One benchmark figure: ours against a baseline measured in the same run. */
export interface BenchResult {
  name: string;
  ours: number;
  baseline: number;
  unit: string;
  /** ours / baseline (for times lower is better; for rates the note says which way). */
  ratio: number;
  /** A target the ratio must meet, if any, e.g. "<= 1.10". */
  target?: string;
  /** Whether the ratio meets the target (set by bench/run.ts). */
  holds?: boolean;
  note?: string;
}

/** Times `fn` in milliseconds. */
export async function timeMs(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

/** The median of several numbers. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
