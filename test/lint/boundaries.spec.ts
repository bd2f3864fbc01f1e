/**
 * The boundary rules of .dependency-cruiser.cjs and eslint.config.mjs, each proven to fail on a deliberate
 * violation (a rule that cannot fail guards nothing), and the real tree proven clean. The violations are
 * written into a scratch project that mirrors the src/ layout and shares this repository's node_modules.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const repo = join(__dirname, '..', '..');
const cruiser = join(repo, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');

interface Violation {
  rule: { name: string };
  from: string;
  to: string;
}

function cruise(cwd: string): Violation[] {
  let out: string;
  try {
    out = execFileSync(
      process.execPath,
      [cruiser, 'src', '--config', join(repo, '.dependency-cruiser.cjs'), '--output-type', 'json'],
      { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
    );
  } catch (error) {
    // The CLI exits non-zero when it finds violations; the report is still on stdout.
    out = (error as { stdout: string }).stdout;
  }
  return (JSON.parse(out) as { summary: { violations: Violation[] } }).summary.violations;
}

function scratchProject(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'boundaries-'));
  symlinkSync(join(repo, 'node_modules'), join(root, 'node_modules'), 'dir');
  writeFileSync(
    join(root, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { module: 'commonjs', target: 'es2022', strict: true } }),
  );
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe('layout boundaries (dependency-cruiser)', () => {
  const roots: string[] = [];
  afterAll(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

  function violationsOf(files: Record<string, string>): string[] {
    const root = scratchProject(files);
    roots.push(root);
    return cruise(root).map((v) => `${v.rule.name}: ${v.from} → ${v.to}`);
  }

  it('finds no violation in the real tree', () => {
    expect(cruise(repo)).toEqual([]);
  });

  it('refuses an engine file that imports the rest of src', () => {
    const found = violationsOf({
      'src/scim/filter.ts': "import { PORT } from '../store/port';\nexport const f = PORT;\n",
      'src/store/port.ts': 'export const PORT = 1;\n',
    });
    expect(found).toContain('scim-engine-is-pure: src/scim/filter.ts → src/store/port.ts');
  });

  it('refuses an engine file that imports NestJS', () => {
    const found = violationsOf({
      'src/scim/thing.ts': "import { Injectable } from '@nestjs/common';\nexport const i = Injectable;\n",
    });
    expect(found.some((v) => v.startsWith('scim-engine-has-no-framework: src/scim/thing.ts'))).toBe(true);
  });

  it('refuses mongoose outside src/store/mongo and allows it inside', () => {
    const found = violationsOf({
      'src/users/users.service.ts': "import mongoose from 'mongoose';\nexport const m = mongoose;\n",
      'src/store/mongo/ok.ts': "import mongoose from 'mongoose';\nexport const m = mongoose;\n",
    });
    expect(
      found.some((v) => v.startsWith('only-mongo-adapter-imports-mongoose: src/users/users.service.ts')),
    ).toBe(true);
    expect(found.some((v) => v.includes('src/store/mongo/ok.ts'))).toBe(false);
  });

  it('refuses an import cycle', () => {
    const found = violationsOf({
      'src/users/a.ts': "import { b } from './b';\nexport const a = () => b;\n",
      'src/users/b.ts': "import { a } from './a';\nexport const b = () => a;\n",
    });
    expect(found.some((v) => v.startsWith('no-circular: src/users/a.ts → src/users/b.ts'))).toBe(true);
  });

  it('refuses the HTTP glue or a store reaching up into a feature module', () => {
    const found = violationsOf({
      'src/http/filter.ts': "import { g } from '../auth/guard';\nexport const f = g;\n",
      'src/store/embedded/x.ts': "import { s } from '../../streaming/s';\nexport const x = s;\n",
      'src/auth/guard.ts': 'export const g = 1;\n',
      'src/streaming/s.ts': 'export const s = 1;\n',
    });
    expect(found).toContain('no-folder-cycles: src/http/filter.ts → src/auth/guard.ts');
    expect(found).toContain('no-folder-cycles: src/store/embedded/x.ts → src/streaming/s.ts');
  });

  it('refuses an import that does not resolve (a deep path into a package, a typo)', () => {
    const found = violationsOf({ 'src/users/x.ts': "import { y } from './nope';\nexport const x = y;\n" });
    expect(found).toContain('no-unresolvable: src/users/x.ts → ./nope');
  });
});

/** eslint's CLI in a child process: its flat config is ESM, which jest's CommonJS runtime cannot import. */
function eslintRulesHit(source: string, filePath: string): string[] {
  const eslintBin = join(repo, 'node_modules', 'eslint', 'bin', 'eslint.js');
  let out: string;
  try {
    out = execFileSync(
      process.execPath,
      [eslintBin, '--format', 'json', '--stdin', '--stdin-filename', filePath],
      {
        cwd: repo,
        input: source,
        encoding: 'utf8',
      },
    );
  } catch (error) {
    out = (error as { stdout: string }).stdout;
  }
  const [result] = JSON.parse(out) as { messages: { ruleId: string | null }[] }[];
  return result.messages.map((m) => String(m.ruleId));
}

describe('configuration boundary (eslint)', () => {
  const source = 'export const port = process.env.PORT;\n';

  it('refuses process.env outside src/config', () => {
    expect(eslintRulesHit(source, 'src/users/users.service.ts')).toContain('no-restricted-syntax');
  });

  it('allows it in src/config', () => {
    expect(eslintRulesHit(source, 'src/config/settings.ts')).not.toContain('no-restricted-syntax');
  });
});
