// Announces, once per run, which optional suites will be skipped, so a skip is never silent.
module.exports = async () => {
  if (!process.env.MONGODB_URI) {
    // eslint-disable-next-line no-console
    console.warn(
      '\n[scim-stream] MONGODB_URI is not set: the MongoDB contract suite is SKIPPED (embedded store only).\n',
    );
  }
};
