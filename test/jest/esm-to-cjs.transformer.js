/**
 * Jest (on Node < 24.9) cannot require() ES modules, and NestJS 12 and a few of its dependencies ship ESM only
 * ("type": "module"). The built server is fine (Node >= 20.19 loads ESM through require()); only Jest's module
 * system needs this transformer. It leaves CommonJS files untouched and transpiles ESM files to CommonJS,
 * rewriting the few `import.meta` uses to their CommonJS equivalents.
 */
const ts = require('typescript');
const { createHash } = require('node:crypto');
const { existsSync, readFileSync } = require('node:fs');
const { dirname, join } = require('node:path');

const VERSION = '3';
const typeByDir = new Map();

/** Module type of the nearest package.json, as Node decides it. */
function packageType(dir) {
  if (typeByDir.has(dir)) return typeByDir.get(dir);
  const manifest = join(dir, 'package.json');
  let type;
  if (existsSync(manifest)) {
    try {
      type = JSON.parse(readFileSync(manifest, 'utf8')).type === 'module' ? 'module' : 'commonjs';
    } catch {
      type = 'commonjs';
    }
  } else {
    const parent = dirname(dir);
    type = parent === dir ? 'commonjs' : packageType(parent);
  }
  typeByDir.set(dir, type);
  return type;
}

function isEsm(sourcePath) {
  return (
    sourcePath.endsWith('.mjs') ||
    (sourcePath.endsWith('.js') && packageType(dirname(sourcePath)) === 'module')
  );
}

function rewriteImportMeta(source) {
  return (
    source
      // CommonJS already has `require`; redeclaring it in the module wrapper is a SyntaxError.
      .replace(/\bconst require = createRequire\(import\.meta\.url\);/g, '')
      .replace(/import\.meta\.url/g, "require('node:url').pathToFileURL(__filename).href")
      .replace(/import\.meta\.dirname/g, '__dirname')
      .replace(/import\.meta\.filename/g, '__filename')
      .replace(/import\.meta\.resolve\(/g, 'require.resolve(')
  );
}

module.exports = {
  getCacheKey(sourceText, sourcePath) {
    return createHash('sha1').update(VERSION).update(sourcePath).update(sourceText).digest('hex');
  },
  process(sourceText, sourcePath) {
    if (!isEsm(sourcePath)) return { code: sourceText };
    const { outputText, sourceMapText } = ts.transpileModule(rewriteImportMeta(sourceText), {
      fileName: sourcePath,
      compilerOptions: {
        module: ts.ModuleKind.CommonJS,
        target: ts.ScriptTarget.ES2022,
        allowJs: true,
        esModuleInterop: true,
        sourceMap: true,
      },
    });
    return { code: outputText, map: sourceMapText };
  },
};
