/**
 * `npm run oauth:hash-secret` (built: `node dist/cli/oauth-hash-secret.js`): prints a new random client secret
 * and the entry to paste into "secrets" of a client in <CONFIG_DIR>/oauth-clients.json. Only the hash goes
 * into the configuration; the secret is shown here once and is given to the client (Entra: Client Secret).
 * Options: --label <text>, --not-after <ISO 8601 date> (the secret is refused from then on).
 */
import { generateClientSecret, hashClientSecret } from '../auth/oauth/client-secret';

interface Options {
  label?: string;
  notAfter?: string;
}

function parseArgs(args: readonly string[]): Options {
  const options: Options = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const [name, inline] = arg.split(/=(.*)/s, 2);
    const value = inline ?? args[++i];
    if (name === '--label' && value) options.label = value;
    else if (name === '--not-after' && value && !Number.isNaN(Date.parse(value))) {
      options.notAfter = new Date(Date.parse(value)).toISOString();
    } else {
      throw new Error(
        `Unknown or incomplete option ${JSON.stringify(arg)}. Usage: oauth-hash-secret [--label <text>] [--not-after <ISO 8601 date>]`,
      );
    }
  }
  return options;
}

function main(): void {
  const options = parseArgs(process.argv.slice(2));
  const secret = generateClientSecret();
  const entry = { hash: hashClientSecret(secret), ...options };
  process.stdout.write(
    [
      'Client secret (give it to the client, e.g. Entra "Client Secret"; it is shown only this once):',
      '',
      `  ${secret}`,
      '',
      'Add this entry to "secrets" of the client in oauth-clients.json (or OAUTH_CLIENTS), then restart:',
      '',
      `  ${JSON.stringify(entry)}`,
      '',
    ].join('\n'),
  );
}

try {
  main();
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(2);
}
