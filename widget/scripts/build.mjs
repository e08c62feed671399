// Builds dist/widget-app.js (the panel, CSS inlined) and then dist/widget.js (the loader, which
// names the app by its content hash). Deterministic: the same sources give the same bytes, which
// is what check-build.mjs relies on. `node scripts/build.mjs OUTDIR` builds elsewhere.
// WIDGET_LOCALE=fr bundles src/strings/fr.js instead of src/strings/en.js.
import * as esbuild from 'esbuild';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = resolve(process.argv[2] || join(root, 'dist'));
const locale = process.env.WIDGET_LOCALE || 'en';

/** @type {esbuild.Plugin} */
const plugin = {
  name: 'aurora',
  setup(build) {
    // CSS becomes a minified string the app adopts as a constructable stylesheet.
    build.onLoad({ filter: /\.css$/ }, async (args) => {
      const css = await esbuild.transform(readFileSync(args.path, 'utf8'), { loader: 'css', minify: true, target: ['chrome90', 'firefox90', 'safari15'] });
      return { contents: `export default ${JSON.stringify(css.code.trim())};`, loader: 'js' };
    });
    build.onResolve({ filter: /strings\/en\.js$/ }, (args) => {
      const path = join(args.resolveDir, args.path.replace(/en\.js$/, `${locale}.js`));
      if (!existsSync(path)) throw new Error(`no strings for WIDGET_LOCALE=${locale}: ${path}`);
      return { path };
    });
  },
};

/** @param {string} entry @param {Record<string, string>} [define] */
async function bundle(entry, define = {}) {
  const result = await esbuild.build({
    entryPoints: [join(root, 'src', entry)],
    bundle: true,
    minify: true,
    format: 'iife',
    target: ['es2020'],
    legalComments: 'none',
    write: false,
    define,
    plugins: [plugin],
    logLevel: 'warning',
  });
  return result.outputFiles[0].contents;
}

const app = await bundle('app.js');
const version = createHash('sha256').update(app).digest('hex').slice(0, 12);
const loader = await bundle('loader.js', { __APP_VERSION__: JSON.stringify(version) });
mkdirSync(outdir, { recursive: true });
writeFileSync(join(outdir, 'widget-app.js'), app);
writeFileSync(join(outdir, 'widget.js'), loader);
console.log(`built ${outdir}/widget.js and widget-app.js (app version ${version}, strings ${locale})`);
