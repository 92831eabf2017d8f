// A node:test reporter (run.sh adds it next to TAP): at the end of the run, the wall time of each test file, from
// the moment the runner started its process to the moment it ended, so the slow files are known at a glance.
// Its lines start with "# ", like TAP's comments.
import path from 'node:path';

export default async function* fileTimes(source) {
  const started = Date.now();
  const files = new Map();
  for await (const event of source) {
    // The runner reports each file as a test named after it: dequeued when its process starts, complete when it ends
    // (a test's own events name the file that called test(), lib.mjs for journey steps: they are not counted here).
    const { file, name, details } = event.data ?? {};
    if (!file || name !== file) continue;
    const entry = files.get(file) ?? {};
    files.set(file, entry);
    if (event.type === 'test:dequeue') entry.start = Date.now();
    else if (event.type === 'test:complete') {
      entry.end = Date.now();
      entry.failed = details?.passed === false;
    }
  }
  const seconds = (ms) => `${(ms / 1000).toFixed(1).padStart(6)} s`;
  yield `# wall time per file (${files.size} files, ${seconds(Date.now() - started).trim()} in all):\n`;
  for (const [file, { start, end, failed }] of [...files].sort((a, b) => (b[1].end - b[1].start) - (a[1].end - a[1].start))) {
    yield `#   ${seconds(end - start)}  ${path.basename(file)} (from +${((start - started) / 1000).toFixed(1)} s${failed ? ', failed' : ''})\n`;
  }
}
