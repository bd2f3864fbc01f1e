import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SETTINGS } from './settings';

/** The rows of README.md's configuration table: `| \`VAR\` | default | meaning |`. */
function readmeRows(): Map<string, { default: string; description: string }> {
  const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Configuration'));
  const table = section.slice(
    section.indexOf('| Variable |'),
    section.indexOf('\n\n', section.indexOf('| Variable |')),
  );
  const rows = new Map<string, { default: string; description: string }>();
  for (const line of table.split('\n').slice(2)) {
    // Prettier pads the cells; a `|` inside a cell would be written `\|`.
    const [name, defaultCell, description] = line
      .split(/(?<!\\)\|/)
      .slice(1, -1)
      .map((cell) => cell.trim());
    rows.set(name.replace(/`/g, ''), { default: defaultCell, description });
  }
  return rows;
}

describe('SETTINGS', () => {
  it('are listed in the README configuration table, exactly: names, defaults and meanings', () => {
    const documented = readmeRows();

    const declared = new Map(
      SETTINGS.map((setting) => [
        setting.env,
        {
          default: setting.defaultText ?? ('default' in setting ? `\`${String(setting.default)}\`` : 'unset'),
          description: setting.description,
        },
      ]),
    );

    expect(Object.fromEntries(documented)).toEqual(Object.fromEntries(declared));
  });

  it('name each default.json key as the camelCase of its variable', () => {
    for (const setting of SETTINGS) {
      const camel = setting.env
        .toLowerCase()
        .replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());
      expect(setting.key).toBe(camel);
    }
  });

  it('accept their own default', () => {
    for (const setting of SETTINGS) {
      if ('default' in setting) expect(setting.parse(setting.default)).toMatchObject({ ok: true });
    }
  });
});
