// Stands in for the SDK tests' `test/tools/ip.ts` (hard-coded 127.0.0.1:19530): the address of
// the `loupe serve` the suite runner started.

export const IP = process.env.LOUPE_SDK_ADDRESS ?? '127.0.0.1:19530';
export const ENDPOINT = `http://${process.env.LOUPE_SDK_HTTP ?? IP}`;
