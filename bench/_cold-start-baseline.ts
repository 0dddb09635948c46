// Cold start, baseline: a fresh process making the same call with raw fetch and a fixed token.
const [url, token] = process.argv.slice(2) as [string, string];
const response = await fetch(url, { headers: { Authorization: `Bearer ${token}` } });
const body = (await response.json()) as { flows?: unknown[] };
if (!response.ok || !body.flows?.length) throw new Error(`raw call failed: ${response.status}`);
