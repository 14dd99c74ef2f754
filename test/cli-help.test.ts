// `ctl --help` needs no meta store, and it names the same commands with the same flags as the
// command table of README's "## CLI" section; the parser takes exactly the flags the help names.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { OPTIONS } from '../cli/args.ts';

const root = path.resolve(import.meta.dirname, '..');
const run = promisify(execFile);

/** Runs `ctl ARGS` on a meta store that does not exist; rejects unless it exits 0. */
async function ctl(...args: string[]): Promise<{ stdout: string; stderr: string; metaStoreCreated: boolean }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mbc-cli-help-'));
  const file = path.join(dir, 'meta.db');
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ['--import', 'tsx', path.join(root, 'cli/ctl.ts'), ...args],
      {
        cwd: root,
        env: { ...process.env, DATABASE_URL: `file:${file}` },
      },
    );
    return { stdout, stderr, metaStoreCreated: fs.existsSync(file) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

let helpRun: ReturnType<typeof ctl> | undefined;
/** `ctl --help`, run once for the tests below. */
const help = () => (helpRun ??= ctl('--help'));

/**
 * One command's signature, e.g. "user set-role NAME --role ROLE" or "pinned-ssts [--after ID] [--limit N]":
 * its name (the leading lowercase words) and its flags; everything else must be a PLACEHOLDER.
 */
function signature(text: string): { command: string; flags: string[] } {
  const tokens = text.replace(/[[\]]/g, ' ').split(/\s+/).filter(Boolean);
  const words: string[] = [];
  while (words.length < tokens.length && /^[a-z][a-z-]*$/.test(tokens[words.length]!))
    words.push(tokens[words.length]!);
  const rest = tokens.slice(words.length);
  for (const token of rest)
    assert.match(
      token,
      /^(--[a-z][a-z-]*|[A-Z][A-Z_]*(\.\.\.)?)$/,
      `"${token}" in "${text}" is no flag or PLACEHOLDER`,
    );
  assert.ok(words.length > 0, `"${text}" names no command`);
  return { command: words.join(' '), flags: rest.filter((t) => t.startsWith('--')) };
}

/** "command" and "command --flag" for each signature, sorted; a command listed twice is an error. */
function entries(signatures: string[], where: string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const text of signatures) {
    const { command, flags } = signature(text);
    assert.ok(!seen.has(command), `${where} lists "${command}" twice`);
    seen.add(command);
    out.push(command, ...new Set(flags.map((f) => `${command} ${f}`)));
  }
  return out.sort();
}

/** Splits "user disable NAME, user enable NAME" at the commas outside brackets. */
function splitCommas(text: string): string[] {
  const parts = [''];
  let depth = 0;
  for (const ch of text) {
    if (ch === '[') depth++;
    if (ch === ']') depth--;
    if (ch === ',' && depth === 0) parts.push('');
    else parts[parts.length - 1] += ch;
  }
  return parts.map((p) => p.trim()).filter(Boolean);
}

const flagsIn = (text: string) => [...text.matchAll(/--[a-z][a-z-]*/g)].map((m) => m[0]).sort();

/** "npm run --silent ctl -- COMMAND [--json]" → "COMMAND [--json]": npm's flags are not ctl's. */
const afterCtl = (usage: string) => usage.slice(usage.indexOf('ctl -- ') + 'ctl -- '.length);

/**
 * The help's "commands:" section: an entry starts two spaces in; a line indented less than the
 * description column continues its signature, a line indented to it continues its description.
 */
function parseHelp(text: string): { usage: string; commands: string[]; options: string[] } {
  const lines = text.split('\n');
  const commandsAt = lines.indexOf('commands:');
  const optionsAt = lines.indexOf('options:');
  assert.ok(lines[0]!.startsWith('usage: '), 'the help starts with its usage line');
  assert.ok(commandsAt > 0 && optionsAt > commandsAt, 'the help has a commands: and then an options: section');
  const section = lines.slice(commandsAt + 1, optionsAt).filter((l) => l.trim());
  const columns = new Set(section.flatMap((l) => /^ {2}\S(?:.*?\S)? {2,}(?=\S)/.exec(l)?.[0].length ?? []));
  assert.equal(columns.size, 1, `the descriptions start in one column, not ${[...columns].join(', ')}`);
  const [column] = columns;
  const entries: string[] = [];
  for (const line of section) {
    const indent = line.length - line.trimStart().length;
    if (indent >= column!) continue;
    const text = line.trim().split(/ {2,}/)[0]!;
    if (indent === 2) entries.push(text);
    else {
      assert.ok(entries.length > 0 && indent > 2, `"${line}" continues no command`);
      entries[entries.length - 1] += ` ${text}`;
    }
  }
  return {
    usage: lines[0]!,
    commands: entries.flatMap(splitCommas),
    options: lines.slice(optionsAt + 1).flatMap((l) => (/^ {2}-/.test(l) ? [l.trim().split(/ {2,}/)[0]!] : [])),
  };
}

/** README's "## CLI" section: its first table's first-column code spans, and its `ctl -- COMMAND` line. */
function parseReadme(readme: string): { usage: string; commands: string[] } {
  const start = readme.indexOf('\n## CLI\n');
  assert.ok(start >= 0, 'README has a "## CLI" section');
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end < 0 ? undefined : end);
  const lines = section.split('\n');
  const first = lines.findIndex((l) => l.startsWith('|'));
  assert.ok(first >= 0, 'the CLI section has a table');
  const rows = lines.slice(
    first,
    lines.findIndex((l, i) => i > first && !l.startsWith('|')),
  );
  const commands = rows.flatMap((row) => [...row.split('|')[1]!.matchAll(/`([^`]+)`/g)].map((m) => m[1]!));
  const usage = [...section.matchAll(/`([^`]*ctl -- COMMAND[^`]*)`/g)].map((m) => m[1]!);
  assert.equal(usage.length, 1, 'the CLI section gives the `ctl -- COMMAND` line once');
  return { usage: usage[0]!, commands };
}

function assertSameEntries(inHelp: string[], inReadme: string[]): void {
  const onlyHelp = inHelp.filter((e) => !inReadme.includes(e));
  const onlyReadme = inReadme.filter((e) => !inHelp.includes(e));
  assert.ok(
    onlyHelp.length + onlyReadme.length === 0,
    `ctl --help and README's CLI table differ:\n  only in --help: ${onlyHelp.join('; ') || '–'}\n  only in README: ${onlyReadme.join('; ') || '–'}`,
  );
}

describe('ctl --help', () => {
  it('prints the usage on stdout and exits 0 without opening the meta store', async () => {
    const long = await help();
    assert.match(long.stdout, /^usage: npm run --silent ctl -- COMMAND/);
    assert.equal(long.stderr, '');
    assert.equal(long.metaStoreCreated, false, '--help created the meta store');
    const short = await ctl('-h');
    assert.equal(short.stdout, long.stdout);
    assert.equal(short.metaStoreCreated, false);
  });

  it("names the same commands and flags as README's CLI table", async () => {
    const shown = parseHelp((await help()).stdout);
    const readme = parseReadme(fs.readFileSync(path.join(root, 'README.md'), 'utf8'));
    assertSameEntries(entries(shown.commands, 'ctl --help'), entries(readme.commands, "README's CLI table"));
    // The flags every command takes: the help's options section, its usage line, and README's.
    assert.ok(shown.options.length > 0, 'the help lists its options');
    assert.deepEqual(flagsIn(afterCtl(shown.usage)), shown.options.sort(), 'the usage line names the options');
    assert.deepEqual(
      flagsIn(afterCtl(readme.usage)),
      flagsIn(afterCtl(shown.usage)),
      "README's usage line names the help's options",
    );
  });

  it('names every flag the parser takes, and no other', async () => {
    const [usage, ...rest] = (await help()).stdout.split('\n');
    const named = [...new Set(flagsIn([afterCtl(usage!), ...rest].join('\n')))];
    // --help (-h) prints the help; the help does not list itself.
    const parsed = Object.keys(OPTIONS)
      .filter((name) => name !== 'help')
      .map((name) => `--${name}`)
      .sort();
    assert.deepEqual(named, parsed);
  });
});
