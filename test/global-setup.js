// Announces, once per run, which optional suites will be skipped, so a skip is never silent.
const { spawnSync } = require('node:child_process');

module.exports = async () => {
  if (spawnSync('prometheus', ['--version'], { stdio: 'ignore' }).status !== 0) {
    // eslint-disable-next-line no-console
    console.warn(
      '\n[scim-stream] no `prometheus` binary on the PATH: the dashboard e2e suite (test/e2e/ops) is SKIPPED.\n',
    );
  }
  if (!process.env.MONGODB_URI) {
    // eslint-disable-next-line no-console
    console.warn(
      '\n[scim-stream] MONGODB_URI is not set: the MongoDB contract suite is SKIPPED (embedded store only).\n',
    );
  }
};
