/** `bundle-workflows <file>`: writes the worker's workflow bundle to <file> (run by buildWorkflowBundle, scripts/lib/workflow-bundle.ts). */
import { writeFileSync } from 'node:fs';
import { bundleWorkflows } from './lib/workflow-bundle';

const out = process.argv[2];
if (!out) {
  console.error('usage: bundle-workflows <file>');
  process.exit(2);
}
bundleWorkflows()
  .then((code) => writeFileSync(out, code))
  .catch((err: Error) => {
    console.error(`bundling the workflows failed: ${err.message}`);
    process.exit(1);
  });
