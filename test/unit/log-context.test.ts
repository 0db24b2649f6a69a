import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';

const ROOT = join(import.meta.dirname, '..', '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

describe('lambdaLogContext', () => {
  it('needs no reset of temporary log keys: no function code appends any, so none outlives its invocation', () => {
    // Arrange
    const files = [...sourceFiles('functions'), ...sourceFiles('shared')];
    // Act
    const appending = files.filter((file) => /\.appendKeys\(|\.appendTemporaryKeys\(/.test(readFileSync(join(ROOT, file), 'utf8')));
    // Assert
    expect(appending).toEqual([]);
  });
});
