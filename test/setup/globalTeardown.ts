export default async function globalTeardown(): Promise<void> {
  await globalThis.__FCRM_EMBEDDED__?.stop();
  globalThis.__FCRM_EMBEDDED__ = undefined;
}
