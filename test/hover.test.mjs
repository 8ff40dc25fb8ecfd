// What an editor shows: hovering an import from the ES module entry shows the JSDoc of its real declaration, and a
// class imported from it works as a type (the TypeScript language service, as editors run it, on strict settings).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import ts from 'typescript';

const root = path.join(import.meta.dirname, '..');

function languageService(files) {
  const options = { strict: true, module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16, target: ts.ScriptTarget.ES2022, types: ['node'], noEmit: true };
  return ts.createLanguageService({
    getScriptFileNames: () => Object.keys(files),
    getScriptVersion: () => '1',
    getScriptSnapshot: (name) => ts.ScriptSnapshot.fromString(files[name] ?? readFileSync(name, 'utf8')),
    getCurrentDirectory: () => root,
    getCompilationSettings: () => options,
    getDefaultLibFileName: ts.getDefaultLibFilePath,
    fileExists: (name) => name in files || ts.sys.fileExists(name),
    readFile: (name) => files[name] ?? ts.sys.readFile(name),
    readDirectory: ts.sys.readDirectory,
    directoryExists: ts.sys.directoryExists,
    getDirectories: ts.sys.getDirectories,
  });
}

for (const [kind, file, source] of [
  ['ESM', 'hover.mts', "import { lstmForward, CharModel } from 'rnn-native';\nlet model: CharModel | undefined;\nlstmForward;\n"],
  ['CommonJS', 'hover.cts', "import { lstmForward, CharModel } from 'rnn-native';\nlet model: CharModel | undefined;\nlstmForward;\n"],
]) {
  test(`${kind}: hovers show the JSDoc and classes are types`, () => {
    const name = path.join(root, 'test', 'fixtures', 'types', file);
    const service = languageService({ [name]: source });
    const errors = service.getSemanticDiagnostics(name).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    assert.equal(errors, [], 'the snippet type-checks (CharModel is a type)');
    const hover = (word) => {
      const info = service.getQuickInfoAtPosition(name, source.lastIndexOf(word));
      return ts.displayPartsToString(info?.documentation ?? []);
    };
    assert.match(hover('lstmForward'), /The whole sequence x \(n_x, m, T\)/);
    assert.match(hover('CharModel'), /character-level language model/i);
  });
}

test.run();
