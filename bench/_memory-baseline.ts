// Memory, baseline: 1,000 raw fetch calls on the same route with a fixed token, then the
// resident set size after a GC (run with --expose-gc).
const [url, token, calls] = process.argv.slice(2) as [string, string, string];
const headers = { Authorization: `Bearer ${token}` };
for (let i = 0; i < Number(calls); i++) {
  const response = await fetch(url, { headers });
  if (!response.ok) throw new Error(`raw call failed: ${response.status}`);
  await response.json();
}
const gc = (globalThis as { gc?: () => void }).gc;
gc?.();
gc?.();
const { rss, heapUsed } = process.memoryUsage();
console.log(JSON.stringify({ rss, heapUsed, gc: gc !== undefined }));
