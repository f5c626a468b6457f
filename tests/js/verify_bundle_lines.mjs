// The phone's pack-file check (bundle.js) as a line-by-line service for tests/test_damaged_bundles.py:
// each stdin line is JSON {keys, bundle: base64}; each stdout line is JSON {reason, message}.
import readline from "node:readline";
import { verifyBundle } from "../../app/service_worker/bundle.js";

const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of lines) {
  const { keys, bundle } = JSON.parse(line);
  let out;
  try {
    const { body } = await verifyBundle(Buffer.from(bundle, "base64"), keys);
    out = { reason: "accepted", message: `${body.pack} ${body.version}` };
  } catch (err) {
    // A BundleError has a reason; anything else is a crash the import screen would not explain.
    out = err.reason ? { reason: err.reason, message: err.message } : { reason: "crash", message: String(err && err.stack) };
  }
  process.stdout.write(`${JSON.stringify(out)}\n`);
}
