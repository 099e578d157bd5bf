// Test-only worker entry: the real embedding worker, plus one poison text that ends the thread
// the way a native crash in onnxruntime would. Outside a worker thread it does nothing.
import { parentPort } from 'node:worker_threads';
import '../../../src/server/embed/worker';

export const POISON = 'CRASH-THE-WORKER';

// Registered before the real worker's listener (it subscribes only after its models load).
parentPort?.on('message', (message: { inputs?: unknown[] }) => {
  if (message.inputs?.includes(POISON)) process.exit(70);
});
