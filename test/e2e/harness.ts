// End-to-end harness: a real VS Code (code-server 4.100.3 = VS Code 1.100.3) with the packaged
// .vsix installed, driven by headless Debian chromium through playwright-core. Each session gets
// its own HOME, XDG dirs, user-data and extensions dirs in a temp folder, and is always torn down:
// the code-server process group and the browser are killed on stop(), on test failure, and when
// this process exits. See /work/shared/VSCODE-TESTING.md for what was verified and why.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { repoRoot } from '../repoRoot';

export const CODE_SERVER_VERSION = '4.100.3';

const ROOT = repoRoot();
export const RESULTS_DIR = path.join(ROOT, 'test-results');

export function codeServerBin(): string {
  if (process.env.CODE_SERVER) return process.env.CODE_SERVER;
  const cache = process.env.LOUPE_E2E_CACHE ?? path.join(os.homedir(), '.cache', 'loupe-e2e');
  const bin = path.join(cache, `code-server-${CODE_SERVER_VERSION}`, 'node_modules', '.bin', 'code-server');
  if (!fs.existsSync(bin)) throw new Error(`code-server not found at ${bin}; run scripts/e2e-setup.sh first`);
  return bin;
}

export function vsixPath(): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
  const vsix = path.join(ROOT, `${pkg.name}-${pkg.version}.vsix`);
  if (!fs.existsSync(vsix)) throw new Error(`${vsix} not found; run "npm run package" first`);
  return vsix;
}

export interface CodeServerOptions {
  /** Name used for screenshots and the temp folder. */
  name: string;
  /** Folder copied into the session as its workspace; default test/fixtures/workspace, else a tiny one. */
  workspace?: string;
  /** User settings merged over the quiet defaults and the fixture models below. */
  settings?: Record<string, unknown>;
  /** false: workspace trust on and this folder not trusted (Restricted Mode). Default true. */
  trust?: boolean;
  /** Extra environment for code-server and so the extension host (e.g. LOUPE_TEST_SUITE). */
  env?: Record<string, string>;
}

export interface CodeServerSession {
  page: Page;
  url: string;
  workspace: string;
  /** LOUPE_TEST_OUT: where the extension writes status.json / suite.json. */
  outDir: string;
  /** User data dir: VS Code keeps workspaceStorage (the extension's storageUri) here. */
  userDataDir: string;
  extensionsDir: string;
  /** code-server's output so far. */
  log(): string;
  /** Runs a command from the palette by its full title, e.g. "Loupe: Show Index Status". */
  runCommand(title: string): Promise<void>;
  /** Opens a file by clicking its row in the Explorer. */
  openFile(name: string): Promise<void>;
  /** Shows an output channel by name in the Output panel; returns the panel's editor. */
  showOutputChannel(name: string): Promise<Locator>;
  /** A status bar entry whose text contains `text`. */
  statusBarItem(text: string | RegExp): Locator;
  screenshot(name: string): Promise<string>;
  readOut<T>(file: string): T | undefined;
  /** Polls LOUPE_TEST_OUT/<file> until `accept` returns true for its JSON. */
  waitForOut<T>(file: string, accept: (value: T) => boolean, timeoutMs: number, what: string): Promise<T>;
  stop(): Promise<void>;
}

/** The small models under test/fixtures/models: nothing is downloaded, embedding is fast. */
const FIXTURE_MODEL_SETTINGS = {
  'loupe.modelPath': path.join(ROOT, 'test', 'fixtures', 'models'),
  'loupe.textModel': 'tiny-text',
  'loupe.imageModel': 'tiny-clip',
};

const QUIET_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'update.mode': 'none',
  'chat.commandCenter.enabled': false,
};

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function waitFor<T>(fn: () => T | undefined | Promise<T | undefined>, ms: number, what: string): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== null && (v as unknown) !== false) return v;
    if (Date.now() - t0 > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(200);
  }
}

/**
 * Waits until the text of `locator` (e.g. a Monaco editor's `.view-lines`, which renders spaces as
 * no-break spaces in separate spans) matches `pattern` after whitespace is normalized.
 */
export async function waitForText(locator: Locator, pattern: string | RegExp, ms = 15_000): Promise<string> {
  const matches = (text: string): boolean =>
    typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text);
  let last = '';
  try {
    return await waitFor(async () => {
      const texts = await locator.allInnerTexts();
      last = texts.join('\n').replace(/[^\S\n]+/g, ' ');
      return matches(last) ? last : undefined;
    }, ms, `text ${String(pattern)}`);
  } catch (e) {
    throw new Error(`${(e as Error).message}; last text seen:\n${last.slice(0, 2000)}`);
  }
}

/** Process groups still running, killed if this test process exits early. */
const liveGroups = new Set<number>();
function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}
process.on('exit', () => liveGroups.forEach((pid) => killGroup(pid, 'SIGKILL')));
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    liveGroups.forEach((pid) => killGroup(pid, 'SIGKILL'));
    process.exit(130);
  });
}

/**
 * The environment for code-server: HOME and XDG dirs inside the session, so nothing is written to
 * the real home. VSCODE_* from a surrounding VS Code (e.g. VSCODE_IPC_HOOK_CLI) would turn
 * code-server into a client of that editor, so they are dropped.
 */
export function isolatedEnv(home: string, extra: Record<string, string>): NodeJS.ProcessEnv {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VSCODE_')));
  return {
    ...base,
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_DATA_HOME: path.join(home, '.local', 'share'),
    XDG_CACHE_HOME: path.join(home, '.cache'),
    ...extra,
  };
}

/** Installs the packaged .vsix with `code-server --install-extension` (what a user does). */
export function installVsix(bin: string, dirArgs: string[], env: NodeJS.ProcessEnv): void {
  const vsix = vsixPath();
  const install = spawnSync(bin, [...dirArgs, '--install-extension', vsix], { env, encoding: 'utf8', timeout: 120_000 });
  if (install.status !== 0) {
    throw new Error(`installing ${vsix} failed (${install.status}):\n${install.stdout}\n${install.stderr}`);
  }
}

function prepareWorkspace(dest: string, source: string | undefined): void {
  const fixture = source ?? path.join(ROOT, 'test', 'fixtures', 'workspace');
  if (fs.existsSync(fixture)) {
    // A copy, so nothing a run writes can change the fixture.
    fs.cpSync(fixture, dest, { recursive: true });
    return;
  }
  if (source) throw new Error(`workspace ${source} does not exist`);
  fs.mkdirSync(path.join(dest, 'src'), { recursive: true });
  fs.writeFileSync(path.join(dest, 'README.md'), '# Sample\n\nA tiny workspace for Loupe tests.\n');
  fs.writeFileSync(
    path.join(dest, 'src', 'greet.ts'),
    'export function greet(name: string): string {\n  return `hello ${name}`;\n}\n',
  );
}

export async function startCodeServer(opts: CodeServerOptions): Promise<CodeServerSession> {
  const bin = codeServerBin();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `loupe-e2e-${opts.name}-`));
  const home = path.join(root, 'home');
  const userDataDir = path.join(root, 'data');
  const extensionsDir = path.join(root, 'exts');
  const outDir = path.join(root, 'out');
  const workspace = path.join(root, 'ws');
  for (const d of [home, path.join(userDataDir, 'User'), path.join(userDataDir, 'Machine'), extensionsDir, outDir]) {
    fs.mkdirSync(d, { recursive: true });
  }
  prepareWorkspace(workspace, opts.workspace);

  const config = path.join(root, 'config.yaml');
  fs.writeFileSync(config, 'auth: none\ncert: false\n');
  const trust = opts.trust ?? true;
  const trustSettings = trust
    ? { 'security.workspace.trust.enabled': false }
    : { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never' };
  fs.writeFileSync(
    path.join(userDataDir, 'User', 'settings.json'),
    JSON.stringify({ ...QUIET_SETTINGS, ...FIXTURE_MODEL_SETTINGS, ...trustSettings, ...opts.settings }, null, 2),
  );
  // code-server is a remote window: there VS Code ignores machine-scoped settings (loupe.modelPath)
  // from User settings once it knows their scope, which after a reload can be before the server
  // starts. The remote machine's settings are where they apply.
  fs.writeFileSync(path.join(userDataDir, 'Machine', 'settings.json'), JSON.stringify(FIXTURE_MODEL_SETTINGS, null, 2));

  const env = isolatedEnv(home, { LOUPE_TEST_OUT: outDir, ...opts.env });
  const common = ['--config', config, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];
  installVsix(bin, common, env);

  const server: ChildProcess = spawn(
    bin,
    [...common, '--bind-addr', '127.0.0.1:0', '--auth', 'none', '--disable-telemetry', '--disable-update-check', workspace],
    { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] }, // detached: its own process group
  );
  const pid = server.pid;
  if (pid === undefined) throw new Error(`could not start ${bin}`);
  liveGroups.add(pid);
  let log = '';
  server.stdout?.on('data', (d: Buffer) => (log += d.toString()));
  server.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  let exited = false;
  server.on('exit', () => (exited = true));

  let browser: Browser | undefined;
  const stop = async (): Promise<void> => {
    await browser?.close().catch(() => undefined);
    browser = undefined;
    killGroup(pid, 'SIGTERM');
    await waitFor(() => exited || undefined, 5000, 'code-server to exit').catch(() => killGroup(pid, 'SIGKILL'));
    liveGroups.delete(pid);
    if (!process.env.LOUPE_E2E_KEEP) fs.rmSync(root, { recursive: true, force: true });
  };

  try {
    const url = await waitFor(
      () => {
        if (exited) throw new Error(`code-server exited early:\n${log}`);
        return /HTTP server listening on (http:\/\/\S+?)\/?\s/.exec(log)?.[1];
      },
      60_000,
      'code-server to listen',
    );
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
      headless: true,
      // Plus the flags that keep Chromium from reaching for the network this machine does not have.
      args: [
        '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync',
      ],
      env: env as Record<string, string>, // its HOME too, so it leaves nothing in ~/.config
    });
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`${url}/?folder=${encodeURIComponent(workspace)}`);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    return makeSession({ page, url, workspace, outDir, userDataDir, extensionsDir, log: () => log, stop });
  } catch (e) {
    await stop();
    throw e;
  }
}

function makeSession(s: Pick<CodeServerSession, 'page' | 'url' | 'workspace' | 'outDir' | 'userDataDir' | 'extensionsDir' | 'log' | 'stop'>): CodeServerSession {
  const { page } = s;
  const quickInput = page.locator('.quick-input-widget input');
  /** Runs the palette's match for `label`; false when the palette closed before it could. */
  const pick = async (label: string): Promise<boolean> => {
    // Enter on the focused match is what a person does; wait until the palette has filtered down
    // to it (typing races VS Code's list update), and a click would wait for the row to hold still.
    const focused = page.locator('.quick-input-list .monaco-list-row.focused', { hasText: label }).first();
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: label }).first();
    if (await focused.waitFor({ state: 'visible', timeout: 10_000 }).then(() => true, () => false)) {
      await quickInput.press('Enter');
      return true;
    }
    return row.click({ timeout: 5_000 }).then(() => true, () => false);
  };
  const readOut = <T>(file: string): T | undefined => {
    const f = path.join(s.outDir, file);
    return fs.existsSync(f) ? (JSON.parse(fs.readFileSync(f, 'utf8')) as T) : undefined;
  };
  return {
    ...s,
    async runCommand(title) {
      // Start from a closed quick input: F1 while the previous pick is still closing can be lost.
      const widget = page.locator('.quick-input-widget');
      if (await widget.isVisible()) {
        await page.keyboard.press('Escape');
        await widget.waitFor({ state: 'hidden', timeout: 10_000 });
      }
      // An editor that takes focus just after F1 (a file still opening from the previous step)
      // closes the palette, before the title is typed or before its match is run; then open it
      // again, as a person would.
      for (let attempt = 1; ; attempt++) {
        await page.keyboard.press('F1');
        await quickInput.waitFor({ state: 'visible' });
        // The palette starts with '>' once it is ready for typing; filling earlier can be undone.
        await waitFor(async () => ((await quickInput.inputValue()) === '>' ? true : undefined), 10_000, 'the command palette');
        const typed = await quickInput.fill(`>${title}`, { timeout: 5_000 }).then(() => true, () => false);
        if (typed && (await quickInput.isVisible()) && (await quickInput.inputValue()) === `>${title}` && (await pick(title))) break;
        if (attempt === 3) throw new Error(`the command palette closed before "${title}" could be run`);
        await widget.waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => page.keyboard.press('Escape'));
      }
      // Done when the palette has handed over: it closed, or the command's own input replaced it.
      await waitFor(
        async () => (!(await quickInput.isVisible()) || (await quickInput.inputValue()) !== `>${title}` ? true : undefined),
        10_000,
        `"${title}" to run`,
      );
    },
    async openFile(name) {
      // Done when the file's tab is the active one: a tab left open by an earlier step proves
      // nothing, and a click can land on a neighbour while the explorer re-renders after a
      // reveal, so click again until the file is in front.
      const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: name }).first();
      const active = page.locator('.tabs-container .tab.active', { hasText: name }).first();
      for (let attempt = 1; ; attempt++) {
        await row.click();
        const opened = await active.waitFor({ timeout: 5_000 }).then(() => true, () => false);
        if (opened) return;
        if (attempt === 3) throw new Error(`${name} did not become the active editor after 3 clicks in the explorer`);
      }
    },
    async showOutputChannel(name) {
      await this.runCommand('Output: Show Output Channels...');
      await quickInput.waitFor({ state: 'visible' });
      await quickInput.fill(name);
      await page.locator('.quick-input-list .monaco-list-row', { hasText: new RegExp(`^${name}$`) }).first().click();
      return page.locator('.part.panel .monaco-editor .view-lines');
    },
    statusBarItem(text) {
      return page.locator('.statusbar-item', { hasText: text });
    },
    async screenshot(name) {
      fs.mkdirSync(RESULTS_DIR, { recursive: true });
      const file = path.join(RESULTS_DIR, `${name}.png`);
      await page.screenshot({ path: file });
      return file;
    },
    readOut,
    waitForOut(file, accept, timeoutMs, what) {
      return waitFor(() => {
        const v = readOut<Parameters<typeof accept>[0]>(file);
        return v !== undefined && accept(v) ? v : undefined;
      }, timeoutMs, what);
    },
  };
}

/**
 * Runs `body` against a fresh code-server; on failure saves `<name>-failure.png` and adds the end
 * of code-server's log to the error; always stops the server and browser.
 */
export async function withCodeServer(opts: CodeServerOptions, body: (s: CodeServerSession) => Promise<void>): Promise<void> {
  const session = await startCodeServer(opts);
  try {
    await body(session);
  } catch (e) {
    await session.screenshot(`${opts.name}-failure`).catch(() => undefined);
    const err = e as Error;
    err.message += `\n--- code-server log (end) ---\n${session.log().slice(-3000)}`;
    throw err;
  } finally {
    await session.stop();
  }
}
