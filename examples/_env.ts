// Reads the example's client credentials from the environment, with a clear message.
export function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) {
    console.error(`Set ${name} first (see examples/README.md).`);
    process.exit(2);
  }
  return value;
}
